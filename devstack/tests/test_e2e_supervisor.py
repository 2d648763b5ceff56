"""The supervisor keeps ``make dev`` running: crashed parts come back, with backoff, loudly.

First the restart policy with stand-in parts and a fake clock (fast, exact), then the real stack:
each child and mosquitto killed by hand (SIGKILL) heals within seconds.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from devstack.supervisor import Stack, StackSettings
from devstack.supervisor.stack import Broker
from devstack.supervisor.watch import GaveUp, RestartPolicy, Supervisor
from testkit.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
HEAL_S = 60.0


@dataclass
class FakePart:
    name: str
    up: bool = True
    starts: int = 0
    fail_restart: bool = False
    log: list[str] = field(default_factory=list)

    def alive(self) -> bool:
        return self.up

    def exit_status(self) -> str:
        return "exited with code 3"

    def restart(self) -> None:
        self.starts += 1
        if self.fail_restart:
            raise RuntimeError("cannot start")
        self.up = True

    def last_words(self) -> str:
        return "address already in use"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def supervisor(*parts: FakePart, clock: Clock) -> Supervisor:
    policy = RestartPolicy(first_delay_s=1, max_delay_s=4, fast_crash_s=10, max_fast_crashes=3)
    return Supervisor(list(parts), policy, clock)


def test_a_crashed_part_is_restarted_after_its_delay_and_it_is_logged(caplog) -> None:
    clock, part = Clock(), FakePart("bridge")
    watch = supervisor(part, clock=clock)
    clock.now += 60  # long up: the next crash is not a fast one
    part.up = False
    with caplog.at_level(logging.WARNING):
        watch.tick()
        assert part.starts == 0
        clock.now += 0.9
        watch.tick()
        assert part.starts == 0
        clock.now += 0.2
        watch.tick()
    assert part.starts == 1
    assert watch.restarts("bridge") == 1
    assert "bridge exited with code 3; restarting it in 1.0s" in caplog.text
    assert "bridge restarted (restart 1)" in caplog.text


def test_fast_crashes_double_the_delay_up_to_the_cap_then_give_up() -> None:
    clock, part = Clock(), FakePart("runtime")
    watch = supervisor(part, clock=clock)
    delays = []
    for _ in range(3):
        part.up = False
        watch.tick()
        began = clock.now
        while part.starts == len(delays):
            clock.now += 0.25
            watch.tick()
        delays.append(clock.now - began)
        clock.now += 1  # crashes again soon after the restart
    assert delays == [1.0, 2.0, 4.0]
    part.up = False
    with pytest.raises(GaveUp, match="runtime crashed 4 times in a row") as caught:
        watch.tick()
    assert "address already in use" in str(caught.value)


def test_a_part_that_stayed_up_starts_from_the_first_delay_again() -> None:
    clock, part = Clock(), FakePart("gateway")
    watch = supervisor(part, clock=clock)
    for _ in range(3):
        part.up = False
        watch.tick()
        clock.now += 5
        watch.tick()
        clock.now += 1
    clock.now += 30
    watch.tick()  # up for 30 s: the crash streak is over
    part.up = False
    watch.tick()
    clock.now += 1.0
    watch.tick()
    assert part.starts == 4


def test_a_failing_restart_counts_as_a_crash_and_others_are_still_watched() -> None:
    clock = Clock()
    broken, healthy = FakePart("sandbox", fail_restart=True), FakePart("bridge")
    watch = supervisor(broken, healthy, clock=clock)
    broken.up = healthy.up = False

    def until_it_gives_up() -> None:
        for _ in range(200):
            clock.now += 0.5
            watch.tick()

    with pytest.raises(GaveUp, match="sandbox"):
        until_it_gives_up()
    assert healthy.up
    assert broken.starts == 3


def test_a_paused_part_is_left_alone() -> None:
    clock, part = Clock(), FakePart("mosquitto")
    watch = supervisor(part, clock=clock)
    with watch.paused("mosquitto"):
        part.up = False
        for _ in range(20):
            clock.now += 1
            watch.tick()
        assert part.starts == 0
        part.up = True
    watch.tick()
    assert part.starts == 0


# --- the real stack ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = StackSettings.on_free_ports(
        tmp_path_factory.mktemp("supervised"),
        REPO,
        heartbeat_seconds=2.0,
        poll_seconds=1.0,
        command_wait_seconds=3.0,
        restart_delay_seconds=0.2,
    )
    with Stack(settings) as running, running.supervisor.in_background():
        yield running


def healthy(url: str) -> bool:
    try:
        return httpx2.get(url, timeout=2).status_code == 200
    except httpx2.HTTPError:
        return False


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize("name", ["sandbox", "runtime", "gateway", "bridge"])
def test_a_child_killed_by_hand_heals_within_seconds(stack: Stack, name: str, caplog) -> None:
    child = stack.child(name)
    before = child.pid
    assert before is not None
    with caplog.at_level(logging.WARNING, logger="devstack.supervisor.watch"):
        os.kill(before, signal.SIGKILL)
        began = time.monotonic()
        assert wait_until(
            lambda: child.pid != before and child.running() and child.healthy(), HEAL_S
        )
    print(f"{name} healed in {time.monotonic() - began:.1f}s")
    assert stack.supervisor.restarts(name) >= 1
    assert f"{name} was killed by SIGKILL; restarting it in" in caplog.text
    assert f"{name} restarted" in caplog.text


@pytest.mark.e2e
@pytest.mark.slow
def test_mosquitto_killed_by_hand_heals_and_the_bridge_reconnects(stack: Stack) -> None:
    core = stack.iot_core
    assert core is not None
    broker = Broker(core)
    before = broker.pid()
    assert before is not None
    os.kill(before, signal.SIGKILL)
    began = time.monotonic()
    assert wait_until(lambda: broker.pid() not in (None, before), HEAL_S)
    assert wait_until(stack.bridge_connected, HEAL_S)
    print(f"mosquitto healed in {time.monotonic() - began:.1f}s")
    assert stack.supervisor.restarts("mosquitto") >= 1
