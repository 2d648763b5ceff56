"""The reserved shadow topics: parse a request topic, build a response topic.

Built from the prefixes in ``naming.json``, so the service answers on exactly the topics the
IoT policy and the broker's ACLs allow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from smarthome_contract import naming

Operation = Literal["get", "update", "delete"]
OPERATIONS: tuple[Operation, ...] = ("get", "update", "delete")
_BY_NAME: dict[str, Operation] = {op: op for op in OPERATIONS}


@dataclass(frozen=True)
class ShadowAddress:
    """Which shadow: a thing and, for a named shadow, its name (``None`` is the classic one)."""

    thing: str
    shadow: str | None = None

    @property
    def label(self) -> str:
        """How error messages name the shadow."""
        return self.thing if self.shadow is None else self.shadow


@dataclass(frozen=True)
class RequestTopic:
    """A request the service answers: get, update or delete of one shadow."""

    address: ShadowAddress
    operation: Operation


def _template_regex(template: str) -> str:
    out = re.escape(template)
    out = out.replace(re.escape(naming.THING), r"(?P<thing>[^/+#]+)")
    return out.replace(re.escape(naming.SHADOW), r"(?P<shadow>[^/+#]+)")


@cache
def _request_pattern() -> re.Pattern[str]:
    prefixes = naming.rules().shadow_topic_prefix
    ops = "|".join(OPERATIONS)
    named = _template_regex(prefixes.named)
    classic = _template_regex(prefixes.classic).replace("(?P<thing>", "(?P<classic_thing>")
    return re.compile(rf"^(?:{named}|{classic})(?P<op>{ops})$")


def parse_request(topic: str) -> RequestTopic | None:
    """The request a topic carries, or ``None`` for anything else (e.g. ``.../accepted``)."""
    match = _request_pattern().match(topic)
    if match is None:
        return None
    thing = match.group("thing") or match.group("classic_thing")
    shadow = match.group("shadow")
    if not naming.is_valid_thing_name(thing):
        return None
    if shadow is not None and not naming.is_valid_device_id(shadow):
        return None
    return RequestTopic(ShadowAddress(thing, shadow), _BY_NAME[match.group("op")])


def response_topic(address: ShadowAddress, *parts: str) -> str:
    """E.g. ``response_topic(addr, "update", "accepted")`` → ``$aws/.../update/accepted``."""
    return naming.shadow_topic_prefix(address.thing, address.shadow) + "/".join(parts)


def request_filters() -> list[str]:
    """The topic filters the service subscribes to: every thing's get/update/delete requests."""
    prefixes = naming.rules().shadow_topic_prefix
    wild = [
        p.replace(naming.THING, "+").replace(naming.SHADOW, "+")
        for p in (prefixes.classic, prefixes.named)
    ]
    return [prefix + op for prefix in wild for op in OPERATIONS]
