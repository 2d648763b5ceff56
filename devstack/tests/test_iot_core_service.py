"""The shadow service's semantics without a broker: document rules, topic fan-out, persistence,
topic parsing, ACL generation and the presence rule (a recording publisher stands in for MQTT).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from devstack.iot_core import document as doc
from devstack.iot_core.acl import SERVICE_IDENTITY, render_acl
from devstack.iot_core.errors import ShadowError
from devstack.iot_core.presence import PresenceRule, topic_filter
from devstack.iot_core.service import ShadowService
from devstack.iot_core.store import ShadowStore
from devstack.iot_core.topics import ShadowAddress, parse_request, request_filters


class Recorder:
    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        self.messages.append((topic, json.loads(payload)))

    def topics(self) -> list[str]:
        return [topic for topic, _ in self.messages]

    def last(self, suffix: str) -> dict[str, Any]:
        return next(body for topic, body in reversed(self.messages) if topic.endswith(suffix))


class Clock:
    def __init__(self, now: float = 1_700_000_000) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


LAMP = ShadowAddress("pi", "lamp")
PREFIX = "$aws/things/pi/shadow/name/lamp/"


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(recorder: Recorder, clock: Clock) -> ShadowService:
    return ShadowService(ShadowStore(), recorder, clock)


# --- fan-out ------------------------------------------------------------------------------


def test_update_publishes_accepted_delta_and_documents(
    service: ShadowService, recorder: Recorder
) -> None:
    service.update(LAMP, body({"state": {"desired": {"on": True}}, "clientToken": "c1"}))
    assert recorder.topics() == [
        PREFIX + "update/accepted",
        PREFIX + "update/delta",
        PREFIX + "update/documents",
    ]
    delta = recorder.last("update/delta")
    assert delta["state"] == {"on": True}
    # The version is what lets a device drop a delta older than what it has read.
    assert delta["version"] == 1
    assert delta["clientToken"] == "c1"
    assert delta["metadata"] == {"on": {"timestamp": 1_700_000_000}}
    documents = recorder.last("update/documents")
    assert "previous" not in documents
    assert documents["current"]["version"] == 1


def test_reported_only_update_publishes_no_delta(
    service: ShadowService, recorder: Recorder
) -> None:
    service.update(LAMP, body({"state": {"desired": {"on": True}}}))
    recorder.messages.clear()
    service.update(LAMP, body({"state": {"reported": {"on": False}}}))
    assert PREFIX + "update/delta" not in recorder.topics()
    assert service.get(LAMP)["state"]["delta"] == {"on": True}


def test_delta_message_holds_only_the_requests_keys(
    service: ShadowService, recorder: Recorder
) -> None:
    service.update(LAMP, body({"state": {"desired": {"on": True, "level": 1}}}))
    service.update(LAMP, body({"state": {"desired": {"level": 2}}}))
    assert recorder.last("update/delta")["state"] == {"level": 2}


def test_metadata_keeps_old_timestamps_for_untouched_keys(
    service: ShadowService, clock: Clock
) -> None:
    service.update(LAMP, body({"state": {"reported": {"a": 1, "nested": {"x": 1, "y": 2}}}}))
    clock.now += 60
    service.update(LAMP, body({"state": {"reported": {"nested": {"y": 3}}}}))
    metadata = service.get(LAMP)["metadata"]["reported"]
    assert metadata["a"] == {"timestamp": 1_700_000_000}
    assert metadata["nested"]["x"] == {"timestamp": 1_700_000_000}
    assert metadata["nested"]["y"] == {"timestamp": 1_700_000_060}


def test_mqtt_request_errors_go_to_rejected_with_token(
    service: ShadowService, recorder: Recorder
) -> None:
    service.handle_mqtt(PREFIX + "get", body({"clientToken": "g1"}))
    rejected = recorder.last("get/rejected")
    assert rejected["code"] == 404
    assert rejected["clientToken"] == "g1"


def test_mqtt_get_answers_on_accepted(service: ShadowService, recorder: Recorder) -> None:
    service.update(LAMP, body({"state": {"reported": {"on": True}}}))
    service.handle_mqtt(PREFIX + "get", b"")
    assert recorder.last("get/accepted")["state"] == {"reported": {"on": True}}


def test_responses_on_response_topics_are_ignored(
    service: ShadowService, recorder: Recorder
) -> None:
    service.handle_mqtt(PREFIX + "update/accepted", body({"state": {}}))
    assert recorder.messages == []


def test_json_true_is_not_one(service: ShadowService) -> None:
    service.update(LAMP, body({"state": {"desired": {"on": True}, "reported": {"on": 1}}}))
    assert service.get(LAMP)["state"]["delta"] == {"on": True}


def test_state_null_clears_everything(service: ShadowService, recorder: Recorder) -> None:
    service.update(LAMP, body({"state": {"desired": {"a": 1}, "reported": {"b": 2}}}))
    accepted = service.update(LAMP, body({"state": None}))
    assert accepted["state"] is None
    assert service.get(LAMP)["state"] == {}


def test_list_named_pages(service: ShadowService) -> None:
    for name in ("a", "b", "c"):
        service.update(ShadowAddress("pi", name), body({"state": {"reported": {"x": 1}}}))
    service.update(ShadowAddress("pi"), body({"state": {"reported": {"x": 1}}}))
    first = service.list_named("pi", page_size=2)
    second = service.list_named("pi", page_size=2, next_token=first["nextToken"])
    assert first["results"] == ["a", "b"]
    assert second["results"] == ["c"]
    assert "nextToken" not in second
    with pytest.raises(ShadowError):
        service.list_named("pi", page_size=0)


# --- document limits ---------------------------------------------------------------------------


def test_depth_counts_objects_and_arrays() -> None:
    assert doc.depth({"a": 1}) == 1
    assert doc.depth({"a": [{"b": 1}]}) == 3


def test_non_utf8_payload_is_415() -> None:
    with pytest.raises(ShadowError) as caught:
        doc.parse_update(b'{"state": {"reported": {"a": "\xff"}}}')
    assert caught.value.code == 415


def test_payload_over_128kb_is_413() -> None:
    with pytest.raises(ShadowError) as caught:
        doc.parse_update(b" " * (doc.MAX_REQUEST_BYTES + 1))
    assert caught.value.code == 413


# --- persistence ----------------------------------------------------------------------------------


def test_store_survives_a_restart(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "shadows.json"
    first = ShadowService(ShadowStore(path), Recorder(), clock)
    first.update(LAMP, body({"state": {"desired": {"on": True}}}))
    first.update(ShadowAddress("pi", "gone"), body({"state": {"reported": {"x": 1}}}))
    first.delete(ShadowAddress("pi", "gone"))

    second = ShadowService(ShadowStore(path), Recorder(), clock)
    assert second.get(LAMP)["state"]["desired"] == {"on": True}
    assert second.list_named("pi")["results"] == ["lamp"]
    again = second.update(ShadowAddress("pi", "gone"), body({"state": {"reported": {"x": 2}}}))
    assert again["version"] == 2


# --- topics and ACLs ------------------------------------------------------------------------------


def test_request_topics_parse_for_classic_and_named() -> None:
    classic = parse_request("$aws/things/pi-1/shadow/update")
    named = parse_request("$aws/things/pi-1/shadow/name/bulb:1/delete")
    assert classic is not None
    assert named is not None
    assert (classic.address, classic.operation) == (ShadowAddress("pi-1"), "update")
    assert (named.address, named.operation) == (ShadowAddress("pi-1", "bulb:1"), "delete")
    assert parse_request("$aws/things/pi-1/shadow/update/accepted") is None
    assert parse_request("$aws/things/pi 1/shadow/update") is None
    assert parse_request("home/pi-1/presence") is None


def test_service_subscribes_to_every_request_topic() -> None:
    filters = request_filters()
    assert "$aws/things/+/shadow/update" in filters
    assert "$aws/things/+/shadow/name/+/get" in filters
    assert len(filters) == 6


def test_acl_gives_things_only_their_own_topics() -> None:
    acl = render_acl().splitlines()
    assert "pattern readwrite home/%u/#" in acl
    assert "pattern readwrite $aws/things/%u/shadow/#" in acl
    patterns = [line for line in acl if line.startswith("pattern")]
    assert all("%u" in line for line in patterns)
    service_block = acl[acl.index(f"user {SERVICE_IDENTITY}") + 1 :]
    assert service_block[:2] == ["topic readwrite #", "topic readwrite $aws/#"]


# --- presence rule --------------------------------------------------------------------------------


def test_presence_rule_maps_heartbeats_and_last_will(service: ShadowService, clock: Clock) -> None:
    rule = PresenceRule(service, clock)
    bridge = ShadowAddress("pi", "bridge")
    assert topic_filter() == "home/+/presence"
    connect = body({"connected": True, "event": "connected"})

    rule.handle("home/pi/presence", connect)
    clock.now += 30
    rule.handle("home/pi/presence", body({"connected": True}))
    online = service.reported(bridge)
    clock.now += 30
    rule.handle("home/pi/presence", body({"connected": False}))
    offline = service.reported(bridge)
    clock.now += 30
    rule.handle("home/pi/presence", connect)
    back = service.reported(bridge)

    assert online == {
        "connected": True,
        "connected_at": 1_700_000_000,
        "heartbeat_at": 1_700_000_030,
    }
    assert offline["connected"] is False
    assert offline["disconnected_at"] == 1_700_000_060
    assert back["connected_at"] == back["heartbeat_at"] == 1_700_000_090


def test_presence_rule_is_stateless_like_the_aws_rules(
    service: ShadowService, clock: Clock
) -> None:
    """A reconnect the broker never saw as a disconnect (it restarted) still stamps the connect;
    a heartbeat after a last will says connected again (AWS's heartbeat rule does the same)."""
    rule = PresenceRule(service, clock)
    bridge = ShadowAddress("pi", "bridge")
    connect = body({"connected": True, "event": "connected"})
    rule.handle("home/pi/presence", connect)
    clock.now += 100
    rule.handle("home/pi/presence", connect)
    assert service.reported(bridge)["connected_at"] == 1_700_000_100
    rule.handle("home/pi/presence", body({"connected": False}))
    clock.now += 5
    rule.handle("home/pi/presence", body({"connected": True}))
    after = service.reported(bridge)
    assert after["connected"] is True
    assert after["heartbeat_at"] == 1_700_000_105
    assert after["connected_at"] == 1_700_000_100


def test_presence_rule_ignores_other_topics(service: ShadowService, clock: Clock) -> None:
    rule = PresenceRule(service, clock)
    assert not rule.matches("home/pi/other")
    assert not rule.matches("home/a/b/presence")
    rule.handle("home/pi/status", body({"connected": True}))
    assert service.reported(ShadowAddress("pi", "bridge")) == {}


# --- certificates ---------------------------------------------------------------------------------


def test_ca_signs_rsa_csrs_with_the_thing_name_and_rejects_garbage(tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from devstack.iot_core.pki import CsrRejected, LocalCA

    ca = LocalCA(tmp_path)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "someone-else")]))
        .sign(key, hashes.SHA256())
    )
    cert = x509.load_pem_x509_certificate(
        ca.sign_csr("pi-1", csr.public_bytes(serialization.Encoding.PEM))
    )
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "pi-1"
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    ca_cert = x509.load_pem_x509_certificate(ca.cert_path.read_bytes())
    cert.verify_directly_issued_by(ca_cert)
    assert LocalCA(tmp_path).cert_path.read_bytes() == ca.cert_path.read_bytes()  # reused
    with pytest.raises(CsrRejected):
        ca.sign_csr("pi-1", b"-----BEGIN CERTIFICATE REQUEST-----\nnope\n")
