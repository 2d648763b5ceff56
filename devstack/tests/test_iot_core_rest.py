"""Conformance of the iot-data REST API: the same boto3 scenarios against the local IoT Core and
against moto's ``iot-data`` (the reference where moto implements the behaviour).

Where moto and AWS disagree, the test says so and asserts each side's behaviour explicitly:

* ``{"state": {"desired": null}}`` clears ``desired`` in AWS; moto keeps it.
* AWS rejects state over 8 KB with 413; moto accepts it.
* AWS echoes ``clientToken`` in the response; moto does not.
* ListNamedShadowsForThing leaves deleted shadows out in AWS; moto still lists them.
* Deleting a shadow keeps its version in AWS (the delete answers the current version); moto
  counts the delete as a version of its own. Both keep counting up after a re-create.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from devstack.iot_core import LocalIotCore
from devstack.iot_core.broker import BrokerError, find_mosquitto
from moto import mock_aws

REGION = "eu-central-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


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
    with LocalIotCore(tmp_path_factory.mktemp("iot_rest"), persist_shadows=False) as running:
        yield running


@dataclass
class Backend:
    name: str
    client: Any
    iot: Any | None  # moto needs the thing in its registry first

    @property
    def is_moto(self) -> bool:
        return self.name == "moto"

    def thing(self, prefix: str) -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        if self.iot is not None:
            self.iot.create_thing(thingName=name)
        return name

    def update(self, thing: str, body: Any, shadow: str | None = None) -> dict[str, Any]:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        kwargs = {"thingName": thing, "payload": raw}
        if shadow is not None:
            kwargs["shadowName"] = shadow
        return dict(json.loads(self.client.update_thing_shadow(**kwargs)["payload"].read()))

    def get(self, thing: str, shadow: str | None = None) -> dict[str, Any]:
        kwargs = {"thingName": thing} | ({"shadowName": shadow} if shadow else {})
        return dict(json.loads(self.client.get_thing_shadow(**kwargs)["payload"].read()))

    def delete(self, thing: str, shadow: str | None = None) -> dict[str, Any]:
        kwargs = {"thingName": thing} | ({"shadowName": shadow} if shadow else {})
        return dict(json.loads(self.client.delete_thing_shadow(**kwargs)["payload"].read()))


@pytest.fixture(scope="module")
def moto_clients() -> Iterator[tuple[Any, Any]]:
    # One mock for the module: building boto3 clients for it is the slow part. Requests to the
    # local endpoint are not AWS URLs, so moto lets them through.
    with mock_aws():
        yield (
            boto3.client("iot-data", region_name=REGION, **CREDENTIALS),
            boto3.client("iot", region_name=REGION, **CREDENTIALS),
        )


@pytest.fixture(scope="module")
def local_client(core: LocalIotCore) -> Any:
    return boto3.client(
        "iot-data", endpoint_url=core.rest_endpoint, region_name=REGION, **CREDENTIALS
    )


@pytest.fixture(params=["local", "moto"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "moto":
        iot_data, iot = request.getfixturevalue("moto_clients")
        return Backend("moto", iot_data, iot)
    return Backend("local", request.getfixturevalue("local_client"), None)


# --- shadow semantics ------------------------------------------------------------------------


def test_update_answers_with_the_request_state_version_and_metadata(backend: Backend) -> None:
    thing = backend.thing("upd")
    answer = backend.update(
        thing, {"state": {"desired": {"on": True, "level": 3}}, "clientToken": "tok-1"}
    )
    assert answer["state"] == {"desired": {"on": True, "level": 3}}
    assert answer["version"] == 1
    assert set(answer["metadata"]["desired"]) == {"on", "level"}
    assert answer["metadata"]["desired"]["on"]["timestamp"] == answer["timestamp"]
    if backend.is_moto:
        assert "clientToken" not in answer  # moto does not echo it; AWS does
    else:
        assert answer["clientToken"] == "tok-1"


def test_get_shows_delta_until_reported_matches(backend: Backend) -> None:
    thing = backend.thing("delta")
    backend.update(thing, {"state": {"desired": {"on": True, "color": {"r": 1, "g": 2}}}})
    backend.update(thing, {"state": {"reported": {"on": False, "color": {"r": 1, "g": 0}}}})
    pending = backend.get(thing)
    assert pending["state"]["delta"] == {"on": True, "color": {"g": 2}}
    assert pending["version"] == 2
    assert set(pending["metadata"]) == {"desired", "reported"}

    backend.update(thing, {"state": {"reported": {"on": True, "color": {"g": 2}}}})
    settled = backend.get(thing)
    assert "delta" not in settled["state"]
    assert settled["state"]["reported"] == {"on": True, "color": {"r": 1, "g": 2}}


def test_null_deletes_a_key(backend: Backend) -> None:
    thing = backend.thing("null")
    backend.update(thing, {"state": {"reported": {"a": 1, "b": {"c": 2, "d": 3}}}})
    backend.update(thing, {"state": {"reported": {"a": None, "b": {"c": None}}}})
    assert backend.get(thing)["state"]["reported"] == {"b": {"d": 3}}


def test_arrays_are_replaced_whole(backend: Backend) -> None:
    thing = backend.thing("array")
    backend.update(thing, {"state": {"reported": {"list": [1, 2, 3]}}})
    backend.update(thing, {"state": {"reported": {"list": [9]}}})
    assert backend.get(thing)["state"]["reported"] == {"list": [9]}


def test_desired_null_clears_the_section(backend: Backend) -> None:
    thing = backend.thing("clear")
    backend.update(thing, {"state": {"desired": {"on": True}, "reported": {"on": False}}})
    backend.update(thing, {"state": {"desired": None}})
    state = backend.get(thing)["state"]
    if backend.is_moto:
        assert state["desired"] == {"on": True}  # moto differs from AWS here
    else:
        assert "desired" not in state
        assert "delta" not in state


def test_version_mismatch_is_a_conflict(backend: Backend) -> None:
    thing = backend.thing("conflict")
    backend.update(thing, {"state": {"reported": {"n": 1}}})
    with pytest.raises(backend.client.exceptions.ConflictException) as caught:
        backend.update(thing, {"state": {"reported": {"n": 2}}, "version": 7})
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert caught.value.response["Error"]["Message"] == "Version conflict"
    assert backend.update(thing, {"state": {"reported": {"n": 3}}, "version": 1})["version"] == 2


def test_bridge_write_guarded_by_the_version_it_read(backend: Backend) -> None:
    """Shadow protocol v2's write, on both backends: a report plus desired clears, guarded by the
    version the bridge read, loses to a newer command (409) and wins after a fresh read."""
    thing = backend.thing("v2")
    backend.update(thing, {"state": {"reported": {"on": True}}}, shadow="bulb")
    older = backend.update(
        thing, {"state": {"desired": {"on": False, "command_id": "a"}}}, shadow="bulb"
    )
    read = backend.get(thing, "bulb")
    assert read["version"] == older["version"] == 2
    newer = backend.update(
        thing, {"state": {"desired": {"on": True, "command_id": "b"}}}, shadow="bulb"
    )
    assert newer["version"] == 3

    def bridge_write(applied: dict[str, Any], version: int) -> dict[str, Any]:
        body = {
            "state": {
                "reported": {"on": applied["on"], "command_id": applied["command_id"],
                             "applied_version": version},
                "desired": {"on": None, "command_id": None},
            },
            "version": version,
        }  # fmt: skip
        return backend.update(thing, body, shadow="bulb")

    with pytest.raises(backend.client.exceptions.ConflictException):
        bridge_write(read["state"]["desired"], read["version"])
    again = backend.get(thing, "bulb")
    # The desired command keys were cleared nowhere: the newer command is what is pending.
    assert again["state"]["desired"] == {"on": True, "command_id": "b"}
    written = bridge_write(again["state"]["desired"], again["version"])
    assert written["version"] == 4
    final = backend.get(thing, "bulb")
    # Nulling the last desired keys removes the section, and with it the delta.
    assert "desired" not in final["state"]
    assert "delta" not in final["state"]
    assert final["state"]["reported"] == {"on": True, "command_id": "b", "applied_version": 3}


def test_named_shadows_are_separate_and_listed(backend: Backend) -> None:
    thing = backend.thing("named")
    backend.update(thing, {"state": {"reported": {"classic": True}}})
    backend.update(thing, {"state": {"reported": {"on": True}}}, shadow="bulb")
    backend.update(thing, {"state": {"reported": {"connected": True}}}, shadow="bridge")
    assert backend.get(thing, "bulb")["state"]["reported"] == {"on": True}
    assert backend.get(thing)["state"]["reported"] == {"classic": True}
    listed = backend.client.list_named_shadows_for_thing(thingName=thing)
    assert sorted(listed["results"]) == ["bridge", "bulb"]


def test_delete_then_get_is_not_found(backend: Backend) -> None:
    thing = backend.thing("del")
    backend.update(thing, {"state": {"reported": {"a": 1}}}, shadow="lamp")
    backend.update(thing, {"state": {"reported": {"a": 2}}}, shadow="lamp")
    deleted = backend.delete(thing, "lamp")
    with pytest.raises(backend.client.exceptions.ResourceNotFoundException):
        backend.get(thing, "lamp")
    listed = backend.client.list_named_shadows_for_thing(thingName=thing)["results"]
    again = backend.update(thing, {"state": {"reported": {"a": 3}}}, shadow="lamp")
    assert again["version"] > deleted["version"]
    if backend.is_moto:
        assert listed == ["lamp"]  # moto still lists a deleted shadow
        assert deleted["version"] == 3
    else:
        assert listed == []
        assert deleted["version"] == 2


def test_get_of_unknown_shadow_is_not_found(backend: Backend) -> None:
    thing = backend.thing("unknown")
    with pytest.raises(backend.client.exceptions.ResourceNotFoundException) as caught:
        backend.get(thing, "nothing-here")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


# --- bad requests: AWS's error shapes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"state": {"desired": ', "Invalid JSON"),
        ({"desired": {"on": True}}, "Missing required node: state"),
        ({"state": ["on"]}, "State node must be an object"),
        ({"state": {"wanted": {"on": True}}}, "State contains an invalid node"),
    ],
)
def test_bad_update_is_an_invalid_request(backend: Backend, body: Any, message: str) -> None:
    thing = backend.thing("bad")
    with pytest.raises(backend.client.exceptions.InvalidRequestException) as caught:
        backend.update(thing, body)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    if not backend.is_moto:  # moto words its messages differently
        assert caught.value.response["Error"]["Message"] == message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"state": {"desired": 5}}, "Desired node must be an object"),
        ({"state": {"reported": {"on": 1}}, "version": "1"}, "Invalid version"),
        ({"state": {"reported": {"on": 1}}, "clientToken": "x" * 65}, "Invalid clientToken"),
        (
            {"state": {"reported": {"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}}}},
            "JSON contains too many levels of nesting; maximum is 6",
        ),
    ],
)
def test_local_rejects_what_aws_rejects(local_client: Any, body: Any, message: str) -> None:
    """Checks moto does not make; the messages are the devguide's."""
    client = local_client
    with pytest.raises(client.exceptions.InvalidRequestException) as caught:
        client.update_thing_shadow(thingName="strict", payload=json.dumps(body))
    assert caught.value.response["Error"]["Message"] == message


