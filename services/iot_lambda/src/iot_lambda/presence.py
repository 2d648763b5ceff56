"""Is the home bridge there? Decided from the presence shadow and the heartbeat's age.

A last will cannot be sent when the broker itself is down, and a frozen bridge sends none, so
``connected: true`` alone proves nothing: a bridge last heard longer ago than twice its heartbeat
interval is "not heard since <time>", never "online".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from smarthome_contract.shadow import BridgePresence


class Presence(StrEnum):
    """What can honestly be said about a bridge."""

    ONLINE = "online"
    NOT_HEARD = "not_heard"
    OFFLINE = "offline"
    NEVER_CONNECTED = "never_connected"


@dataclass(frozen=True)
class BridgeStatus:
    """A bridge's presence with the moment it rests on.

    ``since``: for OFFLINE the disconnect time, for NOT_HEARD and ONLINE the last time it was
    heard (heartbeat or connect); ``None`` when the shadow does not say.
    """

    thing: str
    presence: Presence
    since: datetime | None
    shadow: BridgePresence | None

    @property
    def online(self) -> bool:
        return self.presence is Presence.ONLINE


def bridge_status(
    thing: str, shadow: BridgePresence | None, *, now: datetime, silent_after_seconds: float
) -> BridgeStatus:
    """The presence of ``thing``'s bridge at ``now``."""
    if shadow is None or shadow.connected is None:
        return BridgeStatus(thing, Presence.NEVER_CONNECTED, None, shadow)
    if not shadow.connected:
        return BridgeStatus(thing, Presence.OFFLINE, shadow.disconnected_at, shadow)
    heard = [t for t in (shadow.heartbeat_at, shadow.connected_at) if t is not None]
    last = max(heard) if heard else None
    if last is None or now - last > timedelta(seconds=silent_after_seconds):
        return BridgeStatus(thing, Presence.NOT_HEARD, last, shadow)
    return BridgeStatus(thing, Presence.ONLINE, last, shadow)
