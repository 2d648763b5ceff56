"""scripts/print_outputs.py, run as the CLI on a recorded `terraform output -json` of dev."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "print_outputs.py"
RECORDED = Path(__file__).parent / "fixtures" / "outputs.dev.json"
SECRETS = (
    "claude-secret-1a2b3c",
    "desktop-secret-4d5e6f",
    "langdock-secret-7a8b9c",
    "m2m-secret-0e0f0a",
)


def run(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def recorded() -> dict[str, Any]:
    return json.loads(RECORDED.read_text())


def mcp_json_of(text: str) -> dict[str, Any]:
    """The JSON document printed under the mcp.json heading."""
    section = text[text.index("mcp.json (Claude Desktop, Kiro)") :]
    doc, _ = json.JSONDecoder().raw_decode(section[section.index("{") :])
    return doc


def test_prints_both_mcp_urls_and_hides_secrets_by_default() -> None:
    result = run(RECORDED.read_text(), "--env", "dev")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    outputs = recorded()
    assert outputs["gateway_url"]["value"] in out
    assert outputs["runtime_invocation_url"]["value"] in out
    for secret in SECRETS:
        assert secret not in out
    assert "<hidden: make outputs ENV=dev SHOW_SECRETS=1>" in out


def test_claude_connector_fields_use_the_claude_client() -> None:
    out = run(RECORDED.read_text(), "--env", "dev", "--show-secrets").stdout
    claude = out[out.index("Claude: Settings > Connectors") : out.index("Langdock:")]

    assert claude.count("OAuth Client ID: 4claudeclientid0000000000a") == 2  # gateway and runtime
    assert "OAuth Client Secret: claude-secret-1a2b3c" in claude
    assert "desktop-secret" not in claude
    assert "langdock-secret" not in claude


def test_langdock_advanced_oauth_fields() -> None:
    out = run(RECORDED.read_text(), "--env", "dev", "--show-secrets").stdout
    langdock = out[out.index("Langdock:") : out.index("mcp.json (Claude Desktop")]

    assert "Client ID: 4langdockclientid00000000c" in langdock
    assert "Client Secret: langdock-secret-7a8b9c" in langdock
    assert (
        "Authorization URL: https://acme-mcp-dev.auth.eu-central-1.amazoncognito.com/oauth2/authorize"
        in langdock
    )
    assert (
        "Token URL: https://acme-mcp-dev.auth.eu-central-1.amazoncognito.com/oauth2/token"
        in langdock
    )
    assert "Scopes: openid email phone profile" in langdock


def test_mcp_json_bridges_each_endpoint_through_mcp_remote() -> None:
    out = run(RECORDED.read_text(), "--env", "dev", "--show-secrets").stdout
    servers = mcp_json_of(out)["mcpServers"]

    assert set(servers) == {"agentcore-gateway-dev", "agentcore-runtime-dev"}
    gateway = servers["agentcore-gateway-dev"]
    assert gateway["command"] == "npx"
    args = gateway["args"]
    assert args[:4] == ["-y", "mcp-remote", recorded()["gateway_url"]["value"], "3334"]
    runtime_args = servers["agentcore-runtime-dev"]["args"]
    assert runtime_args[2:4] == [recorded()["runtime_invocation_url"]["value"], "3335"]
    info = json.loads(args[args.index("--static-oauth-client-info") + 1])
    assert info == {
        "client_id": "4desktopclientid000000000b",
        "client_secret": "desktop-secret-4d5e6f",
    }
    metadata = json.loads(args[args.index("--static-oauth-client-metadata") + 1])
    assert metadata == {"scope": "openid email phone profile"}


def test_mcp_json_without_secrets_is_still_valid_json_with_a_placeholder() -> None:
    out = run(RECORDED.read_text(), "--env", "dev").stdout
    args = mcp_json_of(out)["mcpServers"]["agentcore-runtime-dev"]["args"]
    info = json.loads(args[args.index("--static-oauth-client-info") + 1])

    assert info["client_secret"].startswith("<hidden:")


def test_without_langdock_client_says_how_to_add_it() -> None:
    outputs = recorded()
    del outputs["cognito_client_ids"]["value"]["langdock"]

    out = run(json.dumps(outputs), "--env", "dev").stdout

    assert "No `langdock` Cognito client yet" in out
    assert "langdock_callback_urls" in out


def test_reads_a_file_argument() -> None:
    result = run("", "--env", "prod", "--file", str(RECORDED))

    assert result.returncode == 0, result.stderr
    assert "agentcore-gateway-prod" in result.stdout


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("not json", "not JSON"),
        ("{}", "no outputs"),
        ('{"gateway_url": {"value": null}}', "`gateway_url` is missing"),
    ],
)
def test_bad_input_fails_with_a_clear_message(stdin: str, message: str) -> None:
    result = run(stdin, "--env", "dev")

    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
