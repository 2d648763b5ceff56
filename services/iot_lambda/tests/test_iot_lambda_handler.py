"""The real handler, Gateway-shaped events and contexts, moto's iot-data server behind botocore."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from iot_lambda import handler as handler_module
from iot_lambda.handler import tool_name
from smarthome_contract.shadow import Capabilities, epoch_seconds, utc_now


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    # The Powertools handler holds the stdout of import time; point it at a buffer.
    stream = io.StringIO()
    monkeypatch.setattr(handler_module.logger.logger_handler, "stream", stream)
    return stream


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def emf_blobs(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]


def test_tool_name_strips_the_target_prefix(gateway_context) -> None:
    assert tool_name(gateway_context("turn_on", target="my-home")) == "turn_on"


def test_list_devices_shows_capabilities(call, make_home) -> None:
    home = make_home()
    home.report("bulb-1", name="Bedroom", on=False)
    answer = call("list_devices")
    assert answer["homes"] == [home.thing]
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


# --- "done" is a fact --------------------------------------------------------------------------


def test_turn_on_answers_done_once_the_bridge_applied_it(call, make_home, bridge_stand_in) -> None:
    home = make_home(wait_seconds=5)
    home.report("bulb-1", name="Bedroom", on=False)
    home.online()
    with bridge_stand_in(home, "bulb-1") as bridge:
        answer = call("turn_on", {"device": "bedroom"})
    assert answer["status"] == "done", answer
    assert answer["state"]["on"] is True
    assert answer["message"] == "Done: Bedroom is on."
    assert bridge.applied == [{"on": True}]
    assert home.shadow("bulb-1")["state"]["reported"]["command_id"] == answer["command_id"]


def test_a_refused_command_says_why(call, make_home, bridge_stand_in, capsys) -> None:
    home = make_home(wait_seconds=5)
    home.report("bulb-1", name="Bedroom", on=False)
    home.online()
    with bridge_stand_in(home, "bulb-1", reject="the bulb refused set_device_info (-1008)"):
        answer = call("turn_on")
    assert answer["status"] == "rejected", answer
    assert answer["message"].startswith("Bedroom refused the command: the bulb refused")
    (blob,) = emf_blobs(capsys.readouterr().out)
    assert "ToolRejected" not in blob  # not the caller's mistake
    assert "ToolErrors" not in blob


def test_every_command_writes_a_fresh_command_id(call, make_home) -> None:
    home = make_home(wait_seconds=0)
    home.report("bulb-1", on=True)
    ids = set()
    for _ in range(3):
        call("turn_on")
        ids.add(home.shadow("bulb-1")["state"]["desired"]["command_id"])
    assert len(ids) == 3
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_a_stale_report_equal_to_the_target_is_never_done(call, make_home) -> None:
    # The reproduction of issue 14: the light is reported on (stale), the bridge is frozen.
    home = make_home(wait_seconds=0.3)
    home.report("bulb-1", name="Bedroom", on=True)
    home.online()
    answer = call("turn_on")
    assert answer["status"] == "stored", answer
    assert answer["reason"] == "not_confirmed"
    assert "did not confirm within 0.3 s" in answer["message"]
    assert home.shadow("bulb-1")["state"]["desired"]["on"] is True


def test_a_report_for_an_older_command_is_not_done(call, make_home) -> None:
    home = make_home(wait_seconds=0.3)
    home.report("bulb-1", on=True)
    home.update("bulb-1", {"reported": {"command_id": "older", "applied_version": 1, "on": True}})
    home.online()
    assert call("turn_on")["status"] == "stored"


def test_a_newer_command_supersedes(call, make_home, bridge_stand_in) -> None:
    class RivalBridge(bridge_stand_in):
        """Before a turn_on applies, someone turns the light off: the bridge applies that."""

        def _apply(self, doc: dict[str, Any]) -> None:
            if doc["state"].get("desired", {}).get("on") is True:
                self._home.update(self._device, {"desired": {"on": False, "command_id": "rival"}})
                doc = self._home.shadow(self._device)
                self._seen = doc["version"]
            super()._apply(doc)

    home = make_home(wait_seconds=5)
    home.report("bulb-1", name="Bedroom", on=False)
    home.online()
    with RivalBridge(home, "bulb-1"):
        answer = call("turn_on")
    assert answer["status"] == "superseded", answer
    assert answer["message"].startswith("A newer command for Bedroom replaced this one")
    assert "Bedroom is now off" in answer["message"]


# --- honest "stored" answers -------------------------------------------------------------------


def test_command_without_bridge_is_stored_with_offline_since(call, make_home) -> None:
    home = make_home(wait_seconds=0.3)
    home.report("bulb-1", name="Bedroom", on=True)
    home.presence(connected=False, disconnected_at=1_790_000_000)
    started = time.monotonic()
    answer = call("turn_off")
    assert time.monotonic() - started < 3
    assert answer["status"] == "stored"
    assert answer["reason"] == "offline"
    assert "will apply when the home bridge reconnects" in answer["message"]
    assert "offline since 2026-09-21T" in answer["message"]
    desired = home.shadow("bulb-1")["state"]["desired"]
    assert desired["on"] is False
    assert desired["command_id"] == answer["command_id"]


def test_a_silent_bridge_is_not_heard_never_connected(call, make_home) -> None:
    # connected: true, but no heartbeat for longer than 2 x the interval (a frozen bridge or a
    # broker outage: no last will could be sent).
    home = make_home(wait_seconds=0.2, SMARTHOME_HEARTBEAT_SECONDS="1")
    home.report("bulb-1", name="Bedroom", on=True)
    heard = epoch_seconds(utc_now()) - 30
    home.presence(connected=True, connected_at=heard - 100, heartbeat_at=heard)
    answer = call("turn_off")
    assert answer["status"] == "stored"
    assert answer["reason"] == "not_heard"
    assert "has not been heard from since" in answer["message"]
    assert answer["bridge"]["connected"] is False
    status = call("get_status")
    assert "not been heard from since" in status["message"]
    assert "is connected" not in status["message"]
    assert status["bridge"] == {**status["bridge"], "presence": "not_heard", "connected": False}


def test_heartbeat_threshold_comes_from_the_contract(call, make_home) -> None:
    # naming.json: heartbeat_seconds 30, so 40 s of silence is still online, 70 s is not.
    home = make_home(wait_seconds=0)
    home.report("bulb-1", on=True)
    home.presence(connected=True, heartbeat_at=epoch_seconds(utc_now()) - 40)
    assert call("get_status")["bridge"]["presence"] == "connected"
    home.presence(connected=True, heartbeat_at=epoch_seconds(utc_now()) - 70)
    assert call("get_status")["bridge"]["presence"] == "not_heard"


def test_never_connected_bridge(call, make_home) -> None:
    home = make_home(wait_seconds=0.1)
    home.report("bulb-1", on=True)
    answer = call("turn_off")
    assert answer["reason"] == "never"
    assert "has never connected" in answer["message"]


def test_unreachable_device_is_not_confirmed(call, make_home) -> None:
    home = make_home(wait_seconds=0.2)
    home.report("bulb-1", name="Bedroom", on=True, reachable=False)
    home.online()
    answer = call("turn_on")
    assert answer["status"] == "stored"
    assert answer["reason"] == "device_unreachable"
    assert "cannot reach Bedroom" in answer["message"]


def test_the_wait_fits_the_invocations_time_left(call, make_home) -> None:
    home = make_home(wait_seconds=8)
    home.report("bulb-1", on=True)
    home.online()
    started = time.monotonic()
    answer = call("turn_off", remaining_ms=2_300)  # 0.3 s after the answer margin
    assert answer["status"] == "stored"
    assert time.monotonic() - started < 2


# --- get_status ----------------------------------------------------------------------------------


def test_get_status_reads_shadow_only_and_says_how_fresh(call, make_home) -> None:
    home = make_home()
    home.report("bulb-1", name="Bedroom", on=True, brightness=40)
    home.presence(connected=False, disconnected_at=epoch_seconds(utc_now()) - 60)
    home.update("bulb-1", {"desired": {"on": False, "command_id": "abc"}})
    answer = call("get_status")
    assert answer["state"] == {"on": True, "brightness": 40, "color_temp": None}
    assert answer["report_age_seconds"] <= 5
    assert answer["pending"] == {"on": False}  # never the command id
    assert answer["bridge"]["connected"] is False
    assert "Bedroom is on (40%)" in answer["message"]
    assert "waiting to apply off" in answer["message"]
    assert "offline since" in answer["message"]


def test_leftover_desired_keys_are_pending_even_when_they_equal_the_report(call, make_home) -> None:
    # A desired key equal to reported makes no delta, but the bridge has not applied it.
    home = make_home()
    home.report("bulb-1", on=True, brightness=50)
    home.update("bulb-1", {"desired": {"on": True, "brightness": 80}})
    assert call("get_status")["pending"] == {"on": True, "brightness": 80}


def test_fewest_shadow_calls(call, make_home, logs) -> None:
    home = make_home()
    for n in range(3):
        home.report(f"bulb-{n}", name=f"Lamp {n}")
    home.online()
    call("get_status", {"device": "bulb-1"})
    call("get_status", {"device": "Lamp 2"})
    call("list_devices")
    counts = [line["shadow_calls"] for line in lines(logs)]
    assert counts[0] == {"GetThingShadow": 2}  # the device and the presence, side by side
    assert counts[1] == {"GetThingShadow": 3 + 1, "ListNamedShadowsForThing": 1}  # by name
    assert counts[2] == {"GetThingShadow": 3, "ListNamedShadowsForThing": 1}


# --- inputs --------------------------------------------------------------------------------------

ODD_NAMES = ["%", "'", "a b", "💡", "../bulb-1", "bulb-1\r\nX-Injected: 1", "x" * 100_000, "  "]


@pytest.mark.parametrize(
    "ref", ODD_NAMES, ids=["pct", "quote", "space", "emoji", "dots", "crlf", "100kB", "blank"]
)
@pytest.mark.parametrize("tool", ["get_status", "turn_on"])
def test_odd_names_are_unknown_devices(call, make_home, logs, capsys, tool, ref) -> None:
    home = make_home()
    home.report("bulb-1", name="Bedroom", on=True)
    before = home.shadow("bulb-1")["version"]
    answer = call(tool, {"device": ref})
    assert set(answer) == {"error"}, answer
    assert answer["error"].startswith("No device called '")
    assert answer["error"].endswith("in your homes. Choices: 'Bedroom' (id bulb-1).")
    assert len(answer["error"].splitlines()) == 1
    assert len(answer["error"]) < 200
    assert home.shadow("bulb-1")["version"] == before
    assert all(line["level"] != "ERROR" for line in lines(logs))
    (blob,) = emf_blobs(capsys.readouterr().out)
    assert "ToolErrors" not in blob
    assert blob["ToolRejected"] == [1.0]


def test_a_name_with_spaces_is_found(call, make_home) -> None:
    home = make_home(wait_seconds=0)
    home.report("bulb-1", name="Living room", on=True)
    assert call("get_status", {"device": "living ROOM "})["device"]["id"] == "bulb-1"


@pytest.mark.parametrize(
    ("tool", "event", "needle"),
    [
        ("set_brightness", {"brightness": 0}, "greater than or equal to 1"),
        ("set_brightness", {"brightness": 101}, "less than or equal to 100"),
        ("set_brightness", {"brightness": "high"}, "valid integer"),
        (
            "turn_on",
            {"device": "garage"},
            "No device called 'garage' in your homes. Choices: 'Bedroom'",
        ),
        ("turn_on", {"device": ["Bedroom"]}, "valid string"),
        ("turn_on", {"device": None}, "device: Input should be a valid string"),
        ("turn_on", {"device": "Bedroom", "colour": "red"}, "colour: unknown argument"),
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


def test_a_device_that_cannot_dim_says_so(call, make_home) -> None:
    home = make_home()
    home.report("plug-1", name="Plug", on=True, capabilities=Capabilities())
    assert (
        call("set_brightness", {"brightness": 20})["error"]
        == "Plug cannot dim (no brightness control)."
    )


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


# --- the caller and their homes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [None, {}, {"device": "bulb-1"}, {"_caller": "alice"}, {"_caller": {"sub": "x"}}, ["x"]],
    ids=["null", "empty", "no-caller", "string", "partial", "list"],
)
def test_a_call_without_a_valid_caller_is_refused(
    call, make_home, logs, capsys, no_caller, event
) -> None:
    home = make_home()
    home.report("bulb-1", on=False)
    before = home.shadow("bulb-1")["version"]
    answer = call("turn_on", event, caller=no_caller)
    assert answer == {"error": handler_module.views.NO_CALLER}
    assert home.shadow("bulb-1")["version"] == before
    assert lines(logs)[-1]["outcome"] == "rejected"
    (blob,) = emf_blobs(capsys.readouterr().out)
    assert blob["ToolRejected"] == [1.0]


def test_only_the_callers_homes_are_listed_and_controlled(call, make_home, caller_for) -> None:
    mine, theirs = make_home(wait_seconds=0), make_home(wait_seconds=0)
    mine.report("bulb-1", name="Bedroom", on=False)
    theirs.report("lamp-9", name="Cottage lamp", on=False)
    alice = caller_for(mine.thing)
    listed = call("list_devices", caller=alice)
    assert [d["id"] for d in listed["devices"]] == ["bulb-1"]
    assert listed["homes"] == [mine.thing]
    before = theirs.shadow("lamp-9")["version"]
    for ref in ("lamp-9", "Cottage lamp"):
        answer = call("turn_on", {"device": ref}, caller=alice)
        assert answer == {
            "error": f"No device called '{ref}' in your homes. Choices: 'Bedroom' (id bulb-1)."
        }
    assert theirs.shadow("lamp-9")["version"] == before


def test_a_caller_without_homes_is_told_how_to_get_one(call, make_home, caller_for) -> None:
    make_home().report("bulb-1", on=False)
    for who in (caller_for(), caller_for("not-configured-here")):
        for tool in ("list_devices", "turn_on"):
            answer = call(tool, caller=who)
            assert answer["error"].startswith("You have no homes assigned")
            assert "make user-add EMAIL=" in answer["error"]
            assert "HOMES=" in answer["error"]


# --- AWS faults ----------------------------------------------------------------------------------


class FlakyClient:
    """The real client, with chosen operations failing (AWS errors moto cannot produce)."""

    def __init__(self, real: Any, failing: dict[str, Exception]) -> None:
        self._real = real
        self.failing = failing

    def __getattr__(self, name: str) -> Any:
        if name in self.failing:
            error = self.failing[name]

            def fail(**_: Any) -> Any:
                raise error

            return fail
        return getattr(self._real, name)


def throttled(op: str) -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, op)


def _flaky(monkeypatch, failing: dict[str, Exception]) -> None:
    home = handler_module.smart_home()
    monkeypatch.setattr(home.store, "_client", FlakyClient(home.store._client, failing))
    monkeypatch.setattr(home.store, "_writer", FlakyClient(home.store._writer, failing))


def server_error(op: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": "InternalFailure", "Message": "oops"},
         "ResponseMetadata": {"HTTPStatusCode": 500}},
        op,
    )  # fmt: skip


def test_an_aws_failure_is_an_error_logged_as_such(call, make_home, logs, monkeypatch) -> None:
    make_home().report("bulb-1", on=False)
    _flaky(monkeypatch, {"get_thing_shadow": throttled("GetThingShadow")})
    answer = call("get_status", {"device": "bulb-1"})
    assert answer == {"error": "The smart-home service could not reach AWS IoT; try again shortly."}
    assert lines(logs)[-1]["outcome"] == "error"
    assert any(line["level"] == "ERROR" for line in lines(logs))


def test_failed_confirmation_reads_leave_the_command_stored(call, make_home, monkeypatch) -> None:
    home = make_home(wait_seconds=0.2)
    home.report("bulb-1", on=False)
    home.online()
    real = handler_module.smart_home().store
    original_device = real.device
    writes: list[int] = []

    def device_after_write(thing: str, device_id: str) -> Any:
        if writes:
            raise throttled("GetThingShadow")
        return original_device(thing, device_id)

    original_update = real.update
    monkeypatch.setattr(real, "device", device_after_write)
    monkeypatch.setattr(real, "update", lambda *a: writes.append(1) or original_update(*a))
    answer = call("turn_on", {"device": "bulb-1"})
    assert answer["status"] == "stored"
    assert "could not read the device's state to confirm" in answer["message"]
    assert home.shadow("bulb-1")["state"]["desired"]["on"] is True


def test_an_unanswered_write_is_unknown_not_failed(call, make_home, monkeypatch) -> None:
    make_home().report("bulb-1", name="Bedroom", on=False)
    _flaky(monkeypatch, {"update_thing_shadow": ReadTimeoutError(endpoint_url="https://iot")})
    answer = call("turn_on")
    assert answer["status"] == "unknown"
    assert "Ask for its status before repeating it" in answer["message"]


def test_a_server_error_on_the_write_is_unknown_not_try_again(call, make_home, monkeypatch):
    make_home().report("bulb-1", name="Bedroom", on=False)
    _flaky(monkeypatch, {"update_thing_shadow": server_error("UpdateThingShadow")})
    assert call("turn_on")["status"] == "unknown"


def test_a_timed_out_command_write_is_sent_once(call, make_home) -> None:
    """botocore retries a read timeout; a resent command could land after a newer one and win."""
    make_home().report("bulb-1", name="Bedroom", on=False)
    store = handler_module.smart_home().store
    sent: dict[str, int] = {"UpdateThingShadow": 0, "GetThingShadow": 0}

    def time_out(request: Any, **_: Any) -> None:
        name = "UpdateThingShadow" if request.method == "POST" else "GetThingShadow"
        sent[name] += 1
        raise ReadTimeoutError(endpoint_url=request.url)

    store._writer.meta.events.register("before-send.iot-data.UpdateThingShadow", time_out)
    assert call("turn_on")["status"] == "unknown"
    assert sent["UpdateThingShadow"] == 1
    # The read client keeps its retries: the same fault on a read is tried three times.
    store._client.meta.events.register("before-send.iot-data.GetThingShadow", time_out)
    with pytest.raises(ReadTimeoutError):
        store._client.get_thing_shadow(thingName="x", shadowName="bulb-1")
    assert sent["GetThingShadow"] == 3


def test_reads_do_not_build_the_command_client(call, make_home) -> None:
    make_home().report("bulb-1", name="Bedroom", on=False)
    call("get_status", {"device": "bulb-1"})
    call("list_devices")
    store = handler_module.smart_home().store
    assert "_writer" not in vars(store)  # made on the first command only
    call("turn_on")
    assert "_writer" in vars(store)


def test_a_failed_presence_read_still_answers_stored(call, make_home, monkeypatch) -> None:
    home = make_home(wait_seconds=0.2)
    home.report("bulb-1", on=False)
    home.online()
    real = handler_module.smart_home().store

    def presence(thing: str) -> Any:
        raise throttled("GetThingShadow")

    monkeypatch.setattr(real, "presence", presence)
    answer = call("turn_on", {"device": "bulb-1"})
    assert answer["status"] == "stored"
    assert answer["reason"] == "presence_unknown"
    assert "could not be read just now" in answer["message"]
    assert home.shadow("bulb-1")["state"]["desired"]["on"] is True


# --- Powertools: structured logs and EMF metrics -----------------------------------------------


def test_logs_carry_lambda_context_and_the_call(call, make_home, logs, capsys) -> None:
    make_home().report("bulb-1")
    call("set_brightness", {"brightness": 500})
    call("list_devices")
    first, second = lines(logs)
    assert first["message"] == "tool call finished"
    assert first["outcome"] == "rejected"
    assert first["latency_ms"] >= 0
    assert "brightness" in first["reason"]
    assert first["correlation_id"] == "msg-42"
    assert first["tool"] == "set_brightness"
    assert first["caller_sub"] == "sub-alice"
    assert first["function_name"] == "agentcore-mcp-test-smart-home"
    assert first["function_request_id"] == "req-test"
    assert first["cold_start"] is True
    assert second["cold_start"] is False
    assert second["tool"] == "list_devices"
    assert "reason" not in second  # state is cleared between calls
    first_blob, second_blob = emf_blobs(capsys.readouterr().out)
    assert first_blob["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "AgentCoreMcp/test"
    assert first_blob["ToolRejected"] == [1.0]
    assert first_blob["ToolCalls"] == [1.0]
    assert "ToolErrors" not in first_blob
    assert first_blob["tool"] == "set_brightness"
    assert second_blob["ShadowCalls"] == [2.0]


def test_done_records_confirm_latency(call, make_home, capsys, bridge_stand_in) -> None:
    home = make_home(wait_seconds=5)
    home.report("bulb-1", on=False)
    with bridge_stand_in(home, "bulb-1"):
        assert call("turn_on")["status"] == "done"
    (blob,) = emf_blobs(capsys.readouterr().out)
    assert blob["ConfirmLatency"][0] > 0


def test_no_metric_namespace_still_answers(call, make_home, logs, capsys, monkeypatch) -> None:
    monkeypatch.setattr(handler_module.metrics, "namespace", None)
    handler_module._warn_no_namespace.cache_clear()
    make_home().report("bulb-1", name="Bedroom")
    assert call("list_devices")["devices"][0]["name"] == "Bedroom"
    assert emf_blobs(capsys.readouterr().out) == []
    assert any("POWERTOOLS_METRICS_NAMESPACE" in line["message"] for line in lines(logs))
