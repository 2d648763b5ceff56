"""iot_lambda tests: the real handler against moto's iot-data server (the edge)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer
from smarthome_contract.shadow import (
    Capabilities,
    ColorTempRange,
    ReportedState,
    epoch_seconds,
    utc_now,
)

REGION = "eu-central-1"


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _client(service: str, url: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@dataclass
class Home:
    """One thing in moto with helpers to seed and read its shadows."""

    thing: str
    data: Any
    versions: dict[str, int] = field(default_factory=dict)

    def report(self, device_id: str, **state: Any) -> None:
        reported = ReportedState(
            name=state.pop("name", device_id),
            capabilities=Capabilities(
                brightness=True, color_temp=ColorTempRange(min_kelvin=2500, max_kelvin=6500)
            ),
            reachable=state.pop("reachable", True),
            updated_at=utc_now(),
            **state,
        )
        self.update(device_id, {"reported": reported.shadow_json()})

    def presence(self, **reported: Any) -> None:
        self.update("bridge", {"reported": reported})

    def update(self, shadow: str, state: dict[str, Any]) -> None:
        self.data.update_thing_shadow(
            thingName=self.thing, shadowName=shadow, payload=json.dumps({"state": state}).encode()
        )

    def shadow(self, shadow: str) -> dict[str, Any]:
        resp = self.data.get_thing_shadow(thingName=self.thing, shadowName=shadow)
        doc: dict[str, Any] = json.loads(resp["payload"].read())
        return doc


@pytest.fixture
def make_home(
    moto_url: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Callable[..., Home]:
    """``make_home()`` creates a uniquely named thing and points the handler's settings at it."""
    from iot_lambda import handler

    iot, data = _client("iot", moto_url), _client("iot-data", moto_url)
    things: list[str] = []

    def make(wait_seconds: float = 0.3) -> Home:
        thing = f"home-{request.node.name[:40]}-{len(things)}".replace("[", "-").replace("]", "")
        iot.create_thing(thingName=thing)
        things.append(thing)
        monkeypatch.setenv("IOT_DATA_ENDPOINT", moto_url)
        monkeypatch.setenv("THING_NAMES", ",".join(things))
        monkeypatch.setenv("COMMAND_WAIT_SECONDS", str(wait_seconds))
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        handler.smart_home.cache_clear()
        return Home(thing, data)

    yield make  # type: ignore[misc]
    handler.smart_home.cache_clear()


class BridgeStandIn:
    """A thread that plays the bridge's shadow role: applies delta, reports, clears desired.

    Only the service edge is played here; the real bridge is exercised in home_bridge's tests and
    the integration test.
    """

    def __init__(self, home: Home, device_id: str) -> None:
        self._home = home
        self._device = device_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> BridgeStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            doc = self._home.shadow(self._device)
            delta = doc["state"].get("delta")
            if delta:
                reported = {
                    **doc["state"]["reported"],
                    **delta,
                    "updated_at": epoch_seconds(utc_now()),
                }
                cleared = dict.fromkeys(delta)
                self._home.update(self._device, {"reported": reported, "desired": cleared})
            self._stop.wait(0.02)


@pytest.fixture
def wait_until() -> Callable[[Callable[[], bool], float], None]:
    def wait(cond: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            time.sleep(0.02)

    return wait


@pytest.fixture
def bridge_stand_in() -> type[BridgeStandIn]:
    return BridgeStandIn


@dataclass
class FakeClientContext:
    custom: dict[str, str]


@dataclass
class FakeContext:
    """The attributes of a Lambda context the handler reads (Gateway-shaped client context)."""

    client_context: FakeClientContext
    aws_request_id: str = "req-test"


@pytest.fixture
def gateway_context() -> Callable[..., FakeContext]:
    def make(tool: str, target: str = "home") -> FakeContext:
        custom = {
            "bedrockAgentCoreToolName": f"{target}___{tool}",
            "bedrockAgentCoreMcpMessageId": "msg-42",
        }
        return FakeContext(FakeClientContext(custom))

    return make
