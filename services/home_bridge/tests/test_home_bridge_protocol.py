"""Shadow protocol v2, bridge side, against the local IoT Core's real shadow service in-process.

No broker here: deltas are handed to the bridge in whatever order a test (or Hypothesis) picks,
which is what AWS allows ("no guarantee that messages ... arrive in any specific order").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from devstack.iot_core.errors import ShadowError
from devstack.iot_core.service import ShadowService
from devstack.iot_core.store import ShadowStore
from devstack.iot_core.topics import ShadowAddress
from home_bridge.bridge import Bridge, Connected, Delta, Poll, ShadowConflict, ShadowSnapshot
from home_bridge.devices.simulated import SimulatedLight
from home_bridge.registry import Registry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kasa import AuthenticationError
from smarthome_contract.shadow import (
    CommandOutcome,
    DesiredState,
    DeviceShadow,
    command_outcome,
    command_request,
    new_command_id,
)

THING = "pi"
DEVICE = "bulb-1"
CONFLICT = 409
NOT_FOUND = 404


class ServicePort:
    """The bridge's ShadowPort over the shadow service itself (what MQTT would carry)."""

    def __init__(self, service: ShadowService) -> None:
        self.service = service
        self.published: list[tuple[str, dict[str, Any]]] = []
        self.writes = 0
        # Run once right before the next versioned / unversioned update: a command racing it.
        self.before_versioned_update: Callable[[], None] | None = None
        self.before_unversioned_update: Callable[[], None] | None = None

    async def get(self, shadow: str) -> ShadowSnapshot | None:
        try:
            doc = self.service.get(ShadowAddress(THING, shadow))
        except ShadowError as error:
            if error.code == NOT_FOUND:
                return None
            raise
        state = doc["state"]
        return ShadowSnapshot(doc["version"], state.get("desired", {}), state.get("reported", {}))

    async def update(
        self,
        shadow: str,
        *,
        reported: dict[str, Any],
        desired: dict[str, Any] | None = None,
        version: int | None = None,
    ) -> int:
        if version is not None and self.before_versioned_update is not None:
            race, self.before_versioned_update = self.before_versioned_update, None
            race()
        if version is None and self.before_unversioned_update is not None:
            race, self.before_unversioned_update = self.before_unversioned_update, None
            race()
        state: dict[str, Any] = {"reported": reported}
        if desired is not None:
            state["desired"] = desired
        body: dict[str, Any] = {"state": state}
        if version is not None:
            body["version"] = version
        try:
            accepted = self.service.update(ShadowAddress(THING, shadow), json.dumps(body).encode())
        except ShadowError as error:
            if error.code == CONFLICT:
                raise ShadowConflict(error.message) from error
            raise
        self.writes += 1
        return int(accepted["version"])

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        self.published.append((topic, payload))


class Home:
    """One bridge, one simulated bulb, the shadow service; commands written as the Lambda does."""

    def __init__(self) -> None:
        self.service = ShadowService(ShadowStore())
        self.port = ServicePort(self.service)
        self.light = SimulatedLight(DEVICE, "Bedroom")
        self.bridge = Bridge(THING, Registry([self.light]), self.port)

    def command(self, **target: Any) -> tuple[str, int]:
        """Write a command; returns its id and version."""
        command_id = new_command_id()
        body = command_request(DesiredState(**target), command_id)
        accepted = self.service.update(ShadowAddress(THING, DEVICE), json.dumps(body).encode())
        return command_id, int(accepted["version"])

    def shadow(self) -> DeviceShadow:
        return DeviceShadow.model_validate(self.service.get(ShadowAddress(THING, DEVICE)))

    def bulb(self) -> dict[str, Any]:
        state = self.light.transport.state
        return {"on": state["device_on"], "brightness": state["brightness"],
                "color_temp": state["color_temp"]}  # fmt: skip

    @property
    def set_requests(self) -> int:
        return self.light.transport.requests


@pytest.fixture
async def home() -> Home:
    home = Home()
    await home.bridge.handle(Connected())
    return home


