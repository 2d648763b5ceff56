"""The shadow document models: what the bridge writes is what the Lambda reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from smarthome_contract.shadow import (
    APPLIED_VERSION_KEY,
    COMMAND_ID_KEY,
    BridgePresence,
    Capabilities,
    ColorTempRange,
    CommandOutcome,
    DesiredState,
    DeviceShadow,
    PresenceShadow,
    PresenceStatus,
    ReportedState,
    command_outcome,
    command_request,
    epoch_seconds,
    iso,
    new_command_id,
)

WHEN = datetime(2026, 11, 21, 6, 0, 0, tzinfo=UTC)


def test_reported_round_trips_through_json() -> None:
    reported = ReportedState(
        name="Bedroom",
        model="L530",
        capabilities=Capabilities(
            brightness=True, color_temp=ColorTempRange(min_kelvin=2500, max_kelvin=6500)
        ),
        reachable=True,
        on=True,
        brightness=40,
        color_temp=2700,
        updated_at=WHEN,
    )
    data = reported.shadow_json()
    assert data["updated_at"] == epoch_seconds(WHEN)
    assert ReportedState.model_validate(data) == reported


def test_desired_changes_hold_only_the_command_keys() -> None:
    assert DesiredState(on=False).changes() == {"on": False}
    assert DesiredState(on=True, brightness=5).changes() == {"on": True, "brightness": 5}
    with pytest.raises(ValidationError):
        DesiredState(brightness=0)


def test_matches_compares_only_requested_keys() -> None:
    reported = ReportedState(on=True, brightness=40)
    assert reported.matches({"on": True})
    assert not reported.matches({"on": True, "brightness": 41})


def test_pending_is_the_desired_command_keys_not_the_delta() -> None:
    # turn_on while the (stale) report already says on: no delta, but the command is pending.
    doc = {
        "state": {
            "desired": {"on": True, "firmware": "x", COMMAND_ID_KEY: "c1"},
            "reported": {"on": True},
        },
        "version": 3,
    }
    assert DeviceShadow.model_validate(doc).pending() == {"on": True}
    assert (
        DeviceShadow.model_validate({"state": {"desired": {COMMAND_ID_KEY: "c1"}}}).pending() == {}
    )


def test_a_command_request_carries_its_keys_and_id() -> None:
    command_id = new_command_id()
    assert command_id != new_command_id()
    assert command_request(DesiredState(on=True, brightness=31), command_id) == {
        "state": {"desired": {"on": True, "brightness": 31, COMMAND_ID_KEY: command_id}}
    }


def test_a_report_without_a_command_keeps_the_last_command_on_record() -> None:
    # Shadow updates merge key by key and null deletes: leaving the keys out keeps them.
    assert COMMAND_ID_KEY not in ReportedState(on=True).shadow_json()
    applied = ReportedState(on=True, command_id="c1", applied_version=7).shadow_json()
    assert (applied[COMMAND_ID_KEY], applied[APPLIED_VERSION_KEY]) == ("c1", 7)
    # An old error is deleted by the next report.
    assert ReportedState(on=True).shadow_json()["error"] is None


def _shadow(**reported: Any) -> DeviceShadow:
    return DeviceShadow.model_validate({"state": {"reported": {"reachable": True, **reported}}})


def test_done_needs_a_report_that_dealt_with_the_command() -> None:
    target = {"on": True}
    # The stale report matches the target, but no report has seen this command yet.
    stale = _shadow(on=True, command_id="older", applied_version=4)
    assert command_outcome(stale, "c1", 5, target) is CommandOutcome.PENDING
    assert command_outcome(_shadow(on=True), "c1", 5, target) is CommandOutcome.PENDING
    assert command_outcome(DeviceShadow(), "c1", 5, target) is CommandOutcome.PENDING
    ours = _shadow(on=True, command_id="c1", applied_version=5)
    assert command_outcome(ours, "c1", 5, target) is CommandOutcome.DONE
    # Applied together with a newer command that agrees with it: done too.
    merged = _shadow(on=True, brightness=31, command_id="c2", applied_version=6)
    assert command_outcome(merged, "c1", 5, target) is CommandOutcome.DONE


def test_a_newer_command_supersedes_and_a_refusal_is_rejected() -> None:
    newer = _shadow(on=False, command_id="c2", applied_version=6)
    assert command_outcome(newer, "c1", 5, {"on": True}) is CommandOutcome.SUPERSEDED
    refused = _shadow(
        color_temp=2700, command_id="c1", applied_version=5, error="out of range",
        error_kind="rejected",
    )  # fmt: skip
    assert command_outcome(refused, "c1", 5, {"color_temp": 9000}) is CommandOutcome.REJECTED
    unreachable = _shadow(on=True, command_id="c1", applied_version=5, reachable=False)
    assert command_outcome(unreachable, "c1", 5, {"on": True}) is CommandOutcome.SUPERSEDED


@given(
    applied=st.integers(min_value=0, max_value=20),
    version=st.integers(min_value=1, max_value=20),
    same_id=st.booleans(),
    on=st.booleans(),
)
def test_done_only_when_applied_and_matching(
    applied: int, version: int, same_id: bool, on: bool
) -> None:
    shadow = _shadow(on=on, command_id="c1" if same_id else "other", applied_version=applied)
    outcome = command_outcome(shadow, "c1", version, {"on": True})
    dealt_with = same_id or applied >= version
    assert (outcome is CommandOutcome.DONE) == (dealt_with and on)
    assert (outcome is CommandOutcome.PENDING) == (not dealt_with)


def test_presence_is_connected_only_while_heartbeats_arrive() -> None:
    beat = WHEN
    presence = BridgePresence(
        connected=True, connected_at=beat - timedelta(minutes=5), heartbeat_at=beat
    )
    assert presence.last_heard == beat
    assert presence.status(beat + timedelta(seconds=60), 30) is PresenceStatus.CONNECTED
    # A broker outage sends no last will: the shadow still says connected, the clock does not.
    assert presence.status(beat + timedelta(seconds=61), 30) is PresenceStatus.NOT_HEARD
    assert BridgePresence(connected=False).status(beat, 30) is PresenceStatus.OFFLINE
    assert BridgePresence().status(beat, 30) is PresenceStatus.NEVER


def test_presence_parses_epoch_seconds_written_by_the_rule() -> None:
    doc = {"state": {"reported": {"connected": False, "disconnected_at": epoch_seconds(WHEN)}}}
    presence = PresenceShadow.model_validate(doc).state.reported
    assert presence.connected is False
    assert presence.disconnected_at == WHEN
    assert iso(WHEN) == "2026-11-21T06:00:00Z"


def test_color_range_is_inclusive() -> None:
    rng = ColorTempRange(min_kelvin=2500, max_kelvin=6500)
    assert rng.contains(2500)
    assert rng.contains(6500)
    assert not rng.contains(6501)
