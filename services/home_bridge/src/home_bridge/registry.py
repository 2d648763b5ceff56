"""The devices of this home, built from the configuration through a table of drivers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from home_bridge.devices.base import Light
from home_bridge.devices.kasa_light import KasaLight, tapo_connector
from home_bridge.devices.simulated import SimulatedLight
from home_bridge.settings import BridgeSettings, DeviceSettings


class ConfigError(ValueError):
    """The configuration cannot build a device."""


def _tapo(device: DeviceSettings, settings: BridgeSettings) -> Light:
    if not settings.tapo_username or settings.tapo_password is None:
        raise ConfigError(
            f"device {device.id}: the tapo driver needs HOME_BRIDGE_TAPO_USERNAME and "
            "HOME_BRIDGE_TAPO_PASSWORD (your TP-Link account)"
        )
    connector = tapo_connector(
        device.host,
        settings.tapo_username,
        settings.tapo_password.get_secret_value(),
        family=device.family,
        encryption=device.encryption,
    )
    return KasaLight(device.id, device.name, connector)


def _simulated(device: DeviceSettings, settings: BridgeSettings) -> Light:
    return SimulatedLight(device.id, device.name, device.host, device.state_file)


DRIVERS: dict[str, Callable[[DeviceSettings, BridgeSettings], Light]] = {
    "tapo": _tapo,
    "simulated": _simulated,
}


class Registry:
    """Devices by id, in configuration order."""

    def __init__(self, devices: list[Light]) -> None:
        ids = [d.device_id for d in devices]
        if len(set(ids)) != len(ids):
            raise ConfigError(f"device ids must be unique: {ids}")
        self._devices = {d.device_id: d for d in devices}

    @classmethod
    def from_settings(cls, settings: BridgeSettings) -> Registry:
        return cls([DRIVERS[d.driver](d, settings) for d in settings.devices])

    def __iter__(self) -> Iterator[Light]:
        return iter(self._devices.values())

    def __getitem__(self, device_id: str) -> Light:
        return self._devices[device_id]

    async def close(self) -> None:
        for device in self._devices.values():
            await device.close()
