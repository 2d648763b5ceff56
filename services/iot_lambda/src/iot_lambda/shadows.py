"""Reads and writes the homes' named shadows through ``iot-data``, and counts every call.

Independent reads of one tool call run in parallel (boto3 clients are thread-safe), so a tool's
latency is about one round trip per dependent step, not one per shadow.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from typing import Any, TypeVar

from botocore.exceptions import ClientError
from smarthome_contract import naming
from smarthome_contract.shadow import BridgePresence, DeviceShadow, PresenceShadow

from iot_lambda.client import IotDataClient

T = TypeVar("T")


class ShadowStore:
    """Named shadows of the configured things: device shadows and the bridge's presence shadow."""

    @cached_property
    def _writer(self) -> IotDataClient:
        """Commands go through a client that never resends (see ``iot_data_client``); made on
        the first command, so the reads of a cold start do not pay for a second client."""
        return self._make_writer() if self._make_writer is not None else self._client

    def __init__(
        self,
        client: IotDataClient,
        *,
        max_parallel: int = 8,
        writer: Callable[[], IotDataClient] | None = None,
    ) -> None:
        self._client = client
        self._make_writer = writer
        self._max_parallel = max_parallel
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()

    # --- the calls ---------------------------------------------------------------------------

    def device_ids(self, thing: str) -> list[str]:
        """Ids of the devices a bridge has published (every named shadow except presence)."""
        names: list[str] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"thingName": thing, "pageSize": 100}
            if token:
                kwargs["nextToken"] = token
            self._count("ListNamedShadowsForThing")
            try:
                page = self._client.list_named_shadows_for_thing(**kwargs)
            except ClientError as exc:
                if _not_found(exc):
                    return []
                raise
            names.extend(page.get("results", []))
            token = page.get("nextToken")
            if not token:
                break
        presence = naming.presence_shadow_name()
        return sorted(n for n in names if n != presence and naming.is_valid_device_id(n))

    def device(self, thing: str, device_id: str) -> DeviceShadow | None:
        """A device's shadow, or ``None`` when it does not exist."""
        doc = self._get(thing, naming.check_device_id(device_id))
        return None if doc is None else DeviceShadow.model_validate(doc)

    def presence(self, thing: str) -> BridgePresence | None:
        """The bridge's presence, or ``None`` before the bridge ever connected."""
        doc = self._get(thing, naming.presence_shadow_name())
        return None if doc is None else PresenceShadow.model_validate(doc).state.reported

    def update(self, thing: str, device_id: str, document: dict[str, Any]) -> int | None:
        """One UpdateThingShadow; the new document version (for a command, its version)."""
        payload = json.dumps(document).encode()
        self._count("UpdateThingShadow")
        resp = self._writer.update_thing_shadow(
            thingName=thing, shadowName=naming.check_device_id(device_id), payload=payload
        )
        version = json.loads(resp["payload"].read()).get("version")
        return version if type(version) is int else None

    # --- running reads side by side ----------------------------------------------------------

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Start ``fn`` on the store's thread pool."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._max_parallel, thread_name_prefix="shadow")
            pool = self._pool
        return pool.submit(fn)

    def gather(self, fns: Sequence[Callable[[], T]]) -> list[T]:
        """Results of ``fns`` in order, run side by side (one runs inline, no thread)."""
        if len(fns) <= 1:
            return [fn() for fn in fns]
        return [future.result() for future in [self.submit(fn) for fn in fns]]

    def take_calls(self) -> dict[str, int]:
        """The calls made since the last take, by API operation."""
        with self._lock:
            taken = dict(self.calls)
            self.calls.clear()
        return taken

    def _count(self, operation: str) -> None:
        with self._lock:
            self.calls[operation] += 1

    def _get(self, thing: str, shadow: str) -> dict[str, Any] | None:
        self._count("GetThingShadow")
        try:
            resp = self._client.get_thing_shadow(thingName=thing, shadowName=shadow)
        except ClientError as exc:
            if _not_found(exc):
                return None
            raise
        doc: dict[str, Any] = json.loads(resp["payload"].read())
        return doc


def _not_found(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException"
