"""``python -m devstack.iot_core``: starts, prints its endpoints, stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from devstack.iot_core.broker import BrokerError, find_mosquitto

TIMEOUT = 20.0


def _ready_line(lines: queue.Queue[str | None]) -> dict[str, Any]:
    while True:
        line = lines.get(timeout=TIMEOUT)
        if line is None:
            raise AssertionError("the CLI exited before it was ready")
        if line.startswith("ready "):
            return dict(json.loads(line.removeprefix("ready ")))


def _refused(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return False
    except OSError:
        return True


def _require_mosquitto() -> None:
    try:
        find_mosquitto()
    except BrokerError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"mosquitto is missing on a CI machine (.ci/run installs it): {exc}")
        pytest.skip(f"SKIPPED: {exc}")


def test_cli_serves_until_sigterm_and_stops_everything(tmp_path: Path) -> None:
    _require_mosquitto()
    command = [
        sys.executable, "-m", "devstack.iot_core",
        "--state-dir", str(tmp_path / "state"),
        "--mqtt-port", "0", "--rest-port", "0",
        "--thing", "pi-1",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        ready = _ready_line(lines)
        cert, key = ready["thing_certificates"]["pi-1"]
        assert Path(cert).is_file()
        assert Path(key).stat().st_mode & 0o077 == 0
        client = boto3.client(
            "iot-data",
            endpoint_url=ready["rest_endpoint"],
            region_name="eu-central-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        client.update_thing_shadow(
            thingName="pi-1", payload=json.dumps({"state": {"reported": {"up": True}}})
        )
        process.send_signal(signal.SIGTERM)
        assert process.wait(TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(TIMEOUT)
    assert _refused(ready["mqtt_host"], ready["mqtt_tls_port"])
    # Shadows persist in the state dir for the next start.
    saved = json.loads((tmp_path / "state" / "shadows.json").read_text(encoding="utf-8"))
    assert saved["pi-1/"]["reported"] == {"up": True}
