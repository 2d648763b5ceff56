"""The bridge's behaviour, independent of MQTT: keep each device and its shadow in step.

Shadow protocol v2 (``packages/smarthome_contract/README.md``), bridge side. AWS gives no ordering
guarantee for shadow messages, delivers queued deltas late after a persistent-session reconnect,
and a delta carries only part of desired, so a delta is only a wake-up:

* a delta whose version is at most the last version read for the device is dropped;
* otherwise (and on every connect and poll) the bridge *converges* the device: it reads the
  shadow, reads the device, drives it to every desired command key that differs from what the
  device really is, and writes - in one update guarded by the version it read - the full report
  (plus the ``command_id`` it applied and that ``applied_version``) and ``null`` for the desired
  keys it applied. A 409 means a newer command arrived: read and converge again (bounded; the
  next wake-up resumes);
* an unreachable device keeps its desired state and is retried on every poll; a command the
  device refuses is reported with the reason and cleared; a device the configuration cannot
  reach (wrong login) is reported once and left alone until the bridge restarts;
* a poll reports what changed at the device itself (a wall switch); the desired keys were
  cleared when applied, so no stale wish turns the light back.

All device work runs through :meth:`Bridge.handle` one event at a time, so a device never sees two
commands at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import ValidationError
from smarthome_contract import naming
from smarthome_contract.shadow import (
    COMMAND_ID_KEY,
    COMMAND_KEYS,
    DesiredState,
    ErrorKind,
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
from home_bridge.registry import Registry

log = logging.getLogger(__name__)

# Reads and writes per wake-up before the bridge leaves it to the next one: each retry means a
# newer command arrived in between, so a few are plenty.
MAX_CONVERGE_ATTEMPTS = 3


@dataclass(frozen=True)
class ShadowSnapshot:
    """The parts of a shadow document the bridge acts on."""

    version: int
    desired: dict[str, Any] = field(default_factory=dict)
    reported: dict[str, Any] = field(default_factory=dict)


class ShadowConflict(Exception):
    """The shadow is no longer at the version an update named (409)."""


class ShadowPort(Protocol):
    """The shadow service and the presence topic, as the bridge needs them."""

    async def get(self, shadow: str) -> ShadowSnapshot | None:
        """A named shadow of this thing, or ``None`` when it does not exist yet."""

    async def update(
        self,
        shadow: str,
        *,
        reported: dict[str, Any],
        desired: dict[str, Any] | None = None,
        version: int | None = None,
    ) -> int:
        """Merge ``reported`` (and ``desired``; ``None`` values delete keys) into a named shadow,
        only if it is still at ``version`` when one is given (else :class:`ShadowConflict`).
        Returns the shadow's new version."""

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        """Publish JSON at QoS 1."""


@dataclass(frozen=True)
class Connected:
    """The MQTT connection is (re)established."""


@dataclass(frozen=True)
class Delta:
    """The shadow service says ``device_id``'s shadow changed (at ``version``)."""

    device_id: str
    version: int | None = None


@dataclass(frozen=True)
class Poll:
    """Time to look at the devices."""


Event = Connected | Delta | Poll

_ERROR_KINDS: dict[type[BridgeError], ErrorKind] = {
    DeviceUnreachable: "unreachable",
    DeviceRejected: "rejected",
    DeviceConfigError: "configuration",
}


def _kind(error: BridgeError) -> ErrorKind:
    return next(kind for cls, kind in _ERROR_KINDS.items() if isinstance(error, cls))


def _observable(state: ReportedState) -> dict[str, Any]:
    """What a report is for; a poll writes only when this changed."""
    return {k: getattr(state, k) for k in (*COMMAND_KEYS, "reachable", "error", "error_kind")}


