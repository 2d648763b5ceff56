"""What runs inside a local Lambda execution environment (a worker process of the gateway).

Kept free of FastMCP and the gateway's own imports: each worker imports only this module and
the handler, as a Lambda environment imports only the function's code.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway_contract.rules import full_tool_name, rules
from testkit.processes import exit_with_parent

# The Gateway's message version for Lambda targets (AgentCore devguide, Lambda targets).
MESSAGE_VERSION = "1.0"
# Marks a function error (the X-Amz-Function-Error case) in what a worker sends back.
UNHANDLED = "__unhandled__"

log = logging.getLogger(__name__)


def start_environment(environment: Mapping[str, str]) -> None:
    """Initializer of one execution environment: the function's own variables, and it ends with
    the gateway (so a killed gateway leaves no workers behind)."""
    exit_with_parent()
    os.environ.update(environment)


@dataclass(frozen=True)
class ClientContext:
    """``context.client_context``: only ``custom`` is used by Gateway targets."""

    custom: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    client: None = None


@dataclass(frozen=True)
class LambdaContext:
    """The parts of the Lambda context object a handler reads (picklable for the worker)."""

    function_name: str
    aws_request_id: str
    client_context: ClientContext
    invoked_function_arn: str
    memory_limit_in_mb: int = 256
    function_version: str = "$LATEST"
    timeout_ms: int = 30_000

    def get_remaining_time_in_millis(self) -> int:
        """The real context counts down; a fixed budget is enough for local runs."""
        return self.timeout_ms


def gateway_context(
    *, target: str, tool: str, gateway_id: str, function_name: str, timeout_ms: int
) -> LambdaContext:
    """The context the Gateway passes for a call of ``<target>___<tool>``."""
    request_id = str(uuid.uuid4())
    keys = rules().lambda_context_keys
    custom = {
        keys.tool_name: full_tool_name(target, tool),
        keys.gateway_id: gateway_id,
        keys.target_id: target,
        keys.message_version: MESSAGE_VERSION,
        keys.aws_request_id: request_id,
        keys.mcp_message_id: str(uuid.uuid4()),
    }
    return lambda_context(function_name, timeout_ms, custom, request_id)


def lambda_context(
    function_name: str,
    timeout_ms: int,
    custom: dict[str, str] | None = None,
    request_id: str | None = None,
) -> LambdaContext:
    """A context for one invocation of ``function_name`` (``custom``: the client context)."""
    request_id = request_id or str(uuid.uuid4())
    return LambdaContext(
        function_name=function_name,
        aws_request_id=request_id,
        client_context=ClientContext(custom=custom or {}),
        invoked_function_arn=f"arn:local:lambda:local:000000000000:function:{function_name}",
        timeout_ms=timeout_ms,
    )


def _resolve(handler_ref: str) -> Callable[[Any, Any], Any]:
    module, _, attribute = handler_ref.partition(":")
    handler: Callable[[Any, Any], Any] = getattr(importlib.import_module(module), attribute)
    return handler


def warm_up(handler_ref: str) -> None:
    """Import the handler's module (the init phase of a cold start)."""
    _resolve(handler_ref)


def invoke_in_worker(handler_ref: str, event: dict[str, Any], context: LambdaContext) -> str:
    """Run the handler once; the answer goes back as JSON text, as the Lambda service returns it.

    An uncaught exception becomes Lambda's error document (``errorType``/``errorMessage``), with
    the traceback logged here, in the function's own log, as Lambda does.
    """
    try:
        return json.dumps(_resolve(handler_ref)(event, context))
    except Exception as exc:
        log.exception("unhandled exception in %s", handler_ref)
        return json.dumps({UNHANDLED: {"errorType": type(exc).__name__, "errorMessage": str(exc)}})
