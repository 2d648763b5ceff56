"""Local gateway settings, from ``DEVSTACK_GATEWAY_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from gateway_contract.rules import rules
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from devstack.gateway.auth import GATEWAY_CLIENT_ID, INTERACTIVE_CLIENT_ID, ISSUER

TARGET_NAME = r"^([0-9a-zA-Z][-]?){1,100}$"


class GatewaySettings(BaseSettings):
    """What the local gateway serves and where it sends calls.

    The smart-home Lambda reads its own settings (``IOT_DATA_ENDPOINT``, ``THING_NAMES``, ...) from
    the same environment, as it does in AWS; the interceptor gets its environment from these
    settings (as Terraform derives it from the pool and the targets).
    """

    model_config = SettingsConfigDict(env_prefix="DEVSTACK_GATEWAY_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8100, ge=0, lt=65536)
    path: str = "/mcp"
    state_dir: Path = Path(".devstack/gateway")
    gateway_id: str = "devstack-local"

    issuer: str = Field(default=ISSUER, description="The local user pool's issuer name.")
    allowed_client_ids: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(INTERACTIVE_CLIENT_ID,),
        description="Interactive app clients whose access tokens the gateway accepts.",
    )
    client_id: str = Field(
        default=GATEWAY_CLIENT_ID, description="The gateway's own M2M client (to the runtime)."
    )

    tools_file: Path | None = Field(
        default=None, description="The tool schema file; default: the contract's tools.json."
    )
    lambda_target: str = Field(default=rules().targets.home, pattern=TARGET_NAME)
    lambda_handler: str = Field(default="iot_lambda.handler:handler", pattern=r"^[\w.]+:\w+$")
    lambda_function_name: str = "devstack-smart-home"
    lambda_concurrency: int = Field(default=4, ge=1, le=64)
    lambda_timeout_seconds: float = Field(default=30.0, gt=0, le=900)

    interceptor_handler: str = Field(
        default="gateway_interceptor.handler:handler", pattern=r"^[\w.]+:\w+$"
    )
    interceptor_function_name: str = "devstack-gateway-interceptor"
    interceptor_concurrency: int = Field(default=4, ge=1, le=64)
    interceptor_timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    runtime_url: str | None = Field(
        default=None, description="The runtime's MCP endpoint; unset: no runtime target."
    )
    runtime_target: str = Field(default=rules().targets.accounting, pattern=TARGET_NAME)
    runtime_timeout_seconds: float = Field(default=60.0, gt=0, le=900)

    openapi_file: Path | None = Field(
        default=None, description="Gateway view of the accounting API; unset: no OpenAPI target."
    )
    openapi_target: str = Field(default=rules().targets.accounting_api, pattern=TARGET_NAME)
    api_base_url: str = "http://127.0.0.1:8780/api/v1"
    api_key: SecretStr = SecretStr("")
    api_key_header: str = "Authorization"
    api_timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    @field_validator("allowed_client_ids", mode="before")
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def base_url(self) -> str:
        """Where the gateway listens."""
        return f"http://{self.host}:{self.port}"
