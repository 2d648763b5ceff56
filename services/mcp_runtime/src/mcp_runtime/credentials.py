"""Which accounting API token a tool call uses: one shared dev token, or the caller's own.

``per_user`` is the production mode: the caller (``identity.py``, from verified tokens only) names
the Secrets Manager secret ``<prefix>/<sub>`` that holds that user's API token.
"""

from __future__ import annotations

from typing import Protocol

from gateway_contract.caller import Caller

from mcp_runtime.token_store import SecretTokenStore, SecretUnavailable


class CredentialError(Exception):
    """No usable token for this call; the message tells the caller what to do about it."""


class Credentials(Protocol):
    """Gives the API token for a caller (``None``: static mode, no identity)."""

    async def api_token(self, caller: Caller | None) -> str: ...


class StaticCredentials:
    """Development only: every caller uses the same token."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def api_token(self, caller: Caller | None) -> str:
        return self._token


class PerUserCredentials:
    """The caller's own token, stored under their Cognito ``sub``."""

    def __init__(self, store: SecretTokenStore, secret_prefix: str) -> None:
        self._store = store
        self._prefix = secret_prefix.rstrip("/")

    async def api_token(self, caller: Caller | None) -> str:
        if caller is None:
            # Identity refuses before this; a missing caller must never fall back to anything.
            raise CredentialError("No caller identity reached the accounting server.")
        secret_id = f"{self._prefix}/{caller.sub}"
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
