"""Credential modes end to end: Cognito tokens and Secrets Manager from moto's server, real HTTP."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from fastmcp import Client
from mcp_runtime.server import create_app, create_server
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
PREFIX = "agentcore-mcp/test/user-tokens"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module", autouse=True)
def fake_aws_credentials() -> Iterator[None]:
    # moto accepts any keys; these keep boto3 from looking for real ones.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        yield


def _client(service: str, moto_url: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=moto_url)


class Pool:
    """A moto user pool with an allowed client, a second (not allowed) client and users."""

    def __init__(self, moto_url: str) -> None:
        self.idp = _client("cognito-idp", moto_url)
        self.pool_id = self.idp.create_user_pool(PoolName=f"p{uuid.uuid4().hex[:8]}")["UserPool"][
            "Id"
        ]
        self.client_id = self._app_client("mcp")
        self.other_client_id = self._app_client("other")
        self.jwks_uri = f"{moto_url}/{self.pool_id}/.well-known/jwks.json"
        self.issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{self.pool_id}"

    def _app_client(self, name: str) -> str:
        return str(
            self.idp.create_user_pool_client(
                UserPoolId=self.pool_id,
                ClientName=name,
                ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
            )["UserPoolClient"]["ClientId"]
        )

    def user(self, client_id: str | None = None) -> tuple[str, str]:
        """A new user's (sub, access token)."""
        name, password = f"u{uuid.uuid4().hex[:8]}@example.com", "Passw0rd!Passw0rd"
        self.idp.admin_create_user(UserPoolId=self.pool_id, Username=name, MessageAction="SUPPRESS")
        self.idp.admin_set_user_password(
            UserPoolId=self.pool_id, Username=name, Password=password, Permanent=True
        )
        auth = self.idp.initiate_auth(
            ClientId=client_id or self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": password},
        )
        token = auth["AuthenticationResult"]["AccessToken"]
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        return claims["sub"], token


@pytest.fixture(scope="module")
def pool(moto_url: str) -> Pool:
    return Pool(moto_url)


@pytest.fixture(scope="module")
def per_user_mcp(
    moto_url: str, pool: Pool, sandbox_url: str, make_settings: Any, serve: Any
) -> Iterator[str]:
    """The HTTP app in per_user mode: Cognito JWKS and Secrets Manager on moto's server."""
    settings = make_settings(
        sandbox_url,
        static_token=None,
        credentials_mode="per_user",
        cognito_issuer=pool.issuer,
        cognito_jwks_uri=pool.jwks_uri,
        allowed_client_ids=pool.client_id,
        user_token_secret_prefix=PREFIX,
        aws_region=REGION,
        secrets_endpoint_url=moto_url,
    )
    with serve(create_app(settings)) as served:
        yield f"{served.base}/mcp"


def _store_token(moto_url: str, sub: str, token: str) -> None:
    _client("secretsmanager", moto_url).create_secret(
        Name=f"{PREFIX}/{sub}", SecretString=json.dumps({"api_token": token})
    )


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


async def _list_contacts(url: str, bearer: str | None) -> Any:
    async with Client(url, auth=bearer) as client:
        return await client.call_tool("list_contacts", {"limit": 2}, raise_on_error=False)


async def test_user_with_stored_token_gets_their_data(
    per_user_mcp: str, pool: Pool, moto_url: str, api_token: str
) -> None:
    sub, access_token = pool.user()
    _store_token(moto_url, sub, api_token)
    result = await _list_contacts(per_user_mcp, access_token)
    assert not result.is_error, _text(result)
    assert len(result.structured_content["items"]) == 2


async def test_user_whose_stored_token_is_wrong_hears_so(
    per_user_mcp: str, pool: Pool, moto_url: str
) -> None:
    sub, access_token = pool.user()
    _store_token(moto_url, sub, "revoked-token")
    result = await _list_contacts(per_user_mcp, access_token)
    assert result.is_error
    assert "rejected your credentials" in _text(result)
    assert "revoked-token" not in _text(result)


async def test_user_without_a_token_is_told_how_to_get_one(per_user_mcp: str, pool: Pool) -> None:
    sub, access_token = pool.user()
    result = await _list_contacts(per_user_mcp, access_token)
    assert result.is_error
    assert "make user-token" in _text(result)
    assert f"{PREFIX}/{sub}" in _text(result)


async def test_missing_bearer_token_is_refused(per_user_mcp: str) -> None:
    result = await _list_contacts(per_user_mcp, None)
    assert result.is_error
    assert "needs your sign-in" in _text(result)


async def test_tampered_token_is_refused(per_user_mcp: str, pool: Pool, moto_url: str) -> None:
    sub, access_token = pool.user()
    _store_token(moto_url, sub, "would-be-used")
    header, payload, signature = access_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    result = await _list_contacts(per_user_mcp, f"{header}.{forged}.{signature}")
    assert result.is_error
    assert "sign-in was not accepted" in _text(result)


async def test_token_of_another_app_client_is_refused(per_user_mcp: str, pool: Pool) -> None:
    _, access_token = pool.user(client_id=pool.other_client_id)
    result = await _list_contacts(per_user_mcp, access_token)
    assert result.is_error
    assert "sign-in was not accepted" in _text(result)


async def test_token_from_another_issuer_is_refused(
    moto_url: str, sandbox_url: str, make_settings: Any, serve: Any
) -> None:
    # Both pools sign with moto's one key, so only the issuer check tells them apart.
    this_pool, other_pool = Pool(moto_url), Pool(moto_url)
    sub, access_token = other_pool.user()
    _store_token(moto_url, sub, "would-be-used")
    settings = make_settings(
        sandbox_url,
        static_token=None,
        credentials_mode="per_user",
        cognito_issuer=this_pool.issuer,
        cognito_jwks_uri=this_pool.jwks_uri,
        allowed_client_ids=other_pool.client_id,
        user_token_secret_prefix=PREFIX,
        aws_region=REGION,
        secrets_endpoint_url=moto_url,
    )
    with serve(create_app(settings)) as served:
        result = await _list_contacts(f"{served.base}/mcp", access_token)
    assert result.is_error
    assert "sign-in was not accepted" in _text(result)


async def test_static_token_from_secrets_manager(
    moto_url: str, sandbox_url: str, make_settings: Any, api_token: str
) -> None:
    name = f"{PREFIX}/_shared-{uuid.uuid4().hex[:6]}"
    _client("secretsmanager", moto_url).create_secret(Name=name, SecretString=api_token)
    settings = make_settings(
        sandbox_url,
        static_token=None,
        static_token_secret_id=name,
        aws_region=REGION,
        secrets_endpoint_url=moto_url,
    )
    async with Client(create_server(settings)) as client:
        result = await client.call_tool("list_check_accounts", {})
    assert result.structured_content["items"]
