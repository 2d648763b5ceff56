"""Is the home bridge there? The contract's rule (``BridgePresence.status``) with its moment.

A last will cannot be sent when the broker itself is down, and a frozen bridge sends none, so
``connected: true`` alone proves nothing: the contract counts a bridge as connected only while
its last sign of life is at most 2 x ``naming.heartbeat_seconds()`` old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from smarthome_contract import naming
from smarthome_contract.shadow import BridgePresence, PresenceStatus


@dataclass(frozen=True)
class BridgeStatus:
    """A bridge's presence with the moment it rests on.

    ``since``: for OFFLINE the disconnect time, otherwise the last time it was heard (heartbeat,
    else connect); ``None`` when the shadow does not say.
    """

    thing: str
    status: PresenceStatus
    since: datetime | None
    shadow: BridgePresence | None

    @property
    def connected(self) -> bool:
        return self.status is PresenceStatus.CONNECTED


def bridge_status(thing: str, shadow: BridgePresence | None, *, now: datetime) -> BridgeStatus:
    """The presence of ``thing``'s bridge at ``now``."""
    if shadow is None:
        return BridgeStatus(thing, PresenceStatus.NEVER, None, None)
    status = shadow.status(now, naming.heartbeat_seconds())
    since = shadow.disconnected_at if status is PresenceStatus.OFFLINE else shadow.last_heard
    return BridgeStatus(thing, status, since, shadow)
