"""What the interceptor does at each point; the handler only parses, calls this and returns.

REQUEST, for every ``tools/call``: drop a client-sent caller argument, refuse a tool the caller may
not use, inject the verified caller as the ``_caller`` argument for smart-home (Lambda) targets.
For every request of a verified caller, the runtime caller header is set to the caller's own
verified access token: headers the interceptor returns take precedence over the client's, so no
client-sent copy of that header reaches any target, whichever target allowlists it.
RESPONSE, for ``tools/list``: drop the tools the caller may not use.
A missing or invalid token is refused at both points (the Gateway's authorizer refuses it first;
this is defence in depth).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gateway_contract.caller import Caller
from gateway_contract.rules import rules

from gateway_interceptor.contract import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_HEADER,
    NAME_HEADER,
    TOOLS_CALL,
    TOOLS_LIST,
    UNAUTHORIZED,
    InterceptorEvent,
    JsonObject,
    answer,
    forward,
    rpc_error,
    tool_error,
)
from gateway_interceptor.policy import Policy
from gateway_interceptor.verify import AccessTokenVerifier, KeysUnavailable, TokenRefused

log = logging.getLogger(__name__)

SIGN_IN_REFUSED = "Your sign-in was not accepted (missing, expired or not issued for this server)."
KEYS_DOWN = "Your sign-in could not be checked right now; try again in a minute."


@dataclass(frozen=True)
class Outcome:
    """The interceptor's output and what to log about it (never a token)."""

    output: JsonObject
    decision: str
    method: str | None = None
    tool: str | None = None
    sub: str | None = None


class Interceptor:
    """Both interception points for one gateway."""

    def __init__(self, verifier: AccessTokenVerifier, policy: Policy) -> None:
        self._verifier = verifier
        self._policy = policy

    def handle(self, event: Any) -> Outcome:
        """The output for one invocation (REQUEST or RESPONSE, told apart by the event)."""
        parsed = InterceptorEvent.parse(event)
        if parsed.is_response:
            return self._on_response(parsed)
        return self._on_request(parsed)

    # --- REQUEST --------------------------------------------------------------------------------

    def _on_request(self, event: InterceptorEvent) -> Outcome:
        body = event.body
        if isinstance(body, list):
            # JSON-RPC batches left MCP in 2025-06-18; one answer cannot refuse part of a batch.
            errors = [
                rpc_error(m.get("id"), INVALID_REQUEST, "Batched requests are not accepted here.")
                for m in body
                if isinstance(m, Mapping) and "id" in m
            ]
            return Outcome(answer(errors), "refused: batch")
        token = event.bearer_token()
        header = {rules().caller.runtime_header: token} if token else {}
        if not isinstance(body, Mapping):
            # Not a JSON-RPC message; still nobody's but a verified caller's, with their header.
            try:
                self._verifier.caller(token)
            except TokenRefused as exc:
                return Outcome(answer(None, status=401), f"refused: {exc.reason}")
            return Outcome(forward(body, header), "forwarded: no JSON-RPC message")
        method = body.get("method")
        method = method if isinstance(method, str) else None
        try:
            caller = self._verifier.caller(token)
        except TokenRefused as exc:
            return self._refuse_unverified(body, method, exc, tagged=event.tags_results)
        mismatch = _header_mismatch(event.headers, body, method)
        if mismatch is not None:
            return Outcome(answer(_invalid(body, mismatch)), "refused: header mismatch", method)
        if method != TOOLS_CALL:
            if method is not None and _fold(method) == TOOLS_CALL:
                # "Tools/Call", "tools/call " …: no lenient router may see an unchecked call.
                error = _invalid(body, "Unknown method; tool calls use tools/call exactly.")
                return Outcome(answer(error), "refused: method look-alike", method, sub=caller.sub)
            return Outcome(forward(_without_caller(body), header), "forwarded", method, caller.sub)
        return self._tool_call(body, caller, header, tagged=event.tags_results)

    def _tool_call(
        self, body: Mapping[str, Any], caller: Caller, header: Mapping[str, str], *, tagged: bool
    ) -> Outcome:
        params = body.get("params")
        params = dict(params) if isinstance(params, Mapping) else {}
        name = params.get("name")
        tool = name if isinstance(name, str) else ""
        arguments = params.get("arguments")
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, Mapping):
            error = _invalid(body, "Tool arguments must be a JSON object.")
            return Outcome(answer(error), "refused: arguments", TOOLS_CALL, tool, caller.sub)
        arguments = _drop_caller(arguments)
        if not self._policy.well_formed(tool):
            error = _invalid(body, f"Unknown tool {tool[:80]!r}.")
            return Outcome(answer(error), "refused: tool name", TOOLS_CALL, tool, caller.sub)
        refusal = self._policy.refusal(caller, tool)
        if refusal is not None:
            result = tool_error(body.get("id"), refusal, tagged=tagged)
            return Outcome(answer(result), "refused: not allowed", TOOLS_CALL, tool, caller.sub)
        if self._policy.is_home_tool(tool):
            arguments[rules().caller.argument] = caller.as_argument()
        params["arguments"] = arguments
        forwarded = {**body, "params": params}
        return Outcome(forward(forwarded, header), "forwarded", TOOLS_CALL, tool, caller.sub)

    def _refuse_unverified(
        self, body: Mapping[str, Any], method: str | None, exc: TokenRefused, *, tagged: bool
    ) -> Outcome:
        if isinstance(exc, KeysUnavailable):
            log.warning("signing keys unavailable: %s", exc.reason)
            text = KEYS_DOWN
        else:
            text = SIGN_IN_REFUSED
        decision = f"refused: {exc.reason}"
        if "id" not in body:
            # A notification has no answer to carry a refusal and reaches no tool.
            return Outcome(answer(None, status=202), decision, method)
        if method == TOOLS_CALL:
            return Outcome(answer(tool_error(body["id"], text, tagged=tagged)), decision, method)
        return Outcome(answer(rpc_error(body["id"], UNAUTHORIZED, text)), decision, method)

    # --- RESPONSE -------------------------------------------------------------------------------

    def _on_response(self, event: InterceptorEvent) -> Outcome:
        response = event.response or {}
        request = event.body if isinstance(event.body, Mapping) else {}
        method = request.get("method") if isinstance(request.get("method"), str) else None
        unchanged = _echo(response)
        if method != TOOLS_LIST:
            return Outcome(unchanged, "passed", method)
        raw = response.get("body")
        # A streamed answer may come as text (JSON, or SSE `data:` lines): filter it all the same.
        body, render = _as_message(raw)
        result = body.get("result") if isinstance(body, Mapping) else None
        tools = result.get("tools") if isinstance(result, Mapping) else None
        if not (
            isinstance(body, Mapping) and isinstance(result, Mapping) and isinstance(tools, list)
        ):
            return Outcome(unchanged, "passed: no tool list", method)
        try:
            caller = self._verifier.caller(event.bearer_token())
        except TokenRefused as exc:
            text = KEYS_DOWN if isinstance(exc, KeysUnavailable) else SIGN_IN_REFUSED
            refused = rpc_error(body.get("id"), UNAUTHORIZED, text)
            return Outcome(_echo(response, refused), f"refused: {exc.reason}", method)
        shown = [
            t
            for t in tools
            if isinstance(t, Mapping) and self._policy.visible(caller, str(t.get("name", "")))
        ]
        filtered = {**body, "result": {**result, "tools": shown}}
        decision = f"filtered: {len(tools) - len(shown)} of {len(tools)} hidden"
        return Outcome(_echo(response, render(filtered)), decision, method, sub=caller.sub)


