"""Defaults and enum values that contradict their own schema: coerced when the intent is
unambiguous, dropped otherwise (README, "Defaults and enums").

A spec with such a value has a semantic error, and the Gateway takes only specs without any. A
default is checked with the validator the linter uses (openapi-schema-validator, with formats),
so a default this pass keeps is one the linter accepts.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterator
from typing import Any

from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

from openapi_subset.context import CutContext, Location, schema_ref_name
from openapi_subset.document import JsonObject
from openapi_subset.schema_types import allows_null, matches_type, single_type, value_type
from openapi_subset.unions import DATA_KEYS
from openapi_subset.walk import NAME_MAPS

_INTEGER = re.compile(r"^[+-]?\d+$")
_NULL_WORDS = frozenset({"null", "none", "nil"})
# How far a default's schema is expanded through $refs to validate it.
_MAX_REF_DEPTH = 8
_ENUM_WHY = "an enum value of the wrong type can never be sent or matched"


# Swagger 2.0 put these on the parameter itself; OpenAPI 3 keeps them in its `schema`.
_PARAMETER_SCHEMA_KEYS = (
    "type",
    "format",
    "enum",
    "items",
    "minimum",
    "maximum",
    "pattern",
    "minLength",
    "maxLength",
)


def fix_enums(ctx: CutContext) -> None:
    """Repair every `enum` the Gateway would reject or no value could satisfy."""
    for node, where in _schemas(ctx.document):
        if "in" in node and "name" in node:
            for key in _PARAMETER_SCHEMA_KEYS:
                if key in node:
                    _move_into_schema(ctx, node, key, where)
            continue
        if not ctx.version_31 and "const" in node:
            node["enum"] = [node.pop("const")]
            ctx.fix("fix_enums", where, "const -> a one-value enum", "OpenAPI 3.0 has no const")
        if "enum" in node:
            _fix_enum(ctx, node, where)


def _fix_enum(ctx: CutContext, node: JsonObject, where: Location) -> None:
    values = node["enum"]
    if not isinstance(values, list) or not values:
        del node["enum"]
        ctx.fix("fix_enums", where, f"dropped enum {values!r}", "an enum must be a non-empty list")
        return
    items = node.get("items")
    is_array = node.get("type") == "array" or (node.get("type") is None and "items" in node)
    if is_array and all(not isinstance(v, list) for v in values):
        del node["enum"]
        if isinstance(items, dict) and "enum" not in items and "$ref" not in items:
            items["enum"] = values
            ctx.fix("fix_enums", where, "enum moved into items", "the values are single items")
            _fix_enum(ctx, items, (*where, "items"))
        else:
            ctx.fix("fix_enums", where, "dropped enum beside items", "the values are not arrays")
        return
    declared = single_type(node)
    if declared is None or declared in ("array", "object"):
        return
    nullable = allows_null(node, ctx.version_31)
    fixed: list[Any] = []
    for value in values:
        if value is None or matches_type(value, declared):
            candidate = value
        else:
            coerced = coerce(value, declared)
            if coerced is _NO_VALUE:
                del node["enum"]
                ctx.fix(
                    "fix_enums", where, f"dropped enum {values!r}", f"{value!r} is no {declared}"
                )
                return
            candidate = coerced
        if candidate not in fixed and (candidate is not None or nullable):
            fixed.append(candidate)
    if fixed != values:
        node["enum"] = fixed
        ctx.fix("fix_enums", where, f"enum {values!r} -> {fixed!r}", _ENUM_WHY)


def fix_defaults(ctx: CutContext) -> None:
    """Make every default valid against its schema: coerce it when unambiguous, else drop it."""
    for node, where in _schemas(ctx.document):
        if "default" not in node or "$ref" in node:
            continue
        if "in" in node and "name" in node:
            _move_into_schema(ctx, node, "default", where)
            continue
        default = node["default"]
        schema = _expanded(ctx, node, 0)
        if not _errors(ctx, schema, default):
            continue
        for candidate in _candidates(default, node, ctx.version_31):
            if not _errors(ctx, schema, candidate):
                node["default"] = candidate
                what = f"default {default!r} -> {candidate!r}"
                ctx.fix("fix_defaults", where, what, "the default contradicted its schema")
                break
        else:
            reason = _errors(ctx, schema, default)[0]
            del node["default"]
            ctx.fix("fix_defaults", where, f"dropped default {default!r}", reason)


def _move_into_schema(ctx: CutContext, parameter: JsonObject, key: str, where: Location) -> None:
    value = parameter.pop(key)
    schema = parameter.setdefault("schema", {})
    why = "an OpenAPI 3 parameter keeps it in its schema"
    if isinstance(schema, dict) and key not in schema and "$ref" not in schema:
        schema[key] = value
        ctx.fix(
            "fix_enums" if key != "default" else "fix_defaults",
            where,
            f"{key} moved into schema",
            why,
        )
    else:
        ctx.fix(
            "fix_enums" if key != "default" else "fix_defaults",
            where,
            f"dropped parameter {key}",
            why,
        )


class _NoValue:
    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE: Any = _NoValue()


def coerce(value: Any, target: str) -> Any:
    """`value` as JSON type `target` when only one reading exists; `_NO_VALUE` otherwise."""
    if target == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if target == "integer":
        if isinstance(value, str) and _INTEGER.match(value.strip()):
            return int(value.strip())
        if isinstance(value, float) and value.is_integer():
            return int(value)
    if target == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return _NO_VALUE
        if math.isfinite(number):
            return int(number) if number.is_integer() and _INTEGER.match(value.strip()) else number
    if target == "string" and value_type(value) in ("integer", "number", "boolean"):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return _NO_VALUE


def _candidates(default: Any, schema: JsonObject, version_31: bool) -> Iterator[Any]:
    declared = single_type(schema)
    if isinstance(default, str) and default.strip().lower() in _NULL_WORDS and declared != "string":
        if allows_null(schema, version_31):
            yield None
        return
    if declared == "array" and not isinstance(default, list):
        yield [default]
        items = schema.get("items")
        item_type = single_type(items) if isinstance(items, dict) else None
        if item_type:
            coerced = coerce(default, item_type)
            if coerced is not _NO_VALUE:
                yield [coerced]
        return
    if (
        isinstance(default, list)
        and len(default) == 1
        and declared in ("string", "number", "integer", "boolean")
    ):
        default = default[0]
        yield default
    if declared is not None:
        coerced = coerce(default, declared)
        if coerced is not _NO_VALUE:
            yield coerced
    enum = schema.get("enum")
    if isinstance(enum, list) and isinstance(default, str):
        folded = [v for v in enum if isinstance(v, str) and v.lower() == default.lower()]
        if len(folded) == 1:
            yield folded[0]


def _errors(ctx: CutContext, schema: JsonObject, value: Any) -> list[str]:
    if value is None and not ctx.version_31 and schema.get("nullable") is True:
        return []  # openapi-spec-validator accepts a null default of a nullable schema
    if ctx.version_31:
        validator: Any = OAS31Validator(schema, format_checker=oas31_format_checker)
    else:
        validator = OAS30Validator(schema, format_checker=oas30_format_checker)
    return [" ".join(error.message.split()) for error in validator.iter_errors(value)]


def _expanded(ctx: CutContext, node: Any, depth: int) -> Any:
    # A standalone copy of the schema for validating one value: $refs followed a few levels.
    if isinstance(node, list):
        return [_expanded(ctx, item, depth) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    name = schema_ref_name(ref) if isinstance(ref, str) else None
    if name is not None:
        if depth >= _MAX_REF_DEPTH or name not in ctx.schemas:
            return {}
        return _expanded(ctx, copy.deepcopy(ctx.schemas[name]), depth + 1)
    return {key: _expanded(ctx, value, depth) for key, value in node.items()}


def _schemas(document: JsonObject) -> Iterator[tuple[JsonObject, Location]]:
    # Every mapping that holds keywords (schemas, parameters, ...) outside data and extensions.
    stack: list[tuple[Any, Location, bool]] = [
        (document.get(key, {}), (key,), True) for key in ("paths", "components")
    ]
    while stack:
        node, where, names = stack.pop()
        if isinstance(node, list):
            stack.extend((item, (*where, i), False) for i, item in enumerate(node))
        elif isinstance(node, dict):
            if not names:
                yield node, where
            for key, value in node.items():
                if names or not (key in DATA_KEYS or key.startswith("x-")):
                    stack.append((value, (*where, key), not names and key in NAME_MAPS))
