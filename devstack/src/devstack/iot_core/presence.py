"""The presence rule: the bridge's last will and heartbeats turned into its presence shadow.

In AWS an IoT topic rule on ``home/+/presence`` does this; here the service subscribes to the
same filter. Both read the rule from ``naming.json``:

* ``{"connected": false}`` (the last will) → ``connected: false`` and ``disconnected_at``;
* ``{"connected": true}`` (on connect and then as a heartbeat) → ``connected: true`` and
  ``heartbeat_at``, plus ``connected_at`` when the shadow did not already say connected (the
  moment AWS's lifecycle "connected" event marks).

Timestamps are the server's clock in epoch seconds, never the bridge's.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from functools import cache

from smarthome_contract import naming

from devstack.iot_core.errors import ShadowError
from devstack.iot_core.service import ShadowService
from devstack.iot_core.topics import ShadowAddress

log = logging.getLogger(__name__)


def topic_filter() -> str:
    """The filter the rule listens on (``home/+/presence``)."""
    return naming.rules().presence.topic.replace(naming.THING, "+")


@cache
def _topic_pattern() -> re.Pattern[str]:
    template = re.escape(naming.rules().presence.topic)
    return re.compile("^" + template.replace(re.escape(naming.THING), "(?P<thing>[^/+#]+)") + "$")


class PresenceRule:
    """Applies presence messages to the ``bridge`` named shadow through the shadow service."""

    def __init__(self, shadows: ShadowService, clock: Callable[[], float]) -> None:
        self._shadows = shadows
        self._clock = clock

    def matches(self, topic: str) -> bool:
        """True for a presence topic of a valid thing."""
        match = _topic_pattern().match(topic)
        return match is not None and naming.is_valid_thing_name(match.group("thing"))

    def handle(self, topic: str, payload: bytes) -> None:
        """Update the presence shadow; a malformed message is logged and dropped, like a rule."""
        match = _topic_pattern().match(topic)
        if match is None or not naming.is_valid_thing_name(match.group("thing")):
            return
        try:
            message = json.loads(payload)
        except ValueError:
            log.warning("presence rule: %s is not JSON; dropped", topic)
            return
        connected = message.get("connected") if isinstance(message, dict) else None
        if not isinstance(connected, bool):
            log.warning("presence rule: %s has no boolean 'connected'; dropped", topic)
            return
        rules = naming.rules().presence
        fields = rules.fields
        address = ShadowAddress(match.group("thing"), rules.shadow_name)
        now = int(self._clock())
        reported: dict[str, object] = {fields.connected: connected}
        if connected:
            reported[fields.heartbeat_at] = now
            if self._shadows.reported(address).get(fields.connected) is not True:
                reported[fields.connected_at] = now
        else:
            reported[fields.disconnected_at] = now
        body = json.dumps({"state": {"reported": reported}}).encode("utf-8")
        try:
            self._shadows.update(address, body)
        except ShadowError as error:
            log.warning("presence rule: update of %s failed: %s", address, error)
