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

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway_contract.caller import Caller
from gateway_contract.rules import rules

from gateway_interceptor.contract import (
    INVALID_REQUEST,
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
        if not isinstance(body, Mapping):
            return Outcome(forward(body), "forwarded: no JSON-RPC message")
        method = body.get("method")
        method = method if isinstance(method, str) else None
        token = event.bearer_token()
        try:
            caller = self._verifier.caller(token)
        except TokenRefused as exc:
            return self._refuse_unverified(body, method, exc, tagged=event.tags_results)
        header = {rules().caller.runtime_header: token} if token else {}
        if method != TOOLS_CALL:
            return Outcome(forward(body, header), "forwarded", method, sub=caller.sub)
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
        if isinstance(arguments, Mapping):
            # Identity only ever comes from the verified token: a client's value is dropped.
            arguments = {k: v for k, v in arguments.items() if k != rules().caller.argument}
        refusal = self._policy.refusal(caller, tool)
        if refusal is not None:
            result = tool_error(body.get("id"), refusal, tagged=tagged)
            return Outcome(answer(result), "refused: not allowed", TOOLS_CALL, tool, caller.sub)
        if self._policy.is_home_tool(tool) and isinstance(arguments, dict):
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
        body = response.get("body")
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
        return Outcome(_echo(response, filtered), decision, method, sub=caller.sub)


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
