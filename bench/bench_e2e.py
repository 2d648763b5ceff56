"""End-to-end latency through the local gateway (the one MCP URL), next to the direct paths.

* a runtime tool (``list_contacts``) directly on the runtime URL vs through the gateway as
  ``accounting___list_contacts``: the difference is the gateway's cost per call (its bearer
  check, the interceptor Lambda at the REQUEST and RESPONSE points, FastMCP's proxy opening a
  backend session with the M2M token);
* an OpenAPI target tool vs the same sandbox request made directly;
* smart home: turn_on/turn_off (confirmed by the bridge), get_status and list_devices through
  the gateway, next to the raw MQTT floor (a QoS 1 publish -> receive round trip on the same
  mosquitto) and the 10 ms target for the reads.

Usage: ``uv run python bench/bench_e2e.py [--runs 40]``. Prints figures only (no assertions);
the same user (alice) on every path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import ssl
import statistics
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx2
import paho.mqtt.client as mqtt
from devstack.supervisor import Stack, StackSettings
from fastmcp import Client
from report import figure, header, read_figure

REPO = Path(__file__).resolve().parents[1]
BENCH_THING = "bench-floor"


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(len(ordered) * 0.99) - 1)]
    return statistics.median(ordered) * 1000, p99 * 1000


def line(label: str, values: list[float], floor: tuple[str, float] | None = None) -> str:
    p50, p99 = percentiles(values)
    extra = ""
    if floor is not None:
        name, floor_p50 = floor
        extra = f"   {p50 / floor_p50:6.1f}x {name}, +{p50 - floor_p50:.1f} ms"
    return f"{label:<40} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   n={len(values)}{extra}"


async def timed(call: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    await call()  # first call outside the figures (connections, caches)
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - began)
    return samples


async def accounting(stack: Stack, runs: int) -> dict[str, list[float]]:
    endpoints = stack.endpoints
    token = endpoints.token("alice")
    figures: dict[str, list[float]] = {}
    async with Client(endpoints.runtime_url, auth=token) as direct:
        figures["runtime direct"] = await timed(
            lambda: direct.call_tool("list_contacts", {"limit": 2}), runs
        )
    async with Client(endpoints.gateway_url, auth=token) as gateway:
        figures["runtime via gateway"] = await timed(
            lambda: gateway.call_tool("accounting___list_contacts", {"limit": 2}), runs
        )
        figures["openapi target via gateway"] = await timed(
            lambda: gateway.call_tool("accounting-api___getContacts", {"limit": 2}), runs
        )
    async with httpx2.AsyncClient(headers={"Authorization": endpoints.api_token}) as http:
        figures["sandbox GET /Contact direct"] = await timed(
            lambda: http.get(f"{endpoints.sandbox_url}/Contact", params={"limit": 2}), runs
        )
    return figures


async def smart_home(stack: Stack, runs: int) -> tuple[list[float], list[float], list[float]] | str:
    async with Client(stack.endpoints.gateway_url, auth=stack.endpoints.token("alice")) as client:
        probe = await client.call_tool("home___get_status", {}, raise_on_error=False)
        if probe.is_error:
            return f"n/a: {probe.content[0].text[:120]}"
        commands: list[float] = []
        for n in range(runs):
            tool = "home___turn_on" if n % 2 == 0 else "home___turn_off"
            began = time.perf_counter()
            result = await client.call_tool(tool, {})
            commands.append(time.perf_counter() - began)
            status = json.loads(result.content[0].text)["status"]
            if status != "done":
                return f"n/a: {tool} answered {status!r}; the bench needs a live bridge"
        reads = await timed(lambda: client.call_tool("home___get_status", {}), runs)
        listing = await timed(lambda: client.call_tool("home___list_devices", {}), runs)
    return commands, reads, listing


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

    def on_connect(c: mqtt.Client, *_: object) -> None:
        # paho leaves Nagle on: a QoS 1 round trip would then wait for a delayed ACK (~40 ms)
        # about half the time, and the "floor" would measure that instead of the broker.
        c.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.subscribe(topic, qos=1)

    client.on_connect = on_connect
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
        settings = StackSettings.on_free_ports(
            Path(state),
            REPO,
        )
        began = time.perf_counter()
        with Stack(settings) as stack:
            started = time.perf_counter() - began
            floor = mqtt_floor(stack, args.runs)
            figures = asyncio.run(accounting(stack, args.runs))
            home = asyncio.run(smart_home(stack, args.runs))
    direct = percentiles(figures["runtime direct"])[0]
    sandbox = percentiles(figures["sandbox GET /Contact direct"])[0]
    floor_p50 = percentiles(floor)[0]
    print(f"devstack start (all healthy)             {started:.1f} s")
    print(line("runtime list_contacts, direct URL", figures["runtime direct"]))
    print(line("sandbox GET /Contact, direct", figures["sandbox GET /Contact direct"]))
    print(line("MQTT publish->receive (floor)", floor))
    print(f"TLS: {ssl.OPENSSL_VERSION}")
    print(header())
    via = percentiles(figures["runtime via gateway"])[0]
    figure(
        "runtime list_contacts via gateway (p50)",
        f"{via:.1f} ms",
        f"{direct:.1f} ms direct",
        f"{via / direct:.1f}x",
        f"proxy + interceptor cost +{via - direct:.1f} ms",
    )
    openapi = percentiles(figures["openapi target via gateway"])[0]
    figure(
        "accounting-api getContacts via gateway (p50)",
        f"{openapi:.1f} ms",
        f"{sandbox:.1f} ms direct",
        f"{openapi / sandbox:.1f}x",
        f"gateway cost +{openapi - sandbox:.1f} ms",
    )
    if isinstance(home, str):
        print(f"{'smart home via gateway':<40} {home}")
        return
    commands, reads, listing = home
    turn = percentiles(commands)[0]
    figure(
        "turn_on/turn_off confirmed via gateway (p50)",
        f"{turn:.1f} ms",
        f"{floor_p50:.2f} ms MQTT",
        f"{turn / floor_p50:.0f}x",
        "for comparison (two bridge round trips)",
    )
    for label, values in (("get_status", reads), ("list_devices", listing)):
        read_figure(f"{label} via gateway (p50)", percentiles(values)[0])


if __name__ == "__main__":
    main()
