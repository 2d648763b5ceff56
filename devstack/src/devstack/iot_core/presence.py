"""The presence rule: the bridge's last will and heartbeats turned into its presence shadow.

In AWS, IoT topic rules on ``home/+/presence`` and on IoT Core's lifecycle "connected" event do
this (terraform ``smart_home/rules.tf``); here the service subscribes to the same filter. Like the
rules, it is stateless - each message maps to one update, whatever the shadow said before:

* ``{"connected": false}`` (the last will, or a clean goodbye) -> ``connected: false`` and
  ``disconnected_at``;
* ``{"connected": true}`` (a heartbeat) -> ``connected: true`` and ``heartbeat_at``;
* the connected payload (``{"connected": true, "event": "connected"}``, sent right after every
  connect) -> the same, plus ``connected_at``: mosquitto has no lifecycle events, so the bridge's
  first message after a connect stands in for AWS's ``$aws/events/presence/connected/<client>``.

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
            if message.items() >= rules.connected_payload.items():
                reported[fields.connected_at] = now
        else:
            reported[fields.disconnected_at] = now
        body = json.dumps({"state": {"reported": reported}}).encode("utf-8")
        try:
            self._shadows.update(address, body)
        except ShadowError as error:
            log.warning("presence rule: update of %s failed: %s", address, error)
