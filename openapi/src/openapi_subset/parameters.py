"""Which parameters the Gateway can send, in one place for the linter and the cutter.

The Gateway sends each parameter as one plain value: no serialisation styles (devguide
`gateway-schema-openapi`), so no arrays, objects or `content`, no cookies, and every name must
be a valid tool property name. A parameter it cannot send is moved to the runtime path (its wire
name is the contract, so it is never renamed); a required one makes the operation unusable.
"""

from __future__ import annotations

import copy
from typing import Any

from openapi_subset.context import CutContext
from openapi_subset.document import JsonObject, operations, resolve_ref
from openapi_subset.errors import SubsetError
from openapi_subset.names import TOOL_PROPERTY_NAME
from openapi_subset.report import RuntimeOnly
from openapi_subset.schema_types import PRIMITIVES, single_type

# The Gateway sends parameters as plain values, i.e. the OpenAPI defaults for primitives.
DEFAULT_STYLE = {"query": "form", "path": "simple", "header": "simple"}
# With one value, these styles all put `name=value` on the wire.
_SINGLE_VALUE_STYLES = frozenset({"form", "spaceDelimited", "pipeDelimited", "simple"})


def gateway_problems(document: JsonObject, parameter: JsonObject) -> list[tuple[str, str]]:
    """(rule, message) for every reason the Gateway cannot send `parameter` as declared."""
    problems: list[tuple[str, str]] = []
    name, location = parameter.get("name", ""), parameter.get("in", "")
    if not TOOL_PROPERTY_NAME.match(str(name)):
        problems.append(
            (
                "parameter-name",
                f"{name!r} is not a valid tool property name ({TOOL_PROPERTY_NAME.pattern}); "
                "models reject the whole tool list",
            )
        )
    if location not in DEFAULT_STYLE:
        problems.append(("parameter-style", f"parameters in {location!r} are not supported"))
        return problems
    if "content" in parameter:
        problems.append(("parameter-style", "parameters described by `content` need serialisation"))
    style = parameter.get("style", DEFAULT_STYLE[location])
    if style != DEFAULT_STYLE[location]:
        problems.append(("parameter-style", f"style {style!r} is not supported"))
    # explode changes nothing for a primitive; arrays and objects are reported here anyway.
    schema = deref(document, parameter.get("schema", {}))
    if schema.get("type") in ("object", "array"):
        problems.append(
            (
                "parameter-style",
                f"a {schema['type']} parameter needs a serialisation style; the Gateway has none",
            )
        )
    return problems


def deref(document: JsonObject, node: Any) -> JsonObject:
    """`node` with its `$ref` chain followed; `{}` when it does not resolve."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        try:
            node = resolve_ref(document, node["$ref"])
        except SubsetError:
            return {}
    return node if isinstance(node, dict) else {}


def single_value_arrays(ctx: CutContext) -> None:
    """An array of primitives in the query or a header becomes one such value.

    One value is serialised the same in every style the API might read (`tag=a` is the list
    `[a]`), so the tool can still filter by one value; several stay for the runtime path.
    """
    for path, method, operation in operations(ctx.document):
        for index, parameter in enumerate(operation.get("parameters", [])):
            if parameter.get("in") not in ("query", "header"):
                continue
            schema = deref(ctx.document, parameter.get("schema", {}))
            items = deref(ctx.document, schema.get("items", {}))
            style = parameter.get("style", DEFAULT_STYLE[parameter["in"]])
            if (
                schema.get("type") != "array"
                or single_type(items) not in PRIMITIVES
                or style not in _SINGLE_VALUE_STYLES
                or int(schema.get("minItems", 0)) > 1
            ):
                continue
            one = copy.deepcopy(items)
            default = schema.get("default")
            if isinstance(default, list) and len(default) == 1:
                one.setdefault("default", default[0])
            if "description" in schema:
                one.setdefault("description", schema["description"])
            parameter["schema"] = one
            parameter.pop("style", None)
            parameter.pop("explode", None)
            where = ("paths", path, method, "parameters", index)
            ctx.fix(
                "single_value_arrays",
                where,
                f"{parameter['name']}: array of {single_type(items)} -> one {single_type(items)}",
                "the Gateway cannot serialise arrays; one value travels as the one-element list",
            )


def move_unsendable(ctx: CutContext, op_ids: dict[tuple[str, str], str]) -> None:
    """Move every parameter the Gateway cannot send out of the view (`auto_runtime_only`).

    A required parameter, or one in the path, cannot be left out: the operation is refused.
    """
    for path, method, operation in operations(ctx.document):
        kept: list[JsonObject] = []
        for index, parameter in enumerate(operation.get("parameters", [])):
            problems = gateway_problems(ctx.document, parameter)
            if not problems:
                kept.append(parameter)
                continue
            reason = "; ".join(message for _, message in problems)
            name, location = str(parameter.get("name")), str(parameter.get("in"))
            if parameter.get("required") or location == "path":
                ctx.refuse(
                    ("paths", path, method, "parameters", index),
                    f"required parameter {name!r} ({location}) cannot be sent by the Gateway: "
                    f"{reason}",
                )
                kept.append(parameter)
                continue
            op_id = op_ids.get((path, method), str(operation.get("operationId")))
            ctx.report.runtime_only.append(RuntimeOnly(op_id, name, location, reason))
        if kept:
            operation["parameters"] = kept
        else:
            operation.pop("parameters", None)
