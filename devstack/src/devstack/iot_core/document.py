"""Shadow document semantics, as pure functions on JSON values (no I/O, no locking).

What AWS does and this module copies:

* an update merges ``desired``/``reported`` key by key; ``null`` deletes a key; a section set to
  ``null`` is cleared; arrays are values (replaced whole, never merged);
* ``delta`` holds the keys of ``desired`` whose value differs from ``reported`` (recursing into
  objects that are objects on both sides);
* metadata mirrors the state with ``{"timestamp": <epoch seconds>}`` at every leaf;
* limits: 8 KB of state (desired + reported, metadata not counted), 6 levels of nesting,
  a ``clientToken`` of at most 64 bytes, an integer ``version``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from devstack.iot_core.errors import invalid, not_utf8, too_large

Json = Any
JsonObject = dict[str, Any]

SECTIONS = ("desired", "reported")
MAX_STATE_BYTES = 8 * 1024
MAX_REQUEST_BYTES = 128 * 1024  # an MQTT or REST request payload
MAX_DEPTH = 6
MAX_CLIENT_TOKEN_BYTES = 64


@dataclass(frozen=True)
class UpdateRequest:
    """A parsed, validated update: only the sections the request names are in ``sections``.

    ``sections["desired"] is None`` means "clear desired"; a missing key means "leave it alone".
    """

    sections: dict[str, JsonObject | None]
    client_token: str | None = None
    version: int | None = None
    state_is_null: bool = False


@dataclass(frozen=True)
class ClientRequest:
    """A get or delete request: an empty payload or ``{"clientToken": ...}``."""

    client_token: str | None = None


@dataclass
class Section:
    """One of ``desired``/``reported`` with its metadata."""

    value: JsonObject = field(default_factory=dict)
    metadata: JsonObject = field(default_factory=dict)


def _decode(payload: bytes) -> Json:
    if len(payload) > MAX_REQUEST_BYTES:
        raise too_large()
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise not_utf8() from None
    try:
        return json.loads(text)
    except ValueError:
        raise invalid("Invalid JSON") from None


def _client_token(doc: JsonObject) -> str | None:
    token = doc.get("clientToken")
    if token is None:
        return None
    if not isinstance(token, str) or len(token.encode("utf-8")) > MAX_CLIENT_TOKEN_BYTES:
        raise invalid("Invalid clientToken")
    return token


def depth(value: Json) -> int:
    """Levels of nesting: a scalar is 0, an object or array is one more than its deepest child."""
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def parse_update(payload: bytes) -> UpdateRequest:
    """Parse and validate an update request; raises ``ShadowError`` with AWS's message."""
    doc = _decode(payload)
    if not isinstance(doc, dict):
        raise invalid("Invalid JSON")
    token = _client_token(doc)
    version = doc.get("version")
    # bool is an int in Python; AWS wants a JSON number.
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise invalid("Invalid version")
    if "state" not in doc:
        raise invalid("Missing required node: state")
    state = doc["state"]
    if state is None:
        return UpdateRequest(
            {"desired": None, "reported": None}, token, version, state_is_null=True
        )
    if not isinstance(state, dict):
        raise invalid("State node must be an object")
    if any(key not in SECTIONS for key in state):
        raise invalid("State contains an invalid node")
    sections: dict[str, JsonObject | None] = {}
    for name in SECTIONS:
        if name not in state:
            continue
        section = state[name]
        if section is not None and not isinstance(section, dict):
            raise invalid(f"{name.capitalize()} node must be an object")
        if section is not None and depth(section) > MAX_DEPTH:
            raise invalid(f"JSON contains too many levels of nesting; maximum is {MAX_DEPTH}")
        sections[name] = section
    return UpdateRequest(sections, token, version)


def parse_client_request(payload: bytes) -> ClientRequest:
    """Parse a get/delete request (an empty payload is allowed)."""
    if not payload.strip():
        return ClientRequest()
    doc = _decode(payload)
    if not isinstance(doc, dict):
        raise invalid("Invalid JSON")
    return ClientRequest(_client_token(doc))


def metadata_of(value: Json, timestamp: int) -> Json:
    """Metadata for a value: the same shape with ``{"timestamp": ...}`` at every leaf."""
    if isinstance(value, dict):
        return {key: metadata_of(item, timestamp) for key, item in value.items()}
    if isinstance(value, list):
        return [metadata_of(item, timestamp) for item in value]
    return {"timestamp": timestamp}


def apply_patch(section: Section, patch: JsonObject, timestamp: int) -> Section:
    """``section`` with ``patch`` merged in (a new object; the input is left as it was)."""
    value = dict(section.value)
    metadata = dict(section.metadata)
    for key, item in patch.items():
        if item is None:
            value.pop(key, None)
            metadata.pop(key, None)
        elif isinstance(item, dict):
            old, old_meta = value.get(key), metadata.get(key)
            base = (
                Section(old, old_meta)
                if isinstance(old, dict) and isinstance(old_meta, dict)
                else Section()
            )
            merged = apply_patch(base, item, timestamp)
            value[key], metadata[key] = merged.value, merged.metadata
        else:
            value[key] = item
            metadata[key] = metadata_of(item, timestamp)
    return Section(value, metadata)


def strip_nulls(value: JsonObject) -> JsonObject:
    """``value`` without null keys, recursively (what a patch leaves behind when merged into {})."""
    return apply_patch(Section(), value, 0).value


def delta(desired: JsonObject, reported: JsonObject) -> JsonObject:
    """Keys of ``desired`` whose value ``reported`` does not have (objects compared key by key)."""
    out: JsonObject = {}
    for key, want in desired.items():
        have = reported.get(key)
        if isinstance(want, dict) and isinstance(have, dict):
            nested = delta(want, have)
            if nested:
                out[key] = nested
        elif key not in reported or not _same(have, want):
            out[key] = want
    return out


def _same(a: Json, b: Json) -> bool:
    # Canonical JSON, because Python's == calls True equal to 1 and JSON does not.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def restrict(metadata: JsonObject, shape: JsonObject) -> JsonObject:
    """The part of ``metadata`` that covers the keys in ``shape`` (e.g. the delta's metadata)."""
    out: JsonObject = {}
    for key, item in shape.items():
        meta = metadata.get(key)
        if isinstance(item, dict) and isinstance(meta, dict):
            out[key] = restrict(meta, item)
        elif meta is not None:
            out[key] = meta
    return out


def check_state_size(desired: JsonObject, reported: JsonObject) -> None:
    """Raise 413 when the stored state would be over 8 KB (AWS does not count metadata)."""
    state = {"desired": desired, "reported": reported}
    if len(json.dumps(state, separators=(",", ":")).encode("utf-8")) > MAX_STATE_BYTES:
        raise too_large()
