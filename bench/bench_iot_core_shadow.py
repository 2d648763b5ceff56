"""Shadow latencies on the local IoT Core: what the Lambda and the bridge will see locally.

* REST UpdateThingShadow and GetThingShadow round trips (boto3, like the Lambda);
* the same GET from a kept-alive ``http.client`` connection, which sets no TCP_NODELAY of its own:
  it shows the server's Nagle / delayed-ACK stall (~40 ms per request) if the server's accepted
  sockets lack TCP_NODELAY (issue 17);
* command round trip: REST update of ``desired`` → the delta arrives at an MQTT 5 device
  (awsiot's IotShadowClientV2, like the bridge) → the device reports → REST sees delta gone.

Usage: ``uv run python bench/bench_iot_core_shadow.py [--runs 50]``. Prints figures only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import awscrt.mqtt_request_response as rr
import boto3
from awsiot import ServiceStreamOptions, iotshadow, mqtt5_client_builder
from devstack.iot_core import LocalIotCore
from report import figure, stall_figure

THING = "bench-pi"


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"median {statistics.median(values) * 1000:.1f} ms  p95 {p95 * 1000:.1f} ms  "
        f"max {max(values) * 1000:.1f} ms  (n={len(values)})"
    )


def _device(
    core: LocalIotCore, stopped: threading.Event
) -> tuple[Any, iotshadow.IotShadowClientV2]:
    cert, key = core.issue_thing_certificate(THING)
    connected = threading.Event()
    client = mqtt5_client_builder.mtls_from_path(
        endpoint="localhost",
        port=core.mqtt_tls_port,
        cert_filepath=str(cert),
        pri_key_filepath=str(key),
        ca_filepath=str(core.ca_file),
        client_id=THING,
        enable_metrics_collection=False,
        on_lifecycle_connection_success=lambda event: connected.set(),
        on_lifecycle_stopped=lambda event: stopped.set(),
    )
    client.start()
    if not connected.wait(10):
        raise RuntimeError("device did not connect")
    options = rr.ClientOptions(
        max_request_response_subscriptions=2,
        max_streaming_subscriptions=2,
        operation_timeout_in_seconds=10,
    )
    return client, iotshadow.IotShadowClientV2(client, options)


def _plain_gets(core: LocalIotCore, runs: int) -> list[float]:
    host, _, port = core.rest_endpoint.removeprefix("http://").partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    samples = []
    try:
        for _ in range(runs):
            began = time.perf_counter()
            connection.request("GET", f"/things/{THING}/shadow?name=rest")
            connection.getresponse().read()
            samples.append(time.perf_counter() - began)
    finally:
        connection.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average (1 min) {os.getloadavg()[0]:.2f}")
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalIotCore(Path(tmp), persist_shadows=False) as core,
    ):
        iot_data = boto3.client(
            "iot-data",
            endpoint_url=core.rest_endpoint,
            region_name="eu-central-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - the local endpoint ignores credentials
        )
        updates, gets, round_trips = [], [], []
        for index in range(args.runs):
            payload = json.dumps({"state": {"reported": {"n": index}}})
            began = time.perf_counter()
            iot_data.update_thing_shadow(thingName=THING, shadowName="rest", payload=payload)
            updates.append(time.perf_counter() - began)
            began = time.perf_counter()
            iot_data.get_thing_shadow(thingName=THING, shadowName="rest")["payload"].read()
            gets.append(time.perf_counter() - began)
        print(f"REST UpdateThingShadow: {_ms(updates)}")
        print(f"REST GetThingShadow:    {_ms(gets)}")
        stall_figure(
            "local REST GetThingShadow, kept alive (median)", statistics.median(gets) * 1000
        )
        plain = _plain_gets(core, args.runs)
        print(f"REST GET, kept-alive http.client (no client TCP_NODELAY): {_ms(plain)}")

        stopped = threading.Event()
        client, shadow = _device(core, stopped)
        deltas: queue.Queue[iotshadow.ShadowDeltaUpdatedEvent] = queue.Queue()
        established = threading.Event()
        stream = shadow.create_named_shadow_delta_updated_stream(
            iotshadow.NamedShadowDeltaUpdatedSubscriptionRequest(
                thing_name=THING, shadow_name="bulb"
            ),
            ServiceStreamOptions(
                incoming_event_listener=deltas.put,
                subscription_status_listener=lambda event: established.set(),
            ),
        )
        stream.open()
        established.wait(10)
        try:
            for index in range(args.runs):
                began = time.perf_counter()
                iot_data.update_thing_shadow(
                    thingName=THING,
                    shadowName="bulb",
                    payload=json.dumps({"state": {"desired": {"level": index}}}),
                )
                delta = deltas.get(timeout=10)
                shadow.update_named_shadow(
                    iotshadow.UpdateNamedShadowRequest(
                        thing_name=THING,
                        shadow_name="bulb",
                        state=iotshadow.ShadowState(reported=delta.state),
                    )
                ).result(10)
                body = iot_data.get_thing_shadow(thingName=THING, shadowName="bulb")["payload"]
                assert "delta" not in json.loads(body.read())["state"]
                round_trips.append(time.perf_counter() - began)
        finally:
            client.stop()
            stopped.wait(10)
        print(f"command round trip (REST desired → MQTT delta → report → REST): {_ms(round_trips)}")
        figure(
            "command round trip desired -> delta -> report",
            f"{statistics.median(round_trips) * 1000:.1f} ms",
            "-",
            "-",
            "REST + MQTT, one device",
        )


if __name__ == "__main__":
    main()
