"""A Gateway MCP-server target, locally: the accounting runtime's tools through FastMCP's proxy.

The cloud Gateway reaches the runtime (an ``mcp.mcp_server`` target) with an OAuth client
credentials token of its own M2M client (AgentCore Identity's credential provider) and forwards
the target's allowlisted request headers, interceptor-set ones taking precedence (devguide
gateway-headers). Locally: a :class:`ProxyProvider` whose backend client carries the gateway's
client token and, of the inbound request's headers, only the allowlisted caller header, which the
interceptor middleware has set by then. Inbound headers are otherwise not forwarded (a client's
``Authorization`` never reaches the runtime).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Collection, Sequence
from typing import Any

from fastmcp.client import Client
from fastmcp.client.transports import StreamableHttpTransport
from fastmcp.server.dependencies import get_http_headers
from fastmcp.server.providers.proxy import ProxyClient, ProxyProvider
from fastmcp.tools.base import Tool
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from devstack.gateway.naming import TargetPrefix

# The stateless MCP revision (no initialize): each proxied call is one HTTP request, where the
# handshake era costs three (initialize, notifications/initialized, the call). The runtime
# (FastMCP 4.1.2) speaks it, and AgentCore Gateway lists it among its supported versions.
PROTOCOL = max(MODERN_PROTOCOL_VERSIONS)


def allowlisted_headers(allowlist: Collection[str]) -> dict[str, str]:
    """The current MCP request's headers the target's allowlist names (lower-case names)."""
    wanted = {name.lower() for name in allowlist}
    return {k: v for k, v in get_http_headers(include=wanted).items() if k in wanted}


class RuntimeTarget(ProxyProvider):
    """Tool calls carry the caller header; the tool catalog is read as the gateway alone.

    The cloud Gateway syncs an MCP-server target's tools with its own credentials, no user
    involved (DEFAULT listing mode, devguide gateway-target-MCPservers), and serves ``tools/list``
    from that catalog; the response interceptor then hides per caller. The catalog is shared by
    every caller here too, so it must never be one caller's view.
    """

    def __init__(
        self,
        url: str,
        *,
        target: str,
        token: Callable[[], str],
        allowed_headers: Collection[str],
        timeout_s: float,
    ) -> None:
        # One TLS context for every backend session: httpx otherwise builds one (and reads the CA
        # bundle) for each new client, ~20 ms of every proxied call.
        tls = ssl.create_default_context()

        def backend(headers: dict[str, str]) -> ProxyClient[StreamableHttpTransport]:
            transport = StreamableHttpTransport(url, headers=headers, auth=token(), verify=tls)
            return ProxyClient(
                transport, forward_incoming_headers=False, timeout=timeout_s, mode=PROTOCOL
            )

        def caller_backend() -> ProxyClient[StreamableHttpTransport]:
            return backend(allowlisted_headers(allowed_headers))

        def catalog_backend() -> ProxyClient[StreamableHttpTransport]:
            return backend({})

        super().__init__(caller_backend)
        self._catalog_backend = catalog_backend
        self.add_transform(TargetPrefix(target))

    async def _get_client(self) -> Client[Any]:
        # Used for the listings only; each tool runs with ``client_factory`` (the caller's).
        return self._catalog_backend()

    async def _list_tools(self) -> Sequence[Tool]:
        # Like the Gateway's synced catalog: a runtime that is down keeps its tools listed, and
        # a call then fails with a plain "could not be reached" rather than "unknown tool".
        try:
            return await super()._list_tools()
        except Exception:
            if self._tools_cache is None:
                raise
            return self._tools_cache.items
