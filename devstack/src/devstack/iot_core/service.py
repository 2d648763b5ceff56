"""The Device Shadow service: get/update/delete/list with AWS semantics, and the topic fan-out.

Transport-agnostic: the MQTT link and the REST app both call in here. As in AWS, a successful
update is announced on ``/update/accepted``, ``/update/delta`` and ``/update/documents`` whoever
made it (MQTT or REST), while errors go back only to the requester (``/rejected`` over MQTT, the
HTTP response over REST).

Delta messages follow the devguide: one is published when an update's ``desired`` leaves keys
that differ from ``reported``, and it carries only those keys of the request. A ``reported``-only
update publishes no delta (a GET still shows the full delta).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from devstack.iot_core import document as doc
from devstack.iot_core.errors import ShadowError, invalid, not_found, version_conflict
from devstack.iot_core.store import ShadowRecord, ShadowStore
from devstack.iot_core.topics import ShadowAddress, parse_request, response_topic

log = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class Publisher(Protocol):
    """Where the service's messages go (the service's MQTT connection)."""

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        """Publish one message; must not block on the network."""


class _Nowhere:
    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        log.debug("no MQTT link yet; dropped %s", topic)


def _dumps(value: doc.JsonObject) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def _with_token(out: doc.JsonObject, token: str | None) -> doc.JsonObject:
    if token is not None:
        out["clientToken"] = token
    return out


def _pick(value: doc.JsonObject, keys: doc.JsonObject) -> doc.JsonObject:
    """The part of ``value`` under the keys of ``keys`` (recursively for objects on both sides)."""
    out: doc.JsonObject = {}
    for key, shape in keys.items():
        if key not in value:
            continue
        item = value[key]
        out[key] = (
            _pick(item, shape) if isinstance(item, dict) and isinstance(shape, dict) else item
        )
    return out


class ShadowService:
    """All shadows of the local IoT Core; thread-safe (MQTT and REST call in concurrently)."""

    def __init__(
        self,
        store: ShadowStore,
        publisher: Publisher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._publisher: Publisher = publisher or _Nowhere()
        self._clock = clock
        # One lock for read-modify-write and for publishing, so accepted/delta messages leave in
        # version order.
        self._lock = threading.RLock()

    def attach(self, publisher: Publisher) -> None:
        """Send the fan-out to ``publisher`` from now on."""
        self._publisher = publisher

    def _now(self) -> int:
        return int(self._clock())

    def _publish(
        self, address: ShadowAddress, suffix: tuple[str, ...], body: doc.JsonObject
    ) -> None:
        self._publisher.publish(response_topic(address, *suffix), _dumps(body))

    # --- operations -------------------------------------------------------------------------

    def get(self, address: ShadowAddress, client_token: str | None = None) -> doc.JsonObject:
        """The shadow document with its delta (404 when there is none)."""
        with self._lock:
            record = self._store.live(address)
            if record is None:
                raise not_found(address.label)
            out: doc.JsonObject = {
                "state": record.state(with_delta=True),
                "metadata": record.metadata(),
                "version": record.version,
                "timestamp": self._now(),
            }
            return _with_token(out, client_token)

    def update(self, address: ShadowAddress, payload: bytes) -> doc.JsonObject:
        """Apply an update request; returns (and publishes) the ``/update/accepted`` document."""
        request = doc.parse_update(payload)
        with self._lock:
            current = self._store.live(address)
            if request.version is not None and (
                current is None or current.version != request.version
            ):
                raise version_conflict()
            new = self._apply(current, request, self._now())
            previous = self._store.record(address)
            new.version = (previous.version if previous else 0) + 1
            self._store.put(address, new)
            return self._announce(address, request, current, new)

    def delete(self, address: ShadowAddress, client_token: str | None = None) -> doc.JsonObject:
        """Delete the shadow (its version is kept for when it comes back)."""
        with self._lock:
            record = self._store.live(address)
            if record is None:
                raise not_found(address.label)
            now = self._now()
            self._store.put(
                address, ShadowRecord(version=record.version, timestamp=now, deleted=True)
            )
            out = _with_token({"version": record.version, "timestamp": now}, client_token)
            self._publish(address, ("delete", "accepted"), out)
            return out

    def list_named(
        self, thing: str, page_size: int | None = None, next_token: str | None = None
    ) -> doc.JsonObject:
        """ListNamedShadowsForThing: names in pages; ``nextToken`` is an opaque offset."""
        size = DEFAULT_PAGE_SIZE if page_size is None else page_size
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise invalid(f"pageSize must be between 1 and {MAX_PAGE_SIZE}")
        try:
            start = int(next_token) if next_token else 0
        except ValueError:
            raise invalid("Invalid nextToken") from None
        with self._lock:
            names = self._store.named_shadows(thing)
        out: doc.JsonObject = {"results": names[start : start + size], "timestamp": self._now()}
        if start + size < len(names):
            out["nextToken"] = str(start + size)
        return out

    def reported(self, address: ShadowAddress) -> doc.JsonObject:
        """The current ``state.reported`` (empty when the shadow does not exist)."""
        with self._lock:
            record = self._store.live(address)
            return dict(record.reported.value) if record else {}

    # --- MQTT requests ------------------------------------------------------------------------

    def handle_mqtt(self, topic: str, payload: bytes) -> None:
        """Answer a request published on a reserved shadow topic; ignore any other topic."""
        request = parse_request(topic)
        if request is None:
            return
        address, operation = request.address, request.operation
        token = _token_of(payload)
        try:
            if operation == "update":
                self.update(address, payload)
            elif operation == "get":
                parsed = doc.parse_client_request(payload)
                self._publish(address, ("get", "accepted"), self.get(address, parsed.client_token))
            else:
                parsed = doc.parse_client_request(payload)
                self.delete(address, parsed.client_token)
        except ShadowError as error:
            self._publish(address, (operation, "rejected"), error.document(self._now(), token))

    # --- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _apply(current: ShadowRecord | None, request: doc.UpdateRequest, now: int) -> ShadowRecord:
        sections = {
            "desired": current.desired if current else doc.Section(),
            "reported": current.reported if current else doc.Section(),
        }
        for name, patch in request.sections.items():
            sections[name] = (
                doc.Section() if patch is None else doc.apply_patch(sections[name], patch, now)
            )
        doc.check_state_size(sections["desired"].value, sections["reported"].value)
        return ShadowRecord(sections["desired"], sections["reported"], timestamp=now)

    def _announce(
        self,
        address: ShadowAddress,
        request: doc.UpdateRequest,
        current: ShadowRecord | None,
        new: ShadowRecord,
    ) -> doc.JsonObject:
        """Publish ``/update/accepted``, ``/delta`` (if any) and ``/documents``; return accepted."""
        accepted = self._accepted(request, new)
        self._publish(address, ("update", "accepted"), accepted)
        self._publish_delta(address, request, new)
        documents: doc.JsonObject = {"current": new.snapshot(), "timestamp": new.timestamp}
        if current is not None:
            documents["previous"] = current.snapshot()
        self._publish(
            address, ("update", "documents"), _with_token(documents, request.client_token)
        )
        return accepted

    @staticmethod
    def _accepted(request: doc.UpdateRequest, new: ShadowRecord) -> doc.JsonObject:
        metadata = {
            name: {"timestamp": new.timestamp}
            if patch is None
            else doc.metadata_of(patch, new.timestamp)
            for name, patch in request.sections.items()
        }
        out: doc.JsonObject = {
            "state": None if request.state_is_null else dict(request.sections),
            "metadata": metadata,
            "version": new.version,
            "timestamp": new.timestamp,
        }
        return _with_token(out, request.client_token)

    def _publish_delta(
        self, address: ShadowAddress, request: doc.UpdateRequest, new: ShadowRecord
    ) -> None:
        asked = request.sections.get("desired")
        if not asked:
            return
        pending = doc.delta(_pick(new.desired.value, asked), new.reported.value)
        if not pending:
            return
        body: doc.JsonObject = {
            "version": new.version,
            "timestamp": new.timestamp,
            "state": pending,
            "metadata": doc.restrict(new.desired.metadata, pending),
        }
        self._publish(address, ("update", "delta"), _with_token(body, request.client_token))


def _token_of(payload: bytes) -> str | None:
    """The request's clientToken if one can be read, so even a rejection can echo it."""
    try:
        parsed = json.loads(payload)
    except ValueError:
        return None
    token = parsed.get("clientToken") if isinstance(parsed, dict) else None
    return token if isinstance(token, str) else None
