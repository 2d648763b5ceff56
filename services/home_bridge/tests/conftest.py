"""home_bridge tests: the real bridge against the local IoT Core (mosquitto + shadow service)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from home_bridge.app import run_bridge
from home_bridge.registry import Registry
from home_bridge.settings import BridgeSettings

_counter = itertools.count()


@pytest.fixture(scope="session")
def iot_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
        pytest.skip("SKIPPED: mosquitto is not installed (make mosquitto)")
    from devstack.iot_core import LocalIotCore

    core = LocalIotCore(tmp_path_factory.mktemp("iot-core"), persist_shadows=False)
    core.start()
    try:
        yield core
    finally:
        core.stop()


@dataclass
class Shadows:
    """boto3 ``iot-data`` against the local IoT Core's REST API (what the Lambda uses)."""

    client: Any

    def get(self, thing: str, shadow: str) -> dict[str, Any] | None:
        try:
            resp = self.client.get_thing_shadow(thingName=thing, shadowName=shadow)
        except self.client.exceptions.ResourceNotFoundException:
            return None
        doc: dict[str, Any] = json.loads(resp["payload"].read())
        return doc

    def desire(self, thing: str, shadow: str, desired: dict[str, Any]) -> None:
        body = json.dumps({"state": {"desired": desired}}).encode()
        self.client.update_thing_shadow(thingName=thing, shadowName=shadow, payload=body)

    def reported(self, thing: str, shadow: str) -> dict[str, Any]:
        doc = self.get(thing, shadow) or {}
        return dict(doc.get("state", {}).get("reported", {}))


@pytest.fixture(scope="session")
def shadows(iot_core: Any) -> Shadows:
    return Shadows(
        boto3.client(
            "iot-data",
            endpoint_url=iot_core.rest_endpoint,
            region_name="eu-central-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    )


@pytest.fixture
def bridge_settings(iot_core: Any) -> Callable[..., BridgeSettings]:
    """``bridge_settings(**overrides)``: a fresh thing with its own certificate, one bulb."""

    def make(**overrides: Any) -> BridgeSettings:
        thing = overrides.pop("thing_name", f"test-home-{next(_counter)}-{time.time_ns() % 10**6}")
        cert, key = iot_core.issue_thing_certificate(thing)
        values: dict[str, Any] = {
            "thing_name": thing,
            "endpoint": iot_core.host,
            "port": iot_core.mqtt_tls_port,
            "cert_file": cert,
            "key_file": key,
            "ca_file": iot_core.ca_file,
            "devices": [{"id": "bulb-1", "name": "Bedroom", "driver": "simulated"}],
            "heartbeat_seconds": 30,
            "poll_seconds": 30,
            "min_reconnect_seconds": 0.1,
            "max_reconnect_seconds": 1,
            "operation_timeout_seconds": 5,
        }
        values.update(overrides)
        return BridgeSettings(**values)

    return make


@pytest.fixture
def running_bridge() -> Callable[..., contextlib.AbstractAsyncContextManager[Registry]]:
    """``async with running_bridge(settings) as registry``: the bridge runs in this loop."""

    @contextlib.asynccontextmanager
    async def run(settings: BridgeSettings) -> AsyncIterator[Registry]:
        registry = Registry.from_settings(settings)
        stop = asyncio.Event()
        task = asyncio.create_task(run_bridge(settings, stop, registry))
        try:
            yield registry
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)

    return run


@pytest.fixture
def eventually() -> Callable[..., Awaitable[Any]]:
    """``await eventually(fn, within)``: poll ``fn`` (sync, run in a thread) until truthy."""

    async def wait(fn: Callable[[], Any], within: float = 10.0, what: str = "condition") -> Any:
        deadline = time.monotonic() + within
        while True:
            value = await asyncio.to_thread(fn)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not met within {within} s (last: {value!r})")
            await asyncio.sleep(0.05)

    return wait
