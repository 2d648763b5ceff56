"""What ``make dev`` tells people and scripts: endpoints, the users' tokens, one ``mcp.json``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ENDPOINTS_FILE = "endpoints.json"
MCP_JSON_FILE = "mcp.json"
MCP_HTTP_JSON_FILE = "mcp.http.json"
SERVER_NAME = "devstack"
# Pinned like tools/inspector-ui/package.json, so npx there uses the locked copy.
MCP_REMOTE_VERSION = "0.15.1"


@dataclass(frozen=True)
class UserToken:
    """A demo user and an access token for them (valid 12 hours, same key across restarts)."""

    name: str
    sub: str
    groups: tuple[str, ...]
    token: str


@dataclass(frozen=True)
class Endpoints:
    """Where everything listens once the stack is up."""

    gateway_url: str
    runtime_url: str
    sandbox_url: str
    broker_url: str
    iot_data_url: str
    secrets_url: str
    jwks_url: str
    issuer: str
    api_token: str
    thing_name: str
    logs_dir: str
    users: tuple[UserToken, ...] = field(default=())

    @property
    def gateway_token(self) -> str:
        """The first user's token (alice: her home and accounting writes): what mcp.json uses."""
        return self.users[0].token

    def token(self, name: str) -> str:
        """The token of the demo user called ``name``."""
        return next(u.token for u in self.users if u.name == name)

    def gateway_headers(self) -> dict[str, str]:
        """The header a client sends to the gateway."""
        return {"Authorization": f"Bearer {self.gateway_token}"}


def mcp_remote_config(endpoints: Endpoints) -> dict[str, Any]:
    """``mcp.json`` for Claude Desktop and other stdio-only clients, through ``mcp-remote``:
    one entry, the gateway, which reaches every tool."""
    args = [
        "-y",
        f"mcp-remote@{MCP_REMOTE_VERSION}",
        endpoints.gateway_url,
        "--allow-http",
        # mcp-remote expands ${VAR} in arguments; keeps the token out of the argument list.
        "--header",
        "Authorization:${DEVSTACK_AUTH}",
    ]
    entry = {
        "command": "npx",
        "args": args,
        "env": {"DEVSTACK_AUTH": f"Bearer {endpoints.gateway_token}"},
    }
    return {"mcpServers": {SERVER_NAME: entry}}


def mcp_http_config(endpoints: Endpoints) -> dict[str, Any]:
    """``mcp.json`` for clients that speak streamable HTTP themselves (Inspector, IDEs)."""
    entry = {
        "type": "streamable-http",
        "url": endpoints.gateway_url,
        "headers": endpoints.gateway_headers(),
    }
    return {"mcpServers": {SERVER_NAME: entry}}


def write_files(state_dir: Path, endpoints: Endpoints) -> dict[str, Path]:
    """Write endpoints.json, mcp.json and mcp.http.json (0600: they hold tokens)."""
    documents = {
        ENDPOINTS_FILE: {**asdict(endpoints), "gateway_token": endpoints.gateway_token},
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
    lines = [
        "devstack is up. One MCP endpoint reaches every tool (smart home and accounting):",
        f"  gateway MCP   {endpoints.gateway_url}",
        "",
        "Behind it (for debugging):",
        f"  runtime MCP   {endpoints.runtime_url}   (direct path; the same user tokens work)",
        f"  sandbox API   {endpoints.sandbox_url}   (OpenAPI target key: {endpoints.api_token})",
        f"  MQTT broker   {endpoints.broker_url}   (mutual TLS)",
        f"  iot-data      {endpoints.iot_data_url}",
        f"  secrets       {endpoints.secrets_url}   (users' API tokens, moto)",
        "",
        "Users (send Authorization: Bearer <token>); any other user and groups:",
        "  python -m devstack token --user U --groups G1,G2",
    ]
    for user in endpoints.users[:2]:
        groups = ",".join(user.groups) or "(no groups)"
        lines += [f"  {user.name}  {groups}", f"    {user.token}"]
    lines += [
        f"  ... and {len(endpoints.users) - 2} readers with their own data: "
        f"{files[ENDPOINTS_FILE]}",
        "",
        f"mcp.json (Claude Desktop via mcp-remote; as alice), also in {files[MCP_JSON_FILE]}:",
        json.dumps(mcp_remote_config(endpoints), indent=2),
        "",
        f"Streamable-HTTP variant: {files[MCP_HTTP_JSON_FILE]}.",
        f"Logs: {endpoints.logs_dir}/<service>.log. A part that crashes is restarted; "
        "Ctrl-C stops everything.",
    ]
    return "\n".join(lines)
