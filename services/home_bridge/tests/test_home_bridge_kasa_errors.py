"""python-kasa's errors mapped by what the bridge should do about them (issue 16 item 2).

Each error comes through python-kasa's real protocol and device code from the fake transport, the
way a real bulb's transport delivers it; the devices are python-kasa's own captured fixtures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from home_bridge.devices.base import DeviceConfigError, DeviceRejected, DeviceUnreachable
from home_bridge.devices.simulated import SimulatedLight
from kasa import AuthenticationError
from kasa.exceptions import SmartErrorCode
from kasa.exceptions import TimeoutError as KasaTimeoutError
from kasa.protocols import SmartProtocol
from smarthome_contract.shadow import DesiredState

L530 = "L530E(EU)_3.0_1.1.6"  # white and colour, dimmable
L510 = "L510B(EU)_3.0_1.0.5"  # dimmable white only


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # python-kasa waits a second between its own retries of a timeout or retryable error.
    monkeypatch.setattr(SmartProtocol, "BACKOFF_SECONDS_AFTER_TIMEOUT", 0)


@pytest.fixture
def bulb(kasa_fixture: Callable[[str], dict[str, Any]]) -> Callable[[str], SimulatedLight]:
    return lambda name: SimulatedLight("lamp", "Lamp", responses=kasa_fixture(name))


async def test_a_captured_l530_reports_what_it_can(bulb) -> None:
    light = bulb(L530)
    state = await light.refresh()
    assert (state.model, state.reachable, state.on) == ("L530", True, True)
    assert state.capabilities.brightness is True
    assert state.capabilities.color_temp is not None
    assert (state.capabilities.color_temp.min_kelvin, state.capabilities.color_temp.max_kelvin) == (
        2500,
        6500,
    )
    state = await light.apply(DesiredState(on=False, color_temp=4000))
    assert (state.on, state.color_temp) == (False, 4000)


async def test_a_captured_l510_cannot_take_a_colour_temperature(bulb) -> None:
    light = bulb(L510)
    state = await light.refresh()
    assert (state.model, state.capabilities.brightness, state.capabilities.color_temp) == (
        "L510",
        True,
        None,
    )
    with pytest.raises(DeviceRejected, match="no colour temperature"):
        await light.apply(DesiredState(color_temp=4000))
    state = await light.apply(DesiredState(on=True, brightness=30))
    assert (state.on, state.brightness) == (True, 30)


async def test_a_wrong_login_is_a_configuration_error_without_retries(bulb) -> None:
    light = bulb(L530)
    # What KlapTransport raises when the bulb's handshake answer does not match the account.
    light.transport.failure = AuthenticationError("Device response did not match our challenge")
    with pytest.raises(DeviceConfigError, match="HOME_BRIDGE_TAPO_USERNAME"):
        await light.refresh()
    sent = light.transport.requests
    light.transport.failure = None  # even a fixed bulb is left alone until the bridge restarts
    for call in (light.refresh(), light.apply(DesiredState(on=True))):
        with pytest.raises(DeviceConfigError):
            await call
    assert light.transport.requests == sent


async def test_a_login_error_code_on_a_command_is_a_configuration_error(bulb) -> None:
    light = bulb(L530)
    await light.refresh()
    light.transport.method_errors["set_device_info"] = SmartErrorCode.LOGIN_ERROR.value
    with pytest.raises(DeviceConfigError):
        await light.apply(DesiredState(on=False))


async def test_a_refusal_is_rejected_not_retried(bulb) -> None:
    light = bulb(L530)
    await light.refresh()
    light.transport.method_errors["set_device_info"] = SmartErrorCode.PARAMS_ERROR.value
    sent = light.transport.requests
    with pytest.raises(DeviceRejected, match="PARAMS_ERROR"):
        await light.apply(DesiredState(brightness=40))
    assert light.transport.requests == sent + 1  # python-kasa sent it once
    del light.transport.method_errors["set_device_info"]
    assert (await light.apply(DesiredState(brightness=40))).brightness == 40


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"failure": KasaTimeoutError("Unable to query the device")}, id="timeout"),
        pytest.param({"reachable": False}, id="connection"),
        pytest.param({"method": SmartErrorCode.UNSPECIFIC_ERROR.value}, id="retryable-code"),
    ],
)
async def test_only_connection_troubles_are_unreachable(bulb, fault: dict[str, Any]) -> None:
    light = bulb(L530)
    await light.refresh()
    if "method" in fault:
        light.transport.method_errors["set_device_info"] = fault["method"]
    else:
        light.transport.failure = fault.get("failure")
        light.transport.reachable = fault.get("reachable", True)
    with pytest.raises(DeviceUnreachable, match="Lamp is unreachable"):
        await light.apply(DesiredState(on=False))
    light.transport.failure, light.transport.reachable = None, True
    light.transport.method_errors.clear()
    assert (await light.apply(DesiredState(on=False))).on is False  # back, and retried
