"""The local gateway: one MCP endpoint with both targets, shaped like AgentCore Gateway's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastmcp import FastMCP
from smarthome_contract.tools import tools_json_text
from starlette.requests import Request
from starlette.responses import JSONResponse

from devstack.gateway.auth import LocalIssuer
from devstack.gateway.lambda_target import LambdaFunction, LambdaTargetTool
from devstack.gateway.openapi_target import accounting_provider
from devstack.gateway.render import render_gateway_tools
from devstack.gateway.settings import GatewaySettings

JWKS_PATH = "/.well-known/jwks.json"


def _tools_json(settings: GatewaySettings) -> str:
    if settings.tools_file is not None:
        return settings.tools_file.read_text(encoding="utf-8")
    return tools_json_text()


def create_gateway(settings: GatewaySettings) -> FastMCP[Any]:
    """Build the server; nothing runs before it is served (the Lambda pool starts then)."""
    function = LambdaFunction(
        settings.lambda_handler,
        name=settings.lambda_function_name,
        concurrency=settings.lambda_concurrency,
        timeout_s=settings.lambda_timeout_seconds,
    )
    issuer = (
        LocalIssuer.load_or_create(settings.state_dir, settings.issuer)
        if settings.auth == "jwt"
        else None
    )
    provider, client = (None, None)
    if settings.openapi_file is not None:
        provider, client = accounting_provider(
            json.loads(settings.openapi_file.read_text(encoding="utf-8")),
            target=settings.openapi_target,
            base_url=settings.api_base_url,
            header_name=settings.api_key_header,
            api_key=settings.api_key.get_secret_value(),
            timeout_s=settings.api_timeout_seconds,
        )

    @asynccontextmanager
    async def lifespan(_: FastMCP[Any]) -> AsyncIterator[dict[str, Any]]:
        function.start()
        try:
            yield {}
        finally:
            function.stop()
            if client is not None:
                await client.aclose()

    gateway: FastMCP[Any] = FastMCP(
        "devstack-gateway",
        instructions="Local stand-in for the AgentCore Gateway: smart-home and accounting tools.",
        auth=issuer.verifier(settings.issuer + JWKS_PATH) if issuer else None,
        lifespan=lifespan,
    )
    for definition in render_gateway_tools(_tools_json(settings)):
        gateway.add_tool(
            LambdaTargetTool.create(
                definition,
                target=settings.lambda_target,
                function=function,
                gateway_id=settings.gateway_id,
            )
        )
    if provider is not None:
        gateway.add_provider(provider)

    @gateway.custom_route("/health", methods=["GET"])
    async def health(_: Request) -> JSONResponse:
        # Ready once the Lambda environments are warm: a first call must not pay for imports.
        if not function.ready():
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ok"})

    if issuer is not None:
        jwks = issuer.jwks()

        @gateway.custom_route(JWKS_PATH, methods=["GET"])
        async def keys(_: Request) -> JSONResponse:
            return JSONResponse(jwks)

    return gateway
