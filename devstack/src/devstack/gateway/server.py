"""The local gateway: one MCP endpoint with every target, shaped like AgentCore Gateway's.

Targets (C2): ``home`` (the smart-home Lambda handler), ``accounting`` (the runtime, through
FastMCP's proxy, with the gateway's M2M token and the interceptor's caller header) and, when
configured, ``accounting-api`` (the OpenAPI view, one organisation key). The real interceptor
runs around every request (:mod:`devstack.gateway.interception`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
from fastmcp import FastMCP
from gateway_contract.rules import full_tool_name, rules
from smarthome_contract.tools import tools_json_text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse

from devstack.gateway.auth import AccessTokenVerifier, ClientTokens, LocalIssuer
from devstack.gateway.guards import SchemaIndex, TargetGuard
from devstack.gateway.interception import InterceptorMiddleware
from devstack.gateway.lambda_target import LambdaFunction, LambdaTargetTool
from devstack.gateway.openapi_target import accounting_provider
from devstack.gateway.render import render_gateway_tools
from devstack.gateway.runtime_target import RuntimeTarget
from devstack.gateway.settings import GatewaySettings

JWKS_PATH = "/.well-known/jwks.json"


def _tools_json(settings: GatewaySettings) -> str:
    if settings.tools_file is not None:
        return settings.tools_file.read_text(encoding="utf-8")
    return tools_json_text()


def interceptor_environment(settings: GatewaySettings) -> dict[str, str]:
    """The interceptor Lambda's environment, as Terraform sets it in AWS (contract C3)."""
    return {
        "COGNITO_ISSUER": settings.issuer,
        "COGNITO_JWKS_URI": settings.base_url + JWKS_PATH,
        "ALLOWED_CLIENT_IDS": ",".join(settings.allowed_client_ids),
        "HOME_TARGETS": settings.lambda_target,
        "RUNTIME_TARGETS": settings.runtime_target,
        "WRITE_TOOLS": ",".join(
            full_tool_name(settings.runtime_target, tool) for tool in rules().accounting_write_tools
        ),
        "POWERTOOLS_SERVICE_NAME": "gateway-interceptor",
    }


@dataclass(frozen=True)
class LocalGateway:
    """The MCP server, the interceptor function around it, and the HTTP app serving both."""

    settings: GatewaySettings
    mcp: FastMCP[Any]
    interceptor: LambdaFunction
    smart_home: LambdaFunction

    def app(self) -> Starlette:
        """Stateless streamable HTTP on ``path``, JSON answers, interceptor on every request."""
        middleware = [
            Middleware(InterceptorMiddleware, function=self.interceptor, path=self.settings.path)
        ]
        return self.mcp.http_app(
            path=self.settings.path,
            stateless_http=True,
            json_response=True,
            middleware=middleware,
        )

    def ready(self) -> bool:
        """True once both functions' environments have imported their handlers."""
        return self.smart_home.ready() and self.interceptor.ready()


def create_gateway(settings: GatewaySettings) -> LocalGateway:
    """Build the gateway; nothing runs before it is served (the functions start then)."""
    smart_home = LambdaFunction(
        settings.lambda_handler,
        name=settings.lambda_function_name,
        concurrency=settings.lambda_concurrency,
        timeout_s=settings.lambda_timeout_seconds,
    )
    interceptor = LambdaFunction(
        settings.interceptor_handler,
        name=settings.interceptor_function_name,
        concurrency=settings.interceptor_concurrency,
        timeout_s=settings.interceptor_timeout_seconds,
        environment=interceptor_environment(settings),
    )
    issuer = LocalIssuer.load_or_create(settings.state_dir, settings.issuer)
    clients: list[httpx2.AsyncClient] = []

    @asynccontextmanager
    async def lifespan(_: FastMCP[Any]) -> AsyncIterator[dict[str, Any]]:
        smart_home.start()
        interceptor.start()
        try:
            yield {}
        finally:
            smart_home.stop()
            interceptor.stop()
            for client in clients:
                await client.aclose()

    verifier = AccessTokenVerifier(
        jwks_uri=settings.base_url + JWKS_PATH,
        issuer=settings.issuer,
        allowed_client_ids=settings.allowed_client_ids,
    )
    schemas = SchemaIndex()
    openapi_targets = [settings.openapi_target] if settings.openapi_file else []
    runtime_targets = [settings.runtime_target] if settings.runtime_url else []
    gateway: FastMCP[Any] = FastMCP(
        "devstack-gateway",
        instructions="Local stand-in for the AgentCore Gateway: smart-home and accounting tools.",
        auth=verifier,
        lifespan=lifespan,
        middleware=[
            schemas,
            TargetGuard(openapi_targets=openapi_targets, runtime_targets=runtime_targets),
        ],
        # What a target raises unexpectedly stays in the log; the caller reads a generic line.
        mask_error_details=True,
    )
    gateway._mcp_server.get_tool_input_schema = schemas.lookup
    for definition in render_gateway_tools(_tools_json(settings)):
        gateway.add_tool(
            LambdaTargetTool.create(
                definition,
                target=settings.lambda_target,
                function=smart_home,
                gateway_id=settings.gateway_id,
            )
        )
    if settings.runtime_url:
        gateway.add_provider(
            RuntimeTarget(
                settings.runtime_url,
                target=settings.runtime_target,
                token=ClientTokens(issuer, settings.client_id).token,
                allowed_headers=[rules().caller.runtime_header],
                timeout_s=settings.runtime_timeout_seconds,
            )
        )
    if settings.openapi_file is not None:
        provider, client = accounting_provider(
            json.loads(settings.openapi_file.read_text(encoding="utf-8")),
            target=settings.openapi_target,
            base_url=settings.api_base_url,
            header_name=settings.api_key_header,
            api_key=settings.api_key.get_secret_value(),
            timeout_s=settings.api_timeout_seconds,
        )
        clients.append(client)
        gateway.add_provider(provider)

    local = LocalGateway(settings, gateway, interceptor, smart_home)

    @gateway.custom_route("/health", methods=["GET"])
    async def health(_: Request) -> JSONResponse:
        # Ready once the functions are warm: a first call must not pay for imports.
        if not local.ready():
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok"})

    jwks = issuer.jwks()

    @gateway.custom_route(JWKS_PATH, methods=["GET"])
    async def keys(_: Request) -> JSONResponse:
        return JSONResponse(jwks)

    return local
