"""The naming rules: the JSON Terraform reads, and the typed accessors the bridge and broker use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gateway_contract import rules as gateway_rules
from smarthome_contract import naming


def test_file_is_plain_json_with_the_keys_terraform_reads() -> None:
    raw = json.loads(Path(naming.naming_json_path()).read_text(encoding="utf-8"))
    assert raw["access"]["topic_filters"] == ["home/{thing}/#", "$aws/things/{thing}/shadow/#"]
    assert raw["presence"]["shadow_name"] == "bridge"
    assert raw["client_id"] == "{thing}"


@pytest.mark.parametrize("name", ["pi-1", "home_bridge:kitchen", "a" * 123])
def test_valid_thing_names(name: str) -> None:
    assert naming.is_valid_thing_name(name)


@pytest.mark.parametrize("name", ["", "a" * 124, "pi/1", "pi+", "pi#", "pi 1", "pi.1", "$aws"])
def test_invalid_thing_names(name: str) -> None:
    assert not naming.is_valid_thing_name(name)
    with pytest.raises(naming.InvalidName):
        naming.client_id(name)


def test_thing_names_leave_room_for_their_home_group() -> None:
    # Cognito group names are at most 128 characters and a home's group is `home-<thing>`.
    longest = "a" * gateway_rules.max_thing_name_length()
    assert naming.is_valid_thing_name(longest)
    assert len(gateway_rules.home_group(longest)) == gateway_rules.rules().groups.max_length
    assert not naming.is_valid_thing_name(longest + "a")


def test_device_ids_are_at_most_64_characters() -> None:
    assert naming.is_valid_device_id("b" * 64)
    assert not naming.is_valid_device_id("b" * 65)


def test_topics_for_a_thing() -> None:
    assert naming.client_id("pi") == "pi"
    assert naming.bridge_topic_prefix("pi") == "home/pi/"
    assert naming.presence_topic("pi") == "home/pi/presence"
    assert naming.shadow_topic_prefix("pi") == "$aws/things/pi/shadow/"
    assert naming.shadow_topic_prefix("pi", "bulb") == "$aws/things/pi/shadow/name/bulb/"
    assert naming.access_topic_filters("pi") == ("home/pi/#", "$aws/things/pi/shadow/#")


def test_presence_topic_is_within_the_things_own_topics() -> None:
    prefix = naming.bridge_topic_prefix("pi")
    assert naming.presence_topic("pi").startswith(prefix)
    assert f"{prefix}#" in naming.access_topic_filters("pi")


def test_a_shadow_name_cannot_escape_its_topic() -> None:
    with pytest.raises(naming.InvalidName):
        naming.shadow_topic_prefix("pi", "bulb/../../other")


def test_last_will_and_heartbeat_payloads() -> None:
    presence = naming.rules().presence
    assert presence.last_will_payload == {"connected": False}
    assert presence.heartbeat_payload == {"connected": True}
    # A heartbeat to the AWS rules (WHERE connected = true), a connect to the local rule.
    assert presence.connected_payload["connected"] is True
    assert presence.heartbeat_seconds == 30
    assert presence.qos == 1


def test_heartbeat_interval_has_one_override_for_every_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SMARTHOME_HEARTBEAT_SECONDS", raising=False)
    assert naming.heartbeat_seconds() == 30
    monkeypatch.setenv("SMARTHOME_HEARTBEAT_SECONDS", "0.5")
    assert naming.heartbeat_seconds() == 0.5
    monkeypatch.setenv("SMARTHOME_HEARTBEAT_SECONDS", "0")
    with pytest.raises(ValueError, match="heartbeat_seconds"):
        naming.heartbeat_seconds()
