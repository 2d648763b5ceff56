"""The smart-home tools: one table from tool name to (input model, description), and ``tools.json``.

``TOOLS`` is the single source. ``tools.json`` is generated from it (``make tools-json``, module
:mod:`smarthome_contract.tools_gen`; a test fails when the file is stale) because Terraform and the
local gateway read a file, not Python. The file stays inside the JSON-Schema subset the Gateway
provider's ``input_schema``/``property`` blocks carry: a flat object of scalar properties, each
with a type and a description, plus ``required``. What those blocks cannot carry (ranges, lengths)
lives in the input models, which the Lambda validates every call against, and in the descriptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

BRIGHTNESS_MIN = 1
BRIGHTNESS_MAX = 100

DEVICE_DESCRIPTION = "Device name or id (see list_devices). Optional when you have only one device."
ANSWER = (
    "Answers 'done' once the device confirms, or says that the command is stored and why "
    "(for example the home bridge is offline) and that it applies when the bridge can."
)


# --- input models: what the Lambda validates each call against -------------------------------


class ToolInput(BaseModel):
    """Base of every tool's arguments: strict types, no unknown arguments.

    ``defer_build``: a cold Lambda builds the validator of the one tool it is called for, on
    that call, instead of all of them at import.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class ListDevicesInput(ToolInput):
    """``list_devices`` takes no arguments."""


class DeviceInput(ToolInput):
    """Arguments of the tools that act on one device."""

    # No length cap: a name the bridge reports is free text, and a reference that names no
    # device gets "No device called ..." whatever it holds. ``None`` means "not given".
    device: str | None = Field(default=None, min_length=1, description=DEVICE_DESCRIPTION)

    @field_validator("device", mode="before")
    @classmethod
    def _null_is_not_a_name(cls, value: object) -> object:
        # The default (not given) is never validated; an explicit null is a wrong type.
        if value is None:
            raise PydanticCustomError("string_type", "Input should be a valid string")
        return value


class GetStatusInput(DeviceInput):
    """``get_status`` arguments."""


class TurnOnInput(DeviceInput):
    """``turn_on`` arguments."""


class TurnOffInput(DeviceInput):
    """``turn_off`` arguments."""


class SetBrightnessInput(DeviceInput):
    """``set_brightness`` arguments."""

    brightness: int = Field(
        ge=BRIGHTNESS_MIN,
        le=BRIGHTNESS_MAX,
        description=(
            f"Brightness in percent, an integer from {BRIGHTNESS_MIN} to {BRIGHTNESS_MAX}."
        ),
    )


class SetColorTemperatureInput(DeviceInput):
    """``set_color_temperature`` arguments; the device's own range is checked against its shadow."""

    kelvin: int = Field(
        gt=0,
        description=(
            "Colour temperature in Kelvin, an integer within the device's range as shown by "
            "list_devices (for example 2500 to 6500 for a TAPO L530)."
        ),
    )


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its input model (the arguments) and what the model reads about it."""

    model: type[ToolInput]
    description: str


TOOLS: dict[str, ToolSpec] = {
    "list_devices": ToolSpec(
        ListDevicesInput,
        "List the smart-home devices in the homes assigned to you: id, name, home, kind, "
        "whether the bridge can reach the device, and its capabilities (brightness, "
        "colour-temperature range in Kelvin).",
    ),
    "get_status": ToolSpec(
        GetStatusInput,
        "Show a device's last reported state (on/off, brightness, colour temperature), how old "
        "that report is, any command still waiting, and whether the home bridge is online. "
        "Reads the stored state only; it does not contact the device.",
    ),
    "turn_on": ToolSpec(TurnOnInput, f"Turn a device on. {ANSWER}"),
    "turn_off": ToolSpec(TurnOffInput, f"Turn a device off. {ANSWER}"),
    "set_brightness": ToolSpec(
        SetBrightnessInput,
        f"Set a light's brightness in percent (this also turns it on). {ANSWER}",
    ),
    "set_color_temperature": ToolSpec(
        SetColorTemperatureInput,
        f"Set a white light's colour temperature in Kelvin (lower is warmer). {ANSWER}",
    ),
}

# Kept for readers that want only the models.
INPUT_MODELS: dict[str, type[ToolInput]] = {name: spec.model for name, spec in TOOLS.items()}


def tool_names() -> list[str]:
    """The tool names in table (and file) order."""
    return list(TOOLS)


class UnknownToolError(ValueError):
    """The tool name is not one of ``TOOLS``."""

    def __init__(self, name: str) -> None:
        self.name = name
        shown = name if len(name) <= 64 else name[:64] + "..."
        super().__init__(f"Unknown tool '{shown}'. Known tools: {', '.join(tool_names())}.")


class InvalidArgumentsError(ValueError):
    """The arguments do not match the tool's input schema; the message is meant for people."""


def parse_arguments(tool: str, arguments: object) -> ToolInput:
    """Validate a call's arguments against the tool's input model.

    A missing (``None``) or empty event means "no arguments". Raises :class:`UnknownToolError`
    or :class:`InvalidArgumentsError` with a readable message.
    """
    spec = TOOLS.get(tool)
    if spec is None:
        raise UnknownToolError(tool)
    if arguments is None:  # a tool without arguments may arrive with no event body at all
        arguments = {}
    if not isinstance(arguments, dict):
        raise InvalidArgumentsError(f"{tool}: arguments must be a JSON object.")
    try:
        return spec.model.model_validate(arguments)
    except ValidationError as exc:
        raise InvalidArgumentsError(f"{tool}: {describe_validation_error(exc)}") from exc


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, ``argument: what is wrong`` (no pydantic URLs, no input echoed)."""
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in err["loc"]) or "arguments"
        # An unknown argument's name is the caller's text: printable, short, one line.
        where = "".join(c if c.isprintable() else "?" for c in where)
        if len(where) > 64:
            where = where[:64] + "..."
        message = "unknown argument" if err["type"] == "extra_forbidden" else err["msg"]
        problems.append(f"{where}: {message}")
    return "; ".join(problems)


# --- tools.json: the file Terraform and the local gateway read --------------------------------
# (defer_build: the Lambda never reads the file, so it never builds these validators)


class PropertySchema(BaseModel):
    """One tool argument: a scalar with a description (what a ``property`` block can express)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    type: Literal["string", "integer", "number", "boolean"]
    description: str = Field(min_length=1)


class InputSchema(BaseModel):
    """A tool's arguments: a flat object of scalar properties."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    type: Literal["object"]
    properties: dict[str, PropertySchema]
    required: list[str]


class ToolDefinition(BaseModel):
    """One MCP-style tool definition as written in ``tools.json``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    description: str = Field(min_length=1)
    input_schema: InputSchema = Field(alias="inputSchema")


class ToolsFile(BaseModel):
    """The whole ``tools.json`` document."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    tools: list[ToolDefinition]

    def as_json(self) -> dict[str, Any]:
        """JSON-ready, with the file's key names (``inputSchema``)."""
        return self.model_dump(by_alias=True)


def tools_json_text() -> str:
    """The raw text of ``tools.json`` (what Terraform and the local gateway read)."""
    return resources.files(__package__).joinpath("tools.json").read_text(encoding="utf-8")


@cache
def load_tools() -> ToolsFile:
    """``tools.json`` parsed and checked against the block-expressible subset."""
    return ToolsFile.model_validate(json.loads(tools_json_text()))
