"""What runs inside a local Lambda execution environment (a worker process of the gateway).

Kept free of FastMCP and the gateway's own imports: each worker imports only this module and
the handler, as a Lambda environment imports only the function's code.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import logging
import signal
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Keys of ``context.client_context.custom`` the Gateway sets (AgentCore devguide, Lambda targets).
TOOL_NAME_KEY = "bedrockAgentCoreToolName"
TARGET_SEPARATOR = "___"
MESSAGE_VERSION = "1.0"
# Marks a function error (the X-Amz-Function-Error case) in what a worker sends back.
UNHANDLED = "__unhandled__"

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def exit_with_parent() -> None:
    """Have the kernel send SIGTERM to this process when its parent dies (Linux; no-op elsewhere).

    A process pool's workers and a supervisor's children would otherwise outlive a parent that
    is killed outright, or that a server's signal handling ends before its clean-up code runs.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


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
    custom = {
        TOOL_NAME_KEY: f"{target}{TARGET_SEPARATOR}{tool}",
        "bedrockAgentCoreGatewayId": gateway_id,
        "bedrockAgentCoreTargetId": target,
        "bedrockAgentCoreMessageVersion": MESSAGE_VERSION,
        "bedrockAgentCoreAwsRequestId": request_id,
        "bedrockAgentCoreMcpMessageId": str(uuid.uuid4()),
    }
    return LambdaContext(
        function_name=function_name,
        aws_request_id=request_id,
        client_context=ClientContext(custom=custom),
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