async def test_a_stale_delta_is_dropped_and_the_current_desired_state_applied(home: Home) -> None:
    first, v1 = home.command(on=True, brightness=20)
    second, v2 = home.command(on=False)
    # The newer delta arrives first; the older one after it.
    await home.bridge.handle(Delta(DEVICE, v2))
    writes = home.port.writes
    await home.bridge.handle(Delta(DEVICE, v1))
    assert home.port.writes == writes  # dropped: nothing read, nothing driven, nothing written
    assert home.bulb() == {"on": False, "brightness": 20, "color_temp": 2700}
    shadow = home.shadow()
    assert shadow.pending() == {}
    assert command_outcome(shadow, second, v2, {"on": False}) is CommandOutcome.DONE
    # The first command was taken into account (its brightness stands) but is off now.
    assert command_outcome(shadow, first, v1, {"on": True, "brightness": 20}) is (
        CommandOutcome.SUPERSEDED
    )
    assert command_outcome(shadow, first, v1, {"brightness": 20}) is CommandOutcome.DONE


async def test_a_command_equal_to_a_stale_report_is_still_applied(home: Home) -> None:
    """The issue's root cause: reported said "on" (stale), the bulb was off, desired on."""
    home.service.update(
        ShadowAddress(THING, DEVICE), json.dumps({"state": {"reported": {"on": True}}}).encode()
    )
    command_id, version = home.command(on=True)
    assert "on" not in (home.shadow().state.delta or {})  # no delta key: a wake-up only
    await home.bridge.handle(Delta(DEVICE, version))
    assert home.bulb()["on"] is True
    assert command_outcome(home.shadow(), command_id, version, {"on": True}) is (
        CommandOutcome.DONE
    )


async def test_a_command_that_arrives_during_apply_is_not_lost(home: Home) -> None:
    first, v1 = home.command(on=True)
    later: list[tuple[str, int]] = []
    home.port.before_versioned_update = lambda: later.append(home.command(brightness=77))
    await home.bridge.handle(Delta(DEVICE, v1))
    (second, v2), = later  # fmt: skip
    assert home.bulb() == {"on": True, "brightness": 77, "color_temp": 2700}
    shadow = home.shadow()
    assert shadow.pending() == {}
    assert shadow.state.reported is not None
    assert (shadow.state.reported.command_id, shadow.state.reported.applied_version) == (
        second,
        v2,
    )
    assert command_outcome(shadow, first, v1, {"on": True}) is CommandOutcome.DONE


async def test_a_command_written_while_the_bridge_reports_is_still_woken_by_its_delta() -> None:
    """A plain report (after a restart, a wall switch) lands after a command it did not read;
    the command's delta (a lower version than the report's) must still be applied."""
    home = Home()
    commands: list[tuple[str, int]] = []
    home.port.before_unversioned_update = lambda: commands.append(home.command(on=True))
    await home.bridge.handle(Connected())  # the first report after a (re)start
    ((command_id, version),) = commands
    await home.bridge.handle(Delta(DEVICE, version))
    assert home.bulb()["on"] is True
    assert command_outcome(home.shadow(), command_id, version, {"on": True}) is (
        CommandOutcome.DONE
    )


async def test_one_refused_command_does_not_take_another_commands_keys_with_it(
    home: Home,
) -> None:
    """Desired merges the commands since the last apply: turn_on, then a refused colour."""
    on_id, on_version = home.command(on=True)
    colour_id, colour_version = home.command(color_temp=9000)  # outside 2500-6500 K
    await home.bridge.handle(Delta(DEVICE, colour_version))
    shadow = home.shadow()
    assert home.bulb()["on"] is True
    assert shadow.pending() == {}
    assert command_outcome(shadow, on_id, on_version, {"on": True}) is CommandOutcome.DONE
    assert command_outcome(shadow, colour_id, colour_version, {"color_temp": 9000}) is (
        CommandOutcome.REJECTED
    )
    assert "between 2500 and 6500" in (shadow.state.reported.error or "")  # type: ignore[union-attr]


async def test_nothing_to_change_is_confirmed_without_touching_the_bulb(home: Home) -> None:
    command_id, version = home.command(on=False)  # the bulb is already off
    sent_before = home.light.transport.requests
    await home.bridge.handle(Delta(DEVICE, version))
    assert home.shadow().pending() == {}
    assert command_outcome(home.shadow(), command_id, version, {"on": False}) is (
        CommandOutcome.DONE
    )
    # One read of the bulb; no set_device_info.
    assert home.light.transport.requests - sent_before == 1


