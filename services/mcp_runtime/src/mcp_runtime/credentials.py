"""Which accounting API token a tool call uses: one shared dev token, or the caller's own.

``per_user`` is the production mode: AgentCore has already checked the caller's Cognito access
token; we check it again (defence in depth: the container must not trust a header blindly) and its
``sub`` names the Secrets Manager secret ``<prefix>/<sub>`` that holds that user's API token.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from mcp_runtime.callinfo import current_call
from mcp_runtime.token_store import SecretTokenStore, SecretUnavailable

log = logging.getLogger(__name__)


class CredentialError(Exception):
    """No usable token for this call; the message tells the caller what to do about it."""


class HasSubject(Protocol):
    """What the resolver needs from verified claims."""

    @property
    def sub(self) -> str: ...


class TokenVerifier(Protocol):
    """Checks an access token (signature, issuer, expiry, client) and returns its claims."""

    async def verify(self, token: str) -> HasSubject: ...


class CredentialResolver(Protocol):
    """Gives the API token for the current call, from the request's headers."""

    async def api_token(self, headers: Mapping[str, str]) -> str: ...


class StaticCredentials:
    """Development only: every caller uses the same token."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def api_token(self, headers: Mapping[str, str]) -> str:
        return self._token


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The JWT from ``Authorization: Bearer …`` (header names are lower-case here)."""
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class PerUserCredentials:
    """The caller's own token, found through the ``sub`` of their verified access token."""

    def __init__(
        self,
        verifier: TokenVerifier,
        store: SecretTokenStore,
        secret_prefix: str,
        *,
        verify_errors: tuple[type[Exception], ...],
        unavailable_errors: tuple[type[Exception], ...] = (),
    ) -> None:
        self._verifier = verifier
        self._store = store
        self._prefix = secret_prefix.rstrip("/")
        self._verify_errors = verify_errors
        self._unavailable_errors = unavailable_errors

    async def api_token(self, headers: Mapping[str, str]) -> str:
        jwt = bearer_token(headers)
        if jwt is None:
            raise CredentialError(
                "This server needs your sign-in: no bearer token reached it. Connect through "
                "the AgentCore endpoint with your Cognito login (stdio mode supports static "
                "tokens only)."
            )
        try:
            claims = await self._verifier.verify(jwt)
        except self._unavailable_errors as exc:
            log.warning("access token could not be checked: %s", exc)
            raise CredentialError(
                "Your sign-in could not be checked right now (the user pool's keys are "
                "unreachable); try again in a minute."
            ) from exc
        except self._verify_errors as exc:
            log.info("access token refused: %s", exc)
            raise CredentialError(
                "Your sign-in was not accepted (expired or not issued for this server); "
                "sign in again and retry."
            ) from exc
        current_call().subject = claims.sub
        secret_id = f"{self._prefix}/{claims.sub}"
        try:
            token = await self._store.token(secret_id)
        except SecretUnavailable as exc:
            raise CredentialError(str(exc)) from exc
        if token is None:
            raise CredentialError(
                "No accounting API token is stored for your account yet. Create one in the "
                "accounting app (Settings → Users → API token) and ask an administrator to run "
                f"`make user-token EMAIL=<your e-mail> ENV=<env>` (it stores it as {secret_id})."
            )
        return token
