"""Settings of the sandbox CLI, from flags or SANDBOX_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SandboxSettings(BaseSettings):
    """SANDBOX_API_TOKENS is comma-separated, each ``token`` or ``token=organisation``
    (``tokA=org-a,tokB=org-b``); flags given on the command line win."""

    model_config = SettingsConfigDict(env_prefix="SANDBOX_")

    host: str = "127.0.0.1"
    port: int = 8780
    db: Path = Path(".devstack/sandbox.db")
    api_tokens: Annotated[list[str], NoDecode] = []
    faults: bool = False

    @field_validator("api_tokens", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [token.strip() for token in value.split(",") if token.strip()]
        return value
