"""Adaptive per-token pacing (api/pacing.py) on a fake clock: exact, instant, no sleeps.

The fault-injection tests (test_runtime_faults.py) drive the same pacer through the real
client against the sandbox.
"""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest
from mcp_runtime.api.pacing import Pacers, PacingPolicy, TokenPacer, TokenPaused

POLICY = PacingPolicy(
    max_concurrent=2, error_burst=3, error_window=10, pause=30, max_wait=5, slow_interval=0.25
)


class FakeTime:
    """A clock that only moves when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def _pacer(time: FakeTime, policy: PacingPolicy = POLICY) -> TokenPacer:
    return TokenPacer(policy, clock=time.clock, sleep=time.sleep)


async def _requests(pacer: TokenPacer, count: int) -> None:
    for _ in range(count):
        async with pacer.turn():
            pass
        pacer.succeeded()


async def test_a_healthy_token_never_waits() -> None:
    time = FakeTime()
    pacer = _pacer(time)
    await _requests(pacer, 100)
    assert time.slept == []
    assert pacer.waited_seconds == 0


async def test_retry_after_is_honoured_then_the_token_is_spaced_and_recovers() -> None:
    time = FakeTime()
    pacer = _pacer(time)
    async with pacer.turn():
        pass
    pacer.failed(retry_after=2.0, rate_limited=True)
    async with pacer.turn():
        pass
    assert time.slept == [2.0]  # nothing went out before Retry-After had passed
    pacer.succeeded()
    assert pacer.interval == 0.125  # slowed after the 429, halving with each good answer
    async with pacer.turn():
        pass
    assert time.slept == [2.0, 0.125]
    await _requests(pacer, 5)
    assert pacer.interval == 0.0
    slept = len(time.slept)
    await _requests(pacer, 10)
    assert len(time.slept) == slept  # healthy again: no more waits


async def test_repeated_429s_slow_the_token_more() -> None:
    time = FakeTime()
    pacer = _pacer(time, PacingPolicy(error_burst=100, max_interval=1.0))
    intervals = []
    for _ in range(4):
        pacer.failed(rate_limited=True)
        intervals.append(pacer.interval)
    assert intervals == [0.25, 0.5, 1.0, 1.0]


async def test_a_retry_after_longer_than_a_call_waits_is_answered_at_once() -> None:
    time = FakeTime()
    pacer = _pacer(time)
    pacer.failed(retry_after=60, rate_limited=True)
    with pytest.raises(TokenPaused, match="rate limited"):
        async with pacer.turn():
            pass
    assert time.slept == []


async def test_a_burst_of_errors_pauses_the_token_then_one_answer_decides() -> None:
    time = FakeTime()
    pacer = _pacer(time)
    for _ in range(3):
        async with pacer.turn():
            pass
        pacer.failed()
    with pytest.raises(TokenPaused, match="paused") as refused:
        async with pacer.turn():
            pass
    assert refused.value.seconds == 30
    assert "try again after" in str(refused.value)
    time.now += 30
    async with pacer.turn():  # the pause is over: one request may try
        pass
    pacer.failed()  # and it failed too: paused again at once, no second burst needed
    with pytest.raises(TokenPaused):
        async with pacer.turn():
            pass
    time.now += 30
    await _requests(pacer, 1)  # a success ends the probation
    for _ in range(2):
        pacer.failed()
    async with pacer.turn():  # two errors are no burst
        pass


async def test_errors_spread_wider_than_the_window_do_not_pause() -> None:
    time = FakeTime()
    pacer = _pacer(time)
    for _ in range(10):
        pacer.failed()
        time.now += 6  # at most two within any 10 s
    async with pacer.turn():
        pass


async def test_requests_in_flight_per_token_are_capped() -> None:
    pacer = TokenPacer(POLICY)
    in_flight = peak = 0
    release = anyio.Event()

    async def one() -> None:
        nonlocal in_flight, peak
        async with pacer.turn():
            in_flight += 1
            peak = max(peak, in_flight)
            await release.wait()
            in_flight -= 1

    async with anyio.create_task_group() as tasks:
        for _ in range(6):
            tasks.start_soon(one)
        with anyio.fail_after(5):
            while in_flight < POLICY.max_concurrent:
                await anyio.lowlevel.checkpoint()
        for _ in range(20):
            await anyio.lowlevel.checkpoint()  # give the others every chance to get in
        assert in_flight == POLICY.max_concurrent
        release.set()
    assert peak == POLICY.max_concurrent


def test_pacers_are_per_token_and_hold_no_token() -> None:
    pacers = Pacers(POLICY)
    assert pacers.for_token("token-a") is pacers.for_token("token-a")
    assert pacers.for_token("token-a") is not pacers.for_token("token-b")
    assert "token-a" not in repr(vars(pacers))
