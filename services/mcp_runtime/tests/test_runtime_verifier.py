"""CognitoAccessTokenVerifier (FastMCP's AWSCognitoTokenVerifier + what it lacks) against real
tokens: moto's Cognito (USER_PASSWORD_AUTH, its JWKS over moto's HTTP server) and a test pool
whose JWKS is served over HTTP. Altered tokens are re-signed with the publishing key, so only the
claim under test is wrong; each rejection starts from a token the first test shows is accepted.
"""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from typing import Any

import jwt
import pytest
from mcp_runtime.verifier import CognitoAccessTokenVerifier
from moto.utilities.utils import load_resource

REGION = "us-east-1"


@pytest.fixture(scope="module")
def pool(kit: Any) -> Any:
    """A moto user pool's user with real access and ID tokens (see conftest.MotoUser)."""
    return kit.moto_user()


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _moto_signed(claims: dict[str, Any], kid: str = "dummy") -> str:
    """Claims signed with moto's private key (the one behind its published JWKS)."""
    private = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json"))
    return jwt.encode(claims, private.key, algorithm="RS256", headers={"kid": kid})


def _verifier(pool: Any, **overrides: Any) -> CognitoAccessTokenVerifier:
    kwargs: dict[str, Any] = {
        "issuer": pool.issuer,
        "jwks_uri": pool.jwks_uri,
        "client_ids": [pool.client_id],
    }
    kwargs.update(overrides)
    return CognitoAccessTokenVerifier(**kwargs)


async def _refused(
    verifier: CognitoAccessTokenVerifier, token: str, caplog: pytest.LogCaptureFixture
) -> str:
    """Assert the token is refused; the log lines about it, which must not hold the token."""
    # FastMCP's logger has its own handler; the runtime routes it to the root (logs.py).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(logging.getLogger("fastmcp"), "propagate", True)
        caplog.set_level(logging.DEBUG)
        caplog.clear()
        assert await verifier.verify_token(token) is None
    logged = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith(("fastmcp", "mcp_runtime"))
    )
    assert token not in logged
    return logged


async def test_password_auth_access_token_is_accepted(pool: Any) -> None:
    access = await _verifier(pool).verify_token(pool.access_token)
    assert access is not None
    assert access.client_id == pool.client_id
    assert access.claims["sub"] == _claims(pool.access_token)["sub"]
    assert access.claims["username"] == pool.username
    assert access.scopes == ["aws.cognito.signin.user.admin"]
    assert access.expires_at is not None
    assert access.expires_at > time.time()


async def test_password_auth_token_with_other_issuer_is_rejected(
    pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    other = f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_SomeOtherPool"
    assert "issuer" in await _refused(_verifier(pool, issuer=other), pool.access_token, caplog)


async def test_password_auth_token_for_other_client_is_rejected(
    pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    verifier = _verifier(pool, client_ids=["someotherclientid"])
    assert "app client" in await _refused(verifier, pool.access_token, caplog)


async def test_password_auth_token_tampered_payload_is_rejected(
    pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    header, _payload, signature = pool.access_token.split(".")
    claims = {**_claims(pool.access_token), "sub": str(uuid.uuid4())}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    await _refused(_verifier(pool), f"{header}.{forged}.{signature}", caplog)


async def test_password_auth_token_expired_is_rejected(
    pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    now = int(time.time())
    expired = _moto_signed({**_claims(pool.access_token), "iat": now - 4000, "exp": now - 120})
    assert "expired" in await _refused(_verifier(pool), expired, caplog)


async def test_password_auth_token_not_yet_valid_is_rejected(
    pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    future = _moto_signed({**_claims(pool.access_token), "nbf": int(time.time()) + 600})
    assert "not valid yet" in await _refused(_verifier(pool), future, caplog)


async def test_token_issued_in_the_future_is_rejected(
    pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    now = int(time.time())
    future = _moto_signed({**_claims(pool.access_token), "iat": now + 600, "exp": now + 4000})
    assert "future" in await _refused(_verifier(pool), future, caplog)


@pytest.mark.parametrize("claim", ["exp", "iat"])
async def test_token_without_exp_or_iat_is_rejected(
    pool: Any, claim: str, caplog: pytest.LogCaptureFixture
) -> None:
    claims = _claims(pool.access_token)
    del claims[claim]
    assert claim in await _refused(_verifier(pool), _moto_signed(claims), caplog)


async def test_password_auth_id_token_is_rejected(
    pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # moto's ID token has aud=client_id and no client_id; give it one so only token_use differs.
    claims = {**_claims(pool.id_token), "client_id": pool.client_id}
    assert "not an access token" in await _refused(_verifier(pool), _moto_signed(claims), caplog)
    await _refused(_verifier(pool), pool.id_token, caplog)


async def test_token_without_client_id_is_rejected(
    pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    claims = _claims(pool.access_token)
    del claims["client_id"]
    assert "app client" in await _refused(_verifier(pool), _moto_signed(claims), caplog)


@pytest.mark.parametrize("algorithm", ["none", "HS256"])
async def test_token_with_other_algorithm_is_rejected(
    pool: Any, algorithm: str, caplog: pytest.LogCaptureFixture
) -> None:
    key = None if algorithm == "none" else "k" * 32
    claims = _claims(pool.access_token)
    token = jwt.encode(claims, key, algorithm=algorithm, headers={"kid": "dummy"})
    await _refused(_verifier(pool), token, caplog)


async def test_garbage_is_rejected_without_echo(
    pool: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await _refused(_verifier(pool), "not-a-jwt-at-all", caplog)


async def test_keys_are_cached_and_a_made_up_kid_costs_no_download(kit: Any) -> None:
    issuer = kit.new_issuer()
    verifier = CognitoAccessTokenVerifier(
        issuer=issuer.issuer, jwks_uri=issuer.jwks_uri, client_ids=[kit.interactive_client]
    )
    good = issuer.token("ada")
    assert await verifier.verify_token(good) is not None
    assert await verifier.verify_token(good) is not None
    assert issuer.jwks_fetches == 1
    made_up = issuer.sign(issuer.claims("ada"), kid="made-up-key")
    for _ in range(5):
        assert await verifier.verify_token(made_up) is None
    assert issuer.jwks_fetches == 1


async def test_a_rotated_signing_key_is_found_by_one_refetch(kit: Any) -> None:
    issuer = kit.new_issuer()
    verifier = CognitoAccessTokenVerifier(
        issuer=issuer.issuer,
        jwks_uri=issuer.jwks_uri,
        client_ids=[kit.interactive_client],
        jwks_refresh_interval=0,
    )
    assert await verifier.verify_token(issuer.token("ada")) is not None
    issuer.rotate()
    assert await verifier.verify_token(issuer.token("ada")) is not None
    assert issuer.jwks_fetches == 2


async def test_unreachable_jwks_refuses_rather_than_accepts(pool: Any) -> None:
    # Port 9 (discard) on loopback: nothing listens there, the connection is refused at once.
    verifier = _verifier(pool, jwks_uri="http://127.0.0.1:9/.well-known/jwks.json")
    assert await verifier.verify_token(pool.access_token) is None


def test_empty_client_list_or_issuer_is_refused_at_construction(pool: Any) -> None:
    with pytest.raises(ValueError, match="client_ids"):
        _verifier(pool, client_ids=[])
    with pytest.raises(ValueError, match="issuer"):
        _verifier(pool, issuer="")
