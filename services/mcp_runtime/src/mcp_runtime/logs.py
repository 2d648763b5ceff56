"""JSON logs on stdout: one object per line, which CloudWatch Logs Insights parses by itself."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

# The fixed event name of the per-call log line: AgentCore's own platform lines share the log
# group, so queries filter on this (see the saved Logs Insights query in the Terraform module).
TOOL_CALL_EVENT = "mcp_tool_call"
TOOL_CALL_LOGGER = "mcp_runtime.toolcall"


def configure_logging(level: str, *, stream: object = None) -> None:
    """Send every log record to ``stream`` (stdout by default) as one JSON object per line.

    In stdio mode stdout carries the protocol, so the caller passes stderr there.
    """
    handler = logging.StreamHandler(stream or sys.stdout)  # type: ignore[arg-type]
    handler.setFormatter(
        JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # FastMCP gives its logger a (rich) text handler of its own when it is imported; route it
    # through ours instead so every line stays JSON. Call this after importing fastmcp.
    fastmcp_logger = logging.getLogger("fastmcp")
    fastmcp_logger.handlers.clear()
    fastmcp_logger.propagate = True
    # The HTTP client logs every request line at INFO, with query strings: too chatty, no value.
    logging.getLogger("httpx2").setLevel(logging.WARNING)
