"""Verify Cognito access tokens: RS256 against the pool's JWKS, issuer, lifetime, token use, client.

Cognito access tokens carry ``client_id`` and no ``aud``, so the audience check of generic JWT
verifiers does not apply: the allowed app clients are checked instead (the same rule as AgentCore's
``allowed_clients``). Rejections carry a short reason for logs and 401 answers, never the token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection
from typing import Any, Literal

import httpx2
import jwt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

# Cognito signs with RS256 only; pinning it closes alg=none / HS256-with-public-key confusion.
_ALGORITHM = "RS256"
# client_id is checked after token_use, so an id token is named as such rather than as incomplete.
_REQUIRED_CLAIMS = ["exp", "iat", "iss", "sub", "token_use"]


class TokenRejected(Exception):
    """The token is not acceptable; ``reason`` says why in words fit for a log line or a 401."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SigningKeysUnavailable(TokenRejected):
    """The JWKS could not be fetched or read: a server-side problem, not the caller's token."""


class CognitoClaims(BaseModel):
    """The claims of a verified Cognito access token that callers act on."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    sub: str
    client_id: str
    # Absent on client-credentials tokens: no person signed in.
    username: str | None = None
    scope: tuple[str, ...] = Field(default=())
    token_use: Literal["access"]
    exp: int
    iss: str


class CognitoJwtVerifier:
    """Verifies Cognito access tokens of one user pool; keys are cached, refetched on rotation."""

    def __init__(
        self,
        issuer: str,
        jwks_uri: str,
        allowed_client_ids: Collection[str],
        *,
        http_client: httpx2.AsyncClient | None = None,
        leeway_seconds: int = 30,
        jwks_cache_seconds: int = 3600,
        unknown_kid_refetch_seconds: int = 30,
    ) -> None:
        if not allowed_client_ids:
            # An empty list would reject everything; fail at start-up rather than on every call.
            raise ValueError("allowed_client_ids must name at least one app client")
        self._issuer = issuer
        self._jwks_uri = jwks_uri
        self._allowed = frozenset(allowed_client_ids)
        self._http = http_client
        self._owns_http = http_client is None
        self._leeway = leeway_seconds
        self._cache_seconds = jwks_cache_seconds
        # A token with a made-up kid must not turn every request into a JWKS download.
        self._refetch_seconds = unknown_kid_refetch_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        """Close the HTTP client if this verifier created it."""
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> CognitoJwtVerifier:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def verify(self, token: str) -> CognitoClaims:
        """The token's claims, or ``TokenRejected`` with the reason it is not acceptable."""
        kid = _key_id(token)
        key = await self._key(kid)
        claims = self._decode(token, key)
        if claims.get("token_use") != "access":
            raise TokenRejected(f"not an access token (token_use={claims.get('token_use')!r})")
        if "client_id" not in claims:
            raise TokenRejected("token lacks the 'client_id' claim")
        if claims["client_id"] not in self._allowed:
            raise TokenRejected("token was issued to an app client that is not allowed here")
        scope = claims.get("scope")
        try:
            return CognitoClaims.model_validate(
                {**claims, "scope": tuple(scope.split()) if isinstance(scope, str) else ()}
            )
        except ValidationError as exc:
            raise TokenRejected("token claims have unexpected types") from exc

    def _decode(self, token: str, key: jwt.PyJWK) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[_ALGORITHM],
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": _REQUIRED_CLAIMS, "verify_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenRejected("token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise TokenRejected("token is not valid yet (nbf/iat in the future)") from exc
        except jwt.InvalidIssuerError as exc:
            raise TokenRejected("token was issued by another issuer") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise TokenRejected(f"token lacks the {exc.claim!r} claim") from exc
        except jwt.InvalidSignatureError as exc:
            raise TokenRejected("token signature does not verify") from exc
        except jwt.InvalidTokenError as exc:
            raise TokenRejected("token is malformed or invalid") from exc

    async def _key(self, kid: str) -> jwt.PyJWK:
        async with self._lock:
            now = time.monotonic()
            age = None if self._fetched_at is None else now - self._fetched_at
            if age is None or age >= self._cache_seconds:
                try:
                    await self._refresh(now)
                except SigningKeysUnavailable:
                    # A JWKS outage must not lock everyone out while the cached keys still verify;
                    # the next attempt waits one refetch interval instead of stalling every call.
                    if not self._keys:
                        raise
                    self._fetched_at = now - self._cache_seconds + self._refetch_seconds
            elif kid not in self._keys and age >= self._refetch_seconds:
                # Cognito rotates keys by publishing the new one first: one refetch finds it.
                await self._refresh(now)
            key = self._keys.get(kid)
        if key is None:
            raise TokenRejected("token is signed with a key this user pool does not publish")
        return key

    async def _refresh(self, now: float) -> None:
        if self._http is None:
            self._http = httpx2.AsyncClient(timeout=httpx2.Timeout(5.0))
        try:
            response = await self._http.get(self._jwks_uri)
            response.raise_for_status()
            keyset = jwt.PyJWKSet.from_dict(response.json())
        except (httpx2.HTTPError, ValueError, jwt.PyJWTError) as exc:
            raise SigningKeysUnavailable(
                "the user pool's signing keys could not be loaded"
            ) from exc
        self._keys = {
            k.key_id: k
            for k in keyset
            if k.key_id and k.key_type == "RSA" and k.public_key_use in (None, "sig")
        }
        self._fetched_at = now


def _key_id(token: str) -> str:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as exc:
        raise TokenRejected("token is not a well-formed JWT") from exc
    if header.get("alg") != _ALGORITHM:
        raise TokenRejected(f"token algorithm must be {_ALGORITHM}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise TokenRejected("token header has no key id (kid)")
    return kid
