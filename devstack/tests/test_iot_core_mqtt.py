"""The local IoT Core over MQTT: the awsiot shadow client (MQTT 3.1.1 and 5), mutual TLS, per-thing
ACLs, the presence rule and a broker restart. Everything runs for real: mosquitto, the shadow
service, the AWS IoT Device SDK, boto3 against the REST API.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import awscrt.mqtt
import awscrt.mqtt5
import awscrt.mqtt_request_response as rr
import boto3
import pytest
from awsiot import (
    ServiceStreamOptions,
    V2ServiceException,
    iotshadow,
    mqtt5_client_builder,
    mqtt_connection_builder,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from devstack.iot_core import LocalIotCore
from devstack.iot_core.broker import BrokerError, find_mosquitto
from smarthome_contract import naming

TIMEOUT = 10.0


def _require_mosquitto() -> None:
    try:
        find_mosquitto()
    except BrokerError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"mosquitto is missing on a CI machine (.ci/run installs it): {exc}")
        pytest.skip(f"SKIPPED: {exc}")


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalIotCore]:
    _require_mosquitto()
    with LocalIotCore(tmp_path_factory.mktemp("iot_core"), persist_shadows=False) as running:
        yield running


@pytest.fixture(scope="module")
def iot_data(core: LocalIotCore) -> Any:
    return boto3.client(
        "iot-data",
        endpoint_url=core.rest_endpoint,
        region_name="eu-central-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def wait_until(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


# --- an MQTT device: awsiot's builders and IotShadowClientV2, as the bridge uses them ------------


@dataclass
class Device:
    thing: str
    shadow: iotshadow.IotShadowClientV2
    publish: Callable[[str, bytes], Any]
    subscribe: Callable[[str, Callable[[str, bytes], None]], None]
    connections: list[int]


def _rr_options() -> rr.ClientOptions:
    return rr.ClientOptions(
        max_request_response_subscriptions=4,
        max_streaming_subscriptions=8,
        operation_timeout_in_seconds=int(TIMEOUT),
    )


def _cert_for(core: LocalIotCore, thing: str, cert: tuple[Path, Path] | None) -> tuple[Path, Path]:
    return cert if cert is not None else core.issue_thing_certificate(thing)


@contextmanager
def mqtt311_device(
    core: LocalIotCore,
    thing: str,
    *,
    client_id: str | None = None,
    cert: tuple[Path, Path] | None = None,
) -> Iterator[Device]:
    cert_file, key_file = _cert_for(core, thing, cert)
    connections: list[int] = []
    handlers: dict[str, Callable[[str, bytes], None]] = {}
    conn = mqtt_connection_builder.mtls_from_path(
        endpoint="localhost",
        port=core.mqtt_tls_port,
        cert_filepath=str(cert_file),
        pri_key_filepath=str(key_file),
        ca_filepath=str(core.ca_file),
        client_id=client_id or thing,
        clean_session=True,
        keep_alive_secs=30,
        enable_metrics_collection=False,
        on_connection_success=lambda connection, callback_data: connections.append(1),
        # A kicked-off connection counts as -1, so a takeover shows up even before a reconnect.
        on_connection_interrupted=lambda connection, error, **kw: connections.append(-1),
    )
    conn.connect().result(TIMEOUT)
    try:

        def subscribe(topic: str, handler: Callable[[str, bytes], None]) -> None:
            handlers[topic] = handler
            future, _ = conn.subscribe(
                topic,
                awscrt.mqtt.QoS.AT_LEAST_ONCE,
                lambda topic, payload, **kw: handler(topic, payload),
            )
            future.result(TIMEOUT)

        def publish(topic: str, payload: bytes) -> Any:
            future, _ = conn.publish(topic, payload, awscrt.mqtt.QoS.AT_LEAST_ONCE)
            return future.result(TIMEOUT)

        yield Device(
            thing, iotshadow.IotShadowClientV2(conn, _rr_options()), publish, subscribe, connections
        )
    finally:
        conn.disconnect().result(TIMEOUT)


@contextmanager
def mqtt5_device(
    core: LocalIotCore,
    thing: str,
    *,
    will: awscrt.mqtt5.PublishPacket | None = None,
    cert: tuple[Path, Path] | None = None,
    stop_with_will: bool = False,
) -> Iterator[Device]:
    cert_file, key_file = _cert_for(core, thing, cert)
    connected = threading.Event()
    stopped: Future[None] = Future()
    connections: list[int] = []
    handlers: dict[str, Callable[[str, bytes], None]] = {}

    def on_success(event: Any) -> None:
        connections.append(1)
        connected.set()

    def on_publish(data: awscrt.mqtt5.PublishReceivedData) -> None:
        packet = data.publish_packet
        for topic, handler in list(handlers.items()):
            if _matches(topic, packet.topic):
                handler(packet.topic, bytes(packet.payload))

    client = mqtt5_client_builder.mtls_from_path(
        endpoint="localhost",
        port=core.mqtt_tls_port,
        cert_filepath=str(cert_file),
        pri_key_filepath=str(key_file),
        ca_filepath=str(core.ca_file),
        client_id=thing,
        will=will,
        enable_metrics_collection=False,
        min_reconnect_delay_ms=100,
        max_reconnect_delay_ms=500,
        on_lifecycle_connection_success=on_success,
        on_lifecycle_stopped=lambda event: stopped.set_result(None),
        on_publish_received=on_publish,
    )
    client.start()
    try:
        assert connected.wait(TIMEOUT), "MQTT5 client did not connect"

        def subscribe(topic: str, handler: Callable[[str, bytes], None]) -> None:
            handlers[topic] = handler
            packet = awscrt.mqtt5.SubscribePacket(
                subscriptions=[awscrt.mqtt5.Subscription(topic, awscrt.mqtt5.QoS.AT_LEAST_ONCE)]
            )
            client.subscribe(packet).result(TIMEOUT)

        def publish(topic: str, payload: bytes) -> Any:
            packet = awscrt.mqtt5.PublishPacket(
                topic=topic, payload=payload, qos=awscrt.mqtt5.QoS.AT_LEAST_ONCE
            )
            return client.publish(packet).result(TIMEOUT)

        yield Device(
            thing,
            iotshadow.IotShadowClientV2(client, _rr_options()),
            publish,
            subscribe,
            connections,
        )
    finally:
        disconnect = None
        if stop_with_will:
            disconnect = awscrt.mqtt5.DisconnectPacket(
                reason_code=awscrt.mqtt5.DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE
            )
        client.stop(disconnect)
        stopped.result(TIMEOUT)


def _matches(topic_filter: str, topic: str) -> bool:
    f_parts, t_parts = topic_filter.split("/"), topic.split("/")
    for index, part in enumerate(f_parts):
        if part == "#":
            return True
        if index >= len(t_parts) or (part != "+" and part != t_parts[index]):
            return False
    return len(f_parts) == len(t_parts)


DEVICES = {"mqtt311": mqtt311_device, "mqtt5": mqtt5_device}


@pytest.fixture(params=sorted(DEVICES))
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _stream(shadow: iotshadow.IotShadowClientV2, opener: str, request: Any) -> queue.Queue[Any]:
    """Open a streaming operation and return its event queue once the subscription is live."""
    events: queue.Queue[Any] = queue.Queue()
    established = threading.Event()

    def on_status(event: rr.SubscriptionStatusEvent) -> None:
        if event.type == rr.SubscriptionStatusEventType.SUBSCRIPTION_ESTABLISHED:
            established.set()

    options = ServiceStreamOptions(
        incoming_event_listener=events.put, subscription_status_listener=on_status
    )
    operation = getattr(shadow, opener)(request, options)
    operation.open()
    assert established.wait(TIMEOUT), "stream subscription not established"
    events.operation = operation  # type: ignore[attr-defined]  # keep it alive with the queue
    return events


def _thing(name: str, protocol: str) -> str:
    return f"{name}-{protocol}"


# --- shadow scenarios over MQTT --------------------------------------------------------------


def test_get_of_missing_named_shadow_is_rejected_with_404(
    core: LocalIotCore, protocol: str
) -> None:
    with DEVICES[protocol](core, _thing("missing", protocol)) as device:
        request = iotshadow.GetNamedShadowRequest(thing_name=device.thing, shadow_name="lamp")
        with pytest.raises(V2ServiceException) as caught:
            device.shadow.get_named_shadow(request).result(TIMEOUT)
    error = caught.value.modeled_error
    assert error.code == 404
    assert "No shadow exists" in error.message


def test_desired_update_sends_delta_and_report_clears_it(core: LocalIotCore, protocol: str) -> None:
    with DEVICES[protocol](core, _thing("delta", protocol)) as device:
        deltas = _stream(
            device.shadow,
            "create_named_shadow_delta_updated_stream",
            iotshadow.NamedShadowDeltaUpdatedSubscriptionRequest(
                thing_name=device.thing, shadow_name="lamp"
            ),
        )
        accepted = device.shadow.update_named_shadow(
            iotshadow.UpdateNamedShadowRequest(
                thing_name=device.thing,
                shadow_name="lamp",
                state=iotshadow.ShadowState(desired={"on": True, "brightness": 40}),
            )
        ).result(TIMEOUT)
        assert accepted.version == 1
        assert accepted.state.desired == {"on": True, "brightness": 40}
        assert accepted.metadata.desired["on"]["timestamp"] > 0

        delta = deltas.get(timeout=TIMEOUT)
        assert delta.state == {"on": True, "brightness": 40}
        assert delta.version == 1

        device.shadow.update_named_shadow(
            iotshadow.UpdateNamedShadowRequest(
                thing_name=device.thing,
                shadow_name="lamp",
                state=iotshadow.ShadowState(reported={"on": True, "brightness": 40}),
            )
        ).result(TIMEOUT)
        current = device.shadow.get_named_shadow(
            iotshadow.GetNamedShadowRequest(thing_name=device.thing, shadow_name="lamp")
        ).result(TIMEOUT)
    assert current.version == 2
    assert current.state.delta is None
    assert current.state.reported == {"on": True, "brightness": 40}


def test_version_mismatch_is_rejected_with_409(core: LocalIotCore, protocol: str) -> None:
    with DEVICES[protocol](core, _thing("version", protocol)) as device:
        update = iotshadow.UpdateShadowRequest(
            thing_name=device.thing, state=iotshadow.ShadowState(reported={"n": 1})
        )
        first = device.shadow.update_shadow(update).result(TIMEOUT)
        stale = iotshadow.UpdateShadowRequest(
            thing_name=device.thing,
            state=iotshadow.ShadowState(reported={"n": 2}),
            version=first.version + 5,
        )
        with pytest.raises(V2ServiceException) as caught:
            device.shadow.update_shadow(stale).result(TIMEOUT)
        fresh = iotshadow.UpdateShadowRequest(
            thing_name=device.thing,
            state=iotshadow.ShadowState(reported={"n": 3}),
            version=first.version,
        )
        assert device.shadow.update_shadow(fresh).result(TIMEOUT).version == first.version + 1
    assert caught.value.modeled_error.code == 409
    assert caught.value.modeled_error.message == "Version conflict"


def test_null_deletes_key_and_desired_null_clears_section(
    core: LocalIotCore, protocol: str
) -> None:
    with DEVICES[protocol](core, _thing("nulls", protocol)) as device:
        name = {"thing_name": device.thing, "shadow_name": "lamp"}
        device.shadow.update_named_shadow(
            iotshadow.UpdateNamedShadowRequest(
                **name, state=iotshadow.ShadowState(desired={"on": True, "brightness": 5})
            )
        ).result(TIMEOUT)
        device.shadow.update_named_shadow(
            iotshadow.UpdateNamedShadowRequest(
                **name,
                state=iotshadow.ShadowState(
                    desired={"brightness": None}, desired_is_nullable=False
                ),
            )
        ).result(TIMEOUT)
        after_key = device.shadow.get_named_shadow(iotshadow.GetNamedShadowRequest(**name)).result(
            TIMEOUT
        )
        device.shadow.update_named_shadow(
            iotshadow.UpdateNamedShadowRequest(
                **name, state=iotshadow.ShadowState(desired=None, desired_is_nullable=True)
            )
        ).result(TIMEOUT)
        after_section = device.shadow.get_named_shadow(
            iotshadow.GetNamedShadowRequest(**name)
        ).result(TIMEOUT)
    assert after_key.state.desired == {"on": True}
    assert after_section.state.desired is None
    assert after_section.version == 3


def test_delete_then_get_is_404_and_version_carries_on(core: LocalIotCore, protocol: str) -> None:
    with DEVICES[protocol](core, _thing("delete", protocol)) as device:
        name = {"thing_name": device.thing, "shadow_name": "lamp"}
        device.shadow.update_named_shadow(
            iotshadow.UpdateNamedShadowRequest(
                **name, state=iotshadow.ShadowState(reported={"a": 1})
            )
        ).result(TIMEOUT)
        deleted = device.shadow.delete_named_shadow(
            iotshadow.DeleteNamedShadowRequest(**name)
        ).result(TIMEOUT)
        with pytest.raises(V2ServiceException) as caught:
            device.shadow.get_named_shadow(iotshadow.GetNamedShadowRequest(**name)).result(TIMEOUT)
        again = device.shadow.update_named_shadow(
            iotshadow.UpdateNamedShadowRequest(
                **name, state=iotshadow.ShadowState(reported={"a": 2})
            )
        ).result(TIMEOUT)
    assert deleted.version == 1
    assert caught.value.modeled_error.code == 404
    assert again.version == 2


def test_documents_stream_carries_previous_and_current(core: LocalIotCore, protocol: str) -> None:
    with DEVICES[protocol](core, _thing("docs", protocol)) as device:
        documents = _stream(
            device.shadow,
            "create_shadow_updated_stream",
            iotshadow.ShadowUpdatedSubscriptionRequest(thing_name=device.thing),
        )
        for value in (1, 2):
            device.shadow.update_shadow(
                iotshadow.UpdateShadowRequest(
                    thing_name=device.thing, state=iotshadow.ShadowState(reported={"v": value})
                )
            ).result(TIMEOUT)
        first, second = documents.get(timeout=TIMEOUT), documents.get(timeout=TIMEOUT)
    assert first.previous is None
    assert first.current.state.reported == {"v": 1}
    assert second.previous.state.reported == {"v": 1}
    assert second.current.state.reported == {"v": 2}
    assert second.current.version == second.previous.version + 1


def test_rest_update_reaches_device_as_delta(
    core: LocalIotCore, iot_data: Any, protocol: str
) -> None:
    """The command path: the Lambda's UpdateThingShadow (REST) → the bridge's delta (MQTT)."""
    with DEVICES[protocol](core, _thing("cmd", protocol)) as device:
        deltas = _stream(
            device.shadow,
            "create_named_shadow_delta_updated_stream",
            iotshadow.NamedShadowDeltaUpdatedSubscriptionRequest(
                thing_name=device.thing, shadow_name="bulb"
            ),
        )
        iot_data.update_thing_shadow(
            thingName=device.thing,
            shadowName="bulb",
            payload=json.dumps({"state": {"desired": {"on": False}}, "clientToken": "lambda-1"}),
        )
        delta = deltas.get(timeout=TIMEOUT)
    assert delta.state == {"on": False}
    assert delta.client_token == "lambda-1"


def test_malformed_update_is_rejected_on_the_rejected_topic(
    core: LocalIotCore, protocol: str
) -> None:
    with DEVICES[protocol](core, _thing("bad", protocol)) as device:
        prefix = f"$aws/things/{device.thing}/shadow/name/lamp/update"
        rejected: queue.Queue[bytes] = queue.Queue()
        device.subscribe(prefix + "/rejected", lambda topic, payload: rejected.put(payload))
        device.publish(prefix, b'{"state": {"desired": ')
        device.publish(
            prefix,
            json.dumps(
                {"state": {"desired": {"x": 1}}, "clientToken": "t", "version": "1"}
            ).encode(),
        )
        device.publish(
            prefix,
            json.dumps({"state": {"desired": {"x": "y" * 9000}}, "clientToken": "big"}).encode(),
        )
        answers = [json.loads(rejected.get(timeout=TIMEOUT)) for _ in range(3)]
    assert [(a["code"], a["message"]) for a in answers] == [
        (400, "Invalid JSON"),
        (400, "Invalid version"),
        (413, "The payload exceeds the maximum size allowed"),
    ]
    assert [a.get("clientToken") for a in answers] == [None, "t", "big"]


# --- identity and access -----------------------------------------------------------------------


def test_other_things_shadow_is_out_of_reach(core: LocalIotCore, iot_data: Any) -> None:
    """thing-b may neither change nor read thing-a's shadow; its own works (positive control)."""
    iot_data.update_thing_shadow(
        thingName="acl-a",
        shadowName="lamp",
        payload=json.dumps({"state": {"reported": {"on": True}}}),
    )
    seen: queue.Queue[str] = queue.Queue()
    with mqtt5_device(core, "acl-b") as intruder:
        intruder.subscribe("$aws/things/acl-a/shadow/#", lambda topic, payload: seen.put(topic))
        intruder.subscribe("$aws/things/acl-b/shadow/#", lambda topic, payload: seen.put(topic))
        result = intruder.publish(
            "$aws/things/acl-a/shadow/name/lamp/update",
            json.dumps({"state": {"desired": {"on": False}}}).encode(),
        )
        assert result.puback.reason_code == awscrt.mqtt5.PubackReasonCode.NOT_AUTHORIZED
        # A's change is published before B's own; B must see only its own.
        iot_data.update_thing_shadow(
            thingName="acl-a",
            shadowName="lamp",
            payload=json.dumps({"state": {"reported": {"x": 1}}}),
        )
        iot_data.update_thing_shadow(
            thingName="acl-b",
            shadowName="lamp",
            payload=json.dumps({"state": {"reported": {"x": 1}}}),
        )
        first = seen.get(timeout=TIMEOUT)
    assert first.startswith("$aws/things/acl-b/")
    shadow = json.loads(
        iot_data.get_thing_shadow(thingName="acl-a", shadowName="lamp")["payload"].read()
    )
    assert "desired" not in shadow["state"]


