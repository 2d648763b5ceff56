"""Settings of ``python -m devstack.iot_core``: command-line flags, or ``DEVSTACK_IOT_CORE_*``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class IotCoreSettings(BaseSettings):
    """Where the local IoT Core keeps its state and which ports it serves."""

    model_config = SettingsConfigDict(
        env_prefix="DEVSTACK_IOT_CORE_",
        cli_kebab_case=True,
        cli_prog_name="python -m devstack.iot_core",
        cli_implicit_flags=True,
    )

    state_dir: Path = Field(
        default=Path(".devstack/iot_core"), description="CA, certificates, broker files, shadows"
    )
    host: str = Field(default="127.0.0.1", description="interface for MQTT and REST")
    mqtt_port: int = Field(
        default=8883, ge=0, le=65535, description="MQTT mutual-TLS port (0: any)"
    )
    rest_port: int = Field(default=8443, ge=0, le=65535, description="iot-data REST port (0: any)")
    thing: list[str] = Field(
        default_factory=list, description="issue a certificate for this thing at start (repeatable)"
    )
    persist_shadows: bool = Field(
        default=True, description="keep shadows in <state-dir>/shadows.json"
    )
