"""Live check of the local IoT Core's access rules (generated from naming.json like the IoT
policy): a second thing's client can act on its own topics but not on another thing's."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from awscrt import mqtt5
from awsiot import mqtt5_client_builder
from smarthome_contract import naming

pytestmark = pytest.mark.slow
TIMEOUT = 10


@pytest.fixture
def thing_client(iot_core) -> Iterator[Any]:
    """``connect(thing)`` -> (client, received messages) over mutual TLS as that thing."""
    clients: list[Any] = []

    def connect(thing: str) -> tuple[Any, list[mqtt5.PublishPacket]]:
        cert, key = iot_core.issue_thing_certificate(thing)
        received: list[mqtt5.PublishPacket] = []
        connected: Future[bool] = Future()
        stopped = threading.Event()
        client = mqtt5_client_builder.mtls_from_path(
            endpoint=iot_core.host,
            port=iot_core.mqtt_tls_port,
            cert_filepath=str(cert),
            pri_key_filepath=str(key),
            ca_filepath=str(iot_core.ca_file),
            client_id=thing,
            enable_metrics_collection=False,
            on_publish_received=lambda data: received.append(data.publish_packet),
            on_lifecycle_connection_success=lambda _: connected.done()
            or connected.set_result(True),
            on_lifecycle_stopped=lambda _: stopped.set(),
        )
        client.start()
        clients.append((client, stopped))
        connected.result(TIMEOUT)
        return client, received

    yield connect
    for client, stopped in clients:
        client.stop()
        stopped.wait(TIMEOUT)


def _subscribe(client: Any, *topics: str) -> None:
    subs = [mqtt5.Subscription(t, mqtt5.QoS.AT_LEAST_ONCE) for t in topics]
    client.subscribe(mqtt5.SubscribePacket(subs)).result(TIMEOUT)


def _publish(client: Any, topic: str, payload: dict[str, Any]) -> None:
    packet = mqtt5.PublishPacket(
        topic=topic, payload=json.dumps(payload).encode(), qos=mqtt5.QoS.AT_LEAST_ONCE
    )
    client.publish(packet).result(TIMEOUT)


def _wait(cond: Any, what: str) -> Any:
    deadline = time.monotonic() + TIMEOUT
    while not (value := cond()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {TIMEOUT} s")
        time.sleep(0.02)
    return value


def test_second_thing_is_confined_to_its_own_topics(thing_client, shadows) -> None:
    owner, _ = thing_client("acl-owner")
    intruder, seen = thing_client("acl-intruder")
    owner_shadow = naming.shadow_topic_prefix("acl-owner", "bulb-1")
    own_topic = naming.bridge_topic_prefix("acl-intruder") + "marker"

    # mosquitto grants the SUBSCRIBE but never delivers what the ACL forbids to read.
    _subscribe(intruder, owner_shadow + "update/#", naming.presence_topic("acl-owner"), own_topic)
    _publish(intruder, owner_shadow + "update", {"state": {"desired": {"on": True}}})
    _publish(owner, owner_shadow + "update", {"state": {"reported": {"on": False}}})
    _publish(owner, naming.presence_topic("acl-owner"), {"connected": True})
    doc = _wait(lambda: shadows.get("acl-owner", "bulb-1"), "owner's report stored")
    _wait(lambda: shadows.get("acl-owner", "bridge"), "owner's presence stored")
    # The service has answered on the owner's topics by now; the intruder's own topic works.
    _publish(intruder, own_topic, {"marker": True})
    _wait(lambda: any(p.topic == own_topic for p in seen), "own topic delivered")

    assert [p.topic for p in seen] == [own_topic]
    assert doc["state"].get("desired") is None  # the intruder's write never reached the service
    assert doc["state"]["reported"] == {"on": False}