def test_client_id_is_the_certificate_identity(core: LocalIotCore) -> None:
    """A thing cannot take another thing's client id (and so cannot kick it off)."""
    with mqtt311_device(core, "owner") as owner:
        b_cert = core.issue_thing_certificate("impostor")
        with mqtt311_device(core, "impostor", client_id="owner", cert=b_cert):
            owner.shadow.update_shadow(
                iotshadow.UpdateShadowRequest(
                    thing_name="owner", state=iotshadow.ShadowState(reported={"ok": True})
                )
            ).result(TIMEOUT)
        assert owner.connections == [1]


def test_client_without_certificate_or_from_another_ca_is_refused(
    core: LocalIotCore, tmp_path: Path
) -> None:
    from devstack.iot_core.pki import LocalCA

    foreign = LocalCA(tmp_path / "foreign").issue("rogue", tmp_path / "foreign")
    with (
        pytest.raises(Exception),  # noqa: B017 - awscrt raises its own AwsCrtError
        mqtt311_device(core, "rogue", cert=(foreign.cert, foreign.key)),
    ):
        pass


def test_csr_signed_certificate_connects_as_the_thing(core: LocalIotCore, tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "whatever-the-device-says")])
        )
        .sign(key, hashes.SHA256())
    )
    cert_pem = core.sign_csr("csr-thing", csr.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = tmp_path / "c.pem", tmp_path / "c.key"
    cert_file.write_bytes(cert_pem)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    issued = x509.load_pem_x509_certificate(cert_pem)
    assert issued.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "csr-thing"
    with mqtt5_device(core, "csr-thing", cert=(cert_file, key_file)) as device:
        accepted = device.shadow.update_shadow(
            iotshadow.UpdateShadowRequest(
                thing_name="csr-thing", state=iotshadow.ShadowState(reported={"ok": 1})
            )
        ).result(TIMEOUT)
    assert accepted.version == 1


def test_invalid_thing_names_get_no_certificate(core: LocalIotCore) -> None:
    with pytest.raises(ValueError):
        core.issue_thing_certificate("a/b")
    with pytest.raises(ValueError):
        core.issue_thing_certificate("+")


# --- presence rule ---------------------------------------------------------------------------


def _presence(iot_data: Any, thing: str) -> dict[str, Any]:
    try:
        body = iot_data.get_thing_shadow(thingName=thing, shadowName="bridge")["payload"].read()
    except iot_data.exceptions.ResourceNotFoundException:
        return {}
    return dict(json.loads(body)["state"]["reported"])


def test_heartbeat_and_last_will_drive_presence_shadow(core: LocalIotCore, iot_data: Any) -> None:
    thing = "presence-pi"
    will = awscrt.mqtt5.PublishPacket(
        topic=f"home/{thing}/presence",
        payload=json.dumps({"connected": False}).encode(),
        qos=awscrt.mqtt5.QoS.AT_LEAST_ONCE,
    )
    before = int(time.time())
    with mqtt5_device(core, thing, will=will, stop_with_will=True) as bridge:
        bridge.publish(
            f"home/{thing}/presence", json.dumps(naming.rules().presence.connected_payload).encode()
        )
        wait_until(lambda: _presence(iot_data, thing).get("connected") is True)
        online = _presence(iot_data, thing)
    wait_until(lambda: _presence(iot_data, thing).get("connected") is False)
    offline = _presence(iot_data, thing)
    assert online["connected_at"] >= before
    assert online["heartbeat_at"] >= online["connected_at"]
    assert offline["disconnected_at"] >= online["heartbeat_at"]
    assert offline["connected_at"] == online["connected_at"]


def test_presence_message_without_boolean_is_ignored(core: LocalIotCore, iot_data: Any) -> None:
    thing = "presence-junk"
    with mqtt311_device(core, thing) as bridge:
        bridge.publish(f"home/{thing}/presence", b"not json")
        bridge.publish(f"home/{thing}/presence", json.dumps({"connected": "yes"}).encode())
        bridge.publish(f"home/{thing}/presence", json.dumps({"connected": True}).encode())
        wait_until(lambda: _presence(iot_data, thing).get("connected") is True)
    shadow = json.loads(
        iot_data.get_thing_shadow(thingName=thing, shadowName="bridge")["payload"].read()
    )
    assert shadow["version"] == 1


# --- faults ----------------------------------------------------------------------------------


def test_device_reconnects_after_broker_restart(core: LocalIotCore, iot_data: Any) -> None:
    with mqtt5_device(core, "restart-pi") as device:
        deltas = _stream(
            device.shadow,
            "create_named_shadow_delta_updated_stream",
            iotshadow.NamedShadowDeltaUpdatedSubscriptionRequest(
                thing_name="restart-pi", shadow_name="bulb"
            ),
        )
        core.restart_broker()
        wait_until(lambda: len(device.connections) == 2)
        # The stream re-subscribes on its own; a command sent after the restart still arrives.
        deadline = time.monotonic() + TIMEOUT
        delta = None
        while delta is None and time.monotonic() < deadline:
            iot_data.update_thing_shadow(
                thingName="restart-pi",
                shadowName="bulb",
                payload=json.dumps({"state": {"desired": {"on": True}}}),
            )
            try:
                delta = deltas.get(timeout=0.5)
            except queue.Empty:
                continue
    assert delta is not None
    assert delta.state == {"on": True}


def test_persistent_session_survives_broker_restart(core: LocalIotCore, iot_data: Any) -> None:
    """A command queued for an offline bridge is delivered after a broker restart too."""
    thing = "session-pi"
    cert_file, key_file = core.issue_thing_certificate(thing)
    received: queue.Queue[tuple[str, bytes]] = queue.Queue()

    def connection() -> awscrt.mqtt.Connection:
        conn = mqtt_connection_builder.mtls_from_path(
            endpoint="localhost",
            port=core.mqtt_tls_port,
            cert_filepath=str(cert_file),
            pri_key_filepath=str(key_file),
            ca_filepath=str(core.ca_file),
            client_id=thing,
            clean_session=False,
            keep_alive_secs=30,
            enable_metrics_collection=False,
        )
        # Messages queued for a resumed session arrive before any per-subscription callback.
        conn.on_message(lambda topic, payload, **kw: received.put((topic, payload)))
        return conn

    first = connection()
    first.connect().result(TIMEOUT)
    try:
        future, _ = first.subscribe(f"home/{thing}/cmd", awscrt.mqtt.QoS.AT_LEAST_ONCE)
        future.result(TIMEOUT)
    finally:
        first.disconnect().result(TIMEOUT)

    core.restart_broker()
    iot_data.publish(topic=f"home/{thing}/cmd", qos=1, payload=b'{"cmd": "on"}')

    second = connection()
    resumed = second.connect().result(TIMEOUT)
    try:
        topic, payload = received.get(timeout=TIMEOUT)
    finally:
        second.disconnect().result(TIMEOUT)
    assert resumed["session_present"] is True
    assert (topic, payload) == (f"home/{thing}/cmd", b'{"cmd": "on"}')
