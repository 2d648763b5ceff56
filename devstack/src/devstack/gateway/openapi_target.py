"""A Gateway OpenAPI target, locally: one tool per operation of the Gateway view of the API.

The cloud Gateway names each tool ``<target>___<operationId>`` and sends the organisation's API
key in the configured header; FastMCP's OpenAPI provider does the request building, and a
transform gives the tools the Gateway's names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2
from fastmcp.server.providers.openapi import OpenAPIProvider
from fastmcp.server.transforms.namespace import Namespace

from devstack.gateway.lambda_worker import TARGET_SEPARATOR


class TargetPrefix(Namespace):
    """``name`` → ``<target>___name``: AgentCore Gateway's separator instead of FastMCP's ``_``."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self._name_prefix = f"{target}{TARGET_SEPARATOR}"


def operation_names(spec: Mapping[str, Any]) -> dict[str, str]:
    """operationId → itself, so FastMCP keeps the ids as they are (it would cut them at ``__``)."""
    return {
        operation["operationId"]: operation["operationId"]
        for item in spec.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, Mapping) and "operationId" in operation
    }


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
