"""Bridge configuration: a TOML file, overridable by ``HOME_BRIDGE_*`` environment variables.

Secrets (the TP-Link account password) belong in the environment (systemd ``EnvironmentFile``),
not in the file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from smarthome_contract import naming


class DeviceSettings(BaseModel):
    """One device: its id (= its shadow's name), a human name, and how to reach it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1, max_length=64)
    driver: Literal["tapo", "simulated"]
    host: str = "127.0.0.1"
    # python-kasa connection parameters of a real device (see ``tapo_connector``).
    family: str = "SMART.TAPOBULB"
    encryption: Literal["KLAP", "AES"] = "KLAP"
    # Simulated driver only: where the bulb keeps its state across bridge restarts.
    state_file: Path | None = None

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return naming.check_device_id(value)


class BridgeSettings(BaseSettings):
    """Everything ``python -m home_bridge run`` needs."""

    model_config = SettingsConfigDict(
        env_prefix="HOME_BRIDGE_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    thing_name: str
    endpoint: str = Field(min_length=1, description="IoT Core ATS endpoint host, no scheme")
    port: int = Field(default=8883, gt=0, lt=65536)
    cert_file: Path
    key_file: Path
    ca_file: Path | None = None
    devices: list[DeviceSettings] = Field(min_length=1)
    tapo_username: str | None = None
    tapo_password: SecretStr | None = None
    # Ignored (a warning says so): the interval is a contract value the Lambda's "not heard"
    # threshold depends on, naming.json's presence.heartbeat_seconds (dev/test override:
    # SMARTHOME_HEARTBEAT_SECONDS). Still accepted so that older configuration files load.
    heartbeat_seconds: float | None = Field(default=None, gt=0)
    poll_seconds: float = Field(default=30.0, gt=0)
    # MQTT keep-alive: the broker declares the bridge gone (and sends its last will) after 1.5x
    # this without a packet - a frozen process or a dead network link. IoT Core raises values
    # under 30 to 30; short ones are for the local IoT Core in tests.
    keep_alive_seconds: int = Field(default=30, ge=1, le=1200)
    session_expiry_seconds: int = Field(default=3600, ge=0)
    min_reconnect_seconds: float = Field(default=1.0, gt=0)
    max_reconnect_seconds: float = Field(default=120.0, gt=0)
    operation_timeout_seconds: int = Field(default=10, gt=0)

    @field_validator("thing_name")
    @classmethod
    def _valid_thing(cls, value: str) -> str:
        return naming.check_thing_name(value)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment overrides the file (passed as init values), as systemd admins expect.
        return env_settings, init_settings

    @classmethod
    def from_file(cls, path: Path, **overrides: Any) -> BridgeSettings:
        """Read the TOML file; relative paths in it are relative to the file."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for key in ("cert_file", "key_file", "ca_file"):
            if key in data:
                data[key] = (path.parent / data[key]).resolve()
        return cls(**{**data, **overrides})
