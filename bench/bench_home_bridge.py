"""Bridge figures: command latency (delta received -> device set -> reported) with the simulated
bulb, the end-to-end confirm latency the Lambda sees, and the bridge process's resident memory.

    uv run python bench/bench_home_bridge.py [--commands 100]

Runs on the local IoT Core (mosquitto, mutual TLS, shadow service); needs mosquitto.
* bridge latency: inside the bridge, from the delta arriving off MQTT to the shadow service
  accepting the report (the device was driven in between);
* Lambda confirm latency: the real handler's turn_on/turn_off against the local REST API,
  polling the shadow until reported matches (first poll after 100 ms);
* memory: VmRSS of ``python -m home_bridge run`` after connecting and after the commands.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from devstack.iot_core import LocalIotCore
from home_bridge.app import run_bridge
from home_bridge.bridge import Bridge, Delta
from home_bridge.mqtt_link import MqttShadowPort
from home_bridge.settings import BridgeSettings
from report import figure


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def settings_for(core: LocalIotCore, thing: str, tmp: Path) -> BridgeSettings:
    cert, key = core.issue_thing_certificate(thing)
    return BridgeSettings(
        thing_name=thing,
        endpoint=core.host,
        port=core.mqtt_tls_port,
        cert_file=cert,
        key_file=key,
        ca_file=core.ca_file,
        poll_seconds=30,
        devices=[
            {
                "id": "bulb-1",
                "name": "Bedroom",
                "driver": "simulated",
                "state_file": str(tmp / f"{thing}.json"),
            }
        ],
    )


async def bridge_latency(core: LocalIotCore, data: Any, tmp: Path, n: int) -> list[float]:
    """Delta arrival -> report accepted, measured inside the bridge with wrapped seams."""
    arrived: dict[str, float] = {}
    samples: list[float] = []
    original_handle, original_update = Bridge.handle, MqttShadowPort.update

    async def handle(self: Bridge, event: Any) -> None:
        if isinstance(event, Delta):
            arrived[event.device_id] = time.perf_counter()
        await original_handle(self, event)

    async def update(self: MqttShadowPort, shadow: str, **kw: Any) -> int:
        version = await original_update(self, shadow, **kw)
        if shadow in arrived:
            samples.append((time.perf_counter() - arrived.pop(shadow)) * 1000)
        return version

    Bridge.handle, MqttShadowPort.update = handle, update  # type: ignore[method-assign]
    try:
        settings = settings_for(core, "bench-latency", tmp)
        stop = asyncio.Event()
        task = asyncio.create_task(run_bridge(settings, stop))
        await wait_for(lambda: reported(data, "bench-latency").get("reachable"))
        for i in range(n):
            want = i % 2 == 0
            body = json.dumps({"state": {"desired": {"on": want}}}).encode()
            await asyncio.to_thread(
                data.update_thing_shadow,
                thingName="bench-latency",
                shadowName="bulb-1",
                payload=body,
            )
            await wait_for(lambda w=want: reported(data, "bench-latency").get("on") is w)
        stop.set()
        await task
    finally:
        Bridge.handle, MqttShadowPort.update = original_handle, original_update  # type: ignore[method-assign]
    return samples


def reported(data: Any, thing: str) -> dict[str, Any]:
    try:
        doc = json.loads(
            data.get_thing_shadow(thingName=thing, shadowName="bulb-1")["payload"].read()
        )
    except data.exceptions.ResourceNotFoundException:
        return {}
    return dict(doc["state"].get("reported", {}))


async def wait_for(cond: Any, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not await asyncio.to_thread(cond):
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.01)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def process_figures(
    core: LocalIotCore, data: Any, tmp: Path, n: int
) -> tuple[list[float], int, int]:
    """Bridge as its own process: Lambda confirm latency and the process's RSS."""
    settings = settings_for(core, "bench-process", tmp)
    config = tmp / "bridge.toml"
    lines = [
        f"{k} = {json.dumps(str(v) if isinstance(v, Path) else v)}"
        for k, v in settings.model_dump(
            exclude={"devices", "tapo_username", "tapo_password"}
        ).items()
        if v is not None
    ]
    lines += ["[[devices]]", 'id = "bulb-1"', 'name = "Bedroom"', 'driver = "simulated"']
    config.write_text("\n".join(lines) + "\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "home_bridge", "run", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        asyncio.run(wait_for(lambda: reported(data, "bench-process").get("reachable")))
        idle = rss_kib(proc.pid)
        os.environ.update(
            IOT_DATA_ENDPOINT=core.rest_endpoint,
            THING_NAMES="bench-process",
            COMMAND_WAIT_SECONDS="5",
            AWS_DEFAULT_REGION="eu-central-1",
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - the local stand-in ignores it
            POWERTOOLS_METRICS_DISABLED="true",
            LOG_LEVEL="WARNING",
        )
        from devstack.gateway.lambda_worker import gateway_context
        from gateway_contract.caller import Caller
        from gateway_contract.rules import home_group, rules
        from iot_lambda.handler import handler

        # What the Gateway passes: its context, and the interceptor's verified caller.
        caller = Caller(
            sub="bench", username="bench", groups=(home_group("bench-process"),), client_id="b"
        ).as_argument()
        confirms = []
        for i in range(n):
            context = gateway_context(
                target=rules().targets.home,
                tool="turn_on" if i % 2 == 0 else "turn_off",
                gateway_id="bench",
                function_name="bench",
                timeout_ms=15_000,
            )
            started = time.perf_counter()
            answer = handler({rules().caller.argument: caller}, context)
            assert answer.get("status") == "done", answer
            confirms.append((time.perf_counter() - started) * 1000)
        busy = rss_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    return confirms, idle, busy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=100)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp_dir,
        LocalIotCore(Path(tmp_dir) / "core", persist_shadows=False) as core,
    ):
        tmp = Path(tmp_dir)
        data = boto3.client(
            "iot-data",
            endpoint_url=core.rest_endpoint,
            region_name="eu-central-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - the local stand-in ignores it
        )
        latency = asyncio.run(bridge_latency(core, data, tmp, args.commands))
        confirms, idle, busy = process_figures(core, data, tmp, max(10, args.commands // 5))
    print(
        f"bridge command latency, delta -> device -> reported (n={len(latency)}): "
        f"p50 {pct(latency, 50):.1f} ms, p99 {pct(latency, 99):.1f} ms, max {max(latency):.1f} ms"
    )
    figure(
        "bridge delta -> bulb -> reported (p50)",
        f"{pct(latency, 50):.1f} ms",
        "-",
        "-",
        f"p99 {pct(latency, 99):.1f} ms",
    )
    print(
        f"Lambda confirm latency, handler call -> 'done' (n={len(confirms)}): "
        f"p50 {pct(confirms, 50):.0f} ms, p99 {pct(confirms, 99):.0f} ms"
    )
    print(
        f"bridge resident memory (python -m home_bridge run, 1 simulated bulb): "
        f"{idle / 1024:.1f} MiB after connect, {busy / 1024:.1f} MiB after {len(confirms)} commands"
    )
    figure(
        "bridge resident memory after commands",
        f"{busy / 1024:.1f} MiB",
        f"{idle / 1024:.1f} MiB idle",
        f"{busy / idle:.2f}x",
        f"after {len(confirms)} commands",
    )
    print(f"(median of bridge latency: {statistics.median(latency):.1f} ms)")


if __name__ == "__main__":
    main()
