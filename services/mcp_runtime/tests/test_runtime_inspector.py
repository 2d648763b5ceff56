"""The MCP Inspector CLI (npm, tools/inspector) lists and calls the tools of the HTTP server."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

INSPECTOR = Path(__file__).resolve().parents[3] / "tools" / "inspector"
CLI = INSPECTOR / "node_modules" / ".bin" / "mcp-inspector"


def _inspect(url: str, *args: str) -> dict[str, object]:
    if shutil.which("node") is None:
        pytest.skip("SKIPPED: node is not installed (the MCP Inspector needs Node.js >= 20)")
    if not CLI.exists():
        pytest.skip("SKIPPED: MCP Inspector not installed; run `make runtime-inspector-install`")
    out = subprocess.run(
        [str(CLI), "--cli", url, "--transport", "http", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=INSPECTOR,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_inspector_lists_the_tools(served_mcp: str) -> None:
    listed = _inspect(served_mcp, "--method", "tools/list")
    names = {tool["name"] for tool in listed["tools"]}  # type: ignore[attr-defined]
    assert "list_invoices" in names
    assert len(names) == 8


def test_inspector_calls_a_tool(served_mcp: str) -> None:
    called = _inspect(
        served_mcp,
        "--method",
        "tools/call",
        "--tool-name",
        "list_invoices",
        "--tool-arg",
        "status=open",
        "--tool-arg",
        "limit=2",
    )
    assert called.get("isError") in (None, False)
    text = called["content"][0]["text"]  # type: ignore[index]
    assert text.startswith("Invoices 1 to 2 of")
    assert called["structuredContent"]["limit"] == 2  # type: ignore[index]
