"""Runtime settings, read from ``MCP_RUNTIME_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, HttpUrl, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class CredentialsMode(StrEnum):
    """Where the accounting API token for a tool call comes from."""

    STATIC = "static"
    PER_USER = "per_user"


class RuntimeSettings(BaseSettings):
    """Everything the server can be told; defaults suit the real API and AgentCore."""

    model_config = SettingsConfigDict(
        env_prefix="MCP_RUNTIME_", env_file=".env", extra="ignore", frozen=True
    )

    api_base_url: HttpUrl = Field(
        default=HttpUrl("https://my.sevdesk.de/api/v1"),
        description="Accounting API base URL, up to and including /api/v1.",
    )
    credentials_mode: CredentialsMode = Field(
        default=CredentialsMode.STATIC,
        description="static: one token for every caller (dev only); per_user: each caller's own.",
    )
    static_token: SecretStr | None = Field(
        default=None, description="static mode: the API token itself."
    )
    static_token_secret_id: str | None = Field(
        default=None,
        description="static mode: Secrets Manager secret holding the token (if no static_token).",
    )
    user_token_secret_prefix: str = Field(
        default="agentcore-mcp/user-tokens",
        description="per_user mode: a user's token lives in the secret `<prefix>/<sub>`.",
    )
    cognito_issuer: str | None = Field(
        default=None,
        description="per_user mode: issuer, https://cognito-idp.<region>.amazonaws.com/<pool id>.",
    )
    cognito_jwks_uri: str | None = Field(
        default=None,
        description="per_user mode: JWKS URL; defaults to <issuer>/.well-known/jwks.json.",
    )
    allowed_client_ids: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description=(
            "per_user mode: interactive app client ids whose access tokens name a caller "
            "(comma-separated)."
        ),
    )
    gateway_client_ids: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description=(
            "per_user mode: the Gateway's own (M2M) app client ids; only a bearer token of one "
            "of these makes the caller header count (comma-separated; empty: direct URL only)."
        ),
    )
    aws_region: str | None = Field(
        default=None, description="Region for Secrets Manager; defaults to the SDK's own lookup."
    )
    secrets_endpoint_url: str | None = Field(
        default=None, description="Secrets Manager endpoint override (local stand-ins only)."
    )
    secret_cache_seconds: float = Field(
        default=300.0, ge=0, description="How long a fetched user token is reused."
    )
    max_concurrent_requests_per_token: int = Field(
        default=4, ge=1, le=50, description="Requests in flight at once with one API token."
    )
    error_burst: int = Field(
        default=8,
        ge=2,
        le=100,
        description="Erroring answers within error_burst_window_seconds that pause a token.",
    )
    error_burst_window_seconds: float = Field(default=30.0, gt=0, le=600)
    error_pause_seconds: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="How long calls with a token are refused after an error burst.",
    )
    connect_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    read_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    max_retries: int = Field(
        default=3, ge=0, le=10, description="Extra attempts for reads on 429/503/timeouts."
    )
    retry_max_wait_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description=(
            "Cap on one wait between retries and on the wait a call accepts for its token "
            "(Retry-After); a longer one is answered at once."
        ),
    )
    log_level: str = Field(default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")

    @field_validator("allowed_client_ids", "gateway_client_ids", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @model_validator(mode="after")
    def _mode_has_what_it_needs(self) -> Self:
        if self.credentials_mode is CredentialsMode.PER_USER:
            if not self.cognito_issuer:
                raise ValueError("per_user mode needs MCP_RUNTIME_COGNITO_ISSUER")
            if not self.allowed_client_ids:
                raise ValueError("per_user mode needs MCP_RUNTIME_ALLOWED_CLIENT_IDS")
        if set(self.allowed_client_ids) & set(self.gateway_client_ids):
            raise ValueError(
                "MCP_RUNTIME_GATEWAY_CLIENT_IDS must not repeat MCP_RUNTIME_ALLOWED_CLIENT_IDS"
            )
        return self

    @property
    def jwks_uri(self) -> str:
        """The JWKS URL: explicit, or the Cognito convention under the issuer."""
        if self.cognito_jwks_uri:
            return self.cognito_jwks_uri
        if not self.cognito_issuer:
            raise ValueError("no Cognito issuer configured")
        return f"{self.cognito_issuer.rstrip('/')}/.well-known/jwks.json"

    @property
    def base_url(self) -> str:
        """The API base URL without a trailing slash, ready for joining paths."""
        return str(self.api_base_url).rstrip("/")