def test_state_over_8kb_is_too_large(backend: Backend) -> None:
    thing = backend.thing("big")
    body = {"state": {"reported": {"blob": "x" * 9000}}}
    if backend.is_moto:
        assert backend.update(thing, body)["version"] == 1  # moto has no size limit
        return
    with pytest.raises(backend.client.exceptions.RequestEntityTooLargeException) as caught:
        backend.update(thing, body)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    # The limit is on the stored state: many small updates cannot grow past it either.
    backend.update(thing, {"state": {"reported": {"a": "x" * 5000}}})
    with pytest.raises(backend.client.exceptions.RequestEntityTooLargeException):
        backend.update(thing, {"state": {"reported": {"b": "x" * 5000}}})


# --- publish ---------------------------------------------------------------------------------


def test_publish_goes_to_mqtt(backend: Backend) -> None:
    """Publish to a shadow's update topic: locally it really travels over MQTT to the service."""
    thing = backend.thing("pub")
    topic = f"$aws/things/{thing}/shadow/name/lamp/update"
    payload = json.dumps({"state": {"reported": {"via": "publish"}}}).encode()
    backend.client.publish(topic=topic, qos=1, payload=payload)
    if backend.is_moto:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.iotdata.models import iotdata_backends

        recorded = iotdata_backends[DEFAULT_ACCOUNT_ID][REGION].published_payloads
        assert (topic, payload) in recorded  # moto records; nothing is delivered
        return
    import time

    deadline = time.monotonic() + 10
    while True:
        try:
            shadow = backend.get(thing, "lamp")
            break
        except backend.client.exceptions.ResourceNotFoundException:
            assert time.monotonic() < deadline, "published update never reached the shadow"
            time.sleep(0.02)
    assert shadow["state"]["reported"] == {"via": "publish"}


