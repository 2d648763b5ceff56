"""What an operation looks like on the wire: path, method, and each parameter's name, location
and type. Used to prove a subset still calls the real API exactly as the vendor spec says."""

from __future__ import annotations

from dataclasses import dataclass

from openapi_subset.document import JsonObject, operations, resolve_ref


@dataclass(frozen=True)
class WireParameter:
    """A parameter as the API receives it."""

    name: str
    location: str
    type: str | None


@dataclass(frozen=True)
class WireOperation:
    """An operation as the API receives it."""

    path: str
    method: str
    parameters: frozenset[WireParameter]

    def parameter(self, name: str, location: str) -> WireParameter | None:
        """The parameter with this wire name and location, if the operation has one."""
        return next((p for p in self.parameters if p.name == name and p.location == location), None)


def wire_operations(document: JsonObject) -> dict[str, WireOperation]:
    """Every operation of `document` by operationId."""
    result: dict[str, WireOperation] = {}
    for path, method, operation in operations(document):
        raw = [*document["paths"][path].get("parameters", []), *operation.get("parameters", [])]
        params = frozenset(_wire_parameter(document, p) for p in raw)
        result[str(operation.get("operationId"))] = WireOperation(path, method, params)
    return result


def _wire_parameter(document: JsonObject, parameter: JsonObject) -> WireParameter:
    if "$ref" in parameter:
        parameter = resolve_ref(document, parameter["$ref"])
    schema = parameter.get("schema", {})
    if "$ref" in schema:
        schema = resolve_ref(document, schema["$ref"])
    return WireParameter(parameter["name"], parameter["in"], _wire_type(schema.get("type")))


def _wire_type(declared: object) -> str | None:
    # Null is not a wire type: a nullable parameter is one that is sent or not.
    if isinstance(declared, list):
        kinds = sorted(str(t) for t in declared if t != "null")
        return "|".join(kinds) or None
    return declared if isinstance(declared, str) else None
