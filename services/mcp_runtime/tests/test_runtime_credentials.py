"""Credential modes end to end over real HTTP: tokens from a pool whose JWKS is served over HTTP
(and one from moto's Cognito), Secrets Manager on moto's server, the sandbox API.

A token FastMCP's auth refuses never reaches a tool: the answer is HTTP 401 with a Bearer
challenge, as AgentCore's own authorizer answers.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import httpx2
import pytest
from fastmcp import Client
from mcp_runtime.server import create_app, create_server

LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


async def _list_contacts(url: str, bearer: str | None) -> Any:
    async with Client(url, auth=bearer) as client:
        return await client.call_tool("list_contacts", {"limit": 2}, raise_on_error=False)


def _post(url: str, bearer: str | None) -> httpx2.Response:
    headers = {"Accept": "application/json, text/event-stream"}
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    return httpx2.post(url, json=LIST, headers=headers, timeout=10)


def _assert_refused(response: httpx2.Response, token: str | None) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    if token:
        assert token not in response.text


async def test_user_with_stored_token_gets_their_data(per_user_mcp: str, kit: Any) -> None:
    name = f"u-{uuid.uuid4().hex[:8]}"
    kit.store_token(kit.issuer.sub_of(name), kit.api_token)
    result = await _list_contacts(per_user_mcp, kit.issuer.token(name))
    assert not result.is_error, _text(result)
    assert len(result.structured_content["items"]) == 2


async def test_user_whose_stored_token_is_wrong_hears_so(per_user_mcp: str, kit: Any) -> None:
    name = f"u-{uuid.uuid4().hex[:8]}"
    kit.store_token(kit.issuer.sub_of(name), "revoked-token")
    result = await _list_contacts(per_user_mcp, kit.issuer.token(name))
    assert result.is_error
    assert "rejected your credentials" in _text(result)
    assert "revoked-token" not in _text(result)


async def test_user_without_a_token_is_told_how_to_get_one(per_user_mcp: str, kit: Any) -> None:
    name = f"u-{uuid.uuid4().hex[:8]}"
    result = await _list_contacts(per_user_mcp, kit.issuer.token(name))
    assert result.is_error
    assert "make user-token" in _text(result)
    assert f"{kit.secret_prefix}/{kit.issuer.sub_of(name)}" in _text(result)


def test_missing_bearer_token_is_a_401_challenge(per_user_mcp: str) -> None:
    _assert_refused(_post(per_user_mcp, None), None)


def test_health_needs_no_token(per_user_mcp: str) -> None:
    assert httpx2.get(per_user_mcp.removesuffix("/mcp") + "/health", timeout=5).status_code == 200


def test_tampered_token_is_refused(per_user_mcp: str, kit: Any) -> None:
    header, payload, signature = kit.issuer.token("mallory").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = kit.issuer.sub_of("alice")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    token = f"{header}.{forged}.{signature}"
    _assert_refused(_post(per_user_mcp, token), token)


@pytest.mark.parametrize(
    "change",
    [
        {"client_id": "someotherclient"},
        {"token_use": "id"},
        {"exp": int(time.time()) - 60},
        {"nbf": int(time.time()) + 600},
    ],
    ids=["other-client", "id-token", "expired", "not-yet-valid"],
)
def test_unacceptable_token_is_refused(per_user_mcp: str, kit: Any, change: dict[str, Any]) -> None:
    token = kit.issuer.token("mallory", overrides=change)
    _assert_refused(_post(per_user_mcp, token), token)


def test_token_from_another_issuer_is_refused(per_user_mcp: str, kit: Any) -> None:
    token = kit.new_issuer().token("mallory")
    _assert_refused(_post(per_user_mcp, token), token)


async def test_a_real_cognito_token_from_moto_works_end_to_end(kit: Any, serve: Any) -> None:
    user = kit.moto_user()
    kit.store_token(user.sub, kit.api_token)
    settings = kit.settings(
        cognito_issuer=user.issuer,
        cognito_jwks_uri=user.jwks_uri,
        allowed_client_ids=user.client_id,
    )
    with serve(create_app(settings)) as served:
        result = await _list_contacts(f"{served.base}/mcp", user.access_token)
    assert not result.is_error, _text(result)


async def test_static_token_from_secrets_manager(kit: Any, make_settings: Any) -> None:
    name = f"{kit.secret_prefix}/_shared-{uuid.uuid4().hex[:6]}"
    kit.aws("secretsmanager").create_secret(Name=name, SecretString=kit.api_token)
    settings = make_settings(
        kit.sandbox_url,
        static_token=None,
        static_token_secret_id=name,
        aws_region="us-east-1",
        secrets_endpoint_url=kit.moto_url,
    )
    async with Client(create_server(settings)) as client:
        result = await client.call_tool("list_check_accounts", {})
    assert result.structured_content["items"]


async def test_per_user_mode_without_http_refuses_every_call(kit: Any) -> None:
    # In memory (or stdio) no bearer token can arrive: per_user never falls back to anything.
    async with Client(create_server(kit.settings())) as client:
        result = await client.call_tool("list_invoices", {}, raise_on_error=False)
    assert result.is_error
    assert "needs your sign-in" in _text(result)
