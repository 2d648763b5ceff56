"""Generic traversal of a JSON document, used by the transforms, reachability and lint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Under these keys the children are user-chosen names (property names, response codes, …),
# not OpenAPI keywords, so a key such as `description` there is a name, not prose.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "responses",
        "paths",
        "schemas",
        "parameters",
        "requestBodies",
        "headers",
        "examples",
        "securitySchemes",
        "links",
        "callbacks",
        "content",
        "encoding",
        "variables",
        "scopes",
        "mapping",
        "definitions",
        "$defs",
    }
)


def iter_nodes(
    node: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Yield every (path, value) pair below and including `node`, depth first."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from iter_nodes(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_nodes(value, (*path, index))


def iter_refs(node: Any) -> Iterator[str]:
    """Yield every `$ref` string below `node`."""
    for _, value in iter_nodes(node):
        if isinstance(value, dict) and isinstance(value.get("$ref"), str):
            yield value["$ref"]


def iter_keyword_owners(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every mapping whose keys are OpenAPI/JSON Schema keywords (not a map of names)."""
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        current, is_name_map = stack.pop()
        if isinstance(current, dict):
            if not is_name_map:
                yield current
            for key, value in current.items():
                stack.append((value, not is_name_map and key in NAME_MAPS))
        elif isinstance(current, list):
            stack.extend((item, False) for item in current)
