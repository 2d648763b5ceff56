#!/usr/bin/env python3
"""Turn `terraform output -json` of an env root into ready-to-paste client settings.

    terraform -chdir=terraform/envs/dev output -json | scripts/print_outputs.py --env dev

Prints the Gateway and Runtime MCP URLs, then the fields of a Claude custom connector, of a
Langdock "Advanced OAuth" integration, and an `mcp.json` (Claude Desktop, Kiro) that bridges
through `mcp-remote`. Client secrets stay hidden unless --show-secrets is given.
Standard library only: it runs before `make bootstrap`, wherever Terraform and Python 3.11 are.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

# Claude requests these scopes, and the identity module allows exactly them on interactive clients.
INTERACTIVE_SCOPES = "openid email phone profile"
# mcp-remote's OAuth callback port per endpoint (its default is 3334). Two bridges running at once
# need two ports; the env roots register http://localhost:<port>/oauth/callback for both.
MCP_REMOTE_PORTS = {"gateway": 3334, "runtime": 3335}


class OutputsError(Exception):
    """The input is not what `terraform output -json` of an env root produces."""


@dataclass(frozen=True)
class Endpoint:
    """One MCP server a client can add."""

    key: str
    title: str
    url: str


@dataclass(frozen=True)
class Settings:
    """The values the printed sections need, read from the env root's outputs."""

    env: str
    endpoints: tuple[Endpoint, ...]
    authorize_endpoint: str
    token_endpoint: str
    client_ids: Mapping[str, str]
    client_secrets: Mapping[str, str] | None


