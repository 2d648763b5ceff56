"""The FastMCP server and its ASGI app: tools, auth, lifespan-owned clients, health routes, logs."""

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
from mcp_runtime.credentials import Credentials, PerUserCredentials, StaticCredentials
from mcp_runtime.identity import Identity, StaticIdentity, TokenIdentity
from mcp_runtime.middleware import ClearRefusals, ToolCallLogging, WriterGate
from mcp_runtime.settings import CredentialsMode, RuntimeSettings
from mcp_runtime.token_store import SecretTokenStore
from mcp_runtime.tools import register_all, write_tools
from mcp_runtime.tools.common import LIFESPAN_KEY, Runtime
from mcp_runtime.verifier import CognitoAccessTokenVerifier

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


async def build_credentials(settings: RuntimeSettings) -> Credentials:
    """The credentials the settings ask for (static: read once, at start-up)."""
    if settings.credentials_mode is CredentialsMode.PER_USER:
        log.info(
            "credentials mode per_user: tokens from secrets %s/<sub>, issuer %s, "
            "interactive clients %s, gateway clients %s",
            settings.user_token_secret_prefix,
            settings.cognito_issuer,
            ",".join(settings.allowed_client_ids),
            ",".join(settings.gateway_client_ids) or "none (direct URL only)",
        )
        return PerUserCredentials(_secrets_store(settings), settings.user_token_secret_prefix)
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
        "credentials mode static (development only): no sign-in, every caller shares the API "
        "token from %s and may write",
        source,
    )
    return StaticCredentials(token)


def build_auth(settings: RuntimeSettings) -> tuple[CognitoAccessTokenVerifier | None, Identity]:
    """FastMCP's token verifier (per_user; ``None`` in static mode) and the caller rules."""
    if settings.credentials_mode is CredentialsMode.STATIC:
        return None, StaticIdentity()
    if settings.cognito_issuer is None:  # the settings validator already refuses this
        raise RuntimeError("per_user mode needs MCP_RUNTIME_COGNITO_ISSUER")
    # One verifier for both: the bearer may be an interactive client's or the Gateway's; the
    # caller header must be an interactive client's (TokenIdentity checks which).
    verifier = CognitoAccessTokenVerifier(
        issuer=settings.cognito_issuer,
        jwks_uri=settings.jwks_uri,
        client_ids={*settings.allowed_client_ids, *settings.gateway_client_ids},
    )
    identity = TokenIdentity(
        verifier,
        interactive_client_ids=settings.allowed_client_ids,
        gateway_client_ids=settings.gateway_client_ids,
    )
    return verifier, identity


def create_server(
    settings: RuntimeSettings,
    *,
    credentials: Credentials | None = None,
    api_transport: httpx2.AsyncBaseTransport | None = None,
) -> FastMCP:
    """The accounting MCP server. ``credentials``/``api_transport`` replace the settings' choice
    (tests and the benchmark use them); nothing is opened until the server's lifespan runs."""
    verifier, identity = build_auth(settings)

    @lifespan
    async def runtime_lifespan(server: FastMCP) -> AsyncIterator[dict[str, Any]]:
        async with AsyncExitStack() as stack:
            http = await stack.enter_async_context(build_http_client(settings, api_transport))
            chosen = credentials or await build_credentials(settings)
            yield {LIFESPAN_KEY: Runtime(AccountingClient(http, settings), chosen, identity)}

    mcp = FastMCP(
        "accounting",
        instructions=INSTRUCTIONS,
        lifespan=runtime_lifespan,
        # Outermost first: the log line sees the refusal the caller got.
        middleware=[ToolCallLogging(), ClearRefusals(), WriterGate(identity, write_tools())],
        auth=verifier,
        # JSON types as sent: true is no id, "50" no number; dates and enums still parse.
        strict_input_validation=True,
        # Anything that is not a ToolError is a bug: the caller gets a generic message, not a trace.
        mask_error_details=True,
    )
    schemas = register_all(mcp)
    # The MCP SDK checks a tools/call's Mcp-Param-* headers against the tool's input schema and,
    # without this lookup, finds the schema by running a whole tools/list (every middleware and
    # auth check, every schema dereferenced) before every call: most of a call's CPU time here.
    # FastMCP 4.1.2 does not set it; the SDK's own MCPServer answers it the same way (a plain
    # lookup that also finds tools middleware hides). Our tools never change after start-up.
    mcp._mcp_server.get_tool_input_schema = schemas.get

    async def health(request: Request) -> JSONResponse:
        # No auth and no upstream call: AgentCore and load balancers ask this often.
        return JSONResponse({"status": "Healthy"})

    mcp.custom_route("/health", methods=["GET"])(health)
    mcp.custom_route("/ping", methods=["GET"])(health)
    return mcp


def create_app(settings: RuntimeSettings) -> Starlette:
    """The ASGI app AgentCore runs: stateless streamable HTTP on ``/mcp`` plus the health routes."""
    return create_server(settings).http_app(path=MCP_PATH, stateless_http=True)
