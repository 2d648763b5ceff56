"""The smart-home tools' work: resolve the device, write desired, wait for reported, answer.

Every answer is a plain JSON-ready dict meant to be read by a person (through the model): a
``message`` line plus the facts behind it. Problems the caller can fix raise :class:`ToolFailure`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from smarthome_contract.shadow import (
    BridgePresence,
    DesiredState,
    DeviceShadow,
    ReportedState,
    iso,
    utc_now,
)
from smarthome_contract.tools import (
    DeviceInput,
    GetStatusInput,
    ListDevicesInput,
    SetBrightnessInput,
    SetColorTemperatureInput,
    ToolInput,
    TurnOffInput,
    TurnOnInput,
)

from iot_lambda.settings import LambdaSettings
from iot_lambda.shadows import ShadowStore


class ToolFailure(Exception):
    """A problem the caller can act on; the message is the answer."""


@dataclass(frozen=True)
class Device:
    """A device found in a home's shadows."""

    thing: str
    device_id: str
    shadow: DeviceShadow

    @property
    def reported(self) -> ReportedState:
        return self.shadow.state.reported or ReportedState()

    @property
    def name(self) -> str:
        return self.reported.name or self.device_id

    def label(self) -> dict[str, str]:
        return {"id": self.device_id, "name": self.name, "home": self.thing}


