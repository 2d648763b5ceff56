"""The interceptor at the point AgentCore runs it: around every MCP request on the endpoint.

An ASGI middleware inside the bearer-token check (as the cloud Gateway's authorizer runs before
its interceptors) and in front of the MCP handler. Per HTTP request it builds the event AgentCore
sends, invokes the real interceptor handler (``gateway_interceptor.handler.handler``) as a local
Lambda function, and applies its output; then it does the same with the response.

Event and output shapes (source: AgentCore developer guide, "Types of interceptors",
https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-interceptors-types.html,
and "Header propagation with Gateway", .../gateway-headers.html):

- REQUEST input ``{"interceptorInputVersion": "1.0", "mcp": {"rawGatewayRequest": {"body": <raw
  text>}, "gatewayRequest": {"path": "/mcp", "httpMethod": "POST", "headers": {...},
  "body": <JSON-RPC>}}}``; ``headers`` because Terraform sets ``pass_request_headers = true``.
- REQUEST output ``transformedGatewayRequest`` (``body``, ``headers`` merged over the client's,
  the interceptor's taking precedence) or ``transformedGatewayResponse`` (answered at once;
  the RESPONSE interceptor still runs on it).
- RESPONSE input: the same ``gatewayRequest`` (the original request) plus ``gatewayResponse``
  ``{"statusCode", "headers", "body"}``; output ``transformedGatewayResponse``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from devstack.gateway.lambda_target import InvocationFailed, LambdaFunction

log = logging.getLogger(__name__)

INPUT_VERSION = "1.0"
INTERNAL_ERROR = -32603


@dataclass
class HttpAnswer:
    """A complete HTTP response: status, headers (lower-case names), body bytes."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def json(self) -> Any:
        """The body as JSON, or ``None`` when it is empty or not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def header_map(self) -> dict[str, str]:
        return _joined(self.headers)

    async def send(self, send: Send) -> None:
        headers = [(k, v) for k, v in self.headers if k != "content-length"]
        headers.append(("content-length", str(len(self.body))))
        await send(
            {
                "type": "http.response.start",
                "status": self.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
            }
        )
        await send({"type": "http.response.body", "body": self.body})


def _joined(pairs: list[tuple[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in pairs:
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


def _merge(pairs: list[tuple[str, str]], overrides: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``pairs`` with each header named in ``overrides`` replaced (names compared lower-case)."""
    replaced = {str(k).lower(): str(v) for k, v in overrides.items() if v is not None}
    return [(k, v) for k, v in pairs if k not in replaced] + list(replaced.items())


def _json_answer(
    body: Any, status: int, headers: list[tuple[str, str]] | None = None
) -> HttpAnswer:
    encoded = b"" if body is None else json.dumps(body).encode()
    base = [(k, v) for k, v in (headers or []) if k not in ("content-type", "content-length")]
    if body is not None:
        base.append(("content-type", "application/json"))
    return HttpAnswer(status, base, encoded)


class InterceptorMiddleware:
    """Runs ``function`` (the interceptor Lambda) at the REQUEST and RESPONSE points."""

    def __init__(self, app: ASGIApp, *, function: LambdaFunction, path: str) -> None:
        self.app = app
        self.function = function
        self.path = path.rstrip("/") or "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._intercepted(scope):
            await self.app(scope, receive, send)
            return
        raw = await _read_body(receive)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        try:
            body = json.loads(raw)
        except ValueError:
            # Not JSON: the MCP handler answers the parse error, as it would in the cloud.
            await self.app(scope, _replay(raw, receive), send)
            return
        request = {
            "path": self.path,
            "httpMethod": scope["method"],
            "headers": _joined(headers),
            "body": body,
        }
        event = {
            "interceptorInputVersion": INPUT_VERSION,
            "mcp": {"rawGatewayRequest": {"body": raw.decode("utf-8", "replace")},
                    "gatewayRequest": request},
        }  # fmt: skip
        try:
            answer = await self._request_point(event, scope, headers, receive)
            answer = await self._response_point(event, answer)
        except InvocationFailed as exc:
            log.error("interceptor failed: %s", exc)
            message_id = body.get("id") if isinstance(body, dict) else None
            error = {"code": INTERNAL_ERROR, "message": "The gateway's interceptor failed."}
            answer = _json_answer({"jsonrpc": "2.0", "id": message_id, "error": error}, 500)
        await answer.send(send)

    def _intercepted(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "POST":
            return False
        if (scope["path"].rstrip("/") or "/") != self.path:
            return False
        # Unauthenticated requests never reach the interceptor: the bearer check answers them
        # (401 with WWW-Authenticate), as the cloud Gateway's authorizer does.
        user = scope.get("user")
        return bool(getattr(user, "is_authenticated", False))

    async def _invoke(self, event: dict[str, Any]) -> Mapping[str, Any]:
        output = await self.function.invoke(event, self.function.context())
        if not isinstance(output, Mapping) or output.get("interceptorOutputVersion") != "1.0":
            raise InvocationFailed("the interceptor's output is not version 1.0")
        mcp = output.get("mcp")
        return mcp if isinstance(mcp, Mapping) else {}

    async def _request_point(
        self,
        event: dict[str, Any],
        scope: Scope,
        headers: list[tuple[str, str]],
        receive: Receive,
    ) -> HttpAnswer:
        mcp = await self._invoke(event)
        short_circuit = mcp.get("transformedGatewayResponse")
        if isinstance(short_circuit, Mapping):
            return _json_answer(
                short_circuit.get("body"), int(short_circuit.get("statusCode", 200))
            )
        transformed = mcp.get("transformedGatewayRequest")
        transformed = transformed if isinstance(transformed, Mapping) else {}
        body = transformed.get("body", event["mcp"]["gatewayRequest"]["body"])
        extra = transformed.get("headers")
        new_headers = _merge(headers, extra if isinstance(extra, Mapping) else {})
        encoded = json.dumps(body).encode()
        new_headers = [(k, v) for k, v in new_headers if k != "content-length"]
        new_headers.append(("content-length", str(len(encoded))))
        inner = dict(scope)
        inner["headers"] = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in new_headers]
        return await _capture(self.app, inner, _replay(encoded, receive))

    async def _response_point(self, event: dict[str, Any], answer: HttpAnswer) -> HttpAnswer:
        body = answer.json()
        if body is None:
            # Nothing to intercept (an accepted notification: 202, no body).
            return answer
        response = {"statusCode": answer.status, "headers": answer.header_map(), "body": body}
        mcp = await self._invoke({**event, "mcp": {**event["mcp"], "gatewayResponse": response}})
        transformed = mcp.get("transformedGatewayResponse")
        if not isinstance(transformed, Mapping):
            return answer
        new_body = transformed.get("body")
        status = int(transformed.get("statusCode") or answer.status)
        extra = transformed.get("headers")
        headers = _merge(answer.headers, extra if isinstance(extra, Mapping) else {})
        return _json_answer(body if new_body is None else new_body, status, headers)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields ``body`` once, then waits for the real client's disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> HttpAnswer:
    answer = HttpAnswer(500)
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = int(message["status"])
            answer.headers = [
                (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in message["headers"]
            ]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    answer.body = b"".join(chunks)
    return answer
