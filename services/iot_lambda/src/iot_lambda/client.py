"""The ``iot-data`` client, built from botocore alone (the Lambda runtime ships it with boto3).

botocore's session and config (with urllib3, ~90-110 ms here) are imported when the first call
builds the client, not when the handler module is imported. Measured on this machine, that is
where the import time went; the total of import + first client is the same either way (boto3
adds ~10 ms of imports and saves as much in ``create_client``), so a SnapStart snapshot should be
taken after priming with ``smart_home()``, not after the bare import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from iot_lambda.settings import LambdaSettings


class IotDataClient(Protocol):
    """The part of the ``iot-data`` client the Lambda uses."""

    def get_thing_shadow(self, **kwargs: Any) -> dict[str, Any]: ...
    def update_thing_shadow(self, **kwargs: Any) -> dict[str, Any]: ...
    def list_named_shadows_for_thing(self, **kwargs: Any) -> dict[str, Any]: ...


def iot_data_client(settings: LambdaSettings) -> IotDataClient:
    """A client for the configured endpoint, with timeouts that fit inside one invocation."""
    from botocore.config import Config
    from botocore.session import get_session

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
