"""A Gateway Lambda target, locally: Gateway-shaped event and context, handler in a worker process.

AWS runs each invocation in an execution environment that handles one event at a time; several
environments run side by side. A process pool models exactly that: each worker is a warm
environment (module-level state such as Powertools' metrics and the cached boto3 client lives
once per worker and is never shared between concurrent calls), and ``concurrency`` caps how many
run at once, like a function's concurrency limit.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import multiprocessing
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from fastmcp.exceptions import ToolError
from fastmcp.tools.base import Tool, ToolResult
from gateway_contract.rules import full_tool_name
from mcp.types import TextContent
from mcp.types import Tool as McpTool
from pydantic import PrivateAttr

from devstack.gateway.lambda_worker import (
    UNHANDLED,
    LambdaContext,
    gateway_context,
    invoke_in_worker,
    lambda_context,
    start_environment,
    warm_up,
)

log = logging.getLogger(__name__)


class InvocationFailed(RuntimeError):
    """The function could not answer (not running, timed out, crashed, raised)."""


class LambdaFunction:
    """A local function: the handler's import path, its own environment variables (on top of
    the gateway's, as Terraform sets a function's) and its pool of execution environments."""

    def __init__(
        self,
        handler_ref: str,
        *,
        name: str,
        concurrency: int,
        timeout_s: float,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.handler_ref = handler_ref
        self.name = name
        self.timeout_s = timeout_s
        self._concurrency = concurrency
        self._environment = dict(environment or {})
        self._pool: ProcessPoolExecutor | None = None
        self._warming: list[Future[None]] = []

    def start(self) -> None:
        """Create the pool and warm every worker in the background (imports take seconds)."""
        # spawn: the gateway process runs threads and an event loop, which fork would copy half-way.
        self._pool = ProcessPoolExecutor(
            max_workers=self._concurrency,
            mp_context=multiprocessing.get_context("spawn"),
            # uvicorn ends the process by re-raising SIGTERM, before any lifespan clean-up runs,
            # so each worker also dies with the gateway.
            initializer=functools.partial(start_environment, self._environment),
        )
        # Unlike AWS, nothing bills idle environments here, so the first calls skip the cold start.
        self._warming = [
            self._pool.submit(warm_up, self.handler_ref) for _ in range(self._concurrency)
        ]

    def ready(self) -> bool:
        """True once every environment has imported the handler (the gateway's health)."""
        return self._pool is not None and all(f.done() for f in self._warming)

    def stop(self) -> None:
        """Stop the workers (a call still running is abandoned, like a Lambda timeout)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def context(self, custom: dict[str, str] | None = None) -> LambdaContext:
        """A context for one invocation (``custom``: the client context the caller sets)."""
        return lambda_context(self.name, int(self.timeout_s * 1000), custom)

    async def invoke(self, event: dict[str, Any], context: LambdaContext) -> Any:
        """The handler's answer, decoded from JSON; :class:`InvocationFailed` when it fails."""
        if self._pool is None:
            raise InvocationFailed(f"Lambda function {self.name} is not running")
        loop = asyncio.get_running_loop()
        call = loop.run_in_executor(self._pool, invoke_in_worker, self.handler_ref, event, context)
        try:
            raw = await asyncio.wait_for(call, self.timeout_s)
        except TimeoutError:
            message = f"Lambda function {self.name} timed out after {self.timeout_s:g}s"
            raise InvocationFailed(message) from None
        except BrokenProcessPool:
            message = f"Lambda function {self.name} crashed; see the gateway log"
            raise InvocationFailed(message) from None
        answer = json.loads(raw)
        if isinstance(answer, dict) and UNHANDLED in answer:
            # The cloud Gateway hides function errors unless its exception level is DEBUG.
            error = answer[UNHANDLED]
            log.error("%s failed: %s: %s", self.name, error["errorType"], error["errorMessage"])
            raise InvocationFailed(f"Lambda function {self.name} failed; see the gateway log")
        return answer


class LambdaTargetTool(Tool):
    """One tool of a Lambda target, named ``<target>___<tool>`` as AgentCore Gateway names it."""

    _function: LambdaFunction = PrivateAttr()
    _target: str = PrivateAttr()
    _tool: str = PrivateAttr()
    _gateway_id: str = PrivateAttr()

    @classmethod
    def create(
        cls, definition: McpTool, *, target: str, function: LambdaFunction, gateway_id: str
    ) -> LambdaTargetTool:
        """Wrap one rendered tool definition."""
        tool = cls(
            name=full_tool_name(target, definition.name),
            description=definition.description,
            parameters=dict(definition.input_schema),
        )
        tool._function = function
        tool._target = target
        tool._tool = definition.name
        tool._gateway_id = gateway_id
        return tool

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        """Invoke the function with the flat arguments as the event."""
        context = gateway_context(
            target=self._target,
            tool=self._tool,
            gateway_id=self._gateway_id,
            function_name=self._function.name,
            timeout_ms=int(self._function.timeout_s * 1000),
        )
        try:
            answer = await self._function.invoke(dict(arguments), context)
        except InvocationFailed as exc:
            raise ToolError(str(exc)) from None
        return answer_to_result(answer)


def answer_to_result(answer: Any) -> ToolResult:
    """The handler's JSON as text (what a model reads), structured when it is an object.

    The handler answers domain errors as ``{"error": "..."}``; they are flagged as tool errors so
    clients show them as such instead of as a successful result.
    """
    text = TextContent(type="text", text=json.dumps(answer, ensure_ascii=False))
    if isinstance(answer, Mapping):
        return ToolResult(
            content=[text], structured_content=dict(answer), is_error="error" in answer
        )
    return ToolResult(content=[text])
