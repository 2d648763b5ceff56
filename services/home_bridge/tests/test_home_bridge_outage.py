"""Issue 14's reproductions, as plain regression tests: the real bridge process, the local IoT
Core, commands through the real Lambda handler.

The old bridge applied queued deltas in arrival order and the old Lambda took a stale report for
a confirmation: this sequence ended off at 31 %, with "done" answered while the bridge was frozen.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from outage_harness import (
    BridgeProcess,
    LambdaCaller,
    Outcomes,
    Tuning,
    iot_data_client,
    send_command,
    settle,
    wait_for_first_report,
    wait_until,
)
from smarthome_contract import naming
from smarthome_contract.shadow import PresenceShadow, PresenceStatus

pytestmark = pytest.mark.slow

_homes = itertools.count()


@dataclass
class Run:
    core: Any
    bridge: BridgeProcess
    caller: LambdaCaller
    data: Any
    tuning: Tuning
    outcomes: Outcomes

    def send(self, tool: str, **arguments: Any) -> str:
        answer = send_command(self.caller, self.bridge, self.outcomes, tool, arguments)
        return str(answer["status"])

    def presence(self) -> PresenceShadow:
        body = self.data.get_thing_shadow(
            thingName=self.bridge.thing, shadowName=naming.presence_shadow_name()
        )["payload"].read()
        return PresenceShadow.model_validate(json.loads(body))

    def presence_status(self) -> PresenceStatus:
        now = datetime.now().astimezone()
        return self.presence().state.reported.status(now, self.tuning.heartbeat_seconds)

    def settle_and_check(self) -> None:
        seen = settle(self.data, self.bridge, self.outcomes, self.tuning.settle_seconds)
        assert seen["pending"] == {}, f"still pending: {seen}\n{self.bridge.log_tail()}"
        assert not seen["lost"], f"lost commands: {seen}\n{self.bridge.log_tail()}"
        assert not self.outcomes.false_done, self.outcomes.false_done


@pytest.fixture
def run(iot_core: Any, tmp_path: Path) -> Iterator[Run]:
    tuning = Tuning()
    caller = LambdaCaller(iot_core.rest_endpoint, tuning)
    data = iot_data_client(iot_core.rest_endpoint)
    thing = f"outage-{next(_homes)}-{tmp_path.name[-6:]}".replace("_", "-")
    bridge = BridgeProcess(iot_core, thing, tmp_path, tuning)
    with caller.environment():
        bridge.start()
        try:
            wait_for_first_report(data, thing, within=20)
            caller.use_home(thing)
            yield Run(iot_core, bridge, caller, data, tuning, Outcomes())
        finally:
            bridge.stop()
            iot_core.start_broker()


def test_commands_while_the_bridge_is_frozen_apply_in_order_when_it_resumes(run: Run) -> None:
    assert run.send("turn_on") == "done"
    run.bridge.freeze()
    frozen = [
        run.send("turn_off"),
        run.send("turn_on"),
        run.send("set_brightness", brightness=31),
    ]
    assert "done" not in frozen, frozen  # nothing can confirm while the bridge is frozen
    # 1.5 keep-alives without a packet: the broker sends the last will.
    wait_until(lambda: run.presence_status() is PresenceStatus.OFFLINE, 10, "last will")
    run.bridge.thaw()
    run.settle_and_check()
    assert run.bridge.bulb() == {"on": True, "brightness": 31, "color_temp": 2700}
    wait_until(lambda: run.presence_status() is PresenceStatus.CONNECTED, 10, "back online")


def test_commands_during_a_broker_outage_apply_when_it_is_back(run: Run) -> None:
    assert run.send("turn_on") == "done"
    run.core.kill_broker()  # a crash: unlike a clean stop, it sends nobody's last will
    during = [run.send("turn_off"), run.send("set_brightness", brightness=33)]
    assert "done" not in during, during
    # No last will can leave a dead broker: presence still says connected, but not heard.
    presence = run.presence().state.reported
    assert presence.connected is True
    wait_until(lambda: run.presence_status() is PresenceStatus.NOT_HEARD, 10, "not heard")
    run.core.start_broker()
    run.settle_and_check()
    assert run.bridge.bulb() == {"on": True, "brightness": 33, "color_temp": 2700}


def test_killed_bridge_restarts_into_its_session_and_applies_what_it_missed(run: Run) -> None:
    assert run.send("set_brightness", brightness=60) == "done"
    run.bridge.kill()
    assert run.send("turn_off") != "done"
    assert run.send("set_color_temperature", kelvin=4000) != "done"
    run.bridge.start()  # its persistent session holds the queued (now stale) deltas
    run.settle_and_check()
    assert run.bridge.bulb() == {"on": False, "brightness": 60, "color_temp": 4000}


def test_a_wall_switch_is_reported_and_no_old_command_turns_the_light_back(run: Run) -> None:
    assert run.send("turn_on") == "done"
    run.bridge.set_bulb({"on": False})  # someone used the wall switch
    run.outcomes.expected["on"] = False  # the physical world wins over an applied command

    def reported_off() -> bool:
        body = run.data.get_thing_shadow(thingName=run.bridge.thing, shadowName="bulb-1")
        return json.loads(body["payload"].read())["state"]["reported"]["on"] is False

    wait_until(reported_off, 10, "the switch seen by a poll")
    run.settle_and_check()
