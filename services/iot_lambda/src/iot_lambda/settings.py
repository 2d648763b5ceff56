"""Lambda configuration, read from the environment Terraform (or the devstack) sets."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from smarthome_contract import naming


class LambdaSettings(BaseSettings):
    """``IOT_DATA_ENDPOINT``, ``THING_NAMES``, ``COMMAND_WAIT_SECONDS`` and the poll schedule.

    The heartbeat interval is the contract's (``naming.heartbeat_seconds()``, with its one
    dev/test override ``SMARTHOME_HEARTBEAT_SECONDS`` for the bridge and the Lambda alike).
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    # https://<id>-ats.iot.<region>.amazonaws.com in AWS; the local IoT Core's REST URL locally.
    iot_data_endpoint: str = Field(min_length=1)
    # The Lambda runtime sets both; boto3 reads only AWS_DEFAULT_REGION.
    aws_region: str | None = Field(
        default=None, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )
    thing_names: Annotated[tuple[str, ...], NoDecode] = Field(min_length=1)
    # How long a command waits for the bridge to confirm; capped by the invocation's own time left.
    command_wait_seconds: float = Field(default=8.0, ge=0, le=60)
    # The confirmation schedule (see confirm.poll_offsets), from the measured write -> report
    # distribution (bench_iot_lambda, local IoT Core + the real v2 bridge: 85-94 ms, two ~43 ms
    # TCP stalls of the bridge's MQTT round trips; on AWS add the home's round trips and the
    # bulb): polls start at 50 ms, stay 50 ms apart while a report is likely, then 25 % of the
    # time waited apart, at most 1 s: <= 25 reads for a stored command, and one command stays
    # under 20 shadow requests/s per thing. The devstack may poll denser (no AWS quota there).
    poll_first_seconds: float = Field(default=0.05, gt=0, le=5)
    poll_min_gap_seconds: float = Field(default=0.05, gt=0, le=5)
    poll_growth: float = Field(default=0.25, ge=0, le=2)
    poll_max_gap_seconds: float = Field(default=1.0, gt=0, le=10)
    # Shadow reads one tool call may run at once (list_devices over several devices).
    max_parallel_reads: int = Field(default=8, ge=1, le=32)

    @field_validator("thing_names", mode="before")
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value

    @field_validator("thing_names")
    @classmethod
    def _valid_thing_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # Nothing reaches boto3 that AWS would reject: a bad name is a configuration error.
        for name in value:
            naming.check_thing_name(name)
        return value
