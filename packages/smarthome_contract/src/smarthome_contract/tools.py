"""The smart-home tool definitions: ``tools.json`` loaded and typed, plus one input model per tool.

``tools.json`` is the single source the Gateway target (Terraform), the Lambda and the local gateway
read. It stays inside the JSON-Schema subset the provider's ``input_schema``/``property`` blocks
can carry (an object of scalar properties with a type, a description and ``required``), which the
file models below enforce. Ranges the blocks cannot carry live in the descriptions and in the
input models; a test checks that the models and the file agree.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

BRIGHTNESS_MIN = 1
BRIGHTNESS_MAX = 100


class PropertySchema(BaseModel):
    """One tool argument: a scalar with a description (what a ``property`` block can express)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["string", "integer", "number", "boolean"]
    description: str = Field(min_length=1)


class InputSchema(BaseModel):
    """A tool's arguments: a flat object of scalar properties."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["object"]
    properties: dict[str, PropertySchema]
    required: list[str]


class ToolDefinition(BaseModel):
    """One MCP-style tool definition as written in ``tools.json``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    description: str = Field(min_length=1)
    input_schema: InputSchema = Field(alias="inputSchema")


class ToolsFile(BaseModel):
    """The whole ``tools.json`` document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tools: list[ToolDefinition]


def tools_json_text() -> str:
    """The raw text of ``tools.json`` (what Terraform and the local gateway read)."""
    return resources.files(__package__).joinpath("tools.json").read_text(encoding="utf-8")


@cache
def load_tools() -> ToolsFile:
    """``tools.json`` parsed and checked against the block-expressible subset."""
    return ToolsFile.model_validate(json.loads(tools_json_text()))


def tool_names() -> list[str]:
    """The tool names in file order."""
    return [tool.name for tool in load_tools().tools]


# --- input models: what the Lambda validates each call against -------------------------------


class ToolInput(BaseModel):
    """Base of every tool's arguments: strict types, no unknown arguments."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ListDevicesInput(ToolInput):
    """``list_devices`` takes no arguments."""


class DeviceInput(ToolInput):
    """Arguments of the tools that act on one device."""

    device: str | None = Field(default=None, min_length=1, max_length=128)


class GetStatusInput(DeviceInput):
    """``get_status`` arguments."""


class TurnOnInput(DeviceInput):
    """``turn_on`` arguments."""


class TurnOffInput(DeviceInput):
    """``turn_off`` arguments."""


class SetBrightnessInput(DeviceInput):
    """``set_brightness`` arguments."""

    brightness: int = Field(ge=BRIGHTNESS_MIN, le=BRIGHTNESS_MAX)


class SetColorTemperatureInput(DeviceInput):
    """``set_color_temperature`` arguments; the device's own range is checked against its shadow."""

    kelvin: int = Field(gt=0)


INPUT_MODELS: dict[str, type[ToolInput]] = {
    "list_devices": ListDevicesInput,
    "get_status": GetStatusInput,
    "turn_on": TurnOnInput,
    "turn_off": TurnOffInput,
    "set_brightness": SetBrightnessInput,
    "set_color_temperature": SetColorTemperatureInput,
}


class UnknownToolError(ValueError):
    """The tool name is not one of ``tools.json``."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"Unknown tool '{name}'. Known tools: {', '.join(tool_names())}.")


class InvalidArgumentsError(ValueError):
    """The arguments do not match the tool's input schema; the message is meant for people."""


def parse_arguments(tool: str, arguments: object) -> ToolInput:
    """Validate a call's arguments against the tool's input model.

    Raises :class:`UnknownToolError` or :class:`InvalidArgumentsError` with a readable message.
    """
    model = INPUT_MODELS.get(tool)
    if model is None or tool not in tool_names():
        raise UnknownToolError(tool)
    if arguments is None:  # a tool without arguments may arrive with no event body at all
        arguments = {}
    if not isinstance(arguments, dict):
        raise InvalidArgumentsError(f"{tool}: arguments must be a JSON object.")
    try:
        return model.model_validate(arguments)
    except ValidationError as exc:
        raise InvalidArgumentsError(f"{tool}: {describe_validation_error(exc)}") from exc


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, ``argument: what is wrong`` (no pydantic URLs, no stack)."""
    problems = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(part) for part in err["loc"]) or "arguments"
        message = "unknown argument" if err["type"] == "extra_forbidden" else err["msg"]
        problems.append(f"{where}: {message}")
    return "; ".join(problems)
