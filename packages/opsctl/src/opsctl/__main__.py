"""Entry point: ``python -m opsctl <command>`` (filled in by the identity issue)."""

import sys


def main() -> int:
    print("opsctl: no commands yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
