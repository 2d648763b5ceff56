"""Lambda figures: cold import, confirmation latency and shadow calls per tool call.

    .venv/bin/python bench/bench_iot_lambda.py [--runs 9] [--baseline-ref main] [--no-live]

Cold import: a fresh ``python -I -S`` importing ``iot_lambda.handler`` from the unpacked zip
(built for this machine, same contents) plus botocore/boto3 as the Lambda runtime provides them;
"init" adds building the settings and the iot-data client (what the first call does before any
request). Target: import <= 250 ms.

Live (needs mosquitto): the local IoT Core and a real bridge process with the simulated bulb, the
real handler in this process. Printed: the write -> report distribution the poll schedule is
designed from (a 1 ms poller), confirmed-command latency and shadow reads per command, the wait
added after the report landed, get_status / list_devices latency and shadow calls, and the
prototype's sleep-and-read confirm (update, sleep 2 s, read) as the baseline (target >= 20x).
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from report import figure, read_figure, verdict

REPO = Path(__file__).resolve().parents[1]
PY = f"{sys.version_info.major}.{sys.version_info.minor}"
THING = "bench-home"
BASELINE_SLEEP = 2.0
# Issue 17 targets (the reads' 10 ms: report.READ_TARGET_MS).
COLD_IMPORT_TARGET_MS = 250.0
SPEEDUP_TARGET = 20.0
INIT_PROBE = (
    "import os, sys, time; sys.path[:0] = [sys.argv[1], sys.argv[2]]; t = time.perf_counter();"
    "import iot_lambda.handler as h; t1 = time.perf_counter();"
    "os.environ.update(IOT_DATA_ENDPOINT='http://127.0.0.1:9', THING_NAMES='a',"
    " AWS_DEFAULT_REGION='eu-central-1', AWS_ACCESS_KEY_ID='x', AWS_SECRET_ACCESS_KEY='y');"
    "h.smart_home(); t2 = time.perf_counter();"
    "print((t1 - t) * 1000, (t2 - t) * 1000)"
)


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- cold import -------------------------------------------------------------------------------


def stage(repo: Path, tmp: Path, name: str) -> tuple[Path, Path]:
    """Build ``repo``'s zip (arm64, and for this machine) and unpack the host one."""
    shared = repo / "scripts" / "build_lambda_zip.py"
    # A baseline from before the shared builder has the Lambda's own script.
    build = (
        [str(shared), "--package", "iot-lambda"]
        if shared.exists()
        else [str(repo / "services" / "iot_lambda" / "scripts" / "build_zip.py")]
    )
    arm, host = tmp / f"{name}-arm64.zip", tmp / f"{name}-host.zip"
    subprocess.run([sys.executable, *build, "--out", str(arm)], check=True, cwd=repo)
    subprocess.run(
        [
            sys.executable,
            *build,
            "--out",
            str(host),
            "--platform",
            "x86_64-manylinux2014",
            "--python-version",
            PY,
        ],
        check=True,
        cwd=repo,
    )
    code = tmp / name
    with zipfile.ZipFile(host) as zf:
        zf.extractall(code)
    return arm, code


