"""End to end on one machine: the real handler (boto3 -> local IoT Core REST) and a real bridge
process (``python -m home_bridge run``, the outage harness's ``BridgeProcess``) on the same local
IoT Core, with the simulated bulb. The calls carry the caller the Gateway's request interceptor
adds (``_caller``)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from iot_lambda import handler as handler_module
from outage_harness import BridgeProcess, Tuning, iot_data_client, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
THING = "e2e-home"
WAIT = 30.0
# A frozen bridge must stay "connected" for the whole test: heartbeat and keep-alive long.
TUNING = Tuning(heartbeat_seconds=15, keep_alive_seconds=60, poll_seconds=30)


@pytest.fixture(scope="module")
def iot_core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
        pytest.skip("SKIPPED: mosquitto is not installed (make mosquitto)")
    from devstack.iot_core import LocalIotCore

    with LocalIotCore(tmp_path_factory.mktemp("e2e-core"), persist_shadows=False) as core:
        yield core


@pytest.fixture
def bridge(iot_core: Any, tmp_path: Path) -> Iterator[BridgeProcess]:
    process = BridgeProcess(iot_core, THING, tmp_path, TUNING)
    process.start()
    yield process
    process.kill()


@pytest.fixture
def tool(
    iot_core: Any, monkeypatch: pytest.MonkeyPatch, gateway_context, caller_for
) -> Iterator[Callable[..., Any]]:
    monkeypatch.setenv("IOT_DATA_ENDPOINT", iot_core.rest_endpoint)
    monkeypatch.setenv("THING_NAMES", THING)
    monkeypatch.setenv("COMMAND_WAIT_SECONDS", "2")
    monkeypatch.setenv("SMARTHOME_HEARTBEAT_SECONDS", str(TUNING.heartbeat_seconds))
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
    return wait_until(fn, WAIT, what)


def _ready(tool: Callable[..., Any]) -> None:
    # "connected" may still be the previous bridge's heartbeat: the proof is a confirmed command.
    until(lambda: tool("list_devices").get("devices"), "bridge published its bulb")
    until(lambda: tool("turn_off")["status"] == "done", "bridge confirms commands")


def test_command_flow_through_bridge_outage(bridge, tool) -> None:
    _ready(tool)
    on = tool("turn_on", device="Living room")
    assert on["status"] == "done", on
    assert on["state"]["on"] is True
    assert bridge.bulb()["on"] is True

    # A hard stop: no goodbye, so only the last will can tell IoT Core the bridge is gone.
    bridge.kill()
    until(lambda: tool("get_status")["bridge"]["connected"] is False, "last will seen")

    off = tool("turn_off")
    assert off["status"] == "stored", off
    assert off["reason"] == "offline"
    assert "will apply when the home bridge reconnects (offline since" in off["message"]

    bridge.start()
    status = until(
        lambda: (s := tool("get_status"))["state"]["on"] is False and not s["pending"] and s,
        "stored command applied after restart",
    )
    assert status["bridge"]["connected"] is True
    assert "Living room is off" in status["message"]
    assert bridge.bulb()["on"] is False


def test_a_frozen_bridge_never_confirms(bridge, tool) -> None:
    # Issue 14's reproduction at the Lambda: the report says "on" (true once, now stale), the
    # bridge is frozen (SIGSTOP: no last will, heartbeat still fresh), and turn_on must not be
    # answered "done" from that stale report. Thawed, the last command wins.
    _ready(tool)
    assert tool("turn_on", device="Living room")["status"] == "done"
    bridge.freeze()
    try:
        for name in ("turn_off", "turn_on"):
            answer = tool(name, device="Living room")
            assert answer["status"] == "stored", (name, answer)
            assert answer["reason"] == "not_confirmed"
        assert tool("get_status")["pending"] == {"on": True}
    finally:
        bridge.thaw()
    until(lambda: not tool("get_status")["pending"], "the bridge applied what was pending")
    assert bridge.bulb()["on"] is True


BAD_CALLS = [
    ("set_brightness", {"brightness": 0}, "greater than or equal to 1"),
    ("set_brightness", {"brightness": 101}, "less than or equal to 100"),
    ("set_brightness", {"brightness": "50"}, "valid integer"),
    ("turn_on", {"device": "garage"}, "No device called 'garage' in your homes"),
    ("turn_on", {"device": "../bulb-1\r\n"}, "No device called"),
    ("turn_on", {"device": None}, "valid string"),
    ("open_garage", {}, "Unknown tool"),
]


def test_bad_input_changes_nothing(bridge, tool, iot_core) -> None:
    until(lambda: tool("list_devices").get("devices"), "bridge published its bulb")
    version = _version(iot_core)
    for name, arguments, needle in BAD_CALLS:
        answer = tool(name, **arguments)
        assert set(answer) == {"error"}, (name, arguments, answer)
        assert needle in answer["error"]
    assert _version(iot_core) == version


def _version(iot_core: Any) -> int:
    client = iot_data_client(iot_core.rest_endpoint)
    payload = client.get_thing_shadow(thingName=THING, shadowName="bulb-1")["payload"]
    return int(json.loads(payload.read())["version"])
