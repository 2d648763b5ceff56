"""Facts about the tool call in progress, gathered by whoever learns them, logged once at the end.

The logging middleware opens a ``CallInfo`` per tool call; the API client records the upstream
status and the credential resolver the caller's subject. A mutable holder in a ContextVar (rather
than one ContextVar per fact) survives the context copies anyio makes for child tasks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class CallInfo:
    """What one tool call found out along the way."""

    upstream_status: int | None = None
    upstream_calls: int = 0
    subject: str | None = None


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
