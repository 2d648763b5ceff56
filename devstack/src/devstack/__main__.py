"""``python -m devstack up`` runs the whole system in the foreground until Ctrl-C;
``python -m devstack token --user U --groups G1,G2`` prints an access token for any local user.

Exit codes: 0 after a clean stop, 1 when something failed to start or kept crashing, 2 for bad
settings or a port that is taken.
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
    token = sub.add_parser(
        "token",
        help="print an access token of the local user pool (works with the stack down)",
        description=(
            "An access token shaped like Cognito's for an interactive client: username, a stable "
            "sub (uuid5 of the name), token_use=access, client_id, iat/exp, cognito:groups. "
            "The raw JWT is the last line of the output."
        ),
    )
    token.add_argument("--user", required=True, help="the user name (e.g. alice)")
    token.add_argument(
        "--groups",
        default="",
        help='comma-separated groups, e.g. home-devstack-home,accounting-writers ("" for none)',
    )
    token.add_argument(
        "--ttl-seconds", type=int, default=12 * 3600, help="lifetime (default 12 hours)"
    )
    return parser


def _settings() -> object:
    from devstack.supervisor.settings import StackSettings

    try:
        return StackSettings()
    except ValidationError as exc:
        print(f"devstack: invalid DEVSTACK_* settings:\n{exc}", file=sys.stderr)
        return None


def _token(user: str, groups: str, ttl_s: int) -> int:
    from devstack.gateway.auth import LocalIssuer, user_sub
    from devstack.supervisor.settings import StackSettings

    settings = _settings()
    if not isinstance(settings, StackSettings):
        return 2
    names = [g.strip() for g in groups.split(",") if g.strip()]
    if not user.strip() or ttl_s <= 0:
        print(
            "devstack token: --user must not be empty, --ttl-seconds must be > 0", file=sys.stderr
        )
        return 2
    issuer = LocalIssuer.load_or_create(settings.gateway_state_dir)
    print(f"# {user}: sub {user_sub(user)}, groups {','.join(names) or '(none)'}", file=sys.stderr)
    print(issuer.user_token(user, names, ttl_s=ttl_s))
    return 0


def _up() -> int:
    from devstack.iot_core.broker import BrokerError
    from devstack.supervisor.endpoints import summary, write_files
    from devstack.supervisor.ports import PortInUse
    from devstack.supervisor.process import StartError
    from devstack.supervisor.settings import StackSettings
    from devstack.supervisor.stack import Stack
    from devstack.supervisor.watch import GaveUp

    settings = _settings()
    if not isinstance(settings, StackSettings):
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
    code = 0
    try:
        print(summary(endpoints, write_files(stack.state_dir, endpoints)), flush=True)
        stack.supervisor.run(stop, WATCH_INTERVAL_S)
    except GaveUp as exc:
        print(f"devstack: {exc}", file=sys.stderr)
        code = 1
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
    if args.command == "token":
        return _token(args.user, args.groups, args.ttl_seconds)
    return 2


if __name__ == "__main__":
    sys.exit(main())
