"""AgentCore Gateway interceptor Lambda (REQUEST and RESPONSE points): parse -> decide -> answer.

Terraform wires this handler (``gateway_interceptor.handler.handler``) at both points with
``pass_request_headers = true``; the local gateway runs the same handler with the same events.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from gateway_interceptor.intercept import Interceptor
from gateway_interceptor.policy import Policy
from gateway_interceptor.settings import InterceptorSettings
from gateway_interceptor.verify import AccessTokenVerifier

# The JSON-RPC id ties the request and the response invocation of one MCP message together.
CORRELATION_ID_PATH = "mcp.gatewayRequest.body.id"

# Module scope as Powertools intends (reads POWERTOOLS_* from the environment; no I/O here).
logger = Logger()


@cache
def interceptor() -> Interceptor:
    """Settings, the JWKS client and the rules, built on the first call and kept while warm."""
    settings = InterceptorSettings()  # type: ignore[call-arg]  # values come from the environment
    return Interceptor(AccessTokenVerifier(settings), Policy.from_settings(settings))


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point."""
    started = time.perf_counter()
    outcome = interceptor().handle(event)
    logger.info(
        "intercepted",
        extra={
            "point": "RESPONSE" if "gatewayResponse" in (event.get("mcp") or {}) else "REQUEST",
            "method": outcome.method,
            "tool": outcome.tool,
            "decision": outcome.decision,
            "caller_sub": outcome.sub,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        },
    )
    return outcome.output
