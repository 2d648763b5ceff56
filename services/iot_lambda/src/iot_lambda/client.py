"""The ``iot-data`` client: boto3's, from its default session, as the Lambda runtime provides it.

boto3 (with botocore and urllib3, ~100-150 ms here) is imported when the first call builds the
client, not when the handler module is imported. Measured on this machine, that moves the time
out of the import without changing import + first client in total (a botocore-only client costs
the same: boto3's extra imports are won back in ``create_client``). A SnapStart snapshot should be
taken after priming with ``handler.smart_home()``, so the client is in it.
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


def iot_data_client(settings: LambdaSettings, *, attempts: int = 3) -> IotDataClient:
    """A client for the configured endpoint, with timeouts that fit inside one invocation.

    ``attempts=1`` is for the command write: botocore retries a read timeout, and a command
    that was stored but answered late would be written again, possibly after a newer command
    (the older one would then win). An unanswered write is reported as unknown instead.
    """
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=2,
        read_timeout=3,
        # Standard mode retries throttling and transient errors with backoff. `total_max_attempts`
        # counts every try; botocore's `max_attempts` key counts retries (3 would mean 4 tries).
        retries={"mode": "standard", "total_max_attempts": attempts},
        max_pool_connections=settings.max_parallel_reads + 2,
    )
    # The default session, as most Lambdas do: tests and harnesses can hook its events.
    client = boto3.client(
        "iot-data",
        endpoint_url=settings.iot_data_endpoint,
        region_name=settings.aws_region,
        config=config,
    )
    return cast("IotDataClient", client)  # botocore builds its methods at run time
