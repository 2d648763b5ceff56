"""iot_lambda tests: the real handler against moto's iot-data server (the edge)."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from gateway_contract.caller import Caller
from gateway_contract.rules import home_group
from moto.server import ThreadedMotoServer
from smarthome_contract.shadow import (
    COMMAND_KEYS,
    Capabilities,
    ColorTempRange,
    ReportedState,
    epoch_seconds,
    utc_now,
)

REGION = "eu-central-1"
# Powertools reads these when the handler module is imported (as Terraform sets them).
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "AgentCoreMcp/test")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "smart-home")


@pytest.fixture(autouse=True)
def reset_powertools() -> None:
    """Powertools' own test advice: clear metrics and the cold-start flag before every test."""
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.logging import logger as logger_module
    from aws_lambda_powertools.metrics.provider import cold_start

    metrics = Metrics()
    metrics.clear_metrics()
    metrics.clear_default_dimensions()
    cold_start.is_cold_start = True
    logger_module.is_cold_start = True


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
            capabilities=state.pop(
                "capabilities",
                Capabilities(
                    brightness=True, color_temp=ColorTempRange(min_kelvin=2500, max_kelvin=6500)
                ),
            ),
            reachable=state.pop("reachable", True),
            updated_at=utc_now(),
            **state,
        )
        self.update(device_id, {"reported": reported.shadow_json()})

    def presence(self, **reported: Any) -> None:
        self.update("bridge", {"reported": reported})

    def online(self) -> None:
        self.presence(connected=True, heartbeat_at=epoch_seconds(utc_now()))

    def update(self, shadow: str, state: dict[str, Any], version: int | None = None) -> int:
        body: dict[str, Any] = {"state": state}
        if version is not None:
            body["version"] = version
        resp = self.data.update_thing_shadow(
            thingName=self.thing, shadowName=shadow, payload=json.dumps(body).encode()
        )
        return int(json.loads(resp["payload"].read())["version"])

    def shadow(self, shadow: str) -> dict[str, Any]:
        resp = self.data.get_thing_shadow(thingName=self.thing, shadowName=shadow)
        doc: dict[str, Any] = json.loads(resp["payload"].read())
        return doc


@pytest.fixture
def make_home(
    moto_url: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Home]]:
    """``make_home()`` creates a uniquely named thing and points the handler's settings at it."""
    from iot_lambda import handler

    iot, data = _client("iot", moto_url), _client("iot-data", moto_url)
    things: list[str] = []
    base = "".join(c if c.isalnum() else "-" for c in request.node.name)[:60]

    def make(wait_seconds: float = 0.3, **env: str) -> Home:
        thing = f"h-{base}-{len(things)}-{time.monotonic_ns() % 10**6}"
        iot.create_thing(thingName=thing)
        things.append(thing)
        monkeypatch.setenv("IOT_DATA_ENDPOINT", moto_url)
        monkeypatch.setenv("THING_NAMES", ",".join(things))
        monkeypatch.setenv("COMMAND_WAIT_SECONDS", str(wait_seconds))
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        handler.smart_home.cache_clear()
        return Home(thing, data)

    make.things = things  # type: ignore[attr-defined]
    yield make
    handler.smart_home.cache_clear()


class BridgeStandIn:
    """A thread playing the bridge's side of shadow protocol v2 (the contract README).

    On a new version: read the shadow, converge to every desired command key, report the full
    state with ``command_id`` and ``applied_version``, clear the applied keys and the id, with
    ``version`` set (a 409 means a newer command: read again). ``reject`` plays a device that
    refuses. Only the service edge is played here; the real bridge runs in home_bridge's tests
    and the integration test.
    """

    def __init__(self, home: Home, device_id: str, *, reject: str | None = None) -> None:
        self._home = home
        self._device = device_id
        self._reject = reject
        self._seen = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.applied: list[dict[str, Any]] = []

    def __enter__(self) -> BridgeStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            doc = self._home.shadow(self._device)
            if doc["version"] > self._seen:
                self._seen = doc["version"]
                self._apply(doc)
            self._stop.wait(0.01)

    def _apply(self, doc: dict[str, Any]) -> None:
        state = doc["state"]
        desired = state.get("desired", {})
        command = {k: v for k, v in desired.items() if k in COMMAND_KEYS and v is not None}
        if not command:
            return
        applied = {} if self._reject else command
        reported = {
            **state["reported"],
            **applied,
            "updated_at": epoch_seconds(utc_now()),
            "command_id": desired.get("command_id"),
            "applied_version": doc["version"],
            "error": self._reject,
            "error_kind": "rejected" if self._reject else None,
        }
        cleared: dict[str, Any] = {**dict.fromkeys(command), "command_id": None}
        try:
            self._seen = self._home.update(
                self._device, {"reported": reported, "desired": cleared}, version=doc["version"]
            )
        except self._home.data.exceptions.ConflictException:
            return  # a newer command came in: the next loop reads it
        self.applied.append(command)


@pytest.fixture
def bridge_stand_in() -> type[BridgeStandIn]:
    return BridgeStandIn


@pytest.fixture
def wait_until() -> Callable[..., None]:
    def wait(cond: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            time.sleep(0.02)

    return wait


@dataclass
class FakeClientContext:
    custom: dict[str, str]


@dataclass
class FakeContext:
    """A Lambda context as Powertools' docs fake it, with the Gateway's client context."""

    client_context: FakeClientContext
    function_name: str = "agentcore-mcp-test-smart-home"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = (
        "arn:aws:lambda:eu-central-1:123456789012:function:agentcore-mcp-test-smart-home"
    )
    aws_request_id: str = "req-test"
    remaining_ms: int = 15_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def gateway_context() -> Callable[..., FakeContext]:
    def make(tool: str, target: str = "home", remaining_ms: int = 15_000) -> FakeContext:
        custom = {
            "bedrockAgentCoreToolName": f"{target}___{tool}",
            "bedrockAgentCoreMcpMessageId": "msg-42",
        }
        return FakeContext(FakeClientContext(custom), remaining_ms=remaining_ms)

    return make


def caller_for(*homes: str, sub: str = "sub-alice") -> Caller:
    """A verified caller as the interceptor builds it, with the groups of ``homes``."""
    return Caller(
        sub=sub,
        username=sub.removeprefix("sub-"),
        groups=tuple(home_group(h) for h in homes),
        client_id="client-test",
    )


NO_CALLER = object()


@pytest.fixture
def no_caller() -> object:
    """Pass as ``caller=`` to send the event exactly as given, with no ``_caller`` added."""
    return NO_CALLER


@pytest.fixture(name="caller_for")
def caller_for_fixture() -> Callable[..., Caller]:
    return caller_for


@pytest.fixture
def call(gateway_context, make_home) -> Callable[..., dict[str, Any]]:
    """``call(tool, event, caller=...)``: the real handler; by default a caller of every home."""
    from iot_lambda.handler import handler

    def invoke(tool: str, event: object = None, caller: object = None, **ctx: Any) -> Any:
        if caller is NO_CALLER:
            payload = event
        else:
            who = caller or caller_for(*make_home.things)
            payload = {**(event or {}), "_caller": who.as_argument()}  # type: ignore[attr-defined]
        return handler(payload, gateway_context(tool, **ctx))

    return invoke
