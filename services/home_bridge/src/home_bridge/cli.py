"""``python -m home_bridge``: run the bridge, make keys and CSRs, promote a rotated certificate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from home_bridge import keys
from home_bridge.app import run_bridge
from home_bridge.settings import BridgeSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="home-bridge", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="connect to IoT Core and serve the configured devices")
    run.add_argument("--config", type=Path, required=True, help="TOML configuration file")
    run.add_argument("--log-level", default="INFO")

    keygen = sub.add_parser("keygen", help="create the private key (stays here) and a CSR")
    keygen.add_argument("--dir", type=Path, required=True, help="key directory")
    keygen.add_argument("--thing", required=True, help="the thing name (certificate CN)")
    keygen.add_argument(
        "--next", action="store_true", help="make next.key/next.csr for a certificate rotation"
    )

    rotate = sub.add_parser("rotate", help="promote next.key/next.crt to bridge.key/bridge.crt")
    rotate.add_argument("--dir", type=Path, required=True, help="key directory")
    return parser


async def _run(config: Path) -> None:
    settings = BridgeSettings.from_file(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await run_bridge(settings, stop)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "run":
        logging.basicConfig(
            level=args.log_level.upper(),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        asyncio.run(_run(args.config))
        return 0
    try:
        if args.command == "keygen":
            slot = keys.NEXT if args.next else keys.CURRENT
            csr = keys.generate(args.dir, args.thing, slot=slot)
            sys.stdout.write(csr.read_text())
            sys.stderr.write(f"CSR written to {csr}; the private key stays in {args.dir}\n")
        elif args.command == "rotate":
            keys.rotate(args.dir)
            sys.stderr.write("rotated: restart the bridge to connect with the new certificate\n")
    except keys.KeyFileError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    return 0
