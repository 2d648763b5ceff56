"""What ``make dev`` tells people and scripts: endpoints, the demo token, a ready ``mcp.json``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ENDPOINTS_FILE = "endpoints.json"
MCP_JSON_FILE = "mcp.json"
MCP_HTTP_JSON_FILE = "mcp.http.json"
# Pinned like tools/inspector-ui/package.json, so npx there uses the locked copy.
MCP_REMOTE_VERSION = "0.15.1"


@dataclass(frozen=True)
class Endpoints:
    """Where everything listens once the stack is up."""

    runtime_url: str
    gateway_url: str
    sandbox_url: str
    broker_url: str
    iot_data_url: str
    gateway_token: str | None
    api_token: str
    thing_name: str
    logs_dir: str

    def gateway_headers(self) -> dict[str, str]:
        """The header a client sends to the gateway (none when auth is off)."""
        return {"Authorization": f"Bearer {self.gateway_token}"} if self.gateway_token else {}


def mcp_remote_config(endpoints: Endpoints) -> dict[str, Any]:
    """``mcp.json`` for Claude Desktop and other stdio-only clients, through ``mcp-remote``."""

    def server(url: str, token: str | None) -> dict[str, Any]:
        args = ["-y", f"mcp-remote@{MCP_REMOTE_VERSION}", url, "--allow-http"]
        entry: dict[str, Any] = {"command": "npx", "args": args}
        if token:
            # mcp-remote expands ${VAR} in arguments; keeps the token out of the argument list.
            args += ["--header", "Authorization:${DEVSTACK_AUTH}"]
            entry["env"] = {"DEVSTACK_AUTH": f"Bearer {token}"}
        return entry

    return {
        "mcpServers": {
            "devstack-gateway": server(endpoints.gateway_url, endpoints.gateway_token),
            "devstack-runtime": server(endpoints.runtime_url, None),
        }
    }


def mcp_http_config(endpoints: Endpoints) -> dict[str, Any]:
    """``mcp.json`` for clients that speak streamable HTTP themselves (Inspector, IDEs)."""
    gateway: dict[str, Any] = {"type": "streamable-http", "url": endpoints.gateway_url}
    if endpoints.gateway_token:
        gateway["headers"] = endpoints.gateway_headers()
    return {
        "mcpServers": {
            "devstack-gateway": gateway,
            "devstack-runtime": {"type": "streamable-http", "url": endpoints.runtime_url},
        }
    }


def write_files(state_dir: Path, endpoints: Endpoints) -> dict[str, Path]:
    """Write endpoints.json, mcp.json and mcp.http.json (0600: they hold the demo token)."""
    documents = {
        ENDPOINTS_FILE: asdict(endpoints),
        MCP_JSON_FILE: mcp_remote_config(endpoints),
        MCP_HTTP_JSON_FILE: mcp_http_config(endpoints),
    }
    written: dict[str, Path] = {}
    for name, document in documents.items():
        path = state_dir / name
        path.touch(mode=0o600)
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        written[name] = path
    return written


def summary(endpoints: Endpoints, files: dict[str, Path]) -> str:
    """The banner ``make dev`` prints once everything is healthy."""
    token = endpoints.gateway_token or "(auth off: DEVSTACK_GATEWAY_AUTH=none)"
    lines = [
        "devstack is up. Endpoints:",
        f"  runtime MCP   {endpoints.runtime_url}",
        f"  gateway MCP   {endpoints.gateway_url}",
        f"  sandbox API   {endpoints.sandbox_url}   (Authorization: {endpoints.api_token})",
        f"  MQTT broker   {endpoints.broker_url}   (mutual TLS)",
        f"  iot-data      {endpoints.iot_data_url}",
        "",
        f"Gateway demo token (Authorization: Bearer <token>):\n  {token}",
        "",
        f"mcp.json (Claude Desktop via mcp-remote), also in {files[MCP_JSON_FILE]}:",
        json.dumps(mcp_remote_config(endpoints), indent=2),
        "",
        f"Streamable-HTTP variant: {files[MCP_HTTP_JSON_FILE]}; all of it: {files[ENDPOINTS_FILE]}",
        f"Logs: {endpoints.logs_dir}/<service>.log. Ctrl-C stops everything.",
    ]
    return "\n".join(lines)
