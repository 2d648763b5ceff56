"""The shadow document models: what the bridge writes is what the Lambda reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from smarthome_contract.shadow import (
    Capabilities,
    ColorTempRange,
    DesiredState,
    DeviceShadow,
    PresenceShadow,
    ReportedState,
    epoch_seconds,
    iso,
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


def test_pending_ignores_foreign_delta_keys() -> None:
    doc = {"state": {"delta": {"on": True, "firmware": "x"}}, "version": 3}
    assert DeviceShadow.model_validate(doc).pending() == {"on": True}


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
