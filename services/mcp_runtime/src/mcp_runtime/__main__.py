"""Entry point: ``python -m mcp_runtime [--transport stdio|http] [--host H] [--port P]``.

Also installed as the ``mcp-runtime`` console script.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="mcp-runtime", description="Accounting MCP server (settings: MCP_RUNTIME_* env vars)."
    )
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument(
        "--host", default="127.0.0.1", help="HTTP bind address (the container passes 0.0.0.0)."
    )
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (AgentCore uses 8000).")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse settings, configure logging, serve until stopped."""
    args = _args(argv)
    # Imported after parsing so that `--help` and bad flags answer without loading FastMCP.
    from mcp_runtime.logs import configure_logging
    from mcp_runtime.server import create_app, create_server
    from mcp_runtime.settings import RuntimeSettings

    try:
        settings = RuntimeSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        print(f"mcp-runtime: invalid settings: {problems}", file=sys.stderr)
        return 2
    # stdout is the protocol channel in stdio mode, so logs go to stderr there.
    configure_logging(settings.log_level, stream=sys.stderr if args.transport == "stdio" else None)

    if args.transport == "stdio":
        create_server(settings).run(transport="stdio", show_banner=False)
        return 0

    import uvicorn

    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