def test_publish_rejects_qos_2(local_client: Any) -> None:
    with pytest.raises(local_client.exceptions.InvalidRequestException):
        local_client.publish(topic="home/x/y", qos=2, payload=b"{}")


def test_unknown_path_has_aws_error_shape(core: LocalIotCore) -> None:
    import urllib.request
    from urllib.error import HTTPError

    with pytest.raises(HTTPError) as caught:
        urllib.request.urlopen(core.rest_endpoint + "/nope", timeout=5)  # noqa: S310 - local http
    assert caught.value.code == 404
    assert caught.value.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert json.loads(caught.value.read())["code"] == 404


# --- transport ---------------------------------------------------------------------------------


def test_accepted_connections_have_tcp_nodelay() -> None:
    """Without TCP_NODELAY every kept-alive request waited ~40 ms for a delayed ACK (issue 17).

    http.client sets no socket options of its own, so what is checked is the server's side:
    asyncio sets TCP_NODELAY on an accepted connection only when the listening socket's protocol
    is IPPROTO_TCP.
    """
    import http.client
    import socket

    from devstack.iot_core.rest import RestServer
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def ok(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    server = RestServer(Starlette(routes=[Route("/", ok)]), "127.0.0.1", 0)
    server.start()
    client = http.client.HTTPConnection(server.host, server.port, timeout=5)
    try:
        for _ in range(2):  # the second request rides the kept-alive connection
            client.request("GET", "/")
            assert client.getresponse().read() == b"ok"
        # uvicorn's own record of the open connections (each protocol keeps its transport).
        connections = list(server._server.server_state.connections)
        assert len(connections) == 1
        sock = connections[0].transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        client.close()
        server.stop()
