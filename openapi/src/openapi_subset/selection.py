"""The selection file: which operations to keep and every normalisation applied to them.

Everything the cutter changes is declared here, so a reviewer reads one file to know how the
subset differs from the vendor spec.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

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


class Normalise(_Strict):
    """Document-wide clean-ups; each one fixes a known reason a converter or Gateway chokes."""

    flatten_all_of: bool = False
    json_only: bool = False
    strip_html: bool = False
    max_description_length: int | None = Field(default=None, ge=20)
    nullable_response_properties: bool = False
    drop_examples: bool = False
    drop_extensions: bool = False
    drop_noop_styles: bool = False


class ParameterOverride(_Strict):
    """Changes to a parameter the vendor spec declares; the wire name never changes."""

    description: str | None = None
    required: bool | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")


class Operation(_Strict):
    """One selected operation and what to change about it."""

    summary: str | None = None
    description: str | None = None
    add_parameters: list[str] = Field(default_factory=list)
    parameters: dict[str, ParameterOverride] = Field(default_factory=dict)
    runtime_only_parameters: list[str] = Field(default_factory=list)
    request_body_required: bool | None = None
    add_responses: dict[str, str] = Field(default_factory=dict)
    add_response_properties: dict[str, list[str]] = Field(default_factory=dict)


class View(_Strict):
    """One generated file cut from the same selection."""

    output: str
    description: str = ""
    methods: list[HttpMethod] | None = None
    drop_runtime_only_parameters: bool = False


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