class SmartHome:
    """The tools, over a :class:`ShadowStore`. ``sleep``/``clock`` are injectable for tests."""

    def __init__(
        self,
        store: ShadowStore,
        settings: LambdaSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._settings = settings
        self._sleep = sleep
        self._clock = clock

    def run(self, tool: str, args: ToolInput) -> dict[str, Any]:
        """Run one validated tool call."""
        match args:
            case ListDevicesInput():
                return self.list_devices()
            case GetStatusInput():
                return self.get_status(args)
            case TurnOnInput():
                return self.command(args, DesiredState(on=True))
            case TurnOffInput():
                return self.command(args, DesiredState(on=False))
            case SetBrightnessInput():
                return self.command(args, DesiredState(on=True, brightness=args.brightness))
            case SetColorTemperatureInput():
                return self.command(args, DesiredState(color_temp=args.kelvin))
        raise ToolFailure(f"Tool '{tool}' has no implementation.")

    # --- tools -----------------------------------------------------------------------------

    def list_devices(self) -> dict[str, Any]:
        devices = self._all_devices()
        return {
            "message": f"{len(devices)} device(s): " + ", ".join(d.name for d in devices)
            if devices
            else "No devices yet: the home bridge has not reported any.",
            "devices": [
                {
                    **d.label(),
                    "kind": d.reported.kind,
                    "model": d.reported.model,
                    "reachable": d.reported.reachable,
                    "capabilities": d.reported.capabilities.model_dump(),
                }
                for d in devices
            ],
        }

    def get_status(self, args: GetStatusInput) -> dict[str, Any]:
        device = self._resolve(args.device)
        reported = device.reported
        presence = self._presence(device.thing)
        age = _age_seconds(reported.updated_at)
        state = _state(reported)
        pending = device.shadow.pending()
        words = [f"{device.name} is {_describe(reported)}"]
        words.append(
            f"(reported {age} s ago)" if age is not None else "(no report from the device yet)"
        )
        if not reported.reachable:
            words.append("- the bridge cannot reach the device right now")
        if pending:
            words.append(f"- waiting to apply {pending}")
        return {
            "message": " ".join(words) + ". " + _describe_presence(device.thing, presence),
            "device": device.label(),
            "state": state,
            "reachable": reported.reachable,
            "reported_at": iso(reported.updated_at) if reported.updated_at else None,
            "report_age_seconds": age,
            "pending": pending,
            "bridge": _presence_json(presence),
        }

    def command(self, args: DeviceInput, desired: DesiredState) -> dict[str, Any]:
        device = self._resolve(args.device)
        _check_capabilities(device, desired)
        target = desired.changes()
        self._store.set_desired(device.thing, device.device_id, target)
        confirmed = self._wait_for(device, target)
        if confirmed is not None:
            return {
                "status": "done",
                "message": f"Done: {device.name} is {_describe(confirmed)}.",
                "device": device.label(),
                "state": _state(confirmed),
            }
        presence = self._presence(device.thing)
        return {
            "status": "stored",
            "message": _stored_message(device, presence, self._settings.command_wait_seconds),
            "device": device.label(),
            "requested": target,
            "bridge": _presence_json(presence),
        }

    # --- helpers ---------------------------------------------------------------------------

    def _wait_for(self, device: Device, target: dict[str, Any]) -> ReportedState | None:
        # Short first polls catch a connected bridge (tens of ms); backoff keeps a long wait cheap.
        deadline = self._clock() + self._settings.command_wait_seconds
        delay = self._settings.first_poll_seconds
        while True:
            remaining = deadline - self._clock()
            if remaining <= 0:
                return None
            self._sleep(min(delay, remaining))
            shadow = self._store.device(device.thing, device.device_id)
            if shadow is not None and _confirmed(shadow, target):
                return shadow.state.reported
            delay = min(delay * 2, self._settings.max_poll_seconds)

    def _all_devices(self) -> list[Device]:
        devices = []
        for thing in self._settings.thing_names:
            for device_id in self._store.device_ids(thing):
                shadow = self._store.device(thing, device_id)
                if shadow is not None and shadow.state.reported is not None:
                    devices.append(Device(thing, device_id, shadow))
        return devices

    def _resolve(self, ref: str | None) -> Device:
        if ref is not None:
            # An id is the cheap path: one read per home, no listing.
            for thing in self._settings.thing_names:
                shadow = self._store.device(thing, ref)
                if shadow is not None and shadow.state.reported is not None:
                    return Device(thing, ref, shadow)
        devices = self._all_devices()
        if ref is None:
            if len(devices) == 1:
                return devices[0]
            if not devices:
                raise ToolFailure("No devices yet: the home bridge has not reported any.")
            raise ToolFailure(
                "Several devices: say which one with 'device'. Choices: " + _choices(devices)
            )
        wanted = ref.strip().casefold()
        matches = [d for d in devices if d.name.casefold() == wanted]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ToolFailure(f"No device called '{ref}'. Choices: " + _choices(devices))
        raise ToolFailure(f"'{ref}' is ambiguous; use the id. Choices: " + _choices(matches))

    def _presence(self, thing: str) -> BridgePresence | None:
        shadow = self._store.presence(thing)
        return None if shadow is None else shadow.state.reported


def _confirmed(shadow: DeviceShadow, target: dict[str, Any]) -> bool:
    reported = shadow.state.reported
    if reported is None or not reported.reachable:
        return False
    pending = shadow.pending()
    return reported.matches(target) and not any(key in pending for key in target)


def _check_capabilities(device: Device, desired: DesiredState) -> None:
    caps = device.reported.capabilities
    if desired.brightness is not None and not caps.brightness:
        raise ToolFailure(f"{device.name} cannot dim (no brightness control).")
    if desired.color_temp is not None:
        if caps.color_temp is None:
            raise ToolFailure(f"{device.name} has no colour-temperature control.")
        if not caps.color_temp.contains(desired.color_temp):
            raise ToolFailure(
                f"{desired.color_temp} K is outside {device.name}'s range "
                f"{caps.color_temp.min_kelvin}-{caps.color_temp.max_kelvin} K."
            )


def _choices(devices: list[Device]) -> str:
    return ", ".join(f"'{d.name}' (id {d.device_id})" for d in devices) + "."


def _state(reported: ReportedState) -> dict[str, Any]:
    return {"on": reported.on, "brightness": reported.brightness, "color_temp": reported.color_temp}


def _describe(reported: ReportedState) -> str:
    if reported.on is None:
        return "in an unknown state"
    if not reported.on:
        return "off"
    extras = []
    if reported.brightness is not None:
        extras.append(f"{reported.brightness}%")
    if reported.color_temp:
        extras.append(f"{reported.color_temp} K")
    return "on" + (f" ({', '.join(extras)})" if extras else "")


def _age_seconds(ts: datetime | None) -> int | None:
    return None if ts is None else max(0, round((utc_now() - ts).total_seconds()))


def _presence_json(presence: BridgePresence | None) -> dict[str, Any]:
    if presence is None:
        return {"connected": False, "known": False}
    return {
        "connected": bool(presence.connected),
        "connected_at": iso(presence.connected_at) if presence.connected_at else None,
        "disconnected_at": iso(presence.disconnected_at) if presence.disconnected_at else None,
        "heartbeat_at": iso(presence.heartbeat_at) if presence.heartbeat_at else None,
    }


def _describe_presence(thing: str, presence: BridgePresence | None) -> str:
    if presence is None or presence.connected is None:
        return f"The home bridge '{thing}' has never connected."
    if presence.connected:
        beat = _age_seconds(presence.heartbeat_at or presence.connected_at)
        return f"The home bridge is connected (last heard {beat} s ago)."
    since = iso(presence.disconnected_at) if presence.disconnected_at else "an unknown time"
    return f"The home bridge is offline since {since}."


def _stored_message(device: Device, presence: BridgePresence | None, waited: float) -> str:
    stored = f"The command for {device.name} is stored"
    if presence is None or presence.connected is None:
        return f"{stored}; the home bridge has never connected, so it applies once it does."
    if not presence.connected:
        since = iso(presence.disconnected_at) if presence.disconnected_at else "an unknown time"
        return f"{stored} and will apply when the home bridge reconnects (offline since {since})."
    if not device.reported.reachable:
        return (
            f"{stored}: the bridge is online but cannot reach {device.name}; "
            "it keeps retrying and applies the command when the device answers."
        )
    return (
        f"{stored}: the bridge is online but did not confirm within {waited:g} s; "
        "it applies the command as soon as it can. Ask for the status to check."
    )
