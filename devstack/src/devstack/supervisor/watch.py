"""Keep the stack running: restart what crashed, with backoff, and say so.

Each watched part (a child process, or mosquitto inside the local IoT Core) is checked every
tick. One that died is restarted after a delay that doubles with each crash that came soon
after its (re)start; one that stayed up long enough starts from the first delay again. After
too many fast crashes in a row the supervisor gives up and the stack stops with a clear message:
a part that cannot stay up is a bug to read about, not to hide.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)


class Watched(Protocol):
    """A part the supervisor can check and restart."""

    name: str

    def alive(self) -> bool: ...

    def exit_status(self) -> str: ...

    def restart(self) -> None: ...

    def last_words(self) -> str: ...


@dataclass(frozen=True)
class RestartPolicy:
    """Backoff and the crash-loop limit."""

    first_delay_s: float = 0.5
    max_delay_s: float = 10.0
    fast_crash_s: float = 10.0
    max_fast_crashes: int = 5

    def delay(self, fast_crashes: int) -> float:
        delay: float = self.first_delay_s * 2.0 ** max(fast_crashes - 1, 0)
        return min(delay, self.max_delay_s)


@dataclass
class _State:
    started_at: float
    fast_crashes: int = 0
    restarts: int = 0
    restart_at: float | None = None


class GaveUp(RuntimeError):
    """A part crashed too often in a row; the message names it and quotes its log."""


@dataclass
class Supervisor:
    """Call :meth:`tick` regularly (or :meth:`run`); it raises :class:`GaveUp` on a crash loop."""

    parts: Sequence[Watched]
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    clock: Callable[[], float] = time.monotonic
    _states: dict[str, _State] = field(default_factory=dict, init=False)
    _paused: set[str] = field(default_factory=set, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        now = self.clock()
        self._states = {part.name: _State(started_at=now) for part in self.parts}

    def restarts(self, name: str) -> int:
        """How often ``name`` was restarted so far."""
        return self._states[name].restarts

    @contextlib.contextmanager
    def paused(self, *names: str) -> Iterator[None]:
        """Leave ``names`` alone while inside (a deliberate outage in a fault test)."""
        with self._lock:
            self._paused.update(names)
        try:
            yield
        finally:
            with self._lock:
                self._paused.difference_update(names)
                now = self.clock()
                for name in names:
                    self._states[name].started_at = now

    def tick(self) -> None:
        """Check every part once; restart the ones whose delay has passed."""
        with self._lock:
            for part in self.parts:
                if part.name not in self._paused:
                    self._check(part, self._states[part.name], self.clock())

    def _check(self, part: Watched, state: _State, now: float) -> None:
        if state.restart_at is None:
            if part.alive():
                if now - state.started_at >= self.policy.fast_crash_s:
                    state.fast_crashes = 0
                return
            fast = now - state.started_at < self.policy.fast_crash_s
            state.fast_crashes = state.fast_crashes + 1 if fast else 1
            if state.fast_crashes > self.policy.max_fast_crashes:
                raise GaveUp(
                    f"{part.name} crashed {state.fast_crashes} times in a row, each within "
                    f"{self.policy.fast_crash_s:g}s of starting ({part.exit_status()}); giving "
                    f"up. Its last words:\n{part.last_words()}"
                )
            delay = self.policy.delay(state.fast_crashes)
            state.restart_at = now + delay
            log.warning("%s %s; restarting it in %.1fs", part.name, part.exit_status(), delay)
            return
        if now < state.restart_at:
            return
        state.restarts += 1
        state.started_at = now
        state.restart_at = None
        try:
            part.restart()
        except Exception as exc:
            # A restart that fails counts as a crash right away at the next tick.
            log.error("restarting %s failed: %s", part.name, exc)
            return
        log.warning("%s restarted (restart %d)", part.name, state.restarts)

    def run(self, stop: threading.Event, interval_s: float = 0.5) -> None:
        """Tick until ``stop`` is set; :class:`GaveUp` ends it early."""
        while not stop.wait(interval_s):
            self.tick()

    @contextlib.contextmanager
    def in_background(self, interval_s: float = 0.25) -> Iterator[Supervisor]:
        """Tick in a daemon thread while inside (tests drive the stack from the foreground)."""
        stop = threading.Event()
        failure: list[BaseException] = []

        def loop() -> None:
            try:
                self.run(stop, interval_s)
            except BaseException as exc:  # handed to the foreground below
                failure.append(exc)

        thread = threading.Thread(target=loop, name="devstack-supervisor", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join(10)
        if failure:
            raise failure[0]
