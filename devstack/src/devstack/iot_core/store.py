"""Shadow records kept in memory, optionally written through to one JSON file.

The file lets ``make dev`` keep its shadows across a restart; tests run without it. Writes go to a
temporary file that replaces the old one, so a crash never leaves half a file. Callers serialise
access (the service holds one lock around read-modify-write), so the store itself does not lock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devstack.iot_core.document import JsonObject, Section, delta
from devstack.iot_core.topics import ShadowAddress


@dataclass
class ShadowRecord:
    """One shadow: its two sections, its version and when it last changed.

    A deleted shadow stays as a tombstone so its version carries on if it is created again
    (AWS does not reset a deleted shadow's version to 0).
    """

    desired: Section = field(default_factory=Section)
    reported: Section = field(default_factory=Section)
    version: int = 0
    timestamp: int = 0
    deleted: bool = False

    def state(self, *, with_delta: bool) -> JsonObject:
        """``state`` as AWS returns it: only the non-empty sections (and ``delta`` when asked)."""
        out: JsonObject = {}
        if self.desired.value:
            out["desired"] = self.desired.value
        if self.reported.value:
            out["reported"] = self.reported.value
        if with_delta:
            pending = delta(self.desired.value, self.reported.value)
            if pending:
                out["delta"] = pending
        return out

    def metadata(self) -> JsonObject:
        """``metadata`` with the same sections as :meth:`state` (never a delta)."""
        out: JsonObject = {}
        if self.desired.metadata:
            out["desired"] = self.desired.metadata
        if self.reported.metadata:
            out["reported"] = self.reported.metadata
        return out

    def snapshot(self) -> JsonObject:
        """The ``previous``/``current`` document of a ``/documents`` message."""
        return {
            "state": self.state(with_delta=False),
            "metadata": self.metadata(),
            "version": self.version,
        }

    def to_json(self) -> JsonObject:
        """Everything needed to rebuild the record."""
        return {
            "desired": self.desired.value,
            "desired_metadata": self.desired.metadata,
            "reported": self.reported.value,
            "reported_metadata": self.reported.metadata,
            "version": self.version,
            "timestamp": self.timestamp,
            "deleted": self.deleted,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShadowRecord:
        """Inverse of :meth:`to_json`."""
        return cls(
            desired=Section(data["desired"], data["desired_metadata"]),
            reported=Section(data["reported"], data["reported_metadata"]),
            version=int(data["version"]),
            timestamp=int(data["timestamp"]),
            deleted=bool(data["deleted"]),
        )


def _key(address: ShadowAddress) -> str:
    # '/' can appear in neither a thing name nor a shadow name, so this is unambiguous.
    return f"{address.thing}/{address.shadow or ''}"


def _address(key: str) -> ShadowAddress:
    thing, _, shadow = key.partition("/")
    return ShadowAddress(thing, shadow or None)


class ShadowStore:
    """Records by address; ``path`` (if given) is loaded at construction and written on change."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._records: dict[str, ShadowRecord] = {}
        if path is not None and path.exists():
            raw = json.loads(path.read_text(encoding="utf-8"))
            self._records = {key: ShadowRecord.from_json(value) for key, value in raw.items()}

    def record(self, address: ShadowAddress) -> ShadowRecord | None:
        """The record, tombstones included (``None`` if the shadow never existed)."""
        return self._records.get(_key(address))

    def live(self, address: ShadowAddress) -> ShadowRecord | None:
        """The record if the shadow exists now."""
        record = self.record(address)
        return None if record is None or record.deleted else record

    def put(self, address: ShadowAddress, record: ShadowRecord) -> None:
        """Store ``record`` (and write the file through)."""
        self._records[_key(address)] = record
        self._save()

    def named_shadows(self, thing: str) -> list[str]:
        """Names of the thing's existing named shadows, sorted."""
        names = []
        for key, record in self._records.items():
            address = _address(key)
            if address.thing == thing and address.shadow is not None and not record.deleted:
                names.append(address.shadow)
        return sorted(names)

    def _save(self) -> None:
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        data = {key: record.to_json() for key, record in self._records.items()}
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        tmp.replace(self._path)
