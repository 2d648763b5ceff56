"""tools.json and the input models must describe the same tools (one file, three readers)."""

from __future__ import annotations

import json
import re

import pytest
from smarthome_contract import tools
from smarthome_contract.tools import (
    INPUT_MODELS,
    InvalidArgumentsError,
    SetBrightnessInput,
    UnknownToolError,
    load_tools,
    parse_arguments,
    tools_json_text,
)

JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def test_file_lists_exactly_the_modelled_tools() -> None:
    assert [t.name for t in load_tools().tools] == list(INPUT_MODELS)


@pytest.mark.parametrize("tool", load_tools().tools, ids=lambda t: t.name)
def test_model_matches_file(tool: tools.ToolDefinition) -> None:
    schema = INPUT_MODELS[tool.name].model_json_schema()
    props = schema.get("properties", {})
    assert set(props) == set(tool.input_schema.properties)
    assert sorted(schema.get("required", [])) == sorted(tool.input_schema.required)
    for name, prop in tool.input_schema.properties.items():
        model_prop = props[name]
        types = {
            s["type"] for s in model_prop.get("anyOf", [model_prop]) if s.get("type") != "null"
        }
        assert types == {JSON_TYPES[prop.type]}, name


def test_ranges_in_descriptions_match_the_models() -> None:
    desc = next(t for t in load_tools().tools if t.name == "set_brightness")
    text = desc.input_schema.properties["brightness"].description
    field = SetBrightnessInput.model_json_schema()["properties"]["brightness"]
    assert re.search(rf"\b{field['minimum']} to {field['maximum']}\b", text)


def test_file_uses_only_what_provider_blocks_can_carry() -> None:
    raw = json.loads(tools_json_text())
    allowed_prop_keys = {"type", "description"}
    for tool in raw["tools"]:
        assert set(tool) == {"name", "description", "inputSchema"}
        assert set(tool["inputSchema"]) == {"type", "properties", "required"}
        for prop in tool["inputSchema"]["properties"].values():
            assert set(prop) <= allowed_prop_keys


@pytest.mark.parametrize(
    ("tool", "args", "needle"),
    [
        ("set_brightness", {"brightness": 0}, "greater than or equal to 1"),
        ("set_brightness", {"brightness": 101}, "less than or equal to 100"),
        ("set_brightness", {"brightness": "50"}, "valid integer"),
        ("set_brightness", {"brightness": True}, "valid integer"),
        ("set_brightness", {}, "brightness: Field required"),
        ("turn_on", {"device": 3}, "valid string"),
        ("turn_on", {"colour": "red"}, "colour: unknown argument"),
        ("list_devices", {"device": "x"}, "device: unknown argument"),
    ],
)
def test_bad_arguments_read_clearly(tool: str, args: dict[str, object], needle: str) -> None:
    with pytest.raises(InvalidArgumentsError) as err:
        parse_arguments(tool, args)
    assert needle in str(err.value)
    assert "https://" not in str(err.value)


def test_unknown_tool_lists_known_ones() -> None:
    with pytest.raises(UnknownToolError, match="Known tools: list_devices, get_status"):
        parse_arguments("open_garage", {})


def test_non_object_arguments_rejected() -> None:
    with pytest.raises(InvalidArgumentsError, match="JSON object"):
        parse_arguments("turn_on", ["bedroom"])


def test_missing_arguments_mean_none() -> None:
    assert parse_arguments("list_devices", None) == tools.ListDevicesInput()


def test_good_arguments_parse() -> None:
    parsed = parse_arguments("set_brightness", {"brightness": 40, "device": "Bedroom"})
    assert parsed == SetBrightnessInput(brightness=40, device="Bedroom")
