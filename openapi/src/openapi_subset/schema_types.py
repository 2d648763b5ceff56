"""What JSON type(s) a schema allows, and how null is allowed in each OpenAPI version."""

from __future__ import annotations

from typing import Any

from openapi_subset.document import JsonObject

PRIMITIVES = frozenset({"string", "number", "integer", "boolean"})
_OBJECT_KEYWORDS = ("properties", "additionalProperties", "patternProperties", "required")
_ARRAY_KEYWORDS = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems")


def value_type(value: Any) -> str:
    """The JSON type of a Python value read from JSON/YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def matches_type(value: Any, schema_type: str) -> bool:
    """Whether `value` is an instance of the JSON type `schema_type` (integers are numbers)."""
    actual = value_type(value)
    return actual == schema_type or (schema_type == "number" and actual == "integer")


def types_of(schema: JsonObject) -> set[str] | None:
    """The non-null types `schema` allows, read or inferred from its keywords; None = any type."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared} - {"null"} or {"null"}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str) and t != "null"} or {"null"}
    if any(key in schema for key in _OBJECT_KEYWORDS):
        return {"object"}
    if any(key in schema for key in _ARRAY_KEYWORDS):
        return {"array"}
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return {value_type(v) for v in schema["enum"] if v is not None} or {"null"}
    if "const" in schema:
        return {value_type(schema["const"])}
    return None


def single_type(schema: JsonObject) -> str | None:
    """The one non-null type a schema declares, if it declares exactly one."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared
    if isinstance(declared, list):
        rest = [t for t in declared if t != "null"]
        return rest[0] if len(rest) == 1 else None
    return None


def allows_null(schema: JsonObject, version_31: bool) -> bool:
    """Whether null is a valid instance (as the spec validator reads nullable / type lists)."""
    if version_31:
        declared = schema.get("type")
        return (
            declared is None
            or declared == "null"
            or (isinstance(declared, list) and "null" in declared)
        )
    return schema.get("nullable") is True


def allow_null(schema: JsonObject, version_31: bool) -> None:
    """Let `schema` (no `$ref`) accept null, the way its OpenAPI version spells it."""
    if version_31:
        declared = schema.get("type")
        if isinstance(declared, str) and declared != "null":
            schema["type"] = [declared, "null"]
        elif isinstance(declared, list) and "null" not in declared:
            declared.append("null")
    else:
        schema["nullable"] = True
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"].append(None)
