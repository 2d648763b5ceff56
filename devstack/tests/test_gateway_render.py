"""The local gateway's tool schemas equal what Terraform puts in the cloud Gateway's blocks.

The gateway module is planned with the aws 6.62 schema stand-in, and the planned ``inline_payload``
blocks are read back as JSON Schema; ``render_gateway_tools`` must produce exactly that.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from devstack.gateway.render import render_gateway_tools
from smarthome_contract.tools import tools_json_text
from tfharness import (  # noqa: F401 - pytest fixtures used by name
    REPO,
    schema_provider,
    scratch_root,
    workspace_copy,
)

NESTED_TOOLS = REPO / "terraform" / "tests" / "fixtures" / "nested_tools.json"
GATEWAY_RULES = REPO / "packages" / "gateway_contract" / "src" / "gateway_contract" / "gateway.json"
LAMBDA_TARGET = "module.under_test.aws_bedrockagentcore_gateway_target.lambda"


def from_block(block: dict[str, Any], *, root: bool = False) -> dict[str, Any]:
    """A planned schema block (input_schema / property / items) as the JSON Schema it carries."""
    out: dict[str, Any] = {"type": block["type"]}
    if block.get("description") is not None:
        out["description"] = block["description"]
    subs = block.get("property") or []
    if subs or root:
        out["properties"] = {p["name"]: from_block(p) for p in subs}
        # property blocks are a set: the order of the properties (and so of required) is not kept.
        required = sorted(p["name"] for p in subs if p.get("required"))
        if required:
            out["required"] = required
    if block.get("properties_json"):
        out["properties"] = json.loads(block["properties_json"])
    if block.get("items"):
        out["items"] = from_block(block["items"][0])
    elif block.get("items_json"):
        out["items"] = json.loads(block["items_json"])
    return out


def planned_schemas(scratch_root, schema_provider, tools_json: str) -> dict[str, Any]:  # noqa: F811
    root = scratch_root(
        schema_provider,
        "gateway",
        {
            "name": "devstack-render-test",
            "discovery_url": "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_T/.well-known/openid-configuration",
            "allowed_client_ids": ["client"],
            "lambda_function_arn": "arn:aws:lambda:eu-central-1:123456789012:function:home:live",
            "lambda_tools_json": tools_json,
            "gateway_rules_json": GATEWAY_RULES.read_text(),
            "openapi_spec_json": (REPO / "openapi" / "accounting.gateway.json").read_text(),
        },
        outputs=["gateway_id"],
    )
    plan = root.plan()
    after = plan.resource_changes[LAMBDA_TARGET]["change"]["after"]
    payloads = after["target_configuration"][0]["mcp"][0]["lambda"][0]["tool_schema"][0][
        "inline_payload"
    ]
    return {
        p["name"]: {
            "description": p["description"],
            "input_schema": from_block(p["input_schema"][0], root=True),
        }
        for p in payloads
    }


def sorted_required(schema: Any) -> Any:
    if isinstance(schema, dict):
        out = {k: sorted_required(v) for k, v in schema.items()}
        if isinstance(out.get("required"), list):
            out["required"] = sorted(out["required"])
        return out
    return schema


def rendered(tools_json: str) -> dict[str, Any]:
    return {
        t.name: {"description": t.description, "input_schema": sorted_required(t.input_schema)}
        for t in render_gateway_tools(tools_json)
    }


@pytest.mark.terraform
@pytest.mark.parametrize(
    "tools_file", [None, NESTED_TOOLS], ids=["contract-tools.json", "nested-fixture"]
)
def test_render_equals_the_terraform_blocks(
    scratch_root,  # noqa: F811
    schema_provider,  # noqa: F811
    tools_file: Path | None,
) -> None:
    assert tools_file is None or tools_file.exists(), f"{tools_file} is not in the tree"
    text = tools_file.read_text() if tools_file else tools_json_text()
    assert rendered(text) == planned_schemas(scratch_root, schema_provider, text)


def test_render_drops_what_the_blocks_cannot_carry() -> None:
    document = {
        "tools": [
            {
                "name": "dim",
                "description": "Dim a light.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "level": {
                            "type": "integer",
                            "description": "Percent",
                            "minimum": 1,
                            "maximum": 100,
                        },
                        "mode": {"type": "string", "description": "How", "enum": ["a", "b"]},
                    },
                    "required": ["level"],
                    "additionalProperties": False,
                },
            }
        ]
    }
    (tool,) = render_gateway_tools(document)
    assert tool.input_schema == {
        "type": "object",
        "properties": {
            "level": {"type": "integer", "description": "Percent"},
            "mode": {"type": "string", "description": "How"},
        },
        "required": ["level"],
    }


def test_render_keeps_the_contract_tools_in_file_order() -> None:
    names = [tool.name for tool in render_gateway_tools(tools_json_text())]
    assert names == [t["name"] for t in json.loads(tools_json_text())["tools"]]