def checkout(ref: str, tmp: Path) -> Path:
    """``ref``'s tree, unpacked (``git archive``), to build the baseline from its own sources."""
    root = tmp / "baseline-src"
    root.mkdir()
    archive = subprocess.run(
        ["git", "archive", ref], cwd=REPO, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    return root


def init_times(code: Path, runtime: Path) -> tuple[float, float]:
    run = [sys.executable, "-I", "-S", "-c", INIT_PROBE, str(code), str(runtime)]
    out = subprocess.run(run, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def cold_start(runs: int, baseline_ref: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        arm, code = stage(REPO, tmp, "this")
        runtime = tmp / "runtime"  # what the Lambda runtime adds: boto3 and botocore
        subprocess.run(
            ["uv", "pip", "install", "--quiet", "--target", str(runtime), "boto3==1.44.5"],
            check=True,
        )
        codes = {"this tree": code}
        if baseline_ref:
            codes[f"baseline {baseline_ref}"] = stage(checkout(baseline_ref, tmp), tmp, "base")[1]
        with zipfile.ZipFile(arm) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
        print(
            f"lambda zip (arm64): {arm.stat().st_size / 1024:.0f} KiB zipped, "
            f"{unpacked / 1024 / 1024:.1f} MiB unpacked"
        )
        for each in codes.values():
            init_times(each, runtime)  # compiles .pyc once, as a deployed zip would not need
        samples: dict[str, list[tuple[float, float]]] = {label: [] for label in codes}
        for _ in range(runs):  # interleaved, so machine load hits both alike
            for label, each in codes.items():
                samples[label].append(init_times(each, runtime))
        breakdown = import_breakdown(code, runtime)
    medians = {}
    for label, pairs in samples.items():
        imports = [i for i, _ in pairs]
        inits = [t for _, t in pairs]
        medians[label] = statistics.median(imports)
        print(
            f"{label}: cold import of iot_lambda.handler median {medians[label]:.0f} ms "
            f"(min {min(imports):.0f}); init (import + settings + iot-data client) median "
            f"{statistics.median(inits):.0f} ms (min {min(inits):.0f})  [n={runs}, warm .pyc]"
        )
    mine = medians["this tree"]
    # Compared to the baseline ref's zip when one was measured, else to the target itself.
    label, theirs = next(
        ((k.removeprefix("baseline "), v) for k, v in medians.items() if k != "this tree"),
        ("target", COLD_IMPORT_TARGET_MS),
    )
    figure(
        "Lambda cold import of the handler (median)",
        f"{mine:.0f} ms",
        f"{theirs:.0f} ms {label}",
        f"{mine / theirs:.2f}x",
        f"<= {COLD_IMPORT_TARGET_MS:.0f} ms: {verdict(mine <= COLD_IMPORT_TARGET_MS)}",
    )
    print("self time by top-level package (ms, one -X importtime run; stdlib included):")
    for name, ms in sorted(breakdown.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {name:24s} {ms:7.1f}")


def import_breakdown(code: Path, runtime: Path) -> dict[str, float]:
    """Self import time summed by top-level package: order-independent, unlike cumulative."""
    probe = "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import iot_lambda.handler"
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-X", "importtime", "-c", probe, str(code), str(runtime)],
        capture_output=True,
        text=True,
        check=True,
    )
    totals: dict[str, float] = {}
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        own, _, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if own.isdigit():
            package = name.split(".")[0]
            totals[package] = totals.get(package, 0.0) + int(own) / 1000
    return totals


# --- live: local IoT Core + a real bridge --------------------------------------------------------


@contextmanager
def live_home(tmp: Path) -> Iterator[Any]:
    """The local IoT Core and the real bridge (the outage harness's BridgeProcess)."""
    sys.path.insert(0, str(REPO / "services" / "home_bridge" / "tests"))
    from devstack.iot_core import LocalIotCore
    from outage_harness import BridgeProcess, Tuning

    with LocalIotCore(tmp / "core", persist_shadows=False) as core:
        bridge = BridgeProcess(core, THING, tmp, Tuning(heartbeat_seconds=15, poll_seconds=30))
        bridge.start()
        try:
            yield core
        finally:
            bridge.kill()


class Tools:
    """The real handler with a Gateway-shaped context and the interceptor's caller."""

    def __init__(self, endpoint: str) -> None:
        import os

        os.environ.update(
            POWERTOOLS_METRICS_NAMESPACE="AgentCoreMcp/bench",
            POWERTOOLS_SERVICE_NAME="smart-home",
            IOT_DATA_ENDPOINT=endpoint,
            THING_NAMES=THING,
            COMMAND_WAIT_SECONDS="5",
            SMARTHOME_HEARTBEAT_SECONDS="15",
            AWS_DEFAULT_REGION="eu-central-1",
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 - the local stand-in checks no key
        )
        from gateway_contract.caller import Caller
        from gateway_contract.rules import home_group
        from iot_lambda import handler

        handler.smart_home.cache_clear()
        self._handler = handler
        self._log = io.StringIO()
        handler.logger.logger_handler.stream = self._log
        self._caller = Caller(
            sub="bench", username="bench", groups=(home_group(THING),), client_id="bench"
        ).as_argument()

    def call(self, tool: str, **arguments: Any) -> tuple[dict[str, Any], float, dict[str, int]]:
        from types import SimpleNamespace

        custom = {"bedrockAgentCoreToolName": f"home___{tool}", "bedrockAgentCoreMcpMessageId": "b"}
        context = SimpleNamespace(
            client_context=SimpleNamespace(custom=custom),
            function_name="bench",
            memory_limit_in_mb=256,
            invoked_function_arn="arn:aws:lambda:eu-central-1:000000000000:function:bench",
            aws_request_id=uuid.uuid4().hex,
            get_remaining_time_in_millis=lambda: 15_000,
        )
        started = time.perf_counter()
        with redirect_stdout(io.StringIO()):  # the EMF lines would drown the figures
            answer = self._handler.handler({**arguments, "_caller": self._caller}, context)
        elapsed = (time.perf_counter() - started) * 1000
        lines = [json.loads(line) for line in self._log.getvalue().splitlines()]
        self._log.seek(0)
        self._log.truncate()
        finished = [line for line in lines if line.get("message") == "tool call finished"]
        return answer, elapsed, finished[-1]["shadow_calls"]


def raw_client(endpoint: str) -> Any:
    from botocore.session import get_session

    return get_session().create_client(
        "iot-data",
        endpoint_url=endpoint,
        region_name="eu-central-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",  # noqa: S106 - the local stand-in checks no key
    )


def report_latency(client: Any, core: Any, on: bool) -> float:
    """Write desired (v2 shape) over REST, then watch the shadow service in process (no REST,
    0.5 ms steps): ms from the write's answer until the bridge's report is stored."""
    from devstack.iot_core.topics import ShadowAddress

    address = ShadowAddress(THING, "bulb-1")
    doc = {"state": {"desired": {"on": on, "command_id": uuid.uuid4().hex}}}
    resp = client.update_thing_shadow(
        thingName=THING, shadowName="bulb-1", payload=json.dumps(doc).encode()
    )
    version = json.loads(resp["payload"].read())["version"]
    written = time.perf_counter()
    while time.perf_counter() - written < 5:
        shadow = core.shadows.get(address)
        if shadow["version"] > version and shadow["state"].get("reported", {}).get("on") == on:
            return (time.perf_counter() - written) * 1000
        time.sleep(0.0005)
    return float("nan")


def get_ms(client: Any) -> float:
    started = time.perf_counter()
    client.get_thing_shadow(thingName=THING, shadowName="bulb-1")["payload"].read()
    return (time.perf_counter() - started) * 1000


def sleep_and_read(client: Any, on: bool) -> float:
    """The first prototype: update desired, sleep 2 s, read the shadow once."""
    started = time.perf_counter()
    doc = {"state": {"desired": {"on": on}}}
    client.update_thing_shadow(
        thingName=THING, shadowName="bulb-1", payload=json.dumps(doc).encode()
    )
    time.sleep(BASELINE_SLEEP)
    client.get_thing_shadow(thingName=THING, shadowName="bulb-1")["payload"].read()
    return (time.perf_counter() - started) * 1000


def live(commands: int, samples: int) -> None:
    if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
        print("live figures SKIPPED: mosquitto is not installed (make mosquitto)")
        return
    with tempfile.TemporaryDirectory() as tmp_dir, live_home(Path(tmp_dir)) as core:
        from outage_harness import wait_until as until

        tools = Tools(core.rest_endpoint)
        until(lambda: tools.call("list_devices")[0].get("devices"), 30, "bridge published its bulb")
        until(lambda: tools.call("get_status")[0]["bridge"]["connected"], 30, "bridge online")
        client = raw_client(core.rest_endpoint)
        on = bool(tools.call("get_status")[0]["state"]["on"])

        gets = [get_ms(client) for _ in range(samples)]
        landed = []
        for _ in range(samples):
            on = not on
            landed.append(report_latency(client, core, on))
            time.sleep(0.05)

        confirm, reads, outcomes = [], [], []
        for _ in range(commands):
            on = not on
            answer, ms, calls = tools.call("turn_on" if on else "turn_off", device="bulb-1")
            outcomes.append(answer.get("status"))
            confirm.append(ms)
            reads.append(calls.get("GetThingShadow", 0) - 1)  # minus the device lookup
            time.sleep(0.05)

        status = [tools.call("get_status", device="bulb-1") for _ in range(samples)]
        by_name = [tools.call("get_status", device="Living room") for _ in range(samples)]
        listing = [tools.call("list_devices") for _ in range(samples)]
        baseline = [sleep_and_read(client, not on) for _ in range(3)]

    done = [ms for ms, o in zip(confirm, outcomes, strict=True) if o == "done"]
    print(f"shadow GET on the local REST: p50 {statistics.median(gets):.1f} ms")
    print(
        f"write -> report stored (n={len(landed)}, watched in process): min {min(landed):.0f}, "
        f"p50 {statistics.median(landed):.0f}, p90 {p(landed, 0.9):.0f}, max {max(landed):.0f} ms"
    )
    print(
        f"turn_on/turn_off confirmed (n={len(done)} of {commands} done): "
        f"p50 {statistics.median(done):.0f}, "
        f"p90 {p(done, 0.9):.0f} ms; confirmation reads per command: p50 "
        f"{statistics.median(reads):.0f}, max {max(reads)}; outcomes {sorted(set(outcomes))}"
    )
    print(
        f"  confirm p50 - report p50 (the wait after the report landed, plus the device lookup "
        f"and the write): "
        f"{statistics.median(done) - statistics.median(landed):.0f} ms"
    )
    base = statistics.median(baseline)
    confirmed = statistics.median(done)
    figure(
        "turn_on/turn_off confirmed, handler (p50)",
        f"{confirmed:.0f} ms",
        f"{base:.0f} ms sleep-read",
        f"{base / confirmed:.1f}x",
        f">= {SPEEDUP_TARGET:g}x faster: {verdict(base / confirmed >= SPEEDUP_TARGET)}",
    )
    for label, runs in (
        ("get_status by id", status),
        ("get_status by name", by_name),
        ("list_devices", listing),
    ):
        ms = [r[1] for r in runs]
        calls = runs[-1][2]
        read_figure(
            f"{label}, handler in process (p50)",
            statistics.median(ms),
            f"; {sum(calls.values())} shadow call(s)",
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--commands", type=int, default=30)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--no-live", action="store_true")
    parser.add_argument("--no-cold", action="store_true")
    parser.add_argument(
        "--baseline-ref", default=None, help="git ref whose zip is measured alongside (e.g. main)"
    )
    args = parser.parse_args()
    if not args.no_cold:
        cold_start(args.runs, args.baseline_ref)
    if not args.no_live:
        live(args.commands, args.samples)


if __name__ == "__main__":
    main()
