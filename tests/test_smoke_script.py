"""scripts/smoke_test.py against real FastMCP HTTP servers on 127.0.0.1 (bearer-token protected)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
import uvicorn
from fastmcp import FastMCP
from fastmcp.server.auth.providers.jwt import StaticTokenVerifier

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "smoke_test.py"
TOKEN = "smoke-test-token"


def _auth() -> StaticTokenVerifier:
    return StaticTokenVerifier(tokens={TOKEN: {"client_id": "ci-smoke", "scopes": []}})


def gateway_server(*, failing: bool = False, unfiltered: bool = False) -> FastMCP:
    """Shaped like the Gateway as an automation caller sees it: target-prefixed names, domain
    errors as `{"error": …}`; ``unfiltered`` also lists what the interceptor hides from it."""
    mcp = FastMCP("gateway", auth=_auth())

    @mcp.tool(name="accounting-api___list_contacts")
    def list_contacts() -> dict[str, object]:
        if failing:
            return {"error": "The accounting API could not be reached; try again shortly."}
        return {"contacts": [{"id": 1, "name": "Ada"}]}

    @mcp.tool(name="accounting___list_check_accounts")
    def list_check_accounts() -> str:
        return "Giro"

    if unfiltered:

        @mcp.tool(name="home___turn_on")
        def turn_on(device: str) -> str:
            return f"{device} on"

        @mcp.tool(name="accounting___create_contact")
        def create_contact(name: str) -> str:
            return name

    return mcp


def runtime_server() -> FastMCP:
    mcp = FastMCP("runtime", auth=_auth())

    @mcp.tool
    def list_check_accounts(limit: int = 20) -> str:
        return f"{min(limit, 1)} account: Giro"

    return mcp


@contextmanager
def serve(mcp: FastMCP) -> Iterator[str]:
    """Run ``mcp`` over streamable HTTP on an ephemeral port; yields its MCP URL; always stops."""
    app = mcp.http_app(path="/mcp", stateless_http=True)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test MCP server did not start")
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def run_script(*args: str, token: str | None = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MCP_TOKEN"}
    if token is not None:
        env["MCP_TOKEN"] = token
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--timeout", "20", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def endpoints() -> Iterator[tuple[str, str]]:
    with serve(gateway_server()) as gateway, serve(runtime_server()) as runtime:
        yield gateway, runtime


def test_passes_when_both_endpoints_list_tools_and_hide_the_right_ones(
    endpoints: tuple[str, str],
) -> None:
    gateway, runtime = endpoints
    out = run_script("--gateway-url", gateway, "--runtime-url", runtime)
    assert out.returncode == 0, out.stderr
    assert "ok   gateway: 2 tools, none it may not use" in out.stdout
    assert "ok   runtime: 1 tools, none it may not use" in out.stdout


def test_calls_the_named_tools_when_asked(endpoints: tuple[str, str]) -> None:
    gateway, runtime = endpoints
    out = run_script(
        "--gateway-url", gateway, "--gateway-tool", "list_contacts",
        "--runtime-url", runtime, "--runtime-tool", "list_check_accounts",
        "--runtime-args", '{"limit": 1}',
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "ok   gateway: 2 tools, accounting-api___list_contacts answered" in out.stdout
    assert "ok   runtime: 1 tools, list_check_accounts answered" in out.stdout


def test_fails_when_the_gateway_lists_tools_a_caller_without_groups_may_not_use() -> None:
    with serve(gateway_server(unfiltered=True)) as gateway:
        out = run_script("--gateway-url", gateway)
    assert out.returncode == 1
    assert "tools it may not use: accounting___create_contact, home___turn_on" in out.stderr, (
        out.stderr
    )


def test_fails_clearly_on_a_rejected_token(endpoints: tuple[str, str]) -> None:
    gateway, runtime = endpoints
    out = run_script("--gateway-url", gateway, "--runtime-url", runtime, token="wrong")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert any(line.startswith(f"FAIL gateway ({gateway})") for line in lines), out.stderr
    assert any(line.startswith(f"FAIL runtime ({runtime})") for line in lines), out.stderr
    assert "401" in out.stderr


def test_fails_when_the_tool_answers_with_an_error() -> None:
    with serve(gateway_server(failing=True)) as gateway:
        out = run_script("--gateway-url", gateway, "--gateway-tool", "list_contacts")
    assert out.returncode == 1
    assert "accounting-api___list_contacts answered with an error: The accounting API" in (
        out.stderr
    )


def test_fails_when_the_read_only_tool_is_missing(endpoints: tuple[str, str]) -> None:
    _, runtime = endpoints
    out = run_script("--runtime-url", runtime, "--runtime-tool", "list_invoices")
    assert out.returncode == 1
    assert "tool 'list_invoices' is not listed (tools: list_check_accounts)" in out.stderr


def test_refuses_to_run_without_a_token(endpoints: tuple[str, str]) -> None:
    gateway, _ = endpoints
    out = run_script("--gateway-url", gateway, token=None)
    assert out.returncode == 2
    assert "MCP_TOKEN is not set" in out.stderr


def test_fails_on_an_unreachable_endpoint() -> None:
    with serve(runtime_server()) as url:
        pass  # stopped again: nothing listens there any more
    out = run_script("--runtime-url", url)
    assert out.returncode == 1
    assert out.stderr.startswith(f"FAIL runtime ({url}):")


def _module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("smoke_test_script", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the file executes.
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_resolves_gateway_prefixed_names_and_rejects_ambiguity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smoke = _module(monkeypatch)
    assert smoke.resolve_tool("list_devices", ["home___list_devices"]) == "home___list_devices"
    assert smoke.wrongly_listed(["home___", "accounting___create_contact"], [
        "home___turn_on", "accounting___create_contact", "accounting___create_contacts",
        "accounting-api___list_contacts", "homeless___x",
    ]) == ["accounting___create_contact", "home___turn_on"]  # fmt: skip
    assert smoke.resolve_tool("list_devices", ["list_devices", "a___list_devices"]) == (
        "list_devices"
    )
    with pytest.raises(smoke.SmokeFailure, match="ambiguous"):
        smoke.resolve_tool("list_devices", ["a___list_devices", "b___list_devices"])
