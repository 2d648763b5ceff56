"""Process-wide knobs of opsctl, read from ``OPSCTL_*`` environment variables at run time."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OpsSettings(BaseSettings):
    """Where Terraform is and how long to wait on the network; AWS settings stay boto3's own."""

    model_config = SettingsConfigDict(env_prefix="OPSCTL_", extra="ignore")

    terraform_bin: str = "terraform"
    envs_dir: Path = Path("terraform/envs")
    http_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
