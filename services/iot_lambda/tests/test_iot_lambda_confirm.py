"""The poll schedule and the presence reading, as pure functions (no AWS, no clock).

The done/superseded/rejected rule itself is the contract's ``command_outcome`` (tested there).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from iot_lambda.confirm import poll_offsets
from iot_lambda.presence import bridge_status
from iot_lambda.settings import LambdaSettings
from smarthome_contract.shadow import BridgePresence, PresenceStatus, utc_now

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
    assert bridge_status("h", shadow, now=now).status is PresenceStatus.CONNECTED


def test_presence_says_since_when() -> None:
    now = utc_now()
    heard, gone = now - timedelta(minutes=10), now - timedelta(minutes=5)
    silent = bridge_status("h", BridgePresence(connected=True, heartbeat_at=heard), now=now)
    assert (silent.status, silent.since) == (PresenceStatus.NOT_HEARD, heard)
    offline = bridge_status(
        "h", BridgePresence(connected=False, heartbeat_at=heard, disconnected_at=gone), now=now
    )
    assert (offline.status, offline.since) == (PresenceStatus.OFFLINE, gone)
    assert bridge_status("h", None, now=now).status is PresenceStatus.NEVER
