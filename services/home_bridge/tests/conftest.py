"""home_bridge tests: the real bridge against the local IoT Core (mosquitto + shadow service)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import shutil
import subprocess
import sys
import tarfile
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

# python-kasa's captured device fixtures ship in its sdist only (GPL-3.0): read at test time from
# a downloaded copy, never vendored. The hash pins the exact file pip is allowed to fetch.
KASA_SDIST = "python-kasa==0.12.0"
KASA_SDIST_SHA256 = "92b0cd9eafc89a07a31e5652dd494a2eed0477fc1b0e517ba1b1a045d2cf3643"
KASA_CACHE = Path(__file__).resolve().parents[3] / ".cache" / "python-kasa-sdist"


def _pip() -> list[str] | None:
    """A pip to download with: the venv's, else the machine's (uv venvs have none)."""
    for candidate in ([sys.executable], [shutil.which("python3") or ""]):
        if (
            candidate[0]
            and subprocess.run(
                [*candidate, "-m", "pip", "--version"], capture_output=True, check=False
            ).returncode
            == 0
        ):
            return [*candidate, "-m", "pip"]
    return None


def _kasa_sdist() -> Path:
    cached = KASA_CACHE / "python_kasa-0.12.0.tar.gz"
    if cached.exists():
        if hashlib.sha256(cached.read_bytes()).hexdigest() == KASA_SDIST_SHA256:
            return cached
        cached.unlink()  # a broken download: fetch it again
    pip = _pip()
    if pip is None:
        pytest.skip(f"SKIPPED: no pip on this machine to download {KASA_SDIST}'s sdist fixtures")
    KASA_CACHE.mkdir(parents=True, exist_ok=True)
    requirement = KASA_CACHE / "requirement.txt"
    requirement.write_text(f"{KASA_SDIST} --hash=sha256:{KASA_SDIST_SHA256}\n", encoding="utf-8")
    result = subprocess.run(
        [*pip, "download", "--no-binary", ":all:", "--no-deps", "--require-hashes",
         "--disable-pip-version-check", "-q", "-r", str(requirement), "-d", str(KASA_CACHE)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    found = sorted(KASA_CACHE.glob("python_kasa-0.12.0.tar.gz"))
    if result.returncode != 0 or not found:
        pytest.skip(
            f"SKIPPED: could not download {KASA_SDIST}'s sdist for its device fixtures: "
            f"{(result.stderr or result.stdout).strip()[-500:]}"
        )
    return found[0]


@pytest.fixture(scope="session")
def kasa_fixture() -> Callable[[str], dict[str, Any]]:
    """``kasa_fixture("L530E(EU)_3.0_1.1.6")``: a device's captured SMART responses."""
    sdist = _kasa_sdist()

    def load(name: str) -> dict[str, Any]:
        member = f"python_kasa-0.12.0/tests/fixtures/smart/{name}.json"
        with tarfile.open(sdist) as archive:
            handle = archive.extractfile(member)
            assert handle is not None, member
            data: dict[str, Any] = json.load(handle)
        return data

    return load


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
