"""Local gateway settings, from ``DEVSTACK_GATEWAY_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    """What the local gateway serves and where it sends calls.

    The smart-home Lambda reads its own settings (``IOT_DATA_ENDPOINT``, ``THING_NAMES``, ...) from
    the same environment, as it does in AWS.
    """

    model_config = SettingsConfigDict(env_prefix="DEVSTACK_GATEWAY_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8100, ge=0, lt=65536)
    path: str = "/mcp"
    state_dir: Path = Path(".devstack/gateway")
    gateway_id: str = "devstack-local"
    auth: Literal["none", "jwt"] = Field(
        default="none", description="jwt: require a bearer token signed by the local key."
    )

    tools_file: Path | None = Field(
        default=None, description="The tool schema file; default: the contract's tools.json."
    )
    lambda_target: str = Field(default="home", pattern=r"^[a-zA-Z0-9-]{1,64}$")
    lambda_handler: str = Field(default="iot_lambda.handler:handler", pattern=r"^[\w.]+:\w+$")
    lambda_function_name: str = "devstack-smart-home"
    lambda_concurrency: int = Field(default=4, ge=1, le=64)
    lambda_timeout_seconds: float = Field(default=30.0, gt=0, le=900)

    openapi_file: Path | None = Field(
        default=None, description="Gateway view of the accounting API; unset: no OpenAPI target."
    )
    openapi_target: str = Field(default="accounting", pattern=r"^[a-zA-Z0-9-]{1,64}$")
    api_base_url: str = "http://127.0.0.1:8780/api/v1"
    api_key: SecretStr = SecretStr("")
    api_key_header: str = "Authorization"
    api_timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    @property
    def issuer(self) -> str:
        """The local issuer: the gateway's own origin."""
        return f"http://{self.host}:{self.port}"
