"""End to end on one machine: the real handler (botocore -> local IoT Core REST) and a real bridge
process (``python -m home_bridge run``) on the same local IoT Core, with the simulated bulb.

The calls carry the caller the Gateway's request interceptor adds (``_caller``)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from iot_lambda import handler as handler_module

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
THING = "e2e-home"
WAIT = 30.0


@pytest.fixture(scope="module")
def iot_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
        pytest.skip("SKIPPED: mosquitto is not installed (make mosquitto)")
    from devstack.iot_core import LocalIotCore

    with LocalIotCore(tmp_path_factory.mktemp("e2e-core"), persist_shadows=False) as core:
        yield core


@pytest.fixture
def bridge_process(
    iot_core: Any, tmp_path: Path
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """``start()`` launches the bridge as its own process; every process is killed at the end."""
    cert, key = iot_core.issue_thing_certificate(THING)
    config = tmp_path / "bridge.toml"
    config.write_text(
        "\n".join(
            [
                f'thing_name = "{THING}"',
                f'endpoint = "{iot_core.host}"',
                f"port = {iot_core.mqtt_tls_port}",
                f'cert_file = "{cert}"',
                f'key_file = "{key}"',
                f'ca_file = "{iot_core.ca_file}"',
                "heartbeat_seconds = 30",
                "poll_seconds = 30",
                "",
                "[[devices]]",
                'id = "bulb-1"',
                'name = "Bedroom"',
                'driver = "simulated"',
                f'state_file = "{tmp_path / "bulb.json"}"',
            ]
        )
    )
    procs: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"bridge-{len(procs)}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "home_bridge", "run", "--config", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


@pytest.fixture
def tool(
    iot_core: Any, monkeypatch: pytest.MonkeyPatch, gateway_context, caller_for
) -> Callable[..., Any]:
    monkeypatch.setenv("IOT_DATA_ENDPOINT", iot_core.rest_endpoint)
    monkeypatch.setenv("THING_NAMES", THING)
    monkeypatch.setenv("COMMAND_WAIT_SECONDS", "2")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    handler_module.smart_home.cache_clear()

    caller = caller_for(THING).as_argument()

    def call(name: str, **arguments: Any) -> dict[str, Any]:
        return handler_module.handler({**arguments, "_caller": caller}, gateway_context(name))

    yield call
    handler_module.smart_home.cache_clear()


def until(fn: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT
    while not (value := fn()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {WAIT} s")
        time.sleep(0.05)
    return value


def test_command_flow_through_bridge_outage(bridge_process, tool, tmp_path: Path) -> None:
    bridge = bridge_process()
    until(lambda: tool("list_devices").get("devices"), "bridge published its bulb")
    until(lambda: tool("get_status")["bridge"]["connected"], "bridge connected")

    on = tool("turn_on", device="Bedroom")
    assert on["status"] == "done", on
    assert on["state"]["on"] is True

    # A hard stop: no goodbye, so only the last will can tell IoT Core the bridge is gone.
    bridge.send_signal(signal.SIGKILL)
    bridge.wait(10)
    until(lambda: tool("get_status")["bridge"]["connected"] is False, "last will seen")

    off = tool("turn_off")
    assert off["status"] == "stored", off
    assert off["reason"] == "offline"
    assert "will apply when the home bridge reconnects (offline since" in off["message"]

    bridge_process()
    status = until(
        lambda: (s := tool("get_status"))["state"]["on"] is False and not s["pending"] and s,
        "stored command applied after restart",
    )
    assert status["bridge"]["connected"] is True
    assert "Bedroom is off" in status["message"]
    assert json.loads((tmp_path / "bulb.json").read_text())["device_on"] is False


def test_a_frozen_bridge_never_confirms(bridge_process, tool) -> None:
    # Issue 14's reproduction at the Lambda: the report says "on" (true once, now stale), the
    # bridge is frozen (SIGSTOP: no last will, heartbeat still fresh), and turn_on must not be
    # answered "done" from that stale report.
    bridge = bridge_process()
    until(lambda: tool("list_devices").get("devices"), "bridge published its bulb")
    assert tool("turn_on", device="Bedroom")["status"] == "done"
    bridge.send_signal(signal.SIGSTOP)
    try:
        for name in ("turn_off", "turn_on"):
            answer = tool(name, device="Bedroom")
            assert answer["status"] == "stored", (name, answer)
            assert answer["reason"] == "not_confirmed"
        assert tool("get_status")["pending"] == {"on": True}
    finally:
        bridge.send_signal(signal.SIGCONT)


BAD_CALLS = [
    ("set_brightness", {"brightness": 0}, "greater than or equal to 1"),
    ("set_brightness", {"brightness": 101}, "less than or equal to 100"),
    ("set_brightness", {"brightness": "50"}, "valid integer"),
    ("turn_on", {"device": "garage"}, "No device called 'garage' in your homes"),
    ("turn_on", {"device": "../bulb-1\r\n"}, "No device called"),
    ("turn_on", {"device": None}, "valid string"),
    ("open_garage", {}, "Unknown tool"),
]


def test_bad_input_changes_nothing(bridge_process, tool, iot_core) -> None:
    bridge_process()
    until(lambda: tool("list_devices").get("devices"), "bridge published its bulb")
    version = _version(iot_core)
    for name, arguments, needle in BAD_CALLS:
        answer = tool(name, **arguments)
        assert set(answer) == {"error"}, (name, arguments, answer)
        assert needle in answer["error"]
    assert _version(iot_core) == version


def _version(iot_core: Any) -> int:
    client = boto3.client(
        "iot-data",
        endpoint_url=iot_core.rest_endpoint,
        region_name="eu-central-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    payload = client.get_thing_shadow(thingName=THING, shadowName="bulb-1")["payload"]
    return int(json.loads(payload.read())["version"])
