"""The bridge's behaviour, independent of MQTT: keep each device and its shadow in step.

* On every (re)connect: say "connected" on the presence topic (the presence rule, in AWS or the
  local IoT Core, writes the presence shadow), then fetch each device's shadow and act on its delta.
* On a delta: drive the device, report what it now says, clear the applied desired keys.
* On a poll: read each device and report changes made outside the system (wall switch, app);
  a device that was unreachable gets a full sync, so a stored command applies once it is back.

All device work runs through :meth:`Bridge.handle` one event at a time, so a device never sees two
commands at once and reports keep their order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError
from smarthome_contract import naming
from smarthome_contract.shadow import (
    COMMAND_KEYS,
    DesiredState,
    ReportedState,
    utc_now,
)

from home_bridge.devices.base import DeviceRejected, DeviceUnreachable, Light
from home_bridge.registry import Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShadowSnapshot:
    """The parts of a shadow document the bridge acts on."""

    delta: dict[str, Any]
    version: int | None = None


class ShadowPort(Protocol):
    """The shadow service and the presence topic, as the bridge needs them."""

    async def get(self, shadow: str) -> ShadowSnapshot | None:
        """A named shadow of this thing, or ``None`` when it does not exist yet."""

    async def update(
        self, shadow: str, *, reported: dict[str, Any], desired: dict[str, Any] | None = None
    ) -> None:
        """Merge ``reported`` (and ``desired``; ``None`` values delete keys) into a named shadow."""

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        """Publish JSON at QoS 1."""


@dataclass(frozen=True)
class Connected:
    """The MQTT connection is (re)established."""


@dataclass(frozen=True)
class Delta:
    """The shadow service says ``device_id`` should change."""

    device_id: str
    state: dict[str, Any]


@dataclass(frozen=True)
class Poll:
    """Time to look at the devices."""


Event = Connected | Delta | Poll


def _observable(state: ReportedState) -> dict[str, Any]:
    return {key: getattr(state, key) for key in (*COMMAND_KEYS, "reachable")}


class Bridge:
    """Keeps the registry's devices and their named shadows in step."""

    def __init__(self, thing: str, registry: Registry, port: ShadowPort) -> None:
        self.thing = thing
        self._registry = registry
        self._port = port
        self._last: dict[str, ReportedState] = {}

    async def handle(self, event: Event) -> None:
        """Process one event; errors of one device never stop the others."""
        match event:
            case Connected():
                await self.announce_online()
                for device in self._registry:
                    await self._sync(device)
            case Delta(device_id, state):
                try:
                    device = self._registry[device_id]
                except KeyError:
                    log.warning("delta for unknown device %s ignored", device_id)
                    return
                await self._apply(device, state)
            case Poll():
                for device in self._registry:
                    await self._poll(device)

    async def announce_online(self) -> None:
        """Say "connected"; the presence rule stamps the time with the server's clock."""
        await self._publish_presence(naming.rules().presence.heartbeat_payload)

    async def heartbeat(self) -> None:
        """The periodic "still here" (same message as on connect)."""
        await self._publish_presence(naming.rules().presence.heartbeat_payload)

    async def announce_offline(self) -> None:
        """A clean shutdown sends no last will, so say it ourselves."""
        await self._publish_presence(naming.rules().presence.last_will_payload)

    async def _publish_presence(self, payload: dict[str, Any]) -> None:
        await self._port.publish(naming.presence_topic(self.thing), payload)

    async def _sync(self, device: Light) -> None:
        snapshot = await self._port.get(device.device_id)
        await self._apply(device, snapshot.delta if snapshot else {})

    async def _apply(self, device: Light, delta: dict[str, Any]) -> None:
        command = {key: value for key, value in delta.items() if key in COMMAND_KEYS}
        if not command:
            await self._refresh_and_report(device)
            return
        try:
            desired = DesiredState.model_validate(command)
        except ValidationError as exc:
            # A value no device could take: say so and drop it, or it would be retried forever.
            await self._report_error(device, f"invalid command {command}: {exc}", clear=command)
            return
        try:
            state = await device.apply(desired)
        except DeviceUnreachable as exc:
            await self._report_unreachable(device, str(exc))  # desired stays: retried on poll
            return
        except DeviceRejected as exc:
            await self._report_error(device, str(exc), clear=command)
            return
        log.info("applied %s to %s", command, device.device_id)
        await self._report(device, state, clear=command)

    async def _poll(self, device: Light) -> None:
        last = self._last.get(device.device_id)
        if last is None or not last.reachable:
            await self._sync(device)
            return
        try:
            state = await device.refresh()
        except DeviceUnreachable as exc:
            await self._report_unreachable(device, str(exc))
            return
        if _observable(state) != _observable(last):
            # Changed outside the system: the physical world wins over an old wish.
            changed = [k for k in COMMAND_KEYS if getattr(state, k) != getattr(last, k)]
            await self._report(device, state, clear=dict.fromkeys(changed))

    async def _refresh_and_report(self, device: Light) -> None:
        try:
            state = await device.refresh()
        except DeviceUnreachable as exc:
            await self._report_unreachable(device, str(exc))
            return
        await self._report(device, state)

    async def _report(
        self, device: Light, state: ReportedState, clear: dict[str, Any] | None = None
    ) -> None:
        self._last[device.device_id] = state
        desired = dict.fromkeys(clear) if clear else None
        await self._port.update(device.device_id, reported=state.shadow_json(), desired=desired)

    async def _report_unreachable(self, device: Light, error: str) -> None:
        log.warning("device %s unreachable: %s", device.device_id, error)
        previous = self._last.get(device.device_id) or ReportedState(name=device.name)
        state = previous.model_copy(
            update={"reachable": False, "error": error, "updated_at": utc_now()}
        )
        await self._report(device, state)

    async def _report_error(self, device: Light, error: str, clear: dict[str, Any]) -> None:
        log.warning("device %s rejected a command: %s", device.device_id, error)
        previous = self._last.get(device.device_id) or ReportedState(name=device.name)
        state = previous.model_copy(update={"error": error, "updated_at": utc_now()})
        await self._report(device, state, clear=clear)
