"""End-to-end smart-home latency through the local gateway, next to the raw MQTT floor.

* turn_on / turn_off: MCP client → gateway → Lambda handler (worker process) → iot-data REST →
  shadow service → MQTT delta → bridge → simulated bulb (python-kasa) → reported → Lambda sees
  reported == desired → answer;
* get_status: MCP client → gateway → Lambda → shadow read → answer;
* the floor: a QoS 1 publish → receive round trip on the same mosquitto (mutual TLS), paho.

Usage: ``uv run python bench/bench_e2e.py [--runs 40]``. Prints figures only (no assertions).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import statistics
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from devstack.supervisor import Stack, StackSettings
from fastmcp import Client

REPO = Path(__file__).resolve().parents[1]
BENCH_THING = "bench-floor"


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(len(ordered) * 0.99) - 1)]
    return statistics.median(ordered) * 1000, p99 * 1000


def line(label: str, values: list[float], floor_p50: float | None = None) -> str:
    p50, p99 = percentiles(values)
    ratio = f"   {p50 / floor_p50:6.1f}x the MQTT floor (p50)" if floor_p50 else ""
    return f"{label:<34} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   n={len(values)}{ratio}"


async def gateway_calls(url: str, runs: int) -> tuple[list[float], list[float]]:
    commands: list[float] = []
    reads: list[float] = []
    async with Client(url) as client:
        await client.call_tool("home___get_status", {})  # first call outside the figures
        for n in range(runs):
            tool = "home___turn_on" if n % 2 == 0 else "home___turn_off"
            began = time.perf_counter()
            result = await client.call_tool(tool, {})
            commands.append(time.perf_counter() - began)
            status = json.loads(result.content[0].text)["status"]
            if status != "done":
                raise SystemExit(f"{tool} answered {status!r}; the bench needs a live bridge")
        for _ in range(runs):
            began = time.perf_counter()
            await client.call_tool("home___get_status", {})
            reads.append(time.perf_counter() - began)
    return commands, reads


def mqtt_floor(stack: Stack, runs: int) -> list[float]:
    core = stack.iot_core
    assert core is not None
    cert, key = core.issue_thing_certificate(BENCH_THING)
    topic = f"home/{BENCH_THING}/bench"
    received = threading.Event()
    subscribed = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=BENCH_THING)
    client.tls_set(ca_certs=str(core.ca_file), certfile=str(cert), keyfile=str(key))
    client.tls_insecure_set(False)
    client.on_message = lambda _c, _u, _m: received.set()
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
    client.connect("localhost", core.mqtt_tls_port)
    client.loop_start()
    try:
        if not subscribed.wait(10):
            raise SystemExit("the bench client could not subscribe on the broker")
        samples = []
        for _ in range(runs * 5):
            received.clear()
            began = time.perf_counter()
            client.publish(topic, b"ping", qos=1)
            if not received.wait(5):
                raise SystemExit("a QoS 1 message did not come back within 5 s")
            samples.append(time.perf_counter() - began)
        return samples
    finally:
        client.loop_stop()
        client.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as state:
        settings = StackSettings(
            state_dir=Path(state),
            repo_root=REPO,
            runtime_port=0,
            gateway_port=0,
            sandbox_port=0,
            mqtt_port=0,
            iot_rest_port=0,
            gateway_auth="none",
        )
        began = time.perf_counter()
        with Stack(settings) as stack:
            started = time.perf_counter() - began
            floor = mqtt_floor(stack, args.runs)
            commands, reads = asyncio.run(gateway_calls(stack.endpoints.gateway_url, args.runs))
    floor_p50 = percentiles(floor)[0]
    print(f"devstack start (all healthy)        {started:.1f} s")
    print(line("MQTT publish→receive (floor)", floor))
    print(line("turn_on/turn_off via gateway", commands, floor_p50))
    print(line("get_status via gateway", reads, floor_p50))
    print(f"TLS: {ssl.OPENSSL_VERSION}")


if __name__ == "__main__":
    main()
