"""The ``iot-data`` client, built from botocore alone.

boto3 adds nothing here but import time: ``import boto3`` pulls in s3transfer (and with it
multiprocessing, asyncio, ...) for ~140 of its ~185 ms on this machine, while the low-level client
is botocore's either way. The Lambda runtime ships botocore with boto3, so the zip carries neither.
botocore is imported with the module, not on the first call: every call needs it, and work done
in the init phase is what a SnapStart snapshot keeps.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from botocore.config import Config
from botocore.session import get_session

from iot_lambda.settings import LambdaSettings


class IotDataClient(Protocol):
    """The part of the ``iot-data`` client the Lambda uses."""

    def get_thing_shadow(self, **kwargs: Any) -> dict[str, Any]: ...
    def update_thing_shadow(self, **kwargs: Any) -> dict[str, Any]: ...
    def list_named_shadows_for_thing(self, **kwargs: Any) -> dict[str, Any]: ...


def iot_data_client(settings: LambdaSettings) -> IotDataClient:
    """A client for the configured endpoint, with timeouts that fit inside one invocation."""
    config = Config(
        region_name=settings.aws_region,
        connect_timeout=2,
        read_timeout=3,
        # Standard mode retries throttling and transient errors with backoff, three tries in all.
        retries={"mode": "standard", "max_attempts": 3},
        max_pool_connections=settings.max_parallel_reads + 2,
    )
    client = get_session().create_client(
        "iot-data", endpoint_url=settings.iot_data_endpoint, config=config
    )
    return cast("IotDataClient", client)  # botocore builds its methods at run time
