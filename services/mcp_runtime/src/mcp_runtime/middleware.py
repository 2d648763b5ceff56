"""One structured log line per tool call: tool, outcome, latency, upstream status, ids, subject."""

from __future__ import annotations

import logging
import time
import uuid

import mcp_types as mt
from fastmcp.exceptions import ToolError
from fastmcp.exceptions import ValidationError as FastMCPValidationError
from fastmcp.server.dependencies import get_http_headers
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext
from fastmcp.tools import ToolResult
from pydantic import ValidationError

from mcp_runtime.callinfo import tracking_call
from mcp_runtime.logs import TOOL_CALL_EVENT, TOOL_CALL_LOGGER

log = logging.getLogger(TOOL_CALL_LOGGER)

# Headers that identify the caller's session on AgentCore (and in plain streamable HTTP).
SESSION_HEADERS = ("x-amzn-bedrock-agentcore-runtime-session-id", "mcp-session-id")


class ToolCallLogging(Middleware):
    """Logs every tool call once, at its end, whatever its outcome; never arguments or tokens."""

    async def on_call_tool(
        self,
        context: MiddlewareContext[mt.CallToolRequestParams],
        call_next: CallNext[mt.CallToolRequestParams, ToolResult],
    ) -> ToolResult:
        headers = get_http_headers(include={"mcp-session-id"})
        session_id = next((headers[h] for h in SESSION_HEADERS if h in headers), None)
        request_id = uuid.uuid4().hex
        started = time.perf_counter()
        outcome, error = "ok", None
        with tracking_call() as info:
            try:
                result = await call_next(context)
                if result.is_error:
                    outcome = "error"
                return result
            except ToolError as exc:
                outcome, error = "error", str(exc)
                raise
            except (ValidationError, FastMCPValidationError):
                outcome = "invalid_input"
                raise
            except Exception:
                outcome = "failed"
                raise
            finally:
                log.info(
                    TOOL_CALL_EVENT,
                    extra={
                        "event": TOOL_CALL_EVENT,
                        "tool": context.message.name,
                        "outcome": outcome,
                        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                        "upstream_status": info.upstream_status,
                        "upstream_calls": info.upstream_calls,
                        "request_id": request_id,
                        "session_id": session_id,
                        "subject": info.subject,
                        "error": error,
                    },
                )
