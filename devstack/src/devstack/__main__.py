"""``python -m devstack up``: run the whole system in the foreground until Ctrl-C.

Exit codes: 0 after a clean stop, 1 when something failed to start or died, 2 for bad settings
or a port that is taken.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from pydantic import ValidationError

WATCH_INTERVAL_S = 0.5


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start everything, print the endpoints, stop on Ctrl-C")
    return parser


def _up() -> int:
    from devstack.iot_core.broker import BrokerError
    from devstack.supervisor.endpoints import summary, write_files
    from devstack.supervisor.ports import PortInUse
    from devstack.supervisor.process import StartError, tail
    from devstack.supervisor.settings import StackSettings
    from devstack.supervisor.stack import Stack

    try:
        settings = StackSettings()
    except ValidationError as exc:
        print(f"devstack: invalid DEVSTACK_* settings:\n{exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    stack = Stack(settings)
    try:
        endpoints = stack.start()
    except PortInUse as exc:
        print(f"devstack: {exc}", file=sys.stderr)
        return 2
    except (StartError, BrokerError) as exc:
        # Whatever had started is stopped again by Stack.start before this is reported.
        print(f"devstack: {exc}", file=sys.stderr)
        return 1
    try:
        print(summary(endpoints, write_files(stack.state_dir, endpoints)), flush=True)
        code = 0
        while not stop.wait(WATCH_INTERVAL_S):
            if dead := stack.exited():
                for child in dead:
                    print(
                        f"devstack: {child.name} exited with code {child.exit_code()}; stopping "
                        f"everything. Last lines of {child.log_file}:\n{tail(child.log_file)}",
                        file=sys.stderr,
                    )
                code = 1
                break
    finally:
        print("devstack: stopping…", file=sys.stderr, flush=True)
        stack.stop()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s devstack %(message)s")
    if args.command == "up":
        return _up()
    return 2


if __name__ == "__main__":
    sys.exit(main())
