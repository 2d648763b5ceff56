"""The AgentCore Gateway interceptor contract for MCP targets, version 1.0.

Source: AgentCore developer guide, "Types of interceptors" (gateway-interceptors-types) and
"Header propagation with Gateway" (gateway-headers):

- input ``{"interceptorInputVersion": "1.0", "mcp": {"rawGatewayRequest": {"body": str},
  "gatewayRequest": {"path", "httpMethod", "headers"?, "body": {JSON-RPC}}, "gatewayResponse"?:
  {"statusCode", "headers", "body", "isStreamingResponse"?}}}``; ``headers`` only with
  ``passRequestHeaders``; a RESPONSE interceptor gets the original request and the response;
- output ``{"interceptorOutputVersion": "1.0", "mcp": {"transformedGatewayRequest": {"headers"?,
  "body"}, "transformedGatewayResponse"?: {"statusCode", "headers"?, "body"}}}``; a
  ``transformedGatewayResponse`` from the REQUEST point answers at once (the target is not
  called); headers the interceptor returns are merged with the target's allowlist and take
  precedence over the client's; an ``Authorization`` header returned here would replace the
  target's outbound credential, so this interceptor never returns one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

INPUT_VERSION = "1.0"
OUTPUT_VERSION = "1.0"
TOOLS_CALL = "tools/call"
TOOLS_LIST = "tools/list"
# JSON-RPC "server error" range; the Gateway's own authorizer answers 401 before we ever run.
UNAUTHORIZED = -32001
INVALID_REQUEST = -32600

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class InterceptorEvent:
    """One invocation's input, read leniently: anything missing is ``None``/empty."""

    headers: Mapping[str, str]
    body: Any
    response: JsonObject | None

    @classmethod
    def parse(cls, event: Any) -> InterceptorEvent:
        mcp = event.get("mcp") if isinstance(event, Mapping) else None
        mcp = mcp if isinstance(mcp, Mapping) else {}
        request = mcp.get("gatewayRequest")
        request = request if isinstance(request, Mapping) else {}
        raw_headers = request.get("headers")
        headers = (
            {str(k).lower(): str(v) for k, v in raw_headers.items()}
            if isinstance(raw_headers, Mapping)
            else {}
        )
        response = mcp.get("gatewayResponse")
        return cls(
            headers=headers,
            body=request.get("body"),
            response=dict(response) if isinstance(response, Mapping) else None,
        )

    @property
    def is_response(self) -> bool:
        """True at the RESPONSE interception point."""
        return self.response is not None

    def bearer_token(self) -> str | None:
        """The raw JWT of ``Authorization: Bearer <jwt>`` (header names arrive in any case)."""
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return token.strip() or None


def forward(body: Any, headers: Mapping[str, str] | None = None) -> JsonObject:
    """Let the request through, as ``body`` and with ``headers`` added."""
    request: JsonObject = {"body": body}
    if headers:
        request["headers"] = dict(headers)
    return {
        "interceptorOutputVersion": OUTPUT_VERSION,
        "mcp": {"transformedGatewayRequest": request},
    }


def answer(body: Any, status: int = 200, headers: Mapping[str, Any] | None = None) -> JsonObject:
    """Answer with ``body`` (at the REQUEST point: without calling the target)."""
    response: JsonObject = {"statusCode": status, "body": body}
    if headers is not None:
        response["headers"] = dict(headers)
    return {
        "interceptorOutputVersion": OUTPUT_VERSION,
        "mcp": {"transformedGatewayResponse": response},
    }


def tool_error(message_id: Any, text: str) -> JsonObject:
    """A ``tools/call`` result the model reads as a refusal (``isError``), not a transport fault."""
    return {
        "jsonrpc": "2.0",
        "id": message_id,
        "result": {"isError": True, "content": [{"type": "text", "text": text}]},
    }


def rpc_error(message_id: Any, code: int, text: str) -> JsonObject:
    """A JSON-RPC error answer."""
    return {"jsonrpc": "2.0", "id": message_id, "error": {"code": code, "message": text}}
