"""`python -m devstack up` as `make dev` runs it: a taken port; up, print, Ctrl-C, nothing left."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from devstack.supervisor.ports import PortInUse, free_port, is_free, resolve_ports
from devstack.supervisor.process import Child, StartError

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
PORT_VARS = (
    "DEVSTACK_RUNTIME_PORT",
    "DEVSTACK_GATEWAY_PORT",
    "DEVSTACK_SANDBOX_PORT",
    "DEVSTACK_MQTT_PORT",
    "DEVSTACK_IOT_REST_PORT",
)


def processes_mentioning(text: str) -> list[int]:
    """Pids whose command line contains ``text`` (the stack's children all name its state dir)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(proc.name))
    return found


@pytest.fixture
def listener() -> Iterator[int]:
    """A port something already listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def up(state_dir: Path, **env: str) -> subprocess.Popen[str]:
    ports = dict.fromkeys(PORT_VARS, "0")
    return subprocess.Popen(
        [sys.executable, "-m", "devstack", "up"],
        cwd=REPO,
        env={**os.environ, **ports, "DEVSTACK_STATE_DIR": str(state_dir), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_taken_port_is_named_with_its_variable_and_nothing_starts(
    tmp_path: Path, listener: int
) -> None:
    process = up(tmp_path, DEVSTACK_GATEWAY_PORT=str(listener))
    try:
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 2
    assert f"port {listener} (gateway)" in err
    assert "DEVSTACK_GATEWAY_PORT" in err
    assert not (tmp_path / "logs").exists()


def test_resolve_ports_reports_every_taken_port_at_once(listener: int) -> None:
    with pytest.raises(PortInUse) as caught:
        resolve_ports("127.0.0.1", {"sandbox": listener, "mqtt": listener, "gateway": 0})
    assert "DEVSTACK_SANDBOX_PORT" in str(caught.value)
    assert "DEVSTACK_MQTT_PORT" in str(caught.value)
    chosen = resolve_ports("127.0.0.1", {"runtime": 0, "gateway": 0})
    assert len(set(chosen.values())) == 2


@pytest.mark.slow
def test_up_prints_endpoints_and_mcp_json_then_ctrl_c_stops_everything(tmp_path: Path) -> None:
    state = tmp_path / "state"
    process = up(state, DEVSTACK_GATEWAY_AUTH="jwt")
    try:
        endpoints_file = state / "endpoints.json"
        deadline = time.monotonic() + 150
        while not endpoints_file.exists():
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "devstack did not come up"
            time.sleep(0.2)
        endpoints = json.loads(endpoints_file.read_text())
        mcp_json = json.loads((state / "mcp.json").read_text())
        assert processes_mentioning(str(state)), "the children run with the state dir"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert endpoints["gateway_url"] in out
    assert endpoints["gateway_token"] in out
    assert '"mcpServers"' in out
    gateway_entry = mcp_json["mcpServers"]["devstack-gateway"]
    assert endpoints["gateway_url"] in gateway_entry["args"]
    assert gateway_entry["env"]["DEVSTACK_AUTH"] == f"Bearer {endpoints['gateway_token']}"
    assert processes_mentioning(str(state)) == []
    for url in (endpoints["gateway_url"], endpoints["runtime_url"], endpoints["sandbox_url"]):
        port = int(url.split(":")[2].split("/")[0])
        assert is_free("127.0.0.1", port), url
    assert free_port("127.0.0.1")


def test_a_child_that_dies_at_start_is_reported_with_its_log(tmp_path: Path) -> None:
    child = Child(
        "broken",
        [sys.executable, "-c", "import sys; print('cannot bind'); sys.exit(3)"],
        {},
        tmp_path / "broken.log",
        healthy=lambda: False,
    )
    with pytest.raises(StartError) as caught:
        child.start(timeout_s=30)
    assert "broken exited with code 3" in str(caught.value)
    assert "cannot bind" in str(caught.value)


def test_a_child_that_never_gets_healthy_is_stopped(tmp_path: Path) -> None:
    child = Child(
        "stuck",
        [sys.executable, "-c", "import time; print('waiting', flush=True); time.sleep(60)"],
        {},
        tmp_path / "stuck.log",
        healthy=lambda: False,
    )
    with pytest.raises(StartError, match="did not become healthy"):
        child.start(timeout_s=1)
    assert not child.running()


@pytest.mark.slow
def test_a_child_that_dies_later_takes_the_stack_down_loudly(tmp_path: Path) -> None:
    state = tmp_path / "state"
    process = up(state, DEVSTACK_GATEWAY_AUTH="none")
    try:
        deadline = time.monotonic() + 150
        while not (state / "endpoints.json").exists():
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "devstack did not come up"
            time.sleep(0.2)
        (bridge,) = [
            pid
            for pid in processes_mentioning(str(state / "bridge"))
            if "home_bridge" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        ]
        os.kill(bridge, signal.SIGKILL)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1
    assert "bridge exited with code -9" in err
    assert processes_mentioning(str(state)) == []
