"""TP-Link TAPO/Kasa lights through python-kasa.

The kasa ``Device`` comes from a connector so that the same driver runs a real bulb
(``Device.connect`` with the TP-Link account credentials) and the simulated bulb (a real
``SmartDevice`` over a fake transport): one code path, tested for real.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from kasa import (
    Credentials,
    Device,
    DeviceConfig,
    DeviceConnectionParameters,
    DeviceEncryptionType,
    DeviceFamily,
    KasaException,
    Module,
)
from smarthome_contract.shadow import (
    Capabilities,
    ColorTempRange,
    DesiredState,
    ReportedState,
    utc_now,
)

from home_bridge.devices.base import DeviceRejected, DeviceUnreachable, Light

Connector = Callable[[], Awaitable[Device]]

# Connection-level failures: python-kasa raises KasaException subclasses, raw sockets OSError.
_UNREACHABLE = (KasaException, OSError, TimeoutError)


def tapo_connector(
    host: str,
    username: str,
    password: str,
    *,
    family: str = DeviceFamily.SmartTapoBulb.value,
    encryption: str = DeviceEncryptionType.Klap.value,
    timeout: int = 5,
) -> Connector:
    """A connector for a real device on the LAN.

    ``Device.connect`` skips UDP discovery (often blocked between VLANs), so it needs the family
    and encryption the device speaks: ``kasa --host <ip> --username ... --password ... state``
    prints them; a TAPO L5xx bulb is ``SMART.TAPOBULB`` over ``KLAP``.
    """
    connection = DeviceConnectionParameters(DeviceFamily(family), DeviceEncryptionType(encryption))

    async def connect() -> Device:
        config = DeviceConfig(
            host=host,
            credentials=Credentials(username, password),
            connection_type=connection,
            timeout=timeout,
        )
        return await Device.connect(config=config)

    return connect


class KasaLight(Light):
    """A TAPO/Kasa bulb: on/off, brightness and colour temperature when the model has them."""

    def __init__(self, device_id: str, name: str, connector: Connector) -> None:
        super().__init__(device_id, name)
        self._connector = connector
        self._device: Device | None = None

    async def refresh(self) -> ReportedState:
        device = await self._connected()
        try:
            await device.update()
        except _UNREACHABLE as exc:
            await self._drop()
            raise DeviceUnreachable(f"{self.name} is unreachable: {exc}") from exc
        return self._read(device)

    async def apply(self, desired: DesiredState) -> ReportedState:
        device = await self._connected()
        light = device.modules.get(Module.Light)
        try:
            # Levels first: on TAPO bulbs setting them also switches on, so "off" must come last.
            if desired.brightness is not None:
                if light is None or Module.Brightness not in device.modules:
                    raise DeviceRejected(f"{self.name} cannot dim")
                await light.set_brightness(desired.brightness)
            if desired.color_temp is not None:
                if light is None or Module.ColorTemperature not in device.modules:
                    raise DeviceRejected(f"{self.name} has no colour temperature")
                await light.set_color_temp(desired.color_temp)
            if desired.on is True:
                await device.turn_on()
            elif desired.on is False:
                await device.turn_off()
            await device.update()
        except ValueError as exc:
            raise DeviceRejected(f"{self.name}: {exc}") from exc
        except _UNREACHABLE as exc:
            await self._drop()
            raise DeviceUnreachable(f"{self.name} is unreachable: {exc}") from exc
        return self._read(device)

    async def close(self) -> None:
        await self._drop()

    async def _connected(self) -> Device:
        if self._device is None:
            try:
                self._device = await self._connector()
            except _UNREACHABLE as exc:
                raise DeviceUnreachable(f"{self.name} is unreachable: {exc}") from exc
        return self._device

    async def _drop(self) -> None:
        # A fresh connection next time: KLAP sessions do not survive a bulb power cycle.
        device, self._device = self._device, None
        if device is not None:
            with contextlib.suppress(*_UNREACHABLE):
                await device.disconnect()

    def _read(self, device: Device) -> ReportedState:
        modules = device.modules
        light = modules.get(Module.Light)
        temp = modules.get(Module.ColorTemperature)
        has_brightness = light is not None and Module.Brightness in modules
        color_range = None
        if temp is not None:
            low, high = temp.valid_temperature_range
            color_range = ColorTempRange(min_kelvin=low, max_kelvin=high)
        return ReportedState(
            name=self.name,
            kind="light",
            model=device.model,
            capabilities=Capabilities(brightness=has_brightness, color_temp=color_range),
            reachable=True,
            on=device.is_on,
            brightness=light.brightness if light is not None and has_brightness else None,
            color_temp=(temp.color_temp or None) if temp is not None else None,
            updated_at=utc_now(),
        )
