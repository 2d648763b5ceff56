"""One source for the tool schema: tools.json is generated from the table, and stays flat."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import BaseModel, Field, ValidationError
from smarthome_contract import tools, tools_gen
from smarthome_contract.tools import (
    TOOLS,
    InvalidArgumentsError,
    SetBrightnessInput,
    ToolInput,
    ToolsFile,
    UnknownToolError,
    load_tools,
    parse_arguments,
    tools_json_text,
)
from smarthome_contract.tools_gen import UnsupportedSchema


def test_tools_json_is_generated_from_the_table() -> None:
    # Fails when someone edits a model, a description or the file by hand: run `make tools-json`.
    assert tools_json_text() == tools_gen.render()


def test_check_mode_reports_a_stale_file(tmp_path) -> None:
    stale = tmp_path / "tools.json"
    stale.write_text(tools_json_text().replace("Turn a device on.", "Turn it on."))
    assert tools_gen.main(["--check", "--out", str(stale)]) == 1
    assert tools_gen.main(["--out", str(stale)]) == 0
    assert stale.read_text() == tools_json_text()
    assert tools_gen.main(["--check", "--out", str(stale)]) == 0


def test_file_lists_the_table_in_order() -> None:
    assert [t.name for t in load_tools().tools] == list(TOOLS)


def test_required_and_types_follow_the_models() -> None:
    by_name = {t.name: t for t in load_tools().tools}
    brightness = by_name["set_brightness"].input_schema
    assert brightness.required == ["brightness"]
    assert brightness.properties["brightness"].type == "integer"
    # ``device: str | None = None`` is an optional string, never a nullable one.
    assert brightness.properties["device"].type == "string"
    assert by_name["list_devices"].input_schema.properties == {}


def test_ranges_in_descriptions_match_the_models() -> None:
    text = TOOLS["set_brightness"].model.model_fields["brightness"].description or ""
    field = SetBrightnessInput.model_json_schema()["properties"]["brightness"]
    assert re.search(rf"\b{field['minimum']} to {field['maximum']}\b", text)


def test_file_uses_only_what_provider_blocks_can_carry() -> None:
    raw = json.loads(tools_json_text())
    for tool in raw["tools"]:
        assert set(tool) == {"name", "description", "inputSchema"}
        assert set(tool["inputSchema"]) == {"type", "properties", "required"}
        for prop in tool["inputSchema"]["properties"].values():
            assert set(prop) == {"type", "description"}


class _Inner(BaseModel):
    x: int = 0


class _Nested(ToolInput):
    inner: _Inner = Field(description="nested")


class _Listed(ToolInput):
    names: list[str] = Field(description="a list")


class _Mapped(ToolInput):
    extra: dict[str, int] = Field(description="an object")


class _Undescribed(ToolInput):
    level: int


class _Either(ToolInput):
    value: int | str = Field(description="two types")


@pytest.mark.parametrize("model", [_Nested, _Listed, _Mapped, _Undescribed, _Either])
def test_generator_refuses_shapes_the_contract_forbids(model: type[ToolInput]) -> None:
    with pytest.raises(UnsupportedSchema):
        tools_gen.input_schema("odd_tool", model)


def test_file_model_refuses_nested_properties() -> None:
    doc = json.loads(tools_json_text())
    doc["tools"][0]["inputSchema"]["properties"]["room"] = {
        "type": "object",
        "description": "nested",
        "properties": {"floor": {"type": "integer", "description": "floor"}},
    }
    with pytest.raises(ValidationError):
        ToolsFile.model_validate(doc)


@pytest.mark.parametrize(
    ("tool", "args", "needle"),
    [
        ("set_brightness", {"brightness": 0}, "greater than or equal to 1"),
        ("set_brightness", {"brightness": 101}, "less than or equal to 100"),
        ("set_brightness", {"brightness": "50"}, "valid integer"),
        ("set_brightness", {"brightness": True}, "valid integer"),
        ("set_brightness", {}, "brightness: Field required"),
        ("turn_on", {"device": 3}, "valid string"),
        ("turn_on", {"device": None}, "device: Input should be a valid string"),
        ("get_status", {"device": None}, "device: Input should be a valid string"),
        ("turn_on", {"device": ""}, "at least 1 character"),
        ("turn_on", {"colour": "red"}, "colour: unknown argument"),
        ("turn_on", {"_caller": {"sub": "x"}}, "_caller: unknown argument"),
        ("list_devices", {"device": "x"}, "device: unknown argument"),
    ],
)
def test_bad_arguments_read_clearly(tool: str, args: dict[str, object], needle: str) -> None:
    with pytest.raises(InvalidArgumentsError) as err:
        parse_arguments(tool, args)
    assert needle in str(err.value)
    assert "https://" not in str(err.value)


def test_an_error_never_echoes_the_input() -> None:
    with pytest.raises(InvalidArgumentsError) as err:
        parse_arguments("set_brightness", {"brightness": "x" * 100_000, "y" * 5000: 1})
    assert len(str(err.value)) < 400


@pytest.mark.parametrize("name", ["a\nb", "a\u2028b", "a\x85b", "a\rb"])
def test_an_unknown_argument_name_stays_on_one_line(name: str) -> None:
    with pytest.raises(InvalidArgumentsError) as err:
        parse_arguments("turn_on", {name: 1})
    assert len(str(err.value).splitlines()) == 1


def test_unknown_tool_lists_known_ones() -> None:
    with pytest.raises(UnknownToolError, match="Known tools: list_devices, get_status"):
        parse_arguments("open_garage", {})


def test_non_object_arguments_rejected() -> None:
    with pytest.raises(InvalidArgumentsError, match="JSON object"):
        parse_arguments("turn_on", ["bedroom"])


@pytest.mark.parametrize("event", [None, {}])
def test_missing_or_empty_arguments_mean_none(event: object) -> None:
    assert parse_arguments("list_devices", event) == tools.ListDevicesInput()
    assert parse_arguments("turn_on", event) == tools.TurnOnInput()


def test_good_arguments_parse() -> None:
    parsed = parse_arguments("set_brightness", {"brightness": 40, "device": "Bedroom"})
    assert parsed == SetBrightnessInput(brightness=40, device="Bedroom")


def test_any_text_is_a_possible_name() -> None:
    # Names are the bridge's free text; the Lambda answers "No device called ..." for odd ones.
    odd = "Living room 💡 ../%'\r\n" + "x" * 100_000
    assert parse_arguments("turn_on", {"device": odd}) == tools.TurnOnInput(device=odd)
