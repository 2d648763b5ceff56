"""Facts about the tool call in progress, gathered by whoever learns them, logged once at the end.

The logging middleware opens a ``CallInfo`` per tool call; the API client records every upstream
attempt (timeouts and refused connections included), the identity step the caller and the path,
a write its outcome. A mutable holder in a ContextVar (rather than one ContextVar per fact)
survives the context copies anyio makes for child tasks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Attempt:
    """One request to the API: what, the status (or ``timeout``/``no_connection``/...), how long."""

    method: str
    path: str
    started: float = field(default_factory=time.perf_counter)
    status: int | str | None = None
    ms: float | None = None

    def end(self, status: int | str) -> None:
        self.status = status
        self.ms = round((time.perf_counter() - self.started) * 1000, 1)

    def as_log(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "status": self.status, "ms": self.ms}


@dataclass
class CallInfo:
    """What one tool call found out along the way."""

    attempts: list[Attempt] = field(default_factory=list)
    # Time spent waiting for the token's turn (pacing), summed over the attempts.
    pacing_wait_ms: float = 0.0
    subject: str | None = None
    via: str | None = None
    write_outcome: str | None = None

    def attempt(self, method: str, path: str) -> Attempt:
        """Record a request about to be sent (counted even if it never gets an answer)."""
        attempt = Attempt(method, path)
        self.attempts.append(attempt)
        return attempt

    @property
    def upstream_status(self) -> int | str | None:
        return self.attempts[-1].status if self.attempts else None


_current: ContextVar[CallInfo | None] = ContextVar("mcp_runtime_call_info", default=None)


@contextmanager
def tracking_call() -> Iterator[CallInfo]:
    """Make a fresh ``CallInfo`` current for the duration of one tool call."""
    info = CallInfo()
    token = _current.set(info)
    try:
        yield info
    finally:
        _current.reset(token)


def current_call() -> CallInfo:
    """The call in progress, or a throwaway holder outside of one (direct client use, tests)."""
    return _current.get() or CallInfo()
