"""Middleware around every tool call: one log line, clear refusals, and the writers' gate."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Collection

import mcp_types as mt
from fastmcp.exceptions import ToolError
from fastmcp.exceptions import ValidationError as FastMCPValidationError
from fastmcp.server.dependencies import get_http_headers
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext
from fastmcp.tools import ToolResult
from pydantic import ValidationError

from mcp_runtime.callinfo import tracking_call
from mcp_runtime.identity import Identity
from mcp_runtime.logs import TOOL_CALL_EVENT, TOOL_CALL_LOGGER
from mcp_runtime.refusals import InvalidInput, describe
from mcp_runtime.tools.common import WRITERS_ONLY

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
            except InvalidInput as exc:
                outcome, error = "invalid_input", str(exc)
                raise
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
                if info.write_outcome == "unknown":
                    # Neither ok nor failed: the one outcome a reader of the log must not guess.
                    outcome = "unknown"
                log.info(
                    TOOL_CALL_EVENT,
                    extra={
                        "event": TOOL_CALL_EVENT,
                        "tool": context.message.name,
                        "outcome": outcome,
                        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                        "upstream_status": info.upstream_status,
                        "upstream_calls": len(info.attempts),
                        "upstream": [a.as_log() for a in info.attempts],
                        "pacing_wait_ms": info.pacing_wait_ms,
                        "write_outcome": info.write_outcome,
                        "request_id": request_id,
                        "session_id": session_id,
                        "subject": info.subject,
                        "via": info.via,
                        "error": error,
                    },
                )


class ClearRefusals(Middleware):
    """Answers invalid arguments with a sentence naming the field and what it takes.

    FastMCP raises its ``ValidationError`` (cause: pydantic's) from the tool's argument
    validation (``FunctionTool._run_body``) and would send pydantic's text as the result
    (``MCPOperationsMixin._on_call_tool``); this is the one place between the two.
    """

    async def on_call_tool(
        self,
        context: MiddlewareContext[mt.CallToolRequestParams],
        call_next: CallNext[mt.CallToolRequestParams, ToolResult],
    ) -> ToolResult:
        try:
            return await call_next(context)
        except FastMCPValidationError as exc:
            cause = exc.__cause__
            server = context.fastmcp_context.fastmcp if context.fastmcp_context else None
            tool = await server.get_tool(context.message.name) if server else None
            if not isinstance(cause, ValidationError) or tool is None:
                raise InvalidInput("The arguments do not fit this tool's input schema.") from None
            raise InvalidInput(describe(cause.errors(), tool.parameters)) from None


class WriterGate(Middleware):
    """Refuses a write tool to a non-writer in words, before FastMCP's component check would
    answer "Unknown tool" (``FastMCP._component_auth_allows`` hides it; the tool's own
    ``WRITER_API`` dependency checks a third time)."""

    def __init__(self, identity: Identity, write_tools: Collection[str]) -> None:
        self._identity = identity
        self._write_tools = frozenset(write_tools)

    async def on_call_tool(
        self,
        context: MiddlewareContext[mt.CallToolRequestParams],
        call_next: CallNext[mt.CallToolRequestParams, ToolResult],
    ) -> ToolResult:
        if context.message.name in self._write_tools:
            identified = await self._identity.identify()
            if identified.refusal is not None:
                raise ToolError(identified.refusal, log_level=logging.INFO)
            if not await self._identity.may_write():
                raise ToolError(WRITERS_ONLY, log_level=logging.INFO)
        return await call_next(context)
