"""``make dev`` settings: ports, state directory, demo credentials (``DEVSTACK_*`` variables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

Port = int


class StackSettings(BaseSettings):
    """Everything ``python -m devstack up`` can be told. A port of 0 means "pick a free one"."""

    model_config = SettingsConfigDict(env_prefix="DEVSTACK_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    state_dir: Path = Path(".devstack")
    repo_root: Path = Field(
        default=Path(), description="Where openapi/ lives (make runs at the root)."
    )

    runtime_port: Port = Field(default=8000, ge=0, lt=65536)
    gateway_port: Port = Field(default=8100, ge=0, lt=65536)
    sandbox_port: Port = Field(default=8780, ge=0, lt=65536)
    mqtt_port: Port = Field(default=8883, ge=0, lt=65536)
    iot_rest_port: Port = Field(default=8790, ge=0, lt=65536)

    api_token: SecretStr = Field(
        default=SecretStr("devstack-demo-token"),
        description=(
            "The sandbox's default-organisation token: the OpenAPI target's one organisation key. "
            "Each demo user has their own (devstack.supervisor.users); local demo data only."
        ),
    )
    openapi_target: bool = Field(
        default=True, description="Serve the optional accounting-api OpenAPI target (C2)."
    )
    secret_prefix: str = Field(
        default="devstack/accounting-tokens",
        description="Where the runtime finds a user's API token: <prefix>/<sub>.",
    )

    thing_name: str = "devstack-home"
    bulb_id: str = "living-room"
    bulb_name: str = "Living room"
    # A real TAPO bulb instead of the simulated one: set all three.
    bulb_host: str | None = None
    tapo_username: str | None = None
    tapo_password: SecretStr | None = None
    # Extra devices on the bridge that point at a host where no bulb answers (fault tests).
    unreachable_devices: tuple[str, ...] = ()

    heartbeat_seconds: float = Field(default=15.0, gt=0)
    poll_seconds: float = Field(default=5.0, gt=0)
    command_wait_seconds: float = Field(default=8.0, ge=0, le=60)
    lambda_concurrency: int = Field(default=4, ge=1, le=64)
    start_timeout_seconds: float = Field(default=90.0, gt=0)

    restart_delay_seconds: float = Field(default=0.5, gt=0, le=60)
    restart_max_delay_seconds: float = Field(default=10.0, gt=0, le=300)
    fast_crash_seconds: float = Field(
        default=10.0, gt=0, description="A crash this soon after a (re)start counts as fast."
    )
    max_fast_crashes: int = Field(
        default=5, ge=1, description="Fast crashes in a row after which the stack gives up."
    )

    @classmethod
    def on_free_ports(cls, state_dir: Path, repo_root: Path, **settings: Any) -> StackSettings:
        """Every port picked free (tests and benchmarks beside a running ``make dev``)."""
        free: dict[str, Any] = {f"{name}_port": 0 for name in PORT_ENV_VARS}
        return cls(state_dir=state_dir, repo_root=repo_root, **free, **settings)

    @property
    def real_bulb(self) -> bool:
        """True when a real bulb's address and account are configured."""
        return bool(self.bulb_host and self.tapo_username and self.tapo_password)

    @property
    def openapi_file(self) -> Path:
        """The Gateway view of the accounting API (what the cloud OpenAPI target gets)."""
        return (self.repo_root / "openapi" / "accounting.gateway.json").resolve()

    @property
    def gateway_state_dir(self) -> Path:
        """Where the local user pool's signing key lives (``python -m devstack token`` too)."""
        return self.state_dir / "gateway"


PORT_ENV_VARS: dict[str, str] = {
    "runtime": "DEVSTACK_RUNTIME_PORT",
    "gateway": "DEVSTACK_GATEWAY_PORT",
    "sandbox": "DEVSTACK_SANDBOX_PORT",
    "mqtt": "DEVSTACK_MQTT_PORT",
    "iot_rest": "DEVSTACK_IOT_REST_PORT",
}
