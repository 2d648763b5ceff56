"""A Gateway OpenAPI target, locally: one tool per operation of the Gateway view of the API.

The cloud Gateway names each tool ``<target>___<operationId>`` (target ``accounting-api``, C2)
and sends the organisation's API key in the configured header; FastMCP's OpenAPI provider does
the request building, a transform gives the tools the Gateway's names, and :class:`OpenApiGuard`
checks the arguments against the operation's schema before any request is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2
from fastmcp.server.dependencies import get_http_headers
from fastmcp.server.providers.openapi import OpenAPIProvider

from devstack.gateway.naming import TargetPrefix

# Headers httpx sets itself; FastMCP copies other inbound headers onto every API request.
_CLIENT_OWNED = frozenset({"user-agent", "accept", "accept-encoding", "connection", "host"})


def operation_names(spec: Mapping[str, Any]) -> dict[str, str]:
    """operationId -> itself, so FastMCP keeps the ids as they are (it would cut them at ``__``)."""
    return {
        operation["operationId"]: operation["operationId"]
        for item in spec.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, Mapping) and "operationId" in operation
    }


async def _drop_inbound_headers(request: httpx2.Request) -> None:
    """Send the API only what the target configures, like the cloud Gateway.

    FastMCP's OpenAPI tools copy the MCP request's headers onto the API request; the Gateway
    forwards only a target's allowlisted headers (none here), so a client's headers (its caller
    header among them, which holds a JWT) never reach the accounting API.
    """
    for name, value in get_http_headers().items():
        if name not in _CLIENT_OWNED and request.headers.get(name) == value:
            del request.headers[name]


def accounting_provider(
    spec: Mapping[str, Any],
    *,
    target: str,
    base_url: str,
    header_name: str,
    api_key: str,
    timeout_s: float,
) -> tuple[OpenAPIProvider, httpx2.AsyncClient]:
    """The target's tools, calling ``base_url`` instead of the spec's server, with the key set.

    Returns the client too: the caller owns it and closes it when the gateway stops.
    """
    client = httpx2.AsyncClient(
        base_url=base_url,
        headers={header_name: api_key},
        timeout=timeout_s,
        # Below uvicorn's 5 s keep-alive: with equal timers a request can go out on a connection
        # the server is closing ("Server disconnected without sending a response").
        limits=httpx2.Limits(keepalive_expiry=2.0),
        event_hooks={"request": [_drop_inbound_headers]},
    )
    provider = OpenAPIProvider(
        dict(spec),
        client=client,
        mcp_names=operation_names(spec),
        # The cloud Gateway passes the API's answer through; it does not check it against the spec.
        validate_output=False,
    )
    provider.add_transform(TargetPrefix(target))
    return provider, client
