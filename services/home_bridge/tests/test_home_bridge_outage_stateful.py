"""Randomised outages (issue 14): any commands, interleaved with a frozen, killed or restarted
bridge and a stopped, crashed or restarted broker - the real bridge process, the local IoT Core,
commands through the real Lambda handler.

Invariants, checked once everything is up again and has settled:

* for each key, the bulb's real state is the value of the last accepted command that set it
  (so no command answered "stored" or "done" is lost);
* nothing is pending forever;
* no "done" unless the bulb was in that state the moment it was answered (checked per command).

Bounded for CI (``SMARTHOME_OUTAGE_PROFILE=ci``, the default: 15 examples x 10 steps, no
shrinking); ``make soak`` runs the ``soak`` profile (more and longer runs, with shrinking).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)
from outage_harness import (
    BridgeProcess,
    LambdaCaller,
    Outcomes,
    Tuning,
    iot_data_client,
    send_command,
    settle,
    wait_for_first_report,
)

pytestmark = pytest.mark.slow

PROFILES = {
    "ci": settings(
        max_examples=15,
        stateful_step_count=10,
        deadline=None,
        # A failing run is reported as it happened: shrinking replays whole outages.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    ),
    "soak": settings(
        max_examples=int(os.environ.get("SMARTHOME_SOAK_EXAMPLES", "100")),
        stateful_step_count=int(os.environ.get("SMARTHOME_SOAK_STEPS", "25")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    ),
}

COMMANDS = st.one_of(
    st.just(("turn_on", {})),
    st.just(("turn_off", {})),
    st.builds(lambda b: ("set_brightness", {"brightness": b}), st.integers(1, 100)),
    st.builds(lambda k: ("set_color_temperature", {"kelvin": k}), st.integers(2500, 6500)),
)

_homes = itertools.count()


def outage_machine(core: Any, workdir: Path, caller: LambdaCaller, tuning: Tuning) -> type:
    data = iot_data_client(core.rest_endpoint)

    class Outages(RuleBasedStateMachine):
        """One home per example: a fresh thing, bridge and bulb."""

        def __init__(self) -> None:
            super().__init__()
            thing = f"soak-{os.getpid()}-{next(_homes)}"
            self.bridge = BridgeProcess(core, thing, workdir, tuning)
            self.outcomes = Outcomes()
            self.broker_up = True

        @initialize()
        def connect(self) -> None:
            self.bridge.start()
            wait_for_first_report(data, self.bridge.thing, within=30)
            caller.use_home(self.bridge.thing)

        @rule(command=COMMANDS)
        def command(self, command: tuple[str, dict[str, Any]]) -> None:
            tool, arguments = command
            send_command(caller, self.bridge, self.outcomes, tool, arguments)
            assert not self.outcomes.false_done, self.outcomes.false_done

        @precondition(lambda self: self.bridge.running and not self.bridge.frozen)
        @rule()
        def freeze_bridge(self) -> None:
            self.bridge.freeze()

        @precondition(lambda self: self.bridge.frozen)
        @rule()
        def thaw_bridge(self) -> None:
            self.bridge.thaw()

        @precondition(lambda self: self.bridge.running)
        @rule()
        def kill_bridge(self) -> None:
            self.bridge.kill()

        @precondition(lambda self: not self.bridge.running)
        @rule()
        def start_bridge(self) -> None:
            self.bridge.start()

        @precondition(lambda self: self.broker_up)
        @rule(crash=st.booleans())
        def stop_broker(self, crash: bool) -> None:
            if crash:
                core.kill_broker()
            else:
                core.stop_broker()
            self.broker_up = False

        @precondition(lambda self: not self.broker_up)
        @rule()
        def start_broker(self) -> None:
            core.start_broker()
            self.broker_up = True

        @precondition(lambda self: self.broker_up)
        @rule()
        def restart_broker(self) -> None:
            core.restart_broker()

        def teardown(self) -> None:
            try:
                if not self.broker_up:
                    core.start_broker()
                if self.bridge.frozen:
                    self.bridge.thaw()
                if not self.bridge.running:
                    self.bridge.start()
                seen = settle(data, self.bridge, self.outcomes, tuning.settle_seconds)
                context = f"{seen}; answers {self.outcomes.answers}\n{self.bridge.log_tail()}"
                assert seen["pending"] == {}, f"pending forever: {context}"
                assert not seen["lost"], f"lost commands: {context}"
                assert not self.outcomes.false_done, self.outcomes.false_done
            finally:
                self.bridge.stop()

    return Outages


def test_last_command_wins_through_any_outage(iot_core: Any, tmp_path: Path) -> None:
    profile = os.environ.get("SMARTHOME_OUTAGE_PROFILE", "ci")
    tuning = Tuning()
    caller = LambdaCaller(iot_core.rest_endpoint, tuning)
    with caller.environment():
        machine = outage_machine(iot_core, tmp_path, caller, tuning)
        try:
            run_state_machine_as_test(machine, settings=PROFILES[profile])
        finally:
            iot_core.start_broker()
