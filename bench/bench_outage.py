"""Outage cycles: commands sent during random outages, and what became of them.

Each cycle starts an outage - the bridge frozen (SIGSTOP) or killed, the broker stopped, crashed
or restarted - sends one to three random commands through the real Lambda handler, ends the
outage, waits until everything has settled, and checks:

* applied correctly: the command's keys are what the bulb is now, or a later command set them;
* lost: a key the command was the last to set is not what the bulb is;
* false "done": answered "done" while the bulb was not in the commanded state.

The last two must be 0. Real processes throughout: the bridge (``python -m home_bridge run``,
simulated bulb), mosquitto and the shadow service of the local IoT Core.

    uv run python bench/bench_outage.py [--cycles 20] [--seed 1]

Exits non-zero when a command was lost or falsely confirmed.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "services" / "home_bridge" / "tests"))

from devstack.iot_core import LocalIotCore  # noqa: E402
from outage_harness import (  # noqa: E402
    BridgeProcess,
    LambdaCaller,
    Outcomes,
    Tuning,
    command_target,
    iot_data_client,
    send_command,
    settle,
    wait_for_first_report,
)
from report import figure, verdict  # noqa: E402

OUTAGES = ("freeze", "kill", "broker-stop", "broker-crash", "broker-restart")


def random_command(rng: random.Random) -> tuple[str, dict[str, Any]]:
    return rng.choice(
        [
            ("turn_on", {}),
            ("turn_off", {}),
            ("set_brightness", {"brightness": rng.randint(1, 100)}),
            ("set_color_temperature", {"kelvin": rng.randint(2500, 6500)}),
        ]
    )


@dataclass
class Tally:
    """Per-command bookkeeping across cycles."""

    outcomes: Outcomes = field(default_factory=Outcomes)
    targets: list[dict[str, Any]] = field(default_factory=list)
    last_setter: dict[str, int] = field(default_factory=dict)
    lost: set[int] = field(default_factory=set)
    outages: Counter[str] = field(default_factory=Counter)
    unsettled: int = 0

    def command(self, caller: LambdaCaller, bridge: BridgeProcess, rng: random.Random) -> None:
        tool, arguments = random_command(rng)
        send_command(caller, bridge, self.outcomes, tool, arguments)
        index = len(self.targets)
        target = command_target(caller.writes[-1])
        self.targets.append(target)
        for key in target:
            self.last_setter[key] = index

    def check(self, bulb: dict[str, Any]) -> None:
        """After settling: a last setter the bulb disagrees with is a lost command."""
        for key, index in self.last_setter.items():
            if key in bulb and bulb[key] != self.targets[index][key]:
                self.lost.add(index)
        # What the bulb is now is where the next cycle starts from.
        self.outcomes.expected.update(bulb)


def start_outage(kind: str, core: LocalIotCore, bridge: BridgeProcess) -> None:
    if kind == "freeze":
        bridge.freeze()
    elif kind == "kill":
        bridge.kill()
    elif kind == "broker-stop":
        core.stop_broker()
    elif kind == "broker-crash":
        core.kill_broker()
    else:
        core.restart_broker()


def end_outage(kind: str, core: LocalIotCore, bridge: BridgeProcess) -> None:
    if kind == "freeze":
        bridge.thaw()
    elif kind == "kill":
        bridge.start()
    elif kind in ("broker-stop", "broker-crash"):
        core.start_broker()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # The shadow service logs every broker outage it rides out; the figures are what matters here.
    logging.getLogger("devstack").setLevel(logging.ERROR)
    rng = random.Random(args.seed)
    tuning = Tuning()
    tally = Tally()
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalIotCore(Path(tmp) / "core", persist_shadows=False) as core,
    ):
        data = iot_data_client(core.rest_endpoint)
        caller = LambdaCaller(core.rest_endpoint, tuning)
        bridge = BridgeProcess(core, "bench-outage", Path(tmp), tuning)
        with caller.environment():
            bridge.start()
            try:
                wait_for_first_report(data, bridge.thing, within=30)
                caller.use_home(bridge.thing)
                for _ in range(args.cycles):
                    kind = rng.choice(OUTAGES)
                    tally.outages[kind] += 1
                    start_outage(kind, core, bridge)
                    for _ in range(rng.randint(1, 3)):
                        tally.command(caller, bridge, rng)
                    end_outage(kind, core, bridge)
                    seen = settle(data, bridge, tally.outcomes, tuning.settle_seconds)
                    if seen["pending"] != {} or seen["lost"]:
                        tally.unsettled += 1
                    tally.check(seen["bulb"])
            finally:
                bridge.stop()
    sent = len(tally.targets)
    false_done = len(tally.outcomes.false_done)
    lost = len(tally.lost)
    answers = ", ".join(f"{k} {v}" for k, v in sorted(tally.outcomes.answers.items()))
    outages = ", ".join(f"{k} {v}" for k, v in sorted(tally.outages.items()))
    print(f"outage cycles: {args.cycles} ({outages}); seed {args.seed}")
    print(f"commands sent: {sent} (answers: {answers})")
    print(f"applied correctly: {sent - lost}")
    figure(
        "commands lost after outages", str(lost), f"{sent} sent", "-", f"0: {verdict(lost == 0)}"
    )
    figure(
        'false "done" answers',
        str(false_done),
        f"{sent} sent",
        "-",
        f"0: {verdict(not false_done)}",
    )
    print(f"cycles that did not settle within {tuning.settle_seconds:g} s: {tally.unsettled}")
    print(f"wall time: {time.monotonic() - began:.0f} s")
    for line in tally.outcomes.false_done:
        print(f"  false done: {line}")
    return 1 if lost or false_done else 0


if __name__ == "__main__":
    sys.exit(main())
