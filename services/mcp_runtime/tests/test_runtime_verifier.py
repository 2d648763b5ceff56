"""CognitoJwtVerifier against tokens and a JWKS served by moto's real HTTP server.

moto has no OAuth endpoints, so the tokens come from the USER_PASSWORD_AUTH API flow
("password-auth" in the test names); they are RS256 Cognito-shaped access tokens with
``client_id`` and no ``aud``.
Expired or otherwise altered tokens are re-signed with moto's own signing key, the key its JWKS
publishes, so only the claim under test is wrong.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import httpx2
import jwt
import pytest
from mcp_runtime.cognito_jwt import (
    CognitoJwtVerifier,
    SigningKeysUnavailable,
    TokenRejected,
)
from moto.server import ThreadedMotoServer
from moto.utilities.utils import load_resource

REGION = "us-east-1"
PASSWORD = "Corr3ct-Horse-Battery!"  # a throwaway password for moto's in-memory pool


@dataclass(frozen=True)
class Pool:
    endpoint: str
    pool_id: str
    client_id: str
    username: str
    access_token: str
    id_token: str

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{REGION}.amazonaws.com/{self.pool_id}"

    @property
    def jwks_uri(self) -> str:
        return f"{self.endpoint}/{self.pool_id}/.well-known/jwks.json"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pool(moto_url: str) -> Pool:
    idp = boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=moto_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool_id = idp.create_user_pool(PoolName=f"jwt-{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="runtime", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )
    client_id = client["UserPoolClient"]["ClientId"]
    username = "ada@example.com"
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
    )
    auth = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return Pool(moto_url, pool_id, client_id, username, auth["AccessToken"], auth["IdToken"])


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _moto_signed(claims: dict[str, Any], kid: str = "dummy") -> str:
    """Claims signed with moto's private key (the one behind its published JWKS)."""
    private = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json"))
    return jwt.encode(claims, private.key, algorithm="RS256", headers={"kid": kid})


def _verifier(pool: Pool, **overrides: Any) -> CognitoJwtVerifier:
    kwargs: dict[str, Any] = {
        "issuer": pool.issuer,
        "jwks_uri": pool.jwks_uri,
        "allowed_client_ids": [pool.client_id],
    }
    kwargs.update(overrides)
    return CognitoJwtVerifier(**kwargs)


async def _rejection(verifier: CognitoJwtVerifier, token: str) -> str:
    async with verifier:
        with pytest.raises(TokenRejected) as info:
            await verifier.verify(token)
    reason = info.value.reason
    assert token not in reason
    assert token not in str(info.value)
    return reason


async def test_password_auth_access_token_is_accepted(pool: Pool) -> None:
    async with _verifier(pool) as verifier:
        claims = await verifier.verify(pool.access_token)
    assert claims.client_id == pool.client_id
    assert claims.iss == pool.issuer
    assert claims.token_use == "access"
    assert claims.username == pool.username
    assert claims.sub == _claims(pool.access_token)["sub"]
    assert claims.scope == ("aws.cognito.signin.user.admin",)
    assert claims.exp > time.time()


async def test_password_auth_token_with_other_issuer_is_rejected(pool: Pool) -> None:
    other = f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_SomeOtherPool"
    reason = await _rejection(_verifier(pool, issuer=other), pool.access_token)
    assert "issuer" in reason


async def test_password_auth_token_for_other_client_is_rejected(pool: Pool) -> None:
    reason = await _rejection(
        _verifier(pool, allowed_client_ids=["someotherclientid"]), pool.access_token
    )
    assert "app client" in reason


async def test_password_auth_token_tampered_payload_is_rejected(pool: Pool) -> None:
    header, _payload, signature = pool.access_token.split(".")
    claims = {**_claims(pool.access_token), "sub": str(uuid.uuid4())}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    reason = await _rejection(_verifier(pool), f"{header}.{forged}.{signature}")
    assert "signature" in reason


async def test_password_auth_token_expired_beyond_leeway_is_rejected(pool: Pool) -> None:
    now = int(time.time())
    expired = _moto_signed({**_claims(pool.access_token), "iat": now - 4000, "exp": now - 120})
    reason = await _rejection(_verifier(pool, leeway_seconds=30), expired)
    assert "expired" in reason


async def test_password_auth_token_expired_within_leeway_is_accepted(pool: Pool) -> None:
    now = int(time.time())
    just_expired = _moto_signed({**_claims(pool.access_token), "exp": now - 5})
    async with _verifier(pool, leeway_seconds=30) as verifier:
        assert (await verifier.verify(just_expired)).exp == now - 5


async def test_password_auth_token_not_yet_valid_is_rejected(pool: Pool) -> None:
    future = _moto_signed({**_claims(pool.access_token), "nbf": int(time.time()) + 600})
    reason = await _rejection(_verifier(pool), future)
    assert "not valid yet" in reason


async def test_password_auth_id_token_is_rejected(pool: Pool) -> None:
    reason = await _rejection(_verifier(pool), pool.id_token)
    assert "not an access token" in reason


async def test_token_without_client_id_is_rejected(pool: Pool) -> None:
    claims = _claims(pool.access_token)
    del claims["client_id"]
    reason = await _rejection(_verifier(pool), _moto_signed(claims))
    assert "client_id" in reason


@pytest.mark.parametrize("algorithm", ["none", "HS256"])
async def test_token_with_other_algorithm_is_rejected(pool: Pool, algorithm: str) -> None:
    key = None if algorithm == "none" else "k" * 32
    claims = _claims(pool.access_token)
    token = jwt.encode(claims, key, algorithm=algorithm, headers={"kid": "dummy"})
    reason = await _rejection(_verifier(pool), token)
    assert "RS256" in reason


async def test_garbage_is_rejected_without_echo(pool: Pool) -> None:
    reason = await _rejection(_verifier(pool), "not-a-jwt-at-all")
    assert "well-formed" in reason


async def test_keys_are_cached_and_unknown_kid_refetches_once(pool: Pool) -> None:
    fetches: list[str] = []

    async def count(request: httpx2.Request) -> None:
        fetches.append(str(request.url))

    async with httpx2.AsyncClient(event_hooks={"request": [count]}) as http:
        verifier = _verifier(pool, http_client=http, unknown_kid_refetch_seconds=0)
        await verifier.verify(pool.access_token)
        await verifier.verify(pool.access_token)
        assert fetches == [pool.jwks_uri]

        rotated = _moto_signed(_claims(pool.access_token), kid="rotated-key")
        with pytest.raises(TokenRejected, match="does not publish"):
            await verifier.verify(rotated)
        assert len(fetches) == 2

        # Inside the refetch window an unknown kid is refused from the cache, without a download.
        guarded = _verifier(pool, http_client=http, unknown_kid_refetch_seconds=3600)
        await guarded.verify(pool.access_token)
        with pytest.raises(TokenRejected, match="does not publish"):
            await guarded.verify(rotated)
        assert len(fetches) == 3
        assert not http.is_closed  # a borrowed client is left to its owner


async def test_unreachable_jwks_is_reported_as_server_side(pool: Pool) -> None:
    # Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
    verifier = _verifier(pool, jwks_uri="http://127.0.0.1:9/.well-known/jwks.json")
    async with verifier:
        with pytest.raises(SigningKeysUnavailable):
            await verifier.verify(pool.access_token)


def test_empty_allowed_client_list_is_refused_at_construction(pool: Pool) -> None:
    with pytest.raises(ValueError, match="allowed_client_ids"):
        _verifier(pool, allowed_client_ids=[])
