"""Cognito access-token verification: FastMCP's verifier, plus the checks it does not make.

``fastmcp.server.auth.providers.aws.AWSCognitoTokenVerifier`` (a ``JWTVerifier``) already checks
the RS256 signature against the pool's JWKS (cached, refetched for an unknown ``kid``), pins the
algorithm (so ``alg: none`` and HS256-with-the-public-key fail), the issuer, ``exp`` when present,
and ``client_id`` against its ``audience`` list (Cognito access tokens carry ``client_id`` and no
``aud``). It does not require ``exp`` or ``iat``, ignores ``nbf`` and accepts ID tokens; this
subclass adds exactly that. A refused token is ``None`` (FastMCP answers 401); the reason goes to
the log, never the token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping
from typing import Any

from fastmcp.server.auth import AccessToken
from fastmcp.server.auth.providers.aws import AWSCognitoTokenVerifier

log = logging.getLogger(__name__)

# Allowed clock difference for iat/nbf in the future; exp gets none (FastMCP's own check).
CLOCK_SKEW_SECONDS = 30


class CognitoAccessTokenVerifier(AWSCognitoTokenVerifier):
    """Accepts access tokens of one user pool issued to one of ``client_ids``."""

    def __init__(
        self,
        *,
        issuer: str,
        jwks_uri: str,
        client_ids: Collection[str],
        clock_skew_seconds: int = CLOCK_SKEW_SECONDS,
        jwks_refresh_interval: float = 30.0,
    ) -> None:
        if not issuer:
            raise ValueError("issuer is required: without it any pool's tokens would pass")
        if not client_ids:
            # FastMCP skips the client_id check for an empty audience: refuse that here.
            raise ValueError("client_ids must name at least one app client")
        super().__init__(
            issuer=issuer,
            jwks_uri=jwks_uri,
            audience=sorted(client_ids),
            algorithm="RS256",
            # A made-up kid refetches the JWKS at most this often (key rotation needs one).
            jwks_refresh_interval=jwks_refresh_interval,
        )
        self.client_ids = frozenset(client_ids)
        self._skew = clock_skew_seconds

    async def load_access_token(self, token: str) -> AccessToken | None:
        """FastMCP's checks, then ours on the full claims (before Cognito's claim filtering)."""
        access = await super().load_access_token(token)
        if access is None:
            return None
        reason = claims_problem(access.claims, self.client_ids, time.time(), self._skew)
        if reason is not None:
            log.info("access token refused: %s", reason)
            return None
        return access


def claims_problem(
    claims: Mapping[str, Any], client_ids: Collection[str], now: float, skew: float
) -> str | None:
    """Why verified claims are not an acceptable Cognito access token, or None when they are."""
    if claims.get("token_use") != "access":
        return f"not an access token (token_use={claims.get('token_use')!r})"
    for name in ("exp", "iat"):
        if not _is_number(claims.get(name)):
            return f"token lacks the {name!r} claim"
    if claims["iat"] > now + skew:
        return "token was issued in the future"
    nbf = claims.get("nbf")
    if nbf is not None and (not _is_number(nbf) or nbf > now + skew):
        return "token is not valid yet (nbf)"
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        return "token lacks the 'sub' claim"
    if claims.get("client_id") not in client_ids:
        return "token was issued to an app client that is not allowed here"
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
