"""Which components a set of operations needs, transitively."""

from __future__ import annotations

from typing import Any

from openapi_subset.document import JsonObject
from openapi_subset.errors import SubsetError
from openapi_subset.walk import iter_refs

_COMPONENTS = "#/components/"


def reachable_components(roots: Any, components: JsonObject) -> set[tuple[str, str]]:
    """Return (section, name) of every component reachable from `roots` through `$ref`s."""
    seen: set[tuple[str, str]] = set()
    pending = list(iter_refs(roots))
    while pending:
        key = _component_key(pending.pop())
        if key in seen:
            continue
        section, name = key
        target = components.get(section, {}).get(name)
        if target is None:
            raise SubsetError(f"reference #/components/{section}/{name} does not resolve")
        seen.add(key)
        pending.extend(iter_refs(target))
    return seen


def _component_key(ref: str) -> tuple[str, str]:
    if not ref.startswith(_COMPONENTS):
        raise SubsetError(f"only references into #/components are supported, got {ref!r}")
    parts = ref[len(_COMPONENTS) :].split("/")
    if len(parts) != 2:  # section/name is the only shape a component reference takes
        raise SubsetError(f"reference {ref!r} does not name one component")
    section, name = (part.replace("~1", "/").replace("~0", "~") for part in parts)
    return section, name
