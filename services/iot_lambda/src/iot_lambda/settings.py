"""Lambda configuration, read from the environment Terraform (or the devstack) sets."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class LambdaSettings(BaseSettings):
    """``IOT_DATA_ENDPOINT``, ``THING_NAMES``, ``COMMAND_WAIT_SECONDS`` and poll tuning."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    # https://<id>-ats.iot.<region>.amazonaws.com in AWS; the local IoT Core's REST URL locally.
    iot_data_endpoint: str = Field(min_length=1)
    thing_names: Annotated[tuple[str, ...], NoDecode] = Field(min_length=1)
    # How long a command waits for the bridge to confirm; keep well inside the Lambda timeout.
    command_wait_seconds: float = Field(default=8.0, ge=0, le=60)
    first_poll_seconds: float = Field(default=0.1, gt=0, le=5)
    max_poll_seconds: float = Field(default=1.0, gt=0, le=10)

    @field_validator("thing_names", mode="before")
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value
