"""The kasa driver over python-kasa's real protocol and device code, fed by a fake transport."""

from __future__ import annotations

from unittest import mock

import pytest
from home_bridge.devices.base import DeviceRejected, DeviceUnreachable
from home_bridge.devices.kasa_light import KasaLight, tapo_connector
from home_bridge.devices.simulated import FakeTapoTransport, SimulatedLight, simulated_config
from kasa.protocols import SmartProtocol
from smarthome_contract.shadow import DesiredState


async def test_refresh_reports_state_and_capabilities() -> None:
    light = SimulatedLight("bulb-1", "Bedroom")
    state = await light.refresh()
    assert (state.name, state.model, state.reachable, state.on) == ("Bedroom", "L530", True, False)
    assert state.capabilities.brightness is True
    assert state.capabilities.color_temp is not None
    assert (state.capabilities.color_temp.min_kelvin, state.capabilities.color_temp.max_kelvin) == (
        2500,
        6500,
    )


async def test_apply_sets_levels_then_power() -> None:
    light = SimulatedLight("bulb-1", "Bedroom")
    state = await light.apply(DesiredState(on=True, brightness=30, color_temp=4000))
    assert (state.on, state.brightness, state.color_temp) == (True, 30, 4000)
    assert light.transport.state["device_on"] is True
    # "off" with a level: the level is set, and the bulb still ends off.
    state = await light.apply(DesiredState(on=False, brightness=80))
    assert (state.on, state.brightness) == (False, 80)


async def test_unreachable_device_raises_then_recovers() -> None:
    light = SimulatedLight("bulb-1", "Bedroom")
    await light.refresh()
    light.transport.reachable = False
    with pytest.raises(DeviceUnreachable, match="Bedroom"):
        await light.apply(DesiredState(on=True))
    light.transport.reachable = True
    state = await light.apply(DesiredState(on=True))
    assert state.on is True


async def test_out_of_range_colour_temperature_is_rejected() -> None:
    light = SimulatedLight("bulb-1", "Bedroom")
    with pytest.raises(DeviceRejected, match="between 2500 and 6500"):
        await light.apply(DesiredState(color_temp=9000))


async def test_external_change_is_seen_on_refresh() -> None:
    light = SimulatedLight("bulb-1", "Bedroom")
    await light.apply(DesiredState(on=True))
    light.transport.state["device_on"] = False  # someone used the wall switch
    assert (await light.refresh()).on is False


async def test_tapo_connector_goes_through_device_connect() -> None:
    # The real-bulb path: Device.connect with credentials; only the wire is replaced.
    transport = FakeTapoTransport(simulated_config("192.0.2.10"), nickname="Lamp")
    protocol = SmartProtocol(transport=transport)
    with mock.patch("kasa.device_factory.get_protocol", return_value=protocol) as get_protocol:
        light = KasaLight("lamp", "Lamp", tapo_connector("192.0.2.10", "me@example.com", "pw"))
        state = await light.apply(DesiredState(on=True, brightness=10))
    config = get_protocol.call_args.kwargs["config"]
    assert config.host == "192.0.2.10"
    assert config.credentials.username == "me@example.com"
    assert (state.on, state.brightness) == (True, 10)
