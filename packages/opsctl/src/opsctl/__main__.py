"""Entry point: ``python -m opsctl <command>`` (see ``opsctl.cli``)."""

from opsctl.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
