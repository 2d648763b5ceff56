"""``gateway.json`` loaded and typed, plus the naming helpers built on it."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LambdaContextKeys(_Frozen):
    """Keys of ``context.client_context.custom`` the Gateway sets for a Lambda target."""

    tool_name: str
    gateway_id: str
    target_id: str
    message_version: str
    aws_request_id: str
    mcp_message_id: str


class CallerRules(_Frozen):
    """Where the verified caller travels: an argument for Lambda targets, a header for runtimes."""

    argument: str
    runtime_header: str


class TargetNames(_Frozen):
    """The Gateway's target names (C2): tools are listed as ``<target>___<tool>``."""

    home: str
    accounting: str
    accounting_api: str


class GroupRules(_Frozen):
    """Cognito group names that carry rights."""

    home_prefix: str
    accounting_writers: str
    max_length: int = Field(gt=0)


class GatewayRules(_Frozen):
    """The whole of ``gateway.json``."""

    comment: str = Field(default="", alias="$comment")
    target_separator: str = Field(min_length=1)
    tool_name_max_length: int = Field(gt=0)
    targets: TargetNames
    accounting_write_tools: tuple[str, ...]
    tool_name_pattern: str
    target_name_pattern: str
    lambda_context_keys: LambdaContextKeys
    caller: CallerRules
    groups: GroupRules


@cache
def rules() -> GatewayRules:
    """The rules from the packaged ``gateway.json`` (read once)."""
    text = resources.files("gateway_contract").joinpath("gateway.json").read_text("utf-8")
    return GatewayRules.model_validate(json.loads(text))


def gateway_json_path() -> str:
    """Filesystem path of ``gateway.json`` (for readers of the file itself, e.g. Terraform)."""
    return str(resources.files("gateway_contract").joinpath("gateway.json"))


class InvalidToolName(ValueError):
    """A tool name that is not ``<target><separator><tool>`` or is too long."""


def full_tool_name(target: str, tool: str) -> str:
    """``<target>___<tool>``, as the Gateway lists it; refuses names over the length limit."""
    name = f"{target}{rules().target_separator}{tool}"
    limit = rules().tool_name_max_length
    if len(name) > limit:
        raise InvalidToolName(f"tool name {name!r} is {len(name)} characters; the limit is {limit}")
    return name


def valid_target_name(name: str) -> bool:
    """Whether the Gateway accepts ``name`` as a target name (letters, digits, single hyphens)."""
    return re.fullmatch(rules().target_name_pattern, name) is not None


def valid_tool_name(name: str) -> bool:
    """Whether a model API accepts ``name`` as a tool name (charset and length)."""
    return re.fullmatch(rules().tool_name_pattern, name) is not None


def split_tool_name(name: str) -> tuple[str, str]:
    """``(target, tool)`` of a Gateway tool name; a name without a target gives ``("", name)``.

    The Gateway joins at the first separator it adds, and target names cannot contain ``_``, so
    the split is at the first separator.
    """
    target, sep, tool = name.partition(rules().target_separator)
    if not sep:
        return "", name
    return target, tool


def accounting_write_tools() -> tuple[str, ...]:
    """Full names of the runtime's write tools (``accounting___create_contact``, ...)."""
    target = rules().targets.accounting
    return tuple(full_tool_name(target, tool) for tool in rules().accounting_write_tools)


def max_thing_name_length() -> int:
    """The longest thing name whose home group still fits Cognito's group-name limit."""
    groups = rules().groups
    return groups.max_length - len(groups.home_prefix)


def home_group(thing: str) -> str:
    """The Cognito group whose members may see and control the home ``thing``."""
    group = f"{rules().groups.home_prefix}{thing}"
    if not thing or len(group) > rules().groups.max_length:
        raise ValueError(
            f"thing name {thing!r} gives a group name over {rules().groups.max_length} characters"
        )
    return group