def parse_outputs(text: str) -> dict[str, Any]:
    """Output name -> value from `terraform output -json` (each output is {"value": ...})."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OutputsError(f"not JSON ({exc.msg}); pipe `terraform output -json` in") from exc
    if not isinstance(raw, dict):
        raise OutputsError("expected a JSON object of outputs")
    if not raw:
        raise OutputsError("no outputs: has this environment been applied yet?")
    return {
        name: body.get("value") if isinstance(body, dict) else body for name, body in raw.items()
    }


def _require(outputs: Mapping[str, Any], name: str) -> Any:
    value = outputs.get(name)
    if value is None:
        raise OutputsError(f"output `{name}` is missing or null")
    return value


def read_settings(outputs: Mapping[str, Any], env: str, show_secrets: bool) -> Settings:
    """Pick the outputs the sections use; secrets only when asked for."""
    endpoints = [
        Endpoint(
            "gateway",
            "The one MCP URL, AgentCore Gateway (home___* and accounting___* tools)",
            _require(outputs, "gateway_url"),
        )
    ]
    runtime_url = outputs.get("runtime_invocation_url")
    if runtime_url:
        endpoints.append(
            Endpoint("runtime", "Accounting runtime, direct (Claude Desktop)", runtime_url)
        )
    secrets = outputs.get("cognito_client_secrets") if show_secrets else None
    return Settings(
        env=env,
        endpoints=tuple(endpoints),
        authorize_endpoint=_require(outputs, "cognito_authorize_endpoint"),
        token_endpoint=_require(outputs, "cognito_token_endpoint"),
        client_ids=_require(outputs, "cognito_client_ids"),
        client_secrets=secrets,
    )


def _secret(settings: Settings, client: str) -> str:
    if settings.client_secrets is None:
        return f"<hidden: make outputs ENV={settings.env} SHOW_SECRETS=1>"
    secret = settings.client_secrets.get(client)
    return secret if secret else f"<no secret for client '{client}'>"


def _heading(title: str) -> list[str]:
    return ["", title, "=" * len(title)]


def render_endpoints(settings: Settings) -> list[str]:
    lines = _heading(f"MCP endpoints ({settings.env})")
    lines += [f"{e.title}: {e.url}" for e in settings.endpoints]
    return lines


def render_claude(settings: Settings) -> list[str]:
    lines = _heading("Claude: Settings > Connectors > Add custom connector")
    client_id = settings.client_ids.get("claude")
    if client_id is None:
        return [*lines, "No `claude` Cognito client in this environment."]
    for e in settings.endpoints:
        lines += [
            f"- Name: agentcore-{e.key}-{settings.env}",
            f"  Remote MCP server URL: {e.url}",
            "  Advanced settings:",
            f"    OAuth Client ID: {client_id}",
            f"    OAuth Client Secret: {_secret(settings, 'claude')}",
        ]
    return lines


def render_langdock(settings: Settings) -> list[str]:
    lines = _heading("Langdock: Integrations > MCP > Advanced OAuth")
    client_id = settings.client_ids.get("langdock")
    if client_id is None:
        return [
            *lines,
            "No `langdock` Cognito client yet. Create the integration in Langdock, copy",
            "its callback URL into langdock_callback_urls (terraform.tfvars), plan and apply.",
        ]
    for e in settings.endpoints:
        lines += [
            f"- Server URL: {e.url}  (transport: Streamable HTTP)",
            f"  Client ID: {client_id}",
            f"  Client Secret: {_secret(settings, 'langdock')}",
            f"  Authorization URL: {settings.authorize_endpoint}",
            f"  Token URL: {settings.token_endpoint}",
            f"  Scopes: {INTERACTIVE_SCOPES}",
        ]
    return lines


def mcp_json(settings: Settings) -> dict[str, Any]:
    """An mcp.json (Claude Desktop, Kiro) that reaches each endpoint through `mcp-remote`."""
    client_id = settings.client_ids["desktop"]
    client_info = json.dumps(
        {"client_id": client_id, "client_secret": _secret(settings, "desktop")},
        separators=(",", ":"),
    )
    metadata = json.dumps({"scope": INTERACTIVE_SCOPES}, separators=(",", ":"))
    servers = {
        f"agentcore-{e.key}-{settings.env}": {
            "command": "npx",
            "args": [
                "-y",
                "mcp-remote",
                e.url,
                str(MCP_REMOTE_PORTS[e.key]),
                "--static-oauth-client-info",
                client_info,
                "--static-oauth-client-metadata",
                metadata,
            ],
        }
        for e in settings.endpoints
    }
    return {"mcpServers": servers}


def render_mcp_json(settings: Settings) -> list[str]:
    lines = _heading("mcp.json (Claude Desktop, Kiro) via mcp-remote")
    if "desktop" not in settings.client_ids:
        return [*lines, "No `desktop` Cognito client in this environment."]
    lines.append(
        "Needs Node 18+. The `desktop` Cognito client accepts the callbacks "
        + ", ".join(f"http://localhost:{p}/oauth/callback" for p in MCP_REMOTE_PORTS.values())
        + "."
    )
    return [*lines, json.dumps(mcp_json(settings), indent=2)]


def render(settings: Settings) -> str:
    lines = [
        *render_endpoints(settings),
        *render_claude(settings),
        *render_langdock(settings),
        *render_mcp_json(settings),
    ]
    if settings.client_secrets is None:
        lines += [
            "",
            f"Secrets are hidden. `make outputs ENV={settings.env} SHOW_SECRETS=1` prints them;",
            f"they live in the state: terraform -chdir=terraform/envs/{settings.env} output -json"
            " cognito_client_secrets",
        ]
    return "\n".join(lines).lstrip("\n") + "\n"


def main(
    argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--env", required=True, help="environment name, for labels and hints")
    parser.add_argument("--show-secrets", action="store_true", help="print OAuth client secrets")
    parser.add_argument("--file", help="read this file instead of standard input")
    args = parser.parse_args(argv)
    source = stdin or sys.stdin
    out = stdout or sys.stdout
    try:
        text = Path(args.file).read_text(encoding="utf-8") if args.file else source.read()
        settings = read_settings(parse_outputs(text), args.env, args.show_secrets)
    except (OutputsError, OSError) as exc:
        print(f"print_outputs: {exc}", file=sys.stderr)
        return 2
    out.write(render(settings))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
