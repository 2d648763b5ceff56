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
INVALID_PARAMS = -32602
# MCP 2026-07-28 repeats the method and the tool name in headers; they must agree with the body.
METHOD_HEADER = "mcp-method"
NAME_HEADER = "mcp-name"
# From this MCP revision on (stateless, no initialize), every result names its ``resultType``
# and clients refuse one without it; the version travels in a header and in ``_meta``.
RESULT_TYPE_FROM = "2026-07-28"
PROTOCOL_VERSION_HEADER = "mcp-protocol-version"
PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion"

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

    @property
    def protocol_version(self) -> str | None:
        """The MCP revision the request says it speaks (2026-07-28 and later say so)."""
        version = self.headers.get(PROTOCOL_VERSION_HEADER)
        if version:
            return version
        params = self.body.get("params") if isinstance(self.body, Mapping) else None
        meta = params.get("_meta") if isinstance(params, Mapping) else None
        found = meta.get(PROTOCOL_VERSION_META) if isinstance(meta, Mapping) else None
        return found if isinstance(found, str) else None

    @property
    def tags_results(self) -> bool:
        """True when results must carry ``resultType`` (dated revisions compare as strings)."""
        version = self.protocol_version
        return version is not None and version >= RESULT_TYPE_FROM

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


def tool_error(message_id: Any, text: str, *, tagged: bool = False) -> JsonObject:
    """A ``tools/call`` result the model reads as a refusal (``isError``), not a transport fault.

    ``tagged``: add ``resultType`` (MCP 2026-07-28 and later); older revisions leave it out.
    """
    result: JsonObject = {"isError": True, "content": [{"type": "text", "text": text}]}
    if tagged:
        result["resultType"] = "complete"
    return {"jsonrpc": "2.0", "id": message_id, "result": result}


def rpc_error(message_id: Any, code: int, text: str) -> JsonObject:
    """A JSON-RPC error answer."""
    return {"jsonrpc": "2.0", "id": message_id, "error": {"code": code, "message": text}}
