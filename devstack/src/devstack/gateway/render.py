"""The smart-home tools as the cloud Gateway carries them, rendered from ``tools.json``.

Terraform (``terraform/modules/gateway``) turns each tool into an ``inline_payload`` block whose
``input_schema`` holds ``property`` blocks. Those blocks carry ``type``, ``description``,
``required`` (as a flag per property), one level of ``items``/``property`` sub-blocks, and anything
deeper as raw JSON (``items_json``/``properties_json``). Every other JSON-Schema keyword
(``minimum``, ``maximum``, ``enum``, ...) is dropped on the way. This module applies the same
projection, so the local gateway lists exactly what an MCP client sees from the cloud Gateway.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mcp.types import Tool

JsonObject = dict[str, Any]

# Nesting as in the Terraform module: the input schema (0), its properties and their items (1),
# their members (2); below that the blocks hold the original JSON unchanged.
_RAW_BELOW_DEPTH = 2


def _required(node: Mapping[str, Any]) -> list[str]:
    wanted = node.get("required", [])
    # A block has a required flag per property, so the list comes back in property order.
    return [name for name in node.get("properties", {}) if name in wanted]


def _render(node: Mapping[str, Any], depth: int) -> JsonObject:
    out: JsonObject = {"type": node["type"]}
    if node.get("description") is not None:
        out["description"] = node["description"]
    if depth >= _RAW_BELOW_DEPTH:
        # items_json / properties_json: passed through as written.
        for key in ("items", "properties"):
            if key in node:
                out[key] = node[key]
        return out
    if depth == 0 or "properties" in node:
        out["properties"] = {
            name: _render(child, depth + 1) for name, child in node.get("properties", {}).items()
        }
        required = _required(node)
        if required:
            out["required"] = required
    items = node.get("items")
    if depth == 1 and isinstance(items, Mapping) and "type" in items:
        out["items"] = _render_items(items)
    return out


def _render_items(items: Mapping[str, Any]) -> JsonObject:
    out: JsonObject = {"type": items["type"]}
    if items.get("description") is not None:
        out["description"] = items["description"]
    if "properties" in items:
        out["properties"] = {
            name: _render(child, _RAW_BELOW_DEPTH) for name, child in items["properties"].items()
        }
        required = _required(items)
        if required:
            out["required"] = required
    return out


def render_input_schema(input_schema: Mapping[str, Any]) -> JsonObject:
    """One tool's ``inputSchema`` reduced to what the ``input_schema`` block carries."""
    return _render(input_schema, 0)


def render_gateway_tools(tools_json: str | Mapping[str, Any]) -> list[Tool]:
    """The tools of a ``tools.json`` document, unprefixed, as the Gateway target holds them."""
    document: Mapping[str, Any] = (
        json.loads(tools_json) if isinstance(tools_json, str) else tools_json
    )
    return [
        Tool(
            name=tool["name"],
            description=tool["description"],
            input_schema=render_input_schema(tool["inputSchema"]),
        )
        for tool in document["tools"]
    ]
