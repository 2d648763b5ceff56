"""Verify the caller's Cognito access token: RS256 against the pool's JWKS (cached), then the
claim rules of ``gateway_contract.tokens``.

PyJWT's ``PyJWKClient`` fetches with the standard library (no HTTP client to import at cold
start) and caches the key set; an unknown ``kid`` triggers one refetch (Cognito publishes a new
key before it signs with it).
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from gateway_contract.caller import Caller, InvalidCaller
from gateway_contract.tokens import access_token_problem

from gateway_interceptor.settings import InterceptorSettings

# Cognito signs with RS256 only; pinning it closes alg=none and HS256-with-the-public-key.
ALGORITHM = "RS256"


class TokenRefused(Exception):
    """The token is not acceptable; ``reason`` is short, safe to log, and never holds the token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class KeysUnavailable(TokenRefused):
    """The JWKS could not be fetched: our problem, not the caller's token."""


class AccessTokenVerifier:
    """One user pool's access tokens -> :class:`Caller`."""

    def __init__(self, settings: InterceptorSettings) -> None:
        self._issuer = settings.cognito_issuer
        self._allowed = frozenset(settings.allowed_client_ids)
        self._leeway = settings.jwt_leeway_seconds
        self._keys = jwt.PyJWKClient(
            settings.jwks_uri,
            cache_jwk_set=True,
            lifespan=settings.jwks_cache_seconds,
            timeout=settings.jwks_timeout_seconds,
        )

    def caller(self, token: str | None) -> Caller:
        """The verified caller of ``token``; :class:`TokenRefused` says why not."""
        if not token:
            raise TokenRefused("no bearer token")
        claims = self._claims(token)
        problem = access_token_problem(
            claims, allowed_client_ids=self._allowed, now=time.time(), leeway_s=self._leeway
        )
        if problem is not None:
            raise TokenRefused(problem)
        try:
            return Caller.from_claims(claims)
        except InvalidCaller as exc:
            raise TokenRefused("token claims do not name a caller") from exc

    def _claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise TokenRefused("token is not a well-formed JWT") from exc
        if header.get("alg") != ALGORITHM:
            raise TokenRefused(f"token algorithm must be {ALGORITHM}")
        try:
            key = self._keys.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise KeysUnavailable("the user pool's signing keys could not be loaded") from exc
        except jwt.PyJWKClientError as exc:
            raise TokenRefused(
                "token is signed with a key this user pool does not publish"
            ) from exc
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                leeway=self._leeway,
                # Cognito access tokens have no aud; allowed clients are checked instead.
                options={"require": ["exp", "iat", "iss", "sub"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenRefused("token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise TokenRefused("token is not valid yet (nbf/iat in the future)") from exc
        except jwt.InvalidIssuerError as exc:
            raise TokenRefused("token was issued by another issuer") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise TokenRefused(f"token lacks the {exc.claim!r} claim") from exc
        except jwt.InvalidSignatureError as exc:
            raise TokenRefused("token signature does not verify") from exc
        except jwt.InvalidTokenError as exc:
            raise TokenRefused("token is malformed or invalid") from exc
        return claims
