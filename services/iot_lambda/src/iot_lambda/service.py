"""The smart-home tools' work: resolve the device in the caller's homes, write, confirm, read.

Results and failures are plain data; :mod:`iot_lambda.views` turns them into the words and the
JSON the caller reads. A call reaches only the caller's homes (``Caller.homes`` intersected with
``THING_NAMES``), so a device elsewhere is looked for nowhere and answers as unknown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError, ConnectionClosedError, ReadTimeoutError
from gateway_contract.caller import Caller
from smarthome_contract import naming
from smarthome_contract.shadow import (
    BridgePresence,
    CommandOutcome,
    DesiredState,
    DeviceShadow,
    ReportedState,
    command_outcome,
    command_request,
    new_command_id,
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

from iot_lambda.confirm import poll_offsets
from iot_lambda.presence import BridgeStatus, bridge_status
from iot_lambda.settings import LambdaSettings
from iot_lambda.shadows import ShadowStore

SERVER_ERROR = 500


def _status(exc: ClientError) -> int:
    """The HTTP status of an AWS error answer (0 when it has none)."""
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status if isinstance(status, int) else 0


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Device:
    """A device found in one of the caller's homes, with the shadow it was found by."""

    thing: str
    device_id: str
    shadow: DeviceShadow

    @property
    def reported(self) -> ReportedState:
        return self.shadow.state.reported or ReportedState()

    @property
    def name(self) -> str:
        return self.reported.name or self.device_id


@dataclass(frozen=True)
class DeviceList:
    """``list_devices``: the devices of the caller's homes."""

    homes: tuple[str, ...]
    devices: list[Device]


@dataclass(frozen=True)
class Status:
    """``get_status``: a device's last report and its bridge's presence."""

    device: Device
    bridge: BridgeStatus


# done / superseded / rejected: the contract's command_outcome on a read after the write;
# stored: no read proved either within the wait; unknown: AWS did not answer the write.
Outcome = Literal["done", "superseded", "rejected", "stored", "unknown"]


@dataclass(frozen=True)
class CommandResult:
    """A command's outcome. ``latest`` is the last read (``None`` if none succeeded)."""

    outcome: Outcome
    device: Device
    target: dict[str, Any]
    command_id: str
    latest: DeviceShadow | None = None
    bridge: BridgeStatus | None = None
    waited_seconds: float = 0.0
    reads: int = 0
    failed_reads: int = 0


Result = DeviceList | Status | CommandResult


# --- failures: the caller's to fix; the message is written by views --------------------------


class ToolFailure(Exception):
    """A problem the caller can act on."""


class NoHomes(ToolFailure):
    """The caller has no home assigned (in this deployment)."""


@dataclass
class NoDevices(ToolFailure):
    """No bridge in the caller's homes has reported a device yet."""

    homes: tuple[str, ...]


@dataclass
class NoSuchDevice(ToolFailure):
    """``ref`` names no device in the caller's homes."""

    ref: str
    choices: list[Device]


@dataclass
class AmbiguousDevice(ToolFailure):
    """``ref`` names several devices (or none was named and there are several)."""

    ref: str | None
    choices: list[Device]


@dataclass
class Unsupported(ToolFailure):
    """The device cannot do what the command asks."""

    device: Device
    desired: DesiredState


# --- the tools -------------------------------------------------------------------------------