def _as_is(message: Any) -> Any:
    return message


def _as_message(raw: Any) -> tuple[Any, Callable[[Any], Any]]:
    """The JSON-RPC message in a response body, and how to write a changed one back alike."""
    if not isinstance(raw, str):
        return raw, _as_is
    text = raw.strip()
    if text.startswith("{"):
        try:
            return json.loads(text), json.dumps
        except ValueError:
            return raw, _as_is
    lines = text.splitlines()
    data = [i for i, line in enumerate(lines) if line.startswith("data:")]
    if len(data) != 1:
        return raw, _as_is
    try:
        message = json.loads(lines[data[0]][len("data:") :])
    except ValueError:
        return raw, _as_is

    def render(changed: Any) -> str:
        out = [*lines[: data[0]], f"data: {json.dumps(changed)}", *lines[data[0] + 1 :]]
        return "\n".join(out) + "\n\n"

    return message, render


def _fold(text: str) -> str:
    """``text`` as a lenient matcher might read it: no spaces or control characters, any case."""
    return "".join(c for c in text if c.isprintable() and not c.isspace()).casefold()


def _invalid(body: Mapping[str, Any], text: str) -> JsonObject:
    return rpc_error(body.get("id"), INVALID_PARAMS, text)


def _header_mismatch(
    headers: Mapping[str, str], body: Mapping[str, Any], method: str | None
) -> str | None:
    """Why the method/name headers contradict the body (a router may read either), or None."""
    said = headers.get(METHOD_HEADER)
    if said is not None and said != method:
        return "The Mcp-Method header does not match the request's method."
    name = headers.get(NAME_HEADER)
    if name is None or method != TOOLS_CALL:
        return None  # other methods name other things (a resource's URI, a prompt)
    params = body.get("params")
    in_body = params.get("name") if isinstance(params, Mapping) else None
    if name != in_body:
        return "The Mcp-Name header does not match the request's tool name."
    return None


def _drop_caller(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Identity only ever comes from the verified token: a client's caller value is dropped."""
    return {k: v for k, v in arguments.items() if k != rules().caller.argument}


def _without_caller(body: Mapping[str, Any]) -> Any:
    """``body`` without a client-sent caller argument, whatever the method says."""
    params = body.get("params")
    arguments = params.get("arguments") if isinstance(params, Mapping) else None
    if not (isinstance(arguments, Mapping) and rules().caller.argument in arguments):
        return body
    return {**body, "params": {**params, "arguments": _drop_caller(arguments)}}  # type: ignore[dict-item]


def _echo(response: Mapping[str, Any], body: Any = None) -> JsonObject:
    """The response as it came (or with ``body`` replaced), keeping status and headers."""
    status = response.get("statusCode")
    headers = response.get("headers")
    out_body = response.get("body") if body is None else body
    output = answer(out_body, status if isinstance(status, int) else 200)
    transformed = output["mcp"]["transformedGatewayResponse"]
    if isinstance(headers, Mapping):
        transformed["headers"] = dict(headers)
    if status is None:
        # A later event of a streamed response: its status line is already sent.
        del transformed["statusCode"]
    return output
