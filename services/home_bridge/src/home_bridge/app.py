"""Runs the bridge: the MQTT link, the event loop of :class:`Bridge`, heartbeat and polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from smarthome_contract import naming

from home_bridge.bridge import Bridge, Event, Poll
from home_bridge.mqtt_link import MqttLink
from home_bridge.registry import Registry
from home_bridge.settings import BridgeSettings

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_SECONDS = 5.0


async def run_bridge(
    settings: BridgeSettings, stop: asyncio.Event, registry: Registry | None = None
) -> None:
    """Run until ``stop`` is set, then say "disconnected" and close everything."""
    devices = registry if registry is not None else Registry.from_settings(settings)
    heartbeat = naming.heartbeat_seconds()
    if settings.heartbeat_seconds is not None and settings.heartbeat_seconds != heartbeat:
        log.warning(
            "heartbeat_seconds = %s in the configuration is ignored: the bridge beats every %s s, "
            "the interval the Lambda's presence check expects (naming.json; dev/test override "
            "SMARTHOME_HEARTBEAT_SECONDS)",
            settings.heartbeat_seconds,
            heartbeat,
        )
    events: asyncio.Queue[Event] = asyncio.Queue()
    link = MqttLink(settings, [d.device_id for d in devices], events.put_nowait)
    bridge = Bridge(settings.thing_name, devices, link.port())
    link.start()
    poll_queued = asyncio.Event()
    tasks = [
        asyncio.create_task(_consume(bridge, events, poll_queued), name="bridge-events"),
        asyncio.create_task(
            _every(settings.poll_seconds, lambda: _enqueue_poll(events, poll_queued)), name="poll"
        ),
        asyncio.create_task(_heartbeat(bridge, link, heartbeat), name="beat"),
    ]
    try:
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if link.connected.is_set():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bridge.announce_offline(), SHUTDOWN_GRACE_SECONDS)
        await link.stop()
        await devices.close()


async def _consume(
    bridge: Bridge, events: asyncio.Queue[Event], poll_queued: asyncio.Event
) -> None:
    while True:
        event = await events.get()
        if isinstance(event, Poll):
            poll_queued.clear()
        try:
            await bridge.handle(event)
        except Exception:
            # A daemon: one failed event (say, a shadow call timing out mid-reconnect) is logged
            # and the next connect or poll converges again from the shadow.
            log.exception("handling %s failed", type(event).__name__)


async def _enqueue_poll(events: asyncio.Queue[Event], poll_queued: asyncio.Event) -> None:
    # One poll waiting is enough: while shadow calls time out (the broker is away) polls would
    # otherwise pile up and be worked off one after another once it is back.
    if not poll_queued.is_set():
        poll_queued.set()
        events.put_nowait(Poll())


async def _heartbeat(bridge: Bridge, link: MqttLink, seconds: float) -> None:
    async def beat() -> None:
        if link.connected.is_set():
            try:
                await bridge.heartbeat()
            except Exception:
                log.exception("heartbeat failed")

    await _every(seconds, beat)


async def _every(seconds: float, action: Callable[[], Awaitable[None]]) -> None:
    while True:
        await asyncio.sleep(seconds)
        await action()
