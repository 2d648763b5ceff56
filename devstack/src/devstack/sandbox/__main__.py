"""`python -m devstack.sandbox`: serve the sandbox accounting API."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import uvicorn

from devstack.sandbox.app import API_PREFIX, create_app
from devstack.sandbox.organisations import InvalidTokenSpec
from devstack.sandbox.settings import SandboxSettings


def main(argv: Sequence[str] | None = None) -> int:
    """Parse flags over the environment's settings and serve until interrupted."""
    defaults = SandboxSettings()
    parser = argparse.ArgumentParser(prog="python -m devstack.sandbox", description=__doc__)
    parser.add_argument("--host", default=defaults.host)
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument(
        "--db", type=Path, default=defaults.db, help="created and seeded if missing"
    )
    parser.add_argument(
        "--token",
        action="append",
        dest="tokens",
        help=(
            "an accepted API token, optionally TOKEN=ORGANISATION for an organisation with its "
            "own data (repeatable; default: SANDBOX_API_TOKENS, comma-separated)"
        ),
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        default=defaults.faults,
        help="enable POST/DELETE /_sandbox/faults (dev and tests only)",
    )
    args = parser.parse_args(argv)
    tokens = args.tokens or defaults.api_tokens
    if not tokens:
        print("error: no API token; pass --token or set SANDBOX_API_TOKENS", file=sys.stderr)
        return 2
    try:
        app = create_app(args.db, tokens, faults=args.faults)
    except InvalidTokenSpec as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"sandbox accounting API on http://{args.host}:{args.port}{API_PREFIX}", flush=True)
    # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the handler
    # that was installed before it; this one turns that stop (or an earlier one) into exit 0.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, _stopped)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", lifespan="off")
    return 0


def _stopped(signum: int, frame: FrameType | None) -> None:
    """A stop signal outside uvicorn's own handling: end the process normally."""
    print(f"sandbox stopped ({signal.Signals(signum).name})", flush=True)
    raise SystemExit(0)


if __name__ == "__main__":
    sys.exit(main())