class Bridge:
    """Keeps the registry's devices and their named shadows in step."""

    def __init__(
        self,
        thing: str,
        registry: Registry,
        port: ShadowPort,
        *,
        max_attempts: int = MAX_CONVERGE_ATTEMPTS,
    ) -> None:
        self.thing = thing
        self._registry = registry
        self._port = port
        self._max_attempts = max_attempts
        self._seen: dict[str, int] = {}  # the newest shadow version read or written, per device
        self._last: dict[str, ReportedState] = {}  # the last report written, per device

    async def handle(self, event: Event) -> None:
        """Process one event; one device's trouble never stops the others."""
        match event:
            case Connected():
                await self.announce_online()
                await self._converge_all()
            case Delta(device_id, version):
                try:
                    device = self._registry[device_id]
                except KeyError:
                    log.warning("delta for unknown device %s ignored", device_id)
                    return
                seen = self._seen.get(device_id)
                if version is not None and seen is not None and version <= seen:
                    log.debug("delta v%s for %s dropped (read v%s)", version, device_id, seen)
                    return
                await self.converge(device)
            case Poll():
                await self._converge_all()

    async def announce_online(self) -> None:
        """Say "connected"; the presence rule stamps the time with the server's clock."""
        await self._publish_presence(naming.rules().presence.connected_payload)

    async def heartbeat(self) -> None:
        """The periodic "still here"."""
        await self._publish_presence(naming.rules().presence.heartbeat_payload)

    async def announce_offline(self) -> None:
        """A clean shutdown sends no last will, so say it ourselves."""
        await self._publish_presence(naming.rules().presence.last_will_payload)

    async def _publish_presence(self, payload: dict[str, Any]) -> None:
        await self._port.publish(naming.presence_topic(self.thing), payload)

    async def _converge_all(self) -> None:
        for device in self._registry:
            try:
                await self.converge(device)
            except Exception as exc:
                # A daemon: a shadow call that timed out (say, while the broker is away) is
                # logged, and the next connect or poll converges again.
                log.warning("converging %s failed: %s", device.device_id, exc)
                log.debug("converging %s failed", device.device_id, exc_info=True)

    async def converge(self, device: Light) -> None:
        """Drive ``device`` to its shadow's current desired state and report (see module doc)."""
        for attempt in range(1, self._max_attempts + 1):
            snapshot = await self._port.get(device.device_id)
            if snapshot is not None:
                self._note(device.device_id, snapshot.version)
            if snapshot is None or not _has_command(snapshot.desired):
                await self._report_device(device)
                return
            if await self._apply(device, snapshot):
                return
            log.info(
                "%s: a newer command came in (attempt %d); reading again", device.name, attempt
            )
        log.warning(
            "%s: the shadow kept changing over %d attempts; the next wake-up resumes",
            device.name,
            self._max_attempts,
        )

    async def _apply(self, device: Light, snapshot: ShadowSnapshot) -> bool:
        """Apply the snapshot's desired state; False when a newer command got there first."""
        desired = snapshot.desired
        command = {key: desired[key] for key in COMMAND_KEYS if desired.get(key) is not None}
        try:
            state = await self._drive(device, command)
        except (DeviceUnreachable, DeviceConfigError) as exc:
            await self._report_trouble(device, exc)  # desired stays: applied once it works
            return True
        except DeviceRejected as exc:
            # Retrying the same command would fail the same way: report why and clear it. But
            # desired merges every command since the last apply, so one command's refused key
            # must not take another's keys with it: apply each key on its own.
            try:
                state = await self._drive_each(device, command, exc)
            except (DeviceUnreachable, DeviceConfigError) as trouble:
                await self._report_trouble(device, trouble)
                return True
        command_id = desired.get(COMMAND_ID_KEY)
        applied = state.model_copy(
            update={
                "command_id": None if command_id is None else str(command_id),
                "applied_version": snapshot.version,
            }
        )
        clears = dict.fromkeys(k for k in (*COMMAND_KEYS, COMMAND_ID_KEY) if k in desired)
        try:
            written = await self._port.update(
                device.device_id,
                reported=applied.shadow_json(),
                desired=clears,
                version=snapshot.version,
            )
        except ShadowConflict:
            return False
        self._last[device.device_id] = applied
        self._note(device.device_id, written)
        return True

    async def _drive(self, device: Light, command: dict[str, Any]) -> ReportedState:
        """Read the device, then set every commanded key it does not already have."""
        try:
            wanted = DesiredState.model_validate(command)
        except ValidationError as exc:
            problems = "; ".join(str(e["msg"]) for e in exc.errors(include_url=False))
            raise DeviceRejected(f"invalid command {command}: {problems}") from exc
        state = await device.refresh()
        differs = {k: v for k, v in wanted.changes().items() if getattr(state, k) != v}
        if not differs:
            return state
        log.info("applying %s to %s", differs, device.device_id)
        return await device.apply(DesiredState.model_validate(differs))

    async def _drive_each(
        self, device: Light, command: dict[str, Any], refusal: DeviceRejected
    ) -> ReportedState:
        """After ``command`` was refused whole: each key alone; the refused ones as the error."""
        if len(command) <= 1:
            return self._with_error(await self._state_after_refusal(device), refusal)
        refused: list[str] = []
        state: ReportedState | None = None
        for key, value in command.items():
            try:
                state = await self._drive(device, {key: value})
            except DeviceRejected as exc:
                refused.append(str(exc))
        if state is None:
            state = await self._state_after_refusal(device)
        if refused:
            state = self._with_error(state, DeviceRejected("; ".join(refused)))
        return state

    async def _state_after_refusal(self, device: Light) -> ReportedState:
        try:
            return await device.refresh()
        except BridgeError:
            return self._previous(device)

    async def _report_device(self, device: Light) -> None:
        """No command pending: report the device when it changed (or was never reported)."""
        try:
            state = await device.refresh()
        except BridgeError as exc:
            await self._report_trouble(device, exc)
            return
        await self._report_if_changed(device, state)

    async def _report_trouble(self, device: Light, error: BridgeError) -> None:
        log.warning("device %s: %s", device.device_id, error)
        state = self._with_error(self._previous(device), error)
        if not isinstance(error, DeviceRejected):
            state = state.model_copy(update={"reachable": False})
        await self._report_if_changed(device, state)

    async def _report_if_changed(self, device: Light, state: ReportedState) -> None:
        last = self._last.get(device.device_id)
        if last is not None and _observable(last) == _observable(state):
            return
        # Unversioned: a report alone cannot undo a command (it touches no desired key). Its
        # version is not noted as seen: a command written since the last read has a version
        # below it, and its delta must still wake the bridge.
        await self._port.update(device.device_id, reported=state.shadow_json())
        self._last[device.device_id] = state

    def _previous(self, device: Light) -> ReportedState:
        last = self._last.get(device.device_id) or ReportedState(name=device.name)
        return last.model_copy(update={"command_id": None, "applied_version": None})

    @staticmethod
    def _with_error(state: ReportedState, error: BridgeError) -> ReportedState:
        return state.model_copy(
            update={"error": str(error), "error_kind": _kind(error), "updated_at": utc_now()}
        )

    def _note(self, device_id: str, version: int) -> None:
        self._seen[device_id] = max(version, self._seen.get(device_id, version))


def _has_command(desired: dict[str, Any]) -> bool:
    return desired.get(COMMAND_ID_KEY) is not None or any(
        desired.get(key) is not None for key in COMMAND_KEYS
    )
