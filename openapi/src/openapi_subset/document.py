"""Reading and writing OpenAPI documents, and following local JSON references."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from openapi_subset.errors import SubsetError

JsonObject = dict[str, Any]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_REF_PREFIX = "#/"
# libyaml's loader parses the 672 KB vendor spec ~10x faster; same safe semantics.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class LoadedDocument:
    """A parsed document and the fingerprint of the bytes it came from."""

    path: Path
    content: JsonObject
    sha256: str


def load_document(path: Path) -> LoadedDocument:
    """Parse a YAML or JSON file into a mapping, or raise a SubsetError that says why not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SubsetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        # YAML is a superset of JSON, so one parser reads both formats.
        content = yaml.load(raw, Loader=_YamlLoader)  # noqa: S506 - a safe loader, C or Python
    except yaml.YAMLError as exc:
        raise SubsetError(f"{path} is neither valid YAML nor JSON: {_one_line(exc)}") from exc
    if not isinstance(content, dict):
        raise SubsetError(f"{path} must hold a mapping at the top level, not {_kind(content)}")
    return LoadedDocument(path=path, content=content, sha256=hashlib.sha256(raw).hexdigest())


def dump_json(document: JsonObject) -> str:
    """Serialise deterministically so regenerated files diff cleanly against checked-in ones."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def resolve_ref(document: JsonObject, ref: str) -> Any:
    """Follow a local `#/a/b` reference; remote references are out of scope for a subset."""
    if not ref.startswith(_REF_PREFIX):
        raise SubsetError(f"only local references are supported, got {ref!r}")
    node: Any = document
    for token in ref[len(_REF_PREFIX) :].split("/"):
        key = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or key not in node:
            raise SubsetError(f"reference {ref!r} does not resolve")
        node = node[key]
    return node


def operations(document: JsonObject) -> list[tuple[str, str, JsonObject]]:
    """Every (path, method, operation) of a document in document order."""
    return [
        (path, method, item[method])
        for path, item in document.get("paths", {}).items()
        for method in HTTP_METHODS
        if isinstance(item, dict) and isinstance(item.get(method), dict)
    ]


def pointer(*parts: str | int) -> str:
    """Build a JSON pointer for messages, escaping `/` and `~` as RFC 6901 asks."""
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "/" + "/".join(escaped)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _kind(value: object) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"