async def test_levels_while_off_keep_the_bulb_off(home: Home) -> None:
    """A TAPO bulb switches on when given a level alone; the bridge says device_on explicitly."""
    _, version = home.command(color_temp=5000)
    await home.bridge.handle(Delta(DEVICE, version))
    assert home.bulb() == {"on": False, "brightness": 50, "color_temp": 5000}


async def test_a_refused_command_is_reported_with_its_reason_and_cleared(home: Home) -> None:
    command_id, version = home.command(color_temp=9000)  # outside 2500-6500 K
    await home.bridge.handle(Delta(DEVICE, version))
    shadow = home.shadow()
    assert shadow.pending() == {}
    assert shadow.state.reported is not None
    assert "between 2500 and 6500" in (shadow.state.reported.error or "")
    assert command_outcome(shadow, command_id, version, {"color_temp": 9000}) is (
        CommandOutcome.REJECTED
    )
    # The next command clears the error.
    _, next_version = home.command(on=True)
    await home.bridge.handle(Delta(DEVICE, next_version))
    assert home.shadow().state.reported.error is None  # type: ignore[union-attr]


async def test_an_unreachable_bulb_keeps_the_command_until_a_poll_finds_it(home: Home) -> None:
    home.light.transport.reachable = False
    command_id, version = home.command(on=True)
    await home.bridge.handle(Delta(DEVICE, version))
    shadow = home.shadow()
    assert shadow.pending() == {"on": True}
    assert shadow.state.reported is not None
    assert shadow.state.reported.reachable is False
    assert shadow.state.reported.error_kind == "unreachable"
    assert command_outcome(shadow, command_id, version, {"on": True}) is CommandOutcome.PENDING
    home.light.transport.reachable = True
    await home.bridge.handle(Poll())
    assert home.bulb()["on"] is True
    assert command_outcome(home.shadow(), command_id, version, {"on": True}) is (
        CommandOutcome.DONE
    )


async def test_a_wrong_login_is_a_configuration_error_and_not_retried(home: Home) -> None:
    # What KlapTransport raises when the bulb's handshake answer does not match the login.
    home.light.transport.failure = AuthenticationError("Device response did not match")
    await home.light.close()  # a fresh connection, as after a bulb power cycle
    _, version = home.command(on=True)
    await home.bridge.handle(Delta(DEVICE, version))
    reported = home.shadow().state.reported
    assert reported is not None
    assert reported.error_kind == "configuration"
    assert "HOME_BRIDGE_TAPO_PASSWORD" in (reported.error or "")
    assert home.shadow().pending() == {"on": True}  # stored for after the fix
    sent = home.light.transport.requests
    for _ in range(3):
        await home.bridge.handle(Poll())
    assert home.light.transport.requests == sent  # no retry loop against the TP-Link login


async def test_connect_announces_itself_with_the_connected_payload(home: Home) -> None:
    from smarthome_contract import naming

    assert home.port.published[0] == (
        naming.presence_topic(THING),
        naming.rules().presence.connected_payload,
    )


# --- randomised: any commands, deltas lost, duplicated and out of order ---------------------

COMMANDS = st.one_of(
    st.builds(lambda on: {"on": on}, st.booleans()),
    st.builds(lambda b: {"on": True, "brightness": b}, st.integers(1, 100)),
    st.builds(lambda k: {"color_temp": k}, st.integers(2500, 6500)),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    batches=st.lists(st.lists(COMMANDS, min_size=1, max_size=4), min_size=1, max_size=4),
    data=st.data(),
)
async def test_last_command_wins_whatever_the_delta_order(
    batches: list[list[dict[str, Any]]], data: st.DataObject
) -> None:
    home = Home()
    await home.bridge.handle(Connected())
    expected = home.bulb()
    for batch in batches:
        deltas = []
        for target in batch:
            _, version = home.command(**target)
            expected.update(target)
            deltas.append(Delta(DEVICE, version))
        # Some deltas lost, some twice, in any order - then maybe a poll.
        delivered = data.draw(st.lists(st.sampled_from(deltas), max_size=6))
        for delta in delivered:
            await home.bridge.handle(delta)
        if not delivered or data.draw(st.booleans()):
            await home.bridge.handle(Poll())
        assert home.bulb() == expected
        assert home.shadow().pending() == {}
