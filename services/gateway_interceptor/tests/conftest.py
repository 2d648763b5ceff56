"""Real RS256 keys, a JWKS served over HTTP, and tokens shaped like Cognito's access tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from gateway_interceptor.settings import InterceptorSettings
from jwt.algorithms import RSAAlgorithm
from testkit.servers import ServerThread

ISSUER = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Test"
INTERACTIVE = "claude-client"
OTHER_CLIENT = "automation-client"
KID = "key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class JwksServer:
    """An ASGI app answering the key set; counts how often it was asked."""

    keys: list[dict[str, Any]] = field(default_factory=list)
    fetches: int = 0
    failing: bool = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.fetches += 1
        status, body = (
            (503, b"{}") if self.failing else (200, json.dumps({"keys": self.keys}).encode())
        )
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


@dataclass
class Issuer:
    """Signs tokens with the published key (or any other) the way Cognito shapes them."""

    key: rsa.RSAPrivateKey
    jwks: JwksServer
    url: str
    issuer: str = ISSUER
    interactive: str = INTERACTIVE
    other_client: str = OTHER_CLIENT

    @staticmethod
    def new_key() -> rsa.RSAPrivateKey:
        return new_key()

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        base: dict[str, Any] = {
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, "alice")),
            "username": "alice",
            "cognito:groups": ["home-devstack-home", "accounting-writers"],
            "client_id": INTERACTIVE,
            "token_use": "access",
            "scope": "openid email",
            "iss": ISSUER,
            "iat": now,
            "exp": now + 3600,
        }
        base.update(changes)
        return {k: v for k, v in base.items() if v is not None}

    def token(self, *, key: rsa.RSAPrivateKey | None = None, kid: str = KID, **changes: Any) -> str:
        return jwt.encode(
            self.claims(**changes), key or self.key, algorithm="RS256", headers={"kid": kid}
        )

    def hs256_with_public_key(self, **changes: Any) -> str:
        """The classic confusion attack: HMAC-signed with the public key's PEM as secret."""
        pem = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        header = {"alg": "HS256", "typ": "JWT", "kid": KID}
        signing_input = b".".join(
            _b64(json.dumps(p).encode()) for p in (header, self.claims(**changes))
        )
        signature = hmac.new(pem, signing_input, hashlib.sha256).digest()
        return (signing_input + b"." + _b64(signature)).decode()

    def unsigned(self, **changes: Any) -> str:
        return jwt.encode(self.claims(**changes), None, algorithm="none", headers={"kid": KID})


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def public_jwk(key: rsa.RSAPrivateKey, kid: str = KID) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="session")
def signing_key() -> rsa.RSAPrivateKey:
    return new_key()


@pytest.fixture
def issuer(signing_key: rsa.RSAPrivateKey) -> Iterator[Issuer]:
    jwks = JwksServer(keys=[public_jwk(signing_key)])
    with ServerThread(jwks) as server:
        yield Issuer(signing_key, jwks, f"{server.url}/.well-known/jwks.json")


@pytest.fixture
def settings(issuer: Issuer) -> InterceptorSettings:
    return InterceptorSettings(
        cognito_issuer=ISSUER, cognito_jwks_uri=issuer.url, allowed_client_ids=INTERACTIVE
    )
