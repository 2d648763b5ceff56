"""TP-Link TAPO/Kasa lights through python-kasa.

The kasa ``Device`` comes from a connector so that the same driver runs a real bulb
(``Device.connect`` with the TP-Link account credentials) and the simulated bulb (a real
``SmartDevice`` over a fake transport): one code path, tested for real.

python-kasa's errors (``kasa/exceptions.py``, 0.12) become the bridge's, by what the bridge should
do about them:

* ``AuthenticationError``, ``UnsupportedDeviceError`` -> :class:`DeviceConfigError`: the login or
  the configured family/encryption is wrong; the driver stops talking to the device until the
  bridge restarts (repeated failed logins can lock the TP-Link account);
* ``TimeoutError``, the connection error, ``_RetryableError`` (python-kasa has already retried)
  and ``OSError`` -> :class:`DeviceUnreachable`, retried on the next poll;
* any other ``DeviceError`` (an error code the device answered, e.g. ``PARAMS_ERROR``) and any
  other ``KasaException`` -> :class:`DeviceRejected`: retrying the same request would fail again.

A TAPO bulb switches itself on when it gets a brightness or colour temperature without
``device_on`` (python-kasa's ``set_brightness``/``set_color_temp`` send exactly that). The driver
sends every change as one ``set_device_info`` with ``device_on`` explicit (python-kasa's
``Light.set_state``), reads the bulb back, and switches it again if it still ended up wrong.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from kasa import (
    AuthenticationError,
    Credentials,
    Device,
    DeviceConfig,
    DeviceConnectionParameters,
    DeviceEncryptionType,
    DeviceFamily,
    KasaException,
    LightState,
    Module,
    UnsupportedDeviceError,
)
from kasa.exceptions import TimeoutError as KasaTimeoutError
from kasa.exceptions import _ConnectionError, _RetryableError
from smarthome_contract.shadow import (
    Capabilities,
    ColorTempRange,
    DesiredState,
    ReportedState,
    utc_now,
)

from home_bridge.devices.base import (
    BridgeError,
    DeviceConfigError,
    DeviceRejected,
    DeviceUnreachable,
    Light,
)

Connector = Callable[[], Awaitable[Device]]
T = TypeVar("T")

# Everything python-kasa and the sockets under it raise; _classify sorts them.
_DEVICE_ERRORS = (KasaException, OSError)


def _classify(name: str, exc: BaseException) -> BridgeError:
    """The bridge's error for a python-kasa (or socket) error, by what to do about it."""
    if isinstance(exc, AuthenticationError | UnsupportedDeviceError):
        return DeviceConfigError(
            f"{name}: the bridge cannot log in to the device ({exc}); check the TP-Link account "
            "(HOME_BRIDGE_TAPO_USERNAME / HOME_BRIDGE_TAPO_PASSWORD) and the device's family "
            "and encryption in the bridge configuration, then restart the bridge"
        )
    # Order matters: _RetryableError is a DeviceError, python-kasa's TimeoutError a KasaException.
    if isinstance(exc, KasaTimeoutError | _ConnectionError | _RetryableError | OSError):
        return DeviceUnreachable(f"{name} is unreachable: {exc}")
    return DeviceRejected(f"{name} refused the request: {exc}")


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
        self._config_error: DeviceConfigError | None = None

    async def refresh(self) -> ReportedState:
        if self._device is not None:
            try:
                await self._device.update()
                return self._read(self._device)
            except _DEVICE_ERRORS:
                # After the first update python-kasa hides why a query failed ("get_device_info
                # not found"); the first update of a fresh connection raises the real error.
                await self._drop()
        return self._read(await self._connected())

    async def apply(self, desired: DesiredState) -> ReportedState:
        device = await self._connected()
        self._check(device, desired)
        light = device.modules.get(Module.Light)
        want_on = desired.on if desired.on is not None else device.is_on
        if light is not None and (desired.brightness is not None or desired.color_temp is not None):
            state = LightState(
                light_on=want_on, brightness=desired.brightness, color_temp=desired.color_temp
            )
            await self._guarded(light.set_state(state))
        else:
            await self._guarded(self._switch(device, on=want_on))
        after = await self.refresh()
        if after.on != want_on:
            # A bulb that switched itself on with the level (or missed the switch): once more.
            await self._guarded(self._switch(await self._connected(), on=want_on))
            after = await self.refresh()
        return after

    async def close(self) -> None:
        await self._drop()

    def _check(self, device: Device, desired: DesiredState) -> None:
        """Refuse what the device cannot do before sending anything."""
        modules = device.modules
        if desired.brightness is not None and Module.Brightness not in modules:
            raise DeviceRejected(f"{self.name} cannot dim")
        if desired.color_temp is not None:
            temp = modules.get(Module.ColorTemperature)
            if temp is None:
                raise DeviceRejected(f"{self.name} has no colour temperature")
            low, high = temp.valid_temperature_range
            if not low <= desired.color_temp <= high:
                raise DeviceRejected(
                    f"{self.name}: colour temperature should be between {low} and {high} K, "
                    f"was {desired.color_temp}"
                )

    @staticmethod
    async def _switch(device: Device, *, on: bool) -> None:
        if on:
            await device.turn_on()
        else:
            await device.turn_off()

    async def _guarded(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except _DEVICE_ERRORS as exc:
            raise await self._failed(exc) from exc

    async def _failed(self, exc: BaseException) -> BridgeError:
        error = _classify(self.name, exc)
        if isinstance(error, DeviceConfigError):
            self._config_error = error
        if not isinstance(error, DeviceRejected):
            # A fresh connection next time: KLAP sessions do not survive a bulb power cycle.
            await self._drop()
        return error

    async def _connected(self) -> Device:
        if self._config_error is not None:
            raise self._config_error  # no retry loop: fixed by a configuration change
        if self._device is None:
            try:
                self._device = await self._connector()
            except _DEVICE_ERRORS as exc:
                raise await self._failed(exc) from exc
        return self._device

    async def _drop(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            with contextlib.suppress(*_DEVICE_ERRORS):
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
