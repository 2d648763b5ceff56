"""Fault injection for client tests (dev/test only): canned answers, delays and unreadable
answers, queued FIFO; plus counters of the API requests seen (how many, how many at once)."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from devstack.sandbox.wire import error_body

FAULTS_PATH = "/_sandbox/faults"
STATS_PATH = "/_sandbox/stats"
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
    # The request is really handled (a contact really is created), then its answer is cut in
    # half: a success status with a body no client can read.
    truncate_body: bool = False
    times: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _does_something(self) -> FaultSpec:
        if self.status is None and self.delay_seconds == 0 and not self.truncate_body:
            raise ValueError("set status, delay_seconds, truncate_body or a combination")
        if self.truncate_body and (self.status is not None or self.body is not None):
            raise ValueError("truncate_body cuts the real answer; it takes no status or body")
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

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**q.spec.model_dump(), "remaining": q.remaining} for q in self._queued]

    def take(self, method: str, path: str) -> FaultSpec | None:
        with self._lock:
            for queued in self._queued:
                if queued.spec.method.upper() == method.upper() and queued.spec.path == path:
                    queued.remaining -= 1
                    if queued.remaining == 0:
                        self._queued.remove(queued)
                    return queued.spec
        return None


class RequestStats:
    """How many API requests arrived, how many are in progress, and the most at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = self.in_flight = self.max_in_flight = 0

    def started(self) -> None:
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def finished(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {
                "requests": self.requests,
                "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight,
            }

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.max_in_flight = self.in_flight


class FaultInjection:
    """ASGI middleware that answers, delays or garbles matching requests from the queue."""

    def __init__(self, app: ASGIApp, queue: FaultQueue, stats: RequestStats) -> None:
        self._app = app
        self._queue = queue
        self._stats = stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(_EXEMPT_PREFIXES):
            await self._app(scope, receive, send)
            return
        self._stats.started()
        try:
            await self._handle(scope, receive, send, path)
        finally:
            self._stats.finished()

    async def _handle(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        fault = self._queue.take(scope["method"], path)
        if fault is not None and fault.delay_seconds:
            # A slow server has the request already: it goes on after the wait even when the
            # client gave up meanwhile, so a write that "timed out" may still happen.
            receive = await _received(receive)
            await asyncio.sleep(fault.delay_seconds)
        if fault is not None and fault.truncate_body:
            await self._app(scope, receive, _truncating(send))
            return
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


async def _received(receive: Receive) -> Receive:
    """Read the whole request body now; a ``receive`` that replays it, then reports the end."""
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _truncating(send: Send) -> Send:
    """A ``send`` that passes the app's answer on with only the first half of its body."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def wrapped(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        whole = b"".join(chunks)
        cut = whole[: len(whole) // 2]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(cut)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": cut})

    return wrapped


def fault_routes(queue: FaultQueue, stats: RequestStats) -> list[Route]:
    """POST queues a fault, GET lists those still queued, DELETE clears them all; GET stats
    counts the API requests seen, DELETE stats starts counting afresh."""

    async def add(request: Request) -> JSONResponse:
        try:
            spec = FaultSpec.model_validate_json(await request.body())
        except ValidationError as exc:
            message = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
            )
            return JSONResponse(error_body(message), status_code=422)
        return JSONResponse({"queued": queue.add(spec)}, status_code=201)

    async def listing(request: Request) -> JSONResponse:
        return JSONResponse({"faults": queue.pending()})

    async def clear(request: Request) -> JSONResponse:
        return JSONResponse({"cleared": queue.clear()})

    async def counts(request: Request) -> JSONResponse:
        return JSONResponse(stats.snapshot())

    async def reset(request: Request) -> JSONResponse:
        stats.reset()
        return JSONResponse(stats.snapshot())

    return [
        Route(FAULTS_PATH, add, methods=["POST"]),
        Route(FAULTS_PATH, listing, methods=["GET"]),
        Route(FAULTS_PATH, clear, methods=["DELETE"]),
        Route(STATS_PATH, counts, methods=["GET"]),
        Route(STATS_PATH, reset, methods=["DELETE"]),
    ]
