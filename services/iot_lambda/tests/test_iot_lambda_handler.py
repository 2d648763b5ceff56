"""The real handler, Gateway-shaped events and contexts, moto's iot-data server behind boto3."""

from __future__ import annotations

import io
import json
import time

import pytest
from iot_lambda import handler as handler_module
from iot_lambda.handler import handler, tool_name
from smarthome_contract.shadow import epoch_seconds, utc_now


@pytest.fixture
def call(gateway_context):
    def invoke(tool: str, event: object = None):
        return handler({} if event is None else event, gateway_context(tool))

    return invoke


def test_tool_name_strips_the_target_prefix(gateway_context) -> None:
    assert tool_name(gateway_context("turn_on", target="my-home")) == "turn_on"


def test_list_devices_shows_capabilities(call, make_home) -> None:
    home = make_home()
    home.report("bulb-1", name="Bedroom", on=False)
    answer = call("list_devices")
    assert answer["devices"] == [
        {
            "id": "bulb-1",
            "name": "Bedroom",
            "home": home.thing,
            "kind": "light",
            "model": None,
            "reachable": True,
            "capabilities": {
                "on_off": True,
                "brightness": True,
                "color_temp": {"min_kelvin": 2500, "max_kelvin": 6500},
            },
        }
    ]


def test_turn_on_answers_done_once_reported(call, make_home, bridge_stand_in) -> None:
    home = make_home(wait_seconds=5)
    home.report("bulb-1", name="Bedroom", on=False)
    home.presence(connected=True, connected_at=epoch_seconds(utc_now()))
    with bridge_stand_in(home, "bulb-1"):
        answer = call("turn_on", {"device": "bedroom"})
    assert answer["status"] == "done", answer
    assert answer["state"]["on"] is True
    assert answer["message"] == "Done: Bedroom is on."


def test_command_without_bridge_is_stored_with_offline_since(call, make_home) -> None:
    home = make_home(wait_seconds=0.3)
    home.report("bulb-1", name="Bedroom", on=True)
    home.presence(connected=False, disconnected_at=1_790_000_000)
    started = time.monotonic()
    answer = call("turn_off")
    assert time.monotonic() - started < 3
    assert answer["status"] == "stored"
    assert "will apply when the home bridge reconnects" in answer["message"]
    assert "offline since 2026-09-21T" in answer["message"]
    assert home.shadow("bulb-1")["state"]["desired"] == {"on": False}


def test_stored_when_bridge_connected_but_silent(call, make_home) -> None:
    home = make_home(wait_seconds=0.2)
    home.report("bulb-1", on=True)
    home.presence(connected=True, heartbeat_at=epoch_seconds(utc_now()))
    answer = call("set_brightness", {"brightness": 30})
    assert answer["status"] == "stored"
    assert "did not confirm within 0.2 s" in answer["message"]
    assert answer["requested"] == {"on": True, "brightness": 30}


@pytest.mark.parametrize(
    ("tool", "event", "needle"),
    [
        ("set_brightness", {"brightness": 0}, "greater than or equal to 1"),
        ("set_brightness", {"brightness": 101}, "less than or equal to 100"),
        ("set_brightness", {"brightness": "high"}, "valid integer"),
        ("turn_on", {"device": "garage"}, "No device called 'garage'. Choices: 'Bedroom'"),
        ("turn_on", {"device": ["Bedroom"]}, "valid string"),
        ("set_color_temperature", {"kelvin": 9000}, "outside Bedroom's range 2500-6500 K"),
        ("open_garage", {}, "Unknown tool 'open_garage'"),
    ],
)
def test_bad_input_gives_clear_error_and_no_shadow_change(
    call, make_home, tool, event, needle
) -> None:
    home = make_home()
    home.report("bulb-1", name="Bedroom", on=True)
    before = home.shadow("bulb-1")
    answer = call(tool, event)
    assert set(answer) == {"error"}
    assert needle in answer["error"]
    after = home.shadow("bulb-1")
    assert after["version"] == before["version"]
    assert "desired" not in after["state"]


def test_several_devices_need_a_choice(call, make_home) -> None:
    home = make_home()
    home.report("bulb-1", name="Bedroom")
    home.report("bulb-2", name="Desk")
    answer = call("turn_on")
    assert answer["error"].startswith("Several devices")
    assert "'Bedroom' (id bulb-1)" in answer["error"]
    assert "'Desk' (id bulb-2)" in answer["error"]


def test_device_by_id_across_homes(call, make_home) -> None:
    make_home().report("bulb-1", name="Bedroom")
    second = make_home()
    second.report("lamp-9", name="Cottage lamp", on=False)
    answer = call("get_status", {"device": "lamp-9"})
    assert answer["device"] == {"id": "lamp-9", "name": "Cottage lamp", "home": second.thing}


def test_get_status_reads_shadow_only_and_says_how_fresh(call, make_home) -> None:
    home = make_home()
    home.report("bulb-1", name="Bedroom", on=True, brightness=40)
    home.presence(connected=False, disconnected_at=epoch_seconds(utc_now()) - 60)
    home.update("bulb-1", {"desired": {"on": False}})
    answer = call("get_status")
    assert answer["state"] == {"on": True, "brightness": 40, "color_temp": None}
    assert answer["report_age_seconds"] <= 5
    assert answer["pending"] == {"on": False}
    assert answer["bridge"]["connected"] is False
    assert "Bedroom is on (40%)" in answer["message"]
    assert "offline since" in answer["message"]


def test_unreachable_device_is_not_confirmed(call, make_home) -> None:
    home = make_home(wait_seconds=0.2)
    home.report("bulb-1", name="Bedroom", on=True, reachable=False)
    home.presence(connected=True, heartbeat_at=epoch_seconds(utc_now()))
    answer = call("turn_on")
    assert answer["status"] == "stored"
    assert "cannot reach Bedroom" in answer["message"]


def test_metrics_and_logs_are_structured(call, make_home, capsys, monkeypatch) -> None:
    # The Powertools handler holds the stdout of import time; point it at a buffer for this test.
    log_stream = io.StringIO()
    monkeypatch.setattr(handler_module.logger.logger_handler, "stream", log_stream)
    home = make_home()
    home.report("bulb-1")
    call("set_brightness", {"brightness": 500})
    logs = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    assert logs[-1]["message"] == "tool call finished"
    assert logs[-1]["outcome"] == "rejected"
    assert logs[-1]["latency_ms"] >= 0
    assert "brightness" in logs[-1]["reason"]
    assert logs[-1]["correlation_id"] == "msg-42"
    assert logs[-1]["tool"] == "set_brightness"
    out = capsys.readouterr().out.splitlines()
    blobs = [json.loads(line) for line in out if line.startswith("{") and '"_aws"' in line]
    assert len(blobs) == 1
    assert blobs[0]["ToolErrors"] == [1.0]
    assert blobs[0]["ToolCalls"] == [1.0]
    assert blobs[0]["tool"] == "set_brightness"
