"""The confirmation rule and the poll schedule, as pure functions (no AWS, no clock)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from iot_lambda.confirm import Command, Verdict, poll_offsets, verdict
from iot_lambda.presence import Presence, bridge_status
from iot_lambda.settings import LambdaSettings
from iot_lambda.shadows import DeviceRead
from smarthome_contract.shadow import BridgePresence, utc_now

OURS = "a" * 32
COMMAND = Command(target={"on": True}, command_id=OURS, version=10)


def read(version: int = 12, desired: dict[str, Any] | None = None, **reported: Any) -> DeviceRead:
    doc = {
        "version": version,
        "state": {"reported": {"reachable": True, **reported}, "desired": desired or {}},
    }
    return DeviceRead.parse("home", "bulb-1", doc)


@pytest.mark.parametrize(
    ("shadow", "expected"),
    [
        # protocol v2
        (read(on=True, command_id=OURS, applied_version=10), Verdict.DONE),
        (read(on=True, command_id="later", applied_version=11), Verdict.DONE),
        (read(on=False, command_id="later", applied_version=11), Verdict.SUPERSEDED),
        (read(on=True, command_id="older", applied_version=9), Verdict.WAITING),  # stale
        (read(on=True, command_id=OURS, applied_version=10, reachable=False), Verdict.WAITING),
        (read(on=False, command_id=OURS, applied_version=10), Verdict.WAITING),  # not taken
        (read(on=True, command_id="x", applied_version=True), Verdict.WAITING),  # bool != version
        # legacy bridge (no echo): newer document, our keys cleared, report matches
        (read(on=True), Verdict.DONE),
        (read(version=10, on=True), Verdict.WAITING),  # nothing after our write
        (read(on=True, desired={"on": True}), Verdict.WAITING),  # our key not applied yet
        (read(on=True, reachable=False), Verdict.WAITING),
        (read(on=False), Verdict.WAITING),
    ],
)
def test_verdict(shadow: DeviceRead, expected: Verdict) -> None:
    assert verdict(shadow, COMMAND) is expected


def test_no_report_yet_is_waiting() -> None:
    assert (
        verdict(DeviceRead.parse("h", "d", {"version": 20, "state": {}}), COMMAND)
        is Verdict.WAITING
    )


def test_pending_is_command_keys_only() -> None:
    shadow = read(desired={"on": False, "command_id": OURS, "brightness": None, "colour": "red"})
    assert shadow.pending() == {"on": False}


SCHEDULE = {"first": 0.05, "min_gap": 0.05, "growth": 0.25, "max_gap": 1.0}


def test_default_schedule_matches_the_settings() -> None:
    fields = LambdaSettings.model_fields
    assert fields["poll_first_seconds"].default == SCHEDULE["first"]
    assert fields["poll_min_gap_seconds"].default == SCHEDULE["min_gap"]
    assert fields["poll_growth"].default == SCHEDULE["growth"]
    assert fields["poll_max_gap_seconds"].default == SCHEDULE["max_gap"]


def test_default_schedule_reads_few_times() -> None:
    offsets = list(poll_offsets(8.0, **SCHEDULE))
    assert offsets[:5] == pytest.approx([0.05, 0.10, 0.15, 0.20, 0.25])
    assert offsets[-1] == 8.0
    assert len(offsets) <= 25  # a stored command costs at most this many reads
    assert list(poll_offsets(0, **SCHEDULE)) == []


@settings(max_examples=200, deadline=None)
@given(
    wait=st.floats(0.01, 30),
    landed=st.floats(0.0, 1.0),
    first=st.floats(0.005, 0.5),
    min_gap=st.floats(0.005, 0.5),
    growth=st.floats(0.0, 1.0),
    max_gap=st.floats(0.01, 2.0),
)
def test_the_wait_after_a_report_is_bounded(wait, landed, first, min_gap, growth, max_gap) -> None:
    offsets = list(poll_offsets(wait, first=first, min_gap=min_gap, growth=growth, max_gap=max_gap))
    assert offsets == sorted(offsets)
    assert offsets[-1] == wait
    at = landed * wait  # a report landing anywhere inside the wait is seen by some read ...
    seen = next(o for o in offsets if o >= at)
    # ... no later than one gap (max(min_gap, growth x time waited), capped) after it, or at the
    # first read: the wait added after a report is bounded, whatever the distribution.
    bound = max(first, at + min(max(growth * at, min_gap), max_gap))
    assert seen <= min(wait, bound) + 1e-9


def test_presence_in_the_future_counts_as_heard() -> None:
    # Clock skew between the rule's timestamps and the Lambda must not read as silence.
    now = utc_now()
    shadow = BridgePresence(connected=True, heartbeat_at=now + timedelta(seconds=5))
    assert bridge_status("h", shadow, now=now, silent_after_seconds=60).presence is Presence.ONLINE


def test_connected_without_any_time_is_not_heard() -> None:
    status = bridge_status(
        "h", BridgePresence(connected=True), now=utc_now(), silent_after_seconds=60
    )
    assert status.presence is Presence.NOT_HEARD
