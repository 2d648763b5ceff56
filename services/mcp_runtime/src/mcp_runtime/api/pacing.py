"""Adaptive pacing per API token: no delay while the API answers well, slower after a 429, a pause
after a burst of errors, and a cap on requests in flight.

The API documents no rate limit, but it may block a token after many erroring requests
(accounting-api-facts.md §2), so the thing to protect a token from is a run of errors, not a
steady rate. Per token:

- healthy: requests go out at once (no fixed pace: the old 4/s bucket made every call after the
  fourth wait 250 ms);
- 429: nothing is sent with that token before ``Retry-After`` has passed, and its requests are
  spaced (``slow_interval``, doubling on each further 429 up to ``max_interval``); each success
  halves the spacing until it is gone;
- a burst of errors (``error_burst`` within ``error_window``): calls with that token are refused
  at once with a clear answer for ``pause`` seconds; after it, the first answer decides (an
  error pauses again);
- at most ``max_concurrent`` requests in flight.

State lives in this process only. On AgentCore each session runs in its own microVM, so this
protects a token within one session; the API's own limits stay the backstop across sessions.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import anyio
from cachetools import LRUCache

RATE_LIMITED_LONG = (
    "The accounting API asked to slow down (rate limited) for longer than a call waits"
)


@dataclass(frozen=True)
class PacingPolicy:
    """The knobs, from the settings."""

    max_concurrent: int = 4
    error_burst: int = 8
    error_window: float = 30.0
    pause: float = 30.0
    max_wait: float = 10.0
    slow_interval: float = 0.25
    max_interval: float = 2.0


class TokenPaused(Exception):
    """Calls with this token are held back for ``seconds``; the message says why and until when."""

    def __init__(self, seconds: float, reason: str) -> None:
        until = datetime.fromtimestamp(time.time() + seconds, tz=UTC).strftime("%H:%M:%S UTC")
        super().__init__(f"{reason}; try again after {until}.")
        self.seconds = seconds


Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TokenPacer:
    """The pacing state of one API token."""

    def __init__(
        self, policy: PacingPolicy, *, clock: Clock = time.monotonic, sleep: Sleep = anyio.sleep
    ) -> None:
        self._policy = policy
        self._clock = clock
        self._sleep = sleep
        self._slots = anyio.Semaphore(policy.max_concurrent)
        self._interval = 0.0
        self._not_before = 0.0
        self._last_start = float("-inf")
        self._errors: deque[float] = deque()
        self._paused_until = 0.0
        self._probation = False
        self.waited_seconds = 0.0

    @property
    def interval(self) -> float:
        """The spacing currently enforced between requests (0 when healthy)."""
        return self._interval

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[float]:
        """Hold one request slot, after any wait this token owes (yields that wait in seconds);
        ``TokenPaused`` instead of a wait longer than ``max_wait``."""
        self._refuse_if_paused()
        async with self._slots:
            delay = self._reserve()
            if delay > 0:
                self.waited_seconds += delay
                await self._sleep(delay)
                self._refuse_if_paused()
            yield delay

    def succeeded(self) -> None:
        """An answer that does not count against the token."""
        self._probation = False
        halved = self._interval / 2
        self._interval = halved if halved >= 0.01 else 0.0

    def failed(self, *, retry_after: float | None = None, rate_limited: bool = False) -> None:
        """An erroring answer (or no answer); ``rate_limited`` for a 429."""
        now = self._clock()
        if rate_limited:
            policy = self._policy
            self._interval = min(max(self._interval * 2, policy.slow_interval), policy.max_interval)
            wait = retry_after if retry_after is not None else self._interval
            self._not_before = max(self._not_before, now + wait)
        if self._probation:
            self._pause(now)
            return
        self._errors.append(now)
        while self._errors and self._errors[0] < now - self._policy.error_window:
            self._errors.popleft()
        if len(self._errors) >= self._policy.error_burst:
            self._pause(now)

    def _pause(self, now: float) -> None:
        self._paused_until = now + self._policy.pause
        self._errors.clear()
        self._probation = True

    def _refuse_if_paused(self) -> None:
        remaining = self._paused_until - self._clock()
        if remaining > 0:
            raise TokenPaused(
                remaining,
                "The accounting API answered many recent requests with errors, so calls with "
                "your API token are paused for a moment to keep the API from blocking it",
            )

    def _reserve(self) -> float:
        now = self._clock()
        start = max(now, self._not_before, self._last_start + self._interval)
        delay = start - now
        if delay > self._policy.max_wait:
            raise TokenPaused(delay, RATE_LIMITED_LONG)
        self._last_start = start
        return delay


class Pacers:
    """One pacer per token, keyed by the token's hash (the map holds no secrets); bounded so a
    long-lived process with many users does not grow without limit."""

    def __init__(self, policy: PacingPolicy, **timing: Any) -> None:
        # ``timing``: clock/sleep for TokenPacer (tests pass a fake clock).
        self._new = partial(TokenPacer, policy, **timing)
        self._pacers: LRUCache[str, TokenPacer] = LRUCache(maxsize=1024)

    def for_token(self, token: str) -> TokenPacer:
        key = hashlib.sha256(token.encode()).hexdigest()
        pacer = self._pacers.get(key)
        if pacer is None:
            pacer = self._new()
            self._pacers[key] = pacer
        return pacer
