"""Reading API tokens from AWS Secrets Manager, off the event loop and briefly cached."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import anyio.to_thread
from botocore.exceptions import BotoCoreError, ClientError
from cachetools import TTLCache

if TYPE_CHECKING:
    from types_boto3_secretsmanager import SecretsManagerClient


class SecretUnavailable(Exception):
    """Secrets Manager could not be asked (network, permissions); the message is safe to show."""


def token_from_secret_string(value: str) -> str | None:
    """The token in a secret: JSON ``{"api_token": "…"}`` (as ``opsctl`` stores it) or raw."""
    text = value.strip()
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        token = doc.get("api_token") if isinstance(doc, dict) else None
        return token.strip() if isinstance(token, str) and token.strip() else None
    return text or None


class SecretTokenStore:
    """API tokens by secret id; a missing secret is ``None``, not an error."""

    def __init__(self, client: SecretsManagerClient, cache_seconds: float) -> None:
        self._client = client
        # Tokens are cached briefly so a conversation's burst of tool calls costs one lookup,
        # while a token rotated with `make user-token` takes effect within minutes.
        self._cache: TTLCache[str, str] | None = (
            TTLCache(maxsize=4096, ttl=cache_seconds) if cache_seconds > 0 else None
        )

    async def token(self, secret_id: str) -> str | None:
        """The token stored under ``secret_id``, or None when there is no such secret."""
        if self._cache is not None and secret_id in self._cache:
            return self._cache[secret_id]
        value = await anyio.to_thread.run_sync(self._fetch, secret_id)
        token = token_from_secret_string(value) if value is not None else None
        # Misses are not cached: a user told to store a token should not wait for a TTL.
        if self._cache is not None and token is not None:
            self._cache[secret_id] = token
        return token

    def _fetch(self, secret_id: str) -> str | None:
        try:
            answer = self._client.get_secret_value(SecretId=secret_id)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "ResourceNotFoundException":
                return None
            raise SecretUnavailable(
                f"The token store could not be read ({code or 'error'}); try again later."
            ) from exc
        except BotoCoreError as exc:
            raise SecretUnavailable(
                "The token store could not be reached; try again later."
            ) from exc
        return answer.get("SecretString")
