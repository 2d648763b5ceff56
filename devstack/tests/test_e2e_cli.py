"""`python -m devstack` as `make dev` runs it: a taken port; up, print, Ctrl-C, nothing left; a
crash loop stops the stack loudly; `token` mints a user's access token with the stack down."""

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
from devstack.gateway.auth import INTERACTIVE_CLIENT_ID, ISSUER, LocalIssuer, user_sub
from devstack.supervisor.ports import PortInUse, free_port, is_free, resolve_ports
from devstack.supervisor.process import Child, StartError
from joserfc import jwt
from joserfc.jwk import KeySet

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
    """Live pids whose command line contains ``text`` (the stack's children name its state dir)."""
    from devstack.supervisor.process import pids_with_argument

    return pids_with_argument(text)


def wait_for_endpoints(process: subprocess.Popen[str], state: Path) -> dict:
    endpoints_file = state / "endpoints.json"
    deadline = time.monotonic() + 150
    while not endpoints_file.exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "devstack did not come up"
        time.sleep(0.2)
    return json.loads(endpoints_file.read_text())


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
def test_up_prints_endpoints_users_and_one_mcp_json_then_ctrl_c_stops_everything(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    process = up(state)
    try:
        endpoints = wait_for_endpoints(process, state)
        mcp_json = json.loads((state / "mcp.json").read_text())
        mcp_http = json.loads((state / "mcp.http.json").read_text())
        assert processes_mentioning(str(state)), "the children run with the state dir"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert endpoints["gateway_url"] in out
    users = {u["name"]: u for u in endpoints["users"]}
    assert users["alice"]["token"] in out
    assert users["bob"]["token"] in out
    assert '"mcpServers"' in out
    # One entry, the gateway: it reaches every tool.
    (entry,) = mcp_json["mcpServers"].values()
    assert endpoints["gateway_url"] in entry["args"]
    assert entry["env"]["DEVSTACK_AUTH"] == f"Bearer {users['alice']['token']}"
    (http_entry,) = mcp_http["mcpServers"].values()
    assert http_entry["url"] == endpoints["gateway_url"]
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
def test_a_child_that_keeps_crashing_takes_the_stack_down_loudly(tmp_path: Path) -> None:
    state = tmp_path / "state"
    process = up(
        state,
        DEVSTACK_RESTART_DELAY_SECONDS="0.1",
        DEVSTACK_MAX_FAST_CRASHES="2",
        DEVSTACK_FAST_CRASH_SECONDS="30",
    )
    try:
        wait_for_endpoints(process, state)
        # A broken configuration: every restart of the bridge now fails at once.
        (state / "bridge" / "bridge.toml").write_text("this is not toml = [\n")
        (bridge,) = [
            pid
            for pid in processes_mentioning(str(state / "bridge"))
            if "home_bridge" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        ]
        os.kill(bridge, signal.SIGKILL)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1
    assert "bridge was killed by SIGKILL; restarting it in" in err
    assert "bridge restarted (restart 1)" in err
    assert "bridge crashed 3 times in a row" in err
    assert processes_mentioning(str(state)) == []


def token_command(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devstack", "token", *args],
        cwd=REPO,
        env={**os.environ, "DEVSTACK_STATE_DIR": str(state)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_token_mints_a_cognito_shaped_access_token_with_the_stack_down(tmp_path: Path) -> None:
    done = token_command(
        tmp_path, "--user", "alice", "--groups", "home-devstack-home,accounting-writers"
    )
    assert done.returncode == 0, done.stderr
    raw = done.stdout.strip().splitlines()[-1]
    assert not raw.startswith("Bearer")
    keys = KeySet.import_key_set(LocalIssuer.load_or_create(tmp_path / "gateway").jwks())
    claims = jwt.decode(raw, keys).claims
    assert claims["username"] == "alice"
    assert claims["sub"] == user_sub("alice")
    assert claims["token_use"] == "access"
    assert claims["client_id"] == INTERACTIVE_CLIENT_ID
    assert claims["iss"] == ISSUER
    assert claims["cognito:groups"] == ["home-devstack-home", "accounting-writers"]
    assert claims["iat"] <= time.time() < claims["exp"]
    again = token_command(tmp_path, "--user", "alice", "--groups", "")
    claims_again = jwt.decode(again.stdout.strip().splitlines()[-1], keys).claims
    assert "cognito:groups" not in claims_again
    assert claims_again["sub"] == claims["sub"]


def test_token_refuses_an_empty_user(tmp_path: Path) -> None:
    done = token_command(tmp_path, "--user", " ")
    assert done.returncode == 2
    assert "--user" in done.stderr
