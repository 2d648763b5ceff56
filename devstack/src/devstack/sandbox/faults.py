"""Fault injection for client tests (dev/test only): canned answers and delays, queued FIFO."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from devstack.sandbox.wire import error_body

FAULTS_PATH = "/_sandbox/faults"
_EXEMPT_PREFIXES = ("/_sandbox/", "/health")


class FaultSpec(BaseModel):
    """What POST /_sandbox/faults accepts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = "GET"
    path: str = Field(pattern=r"^/")
    status: int | None = Field(default=None, ge=100, le=599)
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = None
    delay_seconds: float = Field(default=0, ge=0, le=300)
    times: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _does_something(self) -> FaultSpec:
        if self.status is None and self.delay_seconds == 0:
            raise ValueError("set status, delay_seconds or both")
        return self


@dataclass
class _Queued:
    spec: FaultSpec
    remaining: int


class FaultQueue:
    """Thread-safe FIFO of faults; each matching request consumes one use of the oldest match."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: list[_Queued] = []

    def add(self, spec: FaultSpec) -> int:
        with self._lock:
            self._queued.append(_Queued(spec, spec.times))
            return len(self._queued)

    def clear(self) -> int:
        with self._lock:
            count = len(self._queued)
            self._queued.clear()
            return count

    def take(self, method: str, path: str) -> FaultSpec | None:
        with self._lock:
            for queued in self._queued:
                if queued.spec.method.upper() == method.upper() and queued.spec.path == path:
                    queued.remaining -= 1
                    if queued.remaining == 0:
                        self._queued.remove(queued)
                    return queued.spec
        return None


class FaultInjection:
    """ASGI middleware that answers (or delays) matching requests from the queue."""

    def __init__(self, app: ASGIApp, queue: FaultQueue) -> None:
        self._app = app
        self._queue = queue

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(_EXEMPT_PREFIXES):
            await self._app(scope, receive, send)
            return
        fault = self._queue.take(scope["method"], path)
        if fault is not None and fault.delay_seconds:
            await asyncio.sleep(fault.delay_seconds)
        if fault is None or fault.status is None:
            await self._app(scope, receive, send)
            return
        body = (
            fault.body
            if fault.body is not None
            else json.dumps(error_body(f"Injected fault: HTTP {fault.status}"))
        )
        media_type = None if "content-type" in Headers(fault.headers) else "application/json"
        response = Response(
            body, status_code=fault.status, headers=fault.headers, media_type=media_type
        )
        await response(scope, receive, send)


def fault_routes(queue: FaultQueue) -> list[Route]:
    """POST queues a fault, DELETE clears them all."""

    async def add(request: Request) -> JSONResponse:
        try:
            spec = FaultSpec.model_validate_json(await request.body())
        except ValidationError as exc:
            message = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
            )
            return JSONResponse(error_body(message), status_code=422)
        return JSONResponse({"queued": queue.add(spec)}, status_code=201)

    async def clear(request: Request) -> JSONResponse:
        return JSONResponse({"cleared": queue.clear()})

    return [
        Route(FAULTS_PATH, add, methods=["POST"]),
        Route(FAULTS_PATH, clear, methods=["DELETE"]),
    ]
