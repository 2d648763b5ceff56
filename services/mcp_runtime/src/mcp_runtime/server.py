"""The FastMCP server and its ASGI app: tools, lifespan-owned clients, health routes, logging."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import boto3
import httpx2
from fastmcp import FastMCP
from fastmcp.server.lifespan import lifespan
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from mcp_runtime.api.client import AccountingClient, build_http_client
from mcp_runtime.credentials import (
    CredentialResolver,
    PerUserCredentials,
    StaticCredentials,
)
from mcp_runtime.middleware import ToolCallLogging
from mcp_runtime.settings import CredentialsMode, RuntimeSettings
from mcp_runtime.token_store import SecretTokenStore
from mcp_runtime.tools import register_all
from mcp_runtime.tools.common import LIFESPAN_KEY, Runtime

log = logging.getLogger(__name__)

MCP_PATH = "/mcp"
INSTRUCTIONS = (
    "Tools for the company's accounting: contacts, invoices, vouchers, bank accounts and their "
    "transactions. Lists are paged: when an answer says more items exist, call again with the "
    "offset it gives. Amounts are decimal strings in the account's currency."
)


def _secrets_store(settings: RuntimeSettings) -> SecretTokenStore:
    client = boto3.client(
        "secretsmanager",
        region_name=settings.aws_region,
        endpoint_url=settings.secrets_endpoint_url,
    )
    return SecretTokenStore(client, settings.secret_cache_seconds)


async def build_credentials(settings: RuntimeSettings, stack: AsyncExitStack) -> CredentialResolver:
    """The resolver the settings ask for; clients it needs are closed with ``stack``."""
    if settings.credentials_mode is CredentialsMode.STATIC:
        if settings.static_token is not None:
            token: str | None = settings.static_token.get_secret_value()
            source = "MCP_RUNTIME_STATIC_TOKEN"
        elif settings.static_token_secret_id:
            source = f"secret {settings.static_token_secret_id}"
            token = await _secrets_store(settings).token(settings.static_token_secret_id)
        else:
            token, source = None, "nowhere"
        if not token:
            raise RuntimeError(
                "static credentials mode needs MCP_RUNTIME_STATIC_TOKEN or "
                "MCP_RUNTIME_STATIC_TOKEN_SECRET_ID (holding a token)"
            )
        log.warning(
            "credentials mode static (development only): every caller shares the API token from %s",
            source,
        )
        return StaticCredentials(token)

    from mcp_runtime.cognito_jwt import (
        CognitoJwtVerifier,
        SigningKeysUnavailable,
        TokenRejected,
    )

    jwks_http = await stack.enter_async_context(
        httpx2.AsyncClient(timeout=httpx2.Timeout(settings.connect_timeout_seconds))
    )
    if settings.cognito_issuer is None:  # the settings validator already refuses this
        raise RuntimeError("per_user mode needs MCP_RUNTIME_COGNITO_ISSUER")
    verifier = CognitoJwtVerifier(
        settings.cognito_issuer,
        settings.jwks_uri,
        settings.allowed_client_ids,
        http_client=jwks_http,
    )
    log.info(
        "credentials mode per_user: tokens from secrets %s/<sub>, issuer %s",
        settings.user_token_secret_prefix,
        settings.cognito_issuer,
    )
    return PerUserCredentials(
        verifier,
        _secrets_store(settings),
        settings.user_token_secret_prefix,
        verify_errors=(TokenRejected,),
        # Checked first: a JWKS outage is our problem, not a bad token.
        unavailable_errors=(SigningKeysUnavailable,),
    )


def create_server(
    settings: RuntimeSettings,
    *,
    credentials: CredentialResolver | None = None,
    api_transport: httpx2.AsyncBaseTransport | None = None,
) -> FastMCP:
    """The accounting MCP server. ``credentials``/``api_transport`` replace the settings' choice
    (tests and the benchmark use them); nothing is opened until the server's lifespan runs."""

    @lifespan
    async def runtime_lifespan(server: FastMCP) -> AsyncIterator[dict[str, Any]]:
        async with AsyncExitStack() as stack:
            http = await stack.enter_async_context(build_http_client(settings, api_transport))
            resolver = credentials or await build_credentials(settings, stack)
            yield {LIFESPAN_KEY: Runtime(AccountingClient(http, settings), resolver)}

    mcp = FastMCP(
        "accounting",
        instructions=INSTRUCTIONS,
        lifespan=runtime_lifespan,
        middleware=[ToolCallLogging()],
        # Anything that is not a ToolError is a bug: the caller gets a generic message, not a trace.
        mask_error_details=True,
    )
    register_all(mcp)

    async def health(request: Request) -> JSONResponse:
        # No auth and no upstream call: AgentCore and load balancers ask this often.
        return JSONResponse({"status": "Healthy"})

    mcp.custom_route("/health", methods=["GET"])(health)
    mcp.custom_route("/ping", methods=["GET"])(health)
    return mcp


def create_app(settings: RuntimeSettings) -> Starlette:
    """The ASGI app AgentCore runs: stateless streamable HTTP on ``/mcp`` plus the health routes."""
    return create_server(settings).http_app(path=MCP_PATH, stateless_http=True)
