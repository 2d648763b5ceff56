"""Naming and access rules: ``naming.json`` loaded and typed.

``naming.json`` is data on purpose: Terraform reads it with ``jsondecode(file(...))`` to build the
IoT policy, the local broker generates its ACLs from it, and the bridge takes its topics from it,
so the three cannot drift apart. ``{thing}`` (and ``{shadow}``) are placeholders filled in here,
always after the name has been checked, so a name can never smuggle ``+``, ``#`` or ``/`` into a
topic or an ACL line.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

THING = "{thing}"
SHADOW = "{shadow}"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShadowTopicPrefixes(_Frozen):
    """Where a thing's shadow topics start: the classic shadow and the named ones."""

    classic: str
    named: str


class AccessRules(_Frozen):
    """What a connected thing may do: the actions on the topic filters, nothing else."""

    actions: tuple[Literal["publish", "subscribe", "receive"], ...]
    topic_filters: tuple[str, ...]


class PresenceFields(_Frozen):
    """Keys of the presence shadow's ``state.reported``."""

    connected: str
    connected_at: str
    disconnected_at: str
    heartbeat_at: str


class PresenceRules(_Frozen):
    """The bridge's presence: its last will and heartbeat topic, and the shadow the rule writes."""

    topic: str
    qos: Literal[0, 1]
    shadow_name: str
    last_will_payload: dict[str, Any]
    heartbeat_payload: dict[str, Any]
    # Sent once right after every (re)connect. A heartbeat to the AWS rules; the local rule
    # stamps ``connected_at`` on it, as IoT Core's lifecycle "connected" event does in AWS.
    connected_payload: dict[str, Any]
    # How often a connected bridge says so; a heartbeat older than twice this is "not heard".
    heartbeat_seconds: float = Field(gt=0)
    fields: PresenceFields
    timestamp_unit: Literal["epoch_seconds"]


class NamingRules(_Frozen):
    """The whole of ``naming.json``."""

    comment: str = Field(default="", alias="$comment")
    thing_name_pattern: str
    device_id_pattern: str
    client_id: str
    bridge_topic_prefix: str
    shadow_topic_prefix: ShadowTopicPrefixes
    access: AccessRules
    presence: PresenceRules


class ContractOverrides(BaseSettings):
    """Dev/test overrides of contract values, from ``SMARTHOME_*`` environment variables.

    One variable for every reader: the devstack and the tests set it for the bridge and the Lambda
    alike, so the bridge's interval and the Lambda's "not heard" threshold never disagree.
    """

    model_config = SettingsConfigDict(env_prefix="SMARTHOME_", extra="ignore", frozen=True)

    heartbeat_seconds: float | None = Field(default=None, gt=0)


class InvalidName(ValueError):
    """A thing name, device id or shadow name that breaks the naming rules."""


@cache
def rules() -> NamingRules:
    """The rules from the packaged ``naming.json`` (read once)."""
    text = resources.files("smarthome_contract").joinpath("naming.json").read_text("utf-8")
    return NamingRules.model_validate(json.loads(text))


def heartbeat_seconds() -> float:
    """The presence heartbeat interval: ``SMARTHOME_HEARTBEAT_SECONDS`` if set, else naming.json's.

    Read at call time (not cached) so a test can set the variable before it builds a reader.
    """
    override = ContractOverrides().heartbeat_seconds
    return override if override is not None else rules().presence.heartbeat_seconds


def naming_json_path() -> str:
    """Filesystem path of ``naming.json`` (for tools that read the file itself, e.g. Terraform)."""
    return str(resources.files("smarthome_contract").joinpath("naming.json"))


def is_valid_thing_name(name: str) -> bool:
    """True when ``name`` is a thing name the rules (and AWS IoT) accept."""
    return re.fullmatch(rules().thing_name_pattern, name) is not None


def is_valid_device_id(device_id: str) -> bool:
    """True when ``device_id`` can name a device (and so its named shadow)."""
    return re.fullmatch(rules().device_id_pattern, device_id) is not None


def check_thing_name(name: str) -> str:
    """``name`` unchanged, or :class:`InvalidName` saying which rule it breaks."""
    if not is_valid_thing_name(name):
        raise InvalidName(f"invalid thing name {name!r}: must match {rules().thing_name_pattern}")
    return name


def check_device_id(device_id: str) -> str:
    """``device_id`` unchanged, or :class:`InvalidName` saying which rule it breaks."""
    if not is_valid_device_id(device_id):
        raise InvalidName(
            f"invalid device id {device_id!r}: must match {rules().device_id_pattern}"
        )
    return device_id


def client_id(thing: str) -> str:
    """The MQTT client id a thing must connect with."""
    return rules().client_id.replace(THING, check_thing_name(thing))


def bridge_topic_prefix(thing: str) -> str:
    """The prefix of the bridge's own (non-shadow) topics, ending in ``/``."""
    return rules().bridge_topic_prefix.replace(THING, check_thing_name(thing))


def presence_topic(thing: str) -> str:
    """Where the bridge's last will and heartbeats go."""
    return rules().presence.topic.replace(THING, check_thing_name(thing))


def presence_shadow_name() -> str:
    """The named shadow the presence rule writes."""
    return rules().presence.shadow_name


def shadow_topic_prefix(thing: str, shadow_name: str | None = None) -> str:
    """``$aws/things/<thing>/shadow/`` (classic) or ``.../shadow/name/<name>/``, ending in ``/``."""
    prefixes = rules().shadow_topic_prefix
    if shadow_name is None:
        return prefixes.classic.replace(THING, check_thing_name(thing))
    return prefixes.named.replace(THING, check_thing_name(thing)).replace(
        SHADOW, check_device_id(shadow_name)
    )


def access_topic_filters(thing: str) -> tuple[str, ...]:
    """The MQTT topic filters a connected thing may publish, subscribe and receive on."""
    name = check_thing_name(thing)
    return tuple(f.replace(THING, name) for f in rules().access.topic_filters)
