"""Clear answers on the local gateway's API-backed targets (issue 18).

- OpenAPI target: the arguments are checked against the operation's input schema before any
  request is built, so a wrong type, a missing path parameter or an unknown argument gets a
  refusal that names the field, and nothing reaches the API.
- OpenAPI and runtime targets: a failed upstream call (unreachable, timed out, an HTTP error
  answer) becomes a plain sentence; the Python exception stays in the gateway's log.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

import httpx2
import mcp_types as mt
from fastmcp.exceptions import ToolError
from fastmcp.server.middleware import CallNext, Middleware, MiddlewareContext
from fastmcp.tools.base import Tool, ToolResult
from gateway_contract.rules import split_tool_name
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

log = logging.getLogger(__name__)

MAX_ANSWER = 300
_JSON_TYPES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _field(error: SchemaError) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    return path or "arguments"


def describe(error: SchemaError) -> str:
    """One schema violation in words: the field and what is allowed, never a class name."""
    where, rule, expected = _field(error), error.validator, error.validator_value
    names = list(expected) if isinstance(expected, list) else []
    if rule == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        missing = [n for n in names if n not in present]
        return f"{', '.join(map(repr, missing))} is required"
    if rule == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = set((schema.get("properties") or {}).keys())
        extra = sorted(k for k in error.instance if k not in allowed)
        return f"unknown argument {', '.join(map(repr, extra))}"
    if rule == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(_JSON_TYPES.get(str(k), str(k)) for k in kinds)
        return f"{where} must be {wanted} (got {_short(error.instance)})"
    if rule == "enum":
        return f"{where} must be one of {', '.join(map(repr, names))}"
    bounds = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "more than",
        "exclusiveMaximum": "less than",
        "minLength": "at least this many characters:",
        "maxLength": "at most this many characters:",
        "minItems": "at least this many items:",
        "maxItems": "at most this many items:",
    }
    if rule in bounds:
        return f"{where} must be {bounds[str(rule)]} {expected}"
    if rule == "pattern":
        return f"{where} must match {expected}"
    if rule == "format":
        return f"{where} must be a valid {expected}"
    return f"{where} is not allowed here"


def argument_problems(schema: dict[str, Any], arguments: dict[str, Any]) -> list[str]:
    """Every violation of ``schema`` by ``arguments``, in field order.

    An argument the operation does not define is refused too (the generated schemas leave
    ``additionalProperties`` open): it would be dropped silently, and the caller would believe
    a filter applied that never did.
    """
    if schema.get("type") == "object" and "additionalProperties" not in schema:
        schema = {**schema, "additionalProperties": False}
    # Formats are checked too (date-time, date): the API would otherwise answer a bad date itself.
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors: Iterator[SchemaError] = validator.iter_errors(arguments)
    return [describe(e) for e in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])]


def refusal(tool: str, problems: list[str]) -> str:
    """The answer for bad arguments, at most :data:`MAX_ANSWER` characters."""
    text = f"Invalid arguments for {split_tool_name(tool)[1]}: {'; '.join(problems)}."
    return text if len(text) <= MAX_ANSWER else text[: MAX_ANSWER - 3] + "..."


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def upstream_answer(exc: BaseException, service: str) -> str | None:
    """A plain sentence for a failed upstream call, or ``None`` when it was not one."""
    for cause in _causes(exc):
        if isinstance(cause, httpx2.HTTPStatusError):
            status = cause.response.status_code
            if status in (401, 403):
                return f"{service} refused the gateway's credentials (HTTP {status})."
            if status == 404:
                return f"{service} has no such item (HTTP 404)."
            if status == 429:
                return f"{service} is busy (HTTP 429); try again in a minute."
            if status >= 500:
                return f"{service} failed (HTTP {status}); try again shortly."
            return f"{service} refused the request (HTTP {status})."
        if isinstance(cause, httpx2.TimeoutException | TimeoutError) or "timed out" in str(cause):
            return f"{service} did not answer in time; try again shortly."
        if isinstance(cause, httpx2.HTTPError | ConnectionError) or "Request error" in str(cause):
            return f"{service} could not be reached; try again shortly."
    return None


class TargetGuard(Middleware):
    """Argument checks for the OpenAPI target, plain upstream errors for both API targets."""

    def __init__(
        self, *, openapi_targets: Collection[str], runtime_targets: Collection[str]
    ) -> None:
        self._openapi = frozenset(openapi_targets)
        self._runtime = frozenset(runtime_targets)

    async def on_call_tool(
        self,
        context: MiddlewareContext[mt.CallToolRequestParams],
        call_next: CallNext[mt.CallToolRequestParams, ToolResult],
    ) -> ToolResult:
        name = context.message.name
        target = split_tool_name(name)[0]
        if target in self._openapi:
            await self._check_arguments(context, name)
        try:
            return await call_next(context)
        except ToolError as exc:
            service = (
                "The accounting API"
                if target in self._openapi
                else "The accounting service"
                if target in self._runtime
                else None
            )
            answer = upstream_answer(exc, service) if service else None
            if answer is None:
                raise
            log.warning("%s failed upstream: %s", name, exc)
            raise ToolError(answer) from None

    async def _check_arguments(
        self, context: MiddlewareContext[mt.CallToolRequestParams], name: str
    ) -> None:
        if context.fastmcp_context is None:
            return
        tool = await context.fastmcp_context.fastmcp.get_tool(name)
        if tool is None:
            return
        arguments = context.message.arguments or {}
        problems = argument_problems(tool.parameters, dict(arguments))
        if problems:
            raise ToolError(refusal(name, problems))


class SchemaIndex(Middleware):
    """Each listed tool's input schema by name, for the MCP SDK's per-call schema lookup.

    The SDK (mcp 2.3.0, ``_mcp_param_rejection``) checks a ``tools/call``'s ``Mcp-Param-*``
    headers against the tool's schema; without ``Server.get_tool_input_schema`` it runs a whole
    ``tools/list`` before every call, here one round trip to the runtime each time (~35 ms). A
    tool not listed yet answers ``None``: the SDK then has no declared header to check, as for a
    tool without ``x-mcp-header`` annotations (none of ours has one).
    """

    def __init__(self) -> None:
        self._schemas: dict[str, Mapping[str, Any]] = {}

    def lookup(self, name: str) -> Mapping[str, Any] | None:
        return self._schemas.get(name)

    async def on_list_tools(
        self,
        context: MiddlewareContext[mt.ListToolsRequest],
        call_next: CallNext[mt.ListToolsRequest, Sequence[Tool]],
    ) -> Sequence[Tool]:
        tools = await call_next(context)
        self._schemas.update({tool.name: tool.parameters for tool in tools})
        return tools
