"""The selection file: which operations to keep and every normalisation applied to them.

Everything the cutter changes is declared here, so a reviewer reads one file to know how the
subset differs from the vendor spec.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from gateway_contract.rules import valid_target_name, valid_tool_name
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from openapi_subset.document import load_document
from openapi_subset.errors import SubsetError

HttpMethod = Literal["get", "put", "post", "delete", "patch", "head", "options", "trace"]


class _Strict(BaseModel):
    # A typo in the selection file must fail loudly instead of being ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where the full vendor spec comes from (recorded in the generated files)."""

    name: str
    url: str


class Info(_Strict):
    """The `info` block of the generated views."""

    title: str
    version: str
    description: str = ""


class Server(_Strict):
    """A server URL the views point at (the real production URL)."""

    url: str
    description: str = ""


# What `gateway_ready: true` turns on: one fix per Gateway constraint the linter checks (README,
# "The gateway_ready preset"). Prose clean-up and API-specific fixes stay separate choices.
GATEWAY_READY: dict[str, Any] = {
    "flatten_all_of": True,  # composition
    "nullable_unions": True,  # composition
    "flatten_unions": True,  # composition
    "json_only": True,  # media-type
    "fix_enums": True,  # spec (semantic errors)
    "fix_defaults": True,  # spec (semantic errors)
    "drop_examples": True,  # spec (examples contradicting their schemas)
    "drop_noop_styles": True,  # parameter-style
    "single_value_arrays": True,  # parameter-style
    "auto_runtime_only": True,  # parameter-name, parameter-style
    "tool_names": True,  # operation-id, tool-name
    "drop_extensions": True,  # size
}


class Normalise(_Strict):
    """Document-wide clean-ups; each one fixes a known reason a converter or Gateway chokes."""

    gateway_ready: bool = False
    flatten_all_of: bool = False
    nullable_unions: bool = False
    flatten_unions: bool = False
    json_only: bool = False
    fix_enums: bool = False
    fix_defaults: bool = False
    single_value_arrays: bool = False
    auto_runtime_only: bool = False
    tool_names: bool = False
    strip_html: bool = False
    max_description_length: int | None = Field(default=None, ge=20)
    nullable_response_properties: bool = False
    drop_examples: bool = False
    drop_extensions: bool = False
    drop_noop_styles: bool = False

    @model_validator(mode="before")
    @classmethod
    def _expand_preset(cls, data: Any) -> Any:
        # Keys written in the file win over the preset, so one fix can still be switched off.
        if isinstance(data, dict) and data.get("gateway_ready") is True:
            return {**GATEWAY_READY, **data}
        return data

    def recorded(self) -> dict[str, Any]:
        """The settings as the file and the preset made them (written into every view)."""
        return self.model_dump(exclude_unset=True)


class ParameterOverride(_Strict):
    """Changes to a parameter the vendor spec declares; the wire name never changes."""

    description: str | None = None
    required: bool | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")


class Operation(_Strict):
    """One selected operation and what to change about it."""

    summary: str | None = None
    description: str | None = None
    # The tool name in the views; an operationId never reaches the API, so renaming is safe.
    operation_id: str | None = None
    add_parameters: list[str] = Field(default_factory=list)
    parameters: dict[str, ParameterOverride] = Field(default_factory=dict)
    runtime_only_parameters: list[str] = Field(default_factory=list)
    request_body_required: bool | None = None
    add_responses: dict[str, str] = Field(default_factory=dict)
    add_response_properties: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _operation_id_is_a_tool_name(self) -> Operation:
        if self.operation_id is not None and not valid_tool_name(self.operation_id):
            raise ValueError(f"operation_id {self.operation_id!r} is not a valid tool name")
        return self


class View(_Strict):
    """One generated file cut from the same selection."""

    output: str
    description: str = ""
    methods: list[HttpMethod] | None = None
    # Selected operations this view leaves out (vendor operationIds), e.g. plumbing a tool needs
    # but a model should not be offered as a tool of its own.
    exclude_operations: list[str] = Field(default_factory=list)
    drop_runtime_only_parameters: bool = False
    # A view for a Gateway OpenAPI target: parameters the Gateway cannot send are left out, the
    # result is linted, and operations that still break a constraint are refused with a reason.
    gateway: bool = False
    # The Gateway target's name: tool names `<target>___<operationId>` are then checked.
    target: str | None = None
    # The longest prefix an MCP host puts before tool names (Claude Code: `mcp__<server>__`).
    host_prefix: str = ""

    @property
    def drops_runtime_only(self) -> bool:
        """Whether parameters listed (or found) as runtime-only are left out of this view."""
        return self.gateway or self.drop_runtime_only_parameters

    @model_validator(mode="after")
    def _target_is_a_gateway_target_name(self) -> View:
        if self.target is not None and not valid_target_name(self.target):
            raise ValueError(
                f"target {self.target!r} is not a Gateway target name (letters, digits and single "
                "hyphens, at most 100)"
            )
        return self


class Selection(_Strict):
    """The whole selection file."""

    source: Source
    info: Info
    servers: list[Server] = Field(min_length=1)
    normalise: Normalise = Normalise()
    parameters: dict[str, dict[str, Any]] = Field(default_factory=dict)
    responses: dict[str, dict[str, Any]] = Field(default_factory=dict)
    response_properties: dict[str, dict[str, Any]] = Field(default_factory=dict)
    operations: dict[str, Operation] = Field(min_length=1)
    views: dict[str, View] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_are_declared(self) -> Selection:
        problems: list[str] = []
        for op_id, operation in self.operations.items():
            problems += [
                f"operations.{op_id}.add_parameters: {name!r} is not under `parameters`"
                for name in operation.add_parameters
                if name not in self.parameters
            ]
            problems += [
                f"operations.{op_id}.add_responses: {name!r} is not under `responses`"
                for name in operation.add_responses.values()
                if name not in self.responses
            ]
            problems += [
                f"operations.{op_id}.add_response_properties: {name!r} is not under "
                "`response_properties`"
                for names in operation.add_response_properties.values()
                for name in names
                if name not in self.response_properties
            ]
        renamed = {key: op.operation_id for key, op in self.operations.items() if op.operation_id}
        names = list(renamed.values())
        problems += [
            f"operations.{key}.operation_id: {name!r} is also the name of another operation"
            for key, name in renamed.items()
            if names.count(name) > 1 or (name != key and name in self.operations)
        ]
        for key, definition in self.parameters.items():
            if not {"name", "in", "schema"} <= definition.keys():
                problems.append(f"parameters.{key}: needs at least name, in and schema")
        for key, definition in self.response_properties.items():
            if not {"name", "schema"} <= definition.keys():
                problems.append(f"response_properties.{key}: needs name and schema")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def load_selection(path: Path) -> Selection:
    """Read and validate a selection file, turning validation errors into one readable message."""
    content = load_document(path).content
    try:
        return Selection.model_validate(content)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '<top>'}: {error['msg']}"
            for error in exc.errors()
        )
        raise SubsetError(f"invalid selection file {path}: {details}") from exc
