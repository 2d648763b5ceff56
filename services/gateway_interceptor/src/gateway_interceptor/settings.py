"""Interceptor configuration, from the environment Terraform (or the local gateway) sets."""

from __future__ import annotations

from typing import Annotated

from gateway_contract.rules import accounting_write_tools, rules
from gateway_contract.tokens import DEFAULT_LEEWAY_S
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[tuple[str, ...], NoDecode]


def _targets_home() -> tuple[str, ...]:
    return (rules().targets.home,)


def _targets_runtime() -> tuple[str, ...]:
    return (rules().targets.accounting,)


class InterceptorSettings(BaseSettings):
    """``COGNITO_ISSUER``, ``ALLOWED_CLIENT_IDS`` and the target and tool lists (contract C3)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    cognito_issuer: str = Field(
        min_length=1, description="https://cognito-idp.<region>.amazonaws.com/<pool id>"
    )
    cognito_jwks_uri: str | None = Field(
        default=None, description="JWKS URL; default <issuer>/.well-known/jwks.json."
    )
    allowed_client_ids: CommaList = Field(
        min_length=1, description="App clients whose access tokens count (interactive clients)."
    )
    home_targets: CommaList = Field(default_factory=_targets_home)
    runtime_targets: CommaList = Field(default_factory=_targets_runtime)
    write_tools: CommaList = Field(
        default_factory=accounting_write_tools,
        description="Full tool names that need the accounting-writers group.",
    )
    jwt_leeway_seconds: float = Field(default=DEFAULT_LEEWAY_S, ge=0, le=300)
    jwks_timeout_seconds: float = Field(default=5.0, gt=0, le=30)
    jwks_cache_seconds: int = Field(default=3600, ge=60)

    @field_validator(
        "allowed_client_ids", "home_targets", "runtime_targets", "write_tools", mode="before"
    )
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def jwks_uri(self) -> str:
        """The JWKS URL: explicit, or Cognito's convention under the issuer."""
        return self.cognito_jwks_uri or f"{self.cognito_issuer.rstrip('/')}/.well-known/jwks.json"