class SmartHome:
    """The tools over a :class:`ShadowStore`. ``sleep``/``clock``/``now`` are injectable."""

    def __init__(
        self,
        store: ShadowStore,
        settings: LambdaSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.settings = settings
        self._sleep = sleep
        self._clock = clock
        self._now = now

    def homes(self, caller: Caller) -> tuple[str, ...]:
        """The configured things the caller may use, in configuration order."""
        allowed = caller.homes
        return tuple(t for t in self.settings.thing_names if t in allowed)

    def run(
        self, args: ToolInput, caller: Caller, *, budget_seconds: float | None = None
    ) -> Result:
        """Run one validated tool call for ``caller``; ``budget_seconds`` caps a command's wait."""
        homes = self.homes(caller)
        if not homes:
            raise NoHomes()
        method = _METHODS[type(args)]
        return method(self, args, homes, budget_seconds)

    def list_devices(self, _: ListDevicesInput, homes: tuple[str, ...], __: float | None) -> Result:
        return DeviceList(homes, self._all_devices(homes))

    def get_status(self, args: GetStatusInput, homes: tuple[str, ...], _: float | None) -> Result:
        # With one home the presence read need not wait for the device lookup.
        early = (
            self.store.submit(lambda: self.store.presence(homes[0])) if len(homes) == 1 else None
        )
        device = self._resolve(args.device, homes)
        presence = early.result() if early else self.store.presence(device.thing)
        return Status(device, self._bridge(device.thing, presence))

    def turn_on(self, args: TurnOnInput, homes: tuple[str, ...], budget: float | None) -> Result:
        return self._command(args, homes, DesiredState(on=True), budget)

    def turn_off(self, args: TurnOffInput, homes: tuple[str, ...], budget: float | None) -> Result:
        return self._command(args, homes, DesiredState(on=False), budget)

    def set_brightness(
        self, args: SetBrightnessInput, homes: tuple[str, ...], budget: float | None
    ) -> Result:
        desired = DesiredState(on=True, brightness=args.brightness)
        return self._command(args, homes, desired, budget)

    def set_color_temperature(
        self, args: SetColorTemperatureInput, homes: tuple[str, ...], budget: float | None
    ) -> Result:
        return self._command(args, homes, DesiredState(color_temp=args.kelvin), budget)

    # --- commands ----------------------------------------------------------------------------

    def _command(
        self,
        args: DeviceInput,
        homes: tuple[str, ...],
        desired: DesiredState,
        budget: float | None,
    ) -> CommandResult:
        device = self._resolve(args.device, homes)
        _check_capabilities(device, desired)
        target = desired.changes()
        command_id = new_command_id()
        try:
            version = self.store.update(
                device.thing, device.device_id, command_request(desired, command_id)
            )
        except (ReadTimeoutError, ConnectionClosedError):
            # Sent, but no answer: it may or may not be stored. Say so rather than "failed".
            return CommandResult("unknown", device, target, command_id)
        except ClientError as exc:
            if _status(exc) < SERVER_ERROR:
                raise  # refused (throttled, invalid): not stored, the caller may try again
            # A server error after the request was sent: stored or not, nobody knows.
            return CommandResult("unknown", device, target, command_id)
        wait = self.settings.command_wait_seconds
        if budget is not None:
            wait = max(0.0, min(wait, budget))
        return self._confirm(device, target, command_id, version, wait)

    def _confirm(
        self,
        device: Device,
        target: dict[str, Any],
        command_id: str,
        version: int | None,
        wait: float,
    ) -> CommandResult:
        s = self.settings
        started = self._clock()
        latest: DeviceShadow | None = None
        reads = failed = 0
        offsets = poll_offsets(
            wait,
            first=s.poll_first_seconds,
            min_gap=s.poll_min_gap_seconds,
            growth=s.poll_growth,
            max_gap=s.poll_max_gap_seconds,
        )
        # Without the write's version only the echoed id can prove the command (never a version).
        known = version if version is not None else 2**63
        for offset in offsets:
            delay = started + offset - self._clock()
            if delay > 0:
                self._sleep(delay)
            try:
                shadow = self.store.device(device.thing, device.device_id)
            except (ClientError, BotoCoreError):
                failed += 1  # the command is stored; a failed look is no news
                continue
            reads += 1
            if shadow is None:
                continue
            latest = shadow
            outcome = command_outcome(shadow, command_id, known, target)
            if outcome is not CommandOutcome.PENDING:
                return CommandResult(
                    outcome.value,  # type: ignore[arg-type]  # done/superseded/rejected
                    device,
                    target,
                    command_id,
                    latest=shadow,
                    waited_seconds=self._clock() - started,
                    reads=reads,
                    failed_reads=failed,
                )
        bridge: BridgeStatus | None
        try:
            bridge = self._bridge(device.thing, self.store.presence(device.thing))
        except (ClientError, BotoCoreError):
            # The command is stored whatever this read says: "stored", the bridge's state unknown.
            bridge = None
            failed += 1
        return CommandResult(
            "stored",
            device,
            target,
            command_id,
            latest=latest,
            bridge=bridge,
            waited_seconds=self._clock() - started,
            reads=reads,
            failed_reads=failed,
        )

    # --- lookups -----------------------------------------------------------------------------

    def _all_devices(self, homes: Sequence[str]) -> list[Device]:
        listed = self.store.gather([partial(self.store.device_ids, t) for t in homes])
        pairs = [(thing, d) for thing, ids in zip(homes, listed, strict=True) for d in ids]
        shadows = self.store.gather([partial(self.store.device, t, d) for t, d in pairs])
        return [
            Device(thing, device_id, shadow)
            for (thing, device_id), shadow in zip(pairs, shadows, strict=True)
            if shadow is not None and shadow.state.reported is not None
        ]

    def _resolve(self, ref: str | None, homes: tuple[str, ...]) -> Device:
        same_id: list[Device] = []
        if ref is not None and naming.is_valid_device_id(ref):
            # An id is the cheap path: one read per home, side by side, no listing.
            shadows = self.store.gather([partial(self.store.device, t, ref) for t in homes])
            same_id = [
                Device(thing, ref, shadow)
                for thing, shadow in zip(homes, shadows, strict=True)
                if shadow is not None and shadow.state.reported is not None
            ]
            if len(same_id) == 1:
                return same_id[0]
        # Not an id (any text is a possible name): match names; nothing odd reaches AWS.
        devices = self._all_devices(homes)
        if ref is None:
            if len(devices) == 1:
                return devices[0]
            if not devices:
                raise NoDevices(homes)
            raise AmbiguousDevice(None, devices)
        wanted = ref.strip().casefold()
        matches = [d for d in devices if d.name.strip().casefold() == wanted]
        if len(matches) == 1:
            return matches[0]
        if matches or same_id:  # one name for several devices, or one id in several homes
            raise AmbiguousDevice(ref, matches or same_id)
        raise NoSuchDevice(ref, devices)

    def _bridge(self, thing: str, presence: BridgePresence | None) -> BridgeStatus:
        return bridge_status(thing, presence, now=self._now())


def _check_capabilities(device: Device, desired: DesiredState) -> None:
    caps = device.reported.capabilities
    if desired.brightness is not None and not caps.brightness:
        raise Unsupported(device, desired)
    if desired.color_temp is not None and (
        caps.color_temp is None or not caps.color_temp.contains(desired.color_temp)
    ):
        raise Unsupported(device, desired)


# One table: the input model of a tool (from the contract's table) -> the method that runs it.
_METHODS: dict[type[ToolInput], Callable[[SmartHome, Any, tuple[str, ...], float | None], Result]]
_METHODS = {
    ListDevicesInput: SmartHome.list_devices,
    GetStatusInput: SmartHome.get_status,
    TurnOnInput: SmartHome.turn_on,
    TurnOffInput: SmartHome.turn_off,
    SetBrightnessInput: SmartHome.set_brightness,
    SetColorTemperatureInput: SmartHome.set_color_temperature,
}
