"""`anyOf`/`oneOf` rewritten into single schemas, because the Gateway supports neither.

The rule (README, "Unions"), applied inside out so nested unions are flat first:

- Null alternatives (`{type: null}`, `{nullable: true}`, `{enum: [null]}`, `{const: null}`) make
  what is left nullable, spelled per OpenAPI version: 3.0 `nullable: true`, with a `$ref`
  inlined first (3.0 ignores every sibling of a `$ref`); 3.1 `type: [T, "null"]`.
- One alternative left: it replaces the union (`nullable_unions`).
- Several left (`flatten_unions`), by where the schema is used:
  - request body: the first alternative. A request needs one shape, and any value of it is one
    the API accepts; a component also used in answers is copied for the request first.
  - parameter: primitives become their common type, or `string` when they differ (a parameter
    travels as text, so the wire is identical); array/object alternatives are left out when a
    primitive one exists.
  - response: one schema that accepts every alternative: the union of their types (3.1 a type
    list, 3.0 no `type`), every object alternative's properties with `required` only what all of
    them require, array items widened the same way, an `enum` only if every alternative has one
    (their union), and constraints kept only where the alternatives agree.
"""

from __future__ import annotations

import copy
from typing import Any

from openapi_subset.context import CutContext, Location, schema_ref_name
from openapi_subset.document import HTTP_METHODS, JsonObject
from openapi_subset.errors import SubsetError
from openapi_subset.schema_types import PRIMITIVES, allow_null, types_of
from openapi_subset.transforms import merge_schema
from openapi_subset.walk import NAME_MAPS

_UNIONS = ("oneOf", "anyOf")
_WHY = "the Gateway supports no anyOf/oneOf"
_NULL_WHY_30 = "the Gateway supports no anyOf/oneOf; OpenAPI 3.0 ignores nullable beside a $ref"
# How deep widening may follow property schemas that differ between alternatives.
_MAX_DEPTH = 6
# Constraints kept in a widened schema only when every alternative of that type agrees.
_NUMERIC = ("format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_SCOPED: dict[str, tuple[str, ...]] = {
    "string": ("format", "pattern", "minLength", "maxLength"),
    "number": _NUMERIC,
    "integer": _NUMERIC,
    "array": ("minItems", "maxItems", "uniqueItems"),
    "object": ("additionalProperties", "minProperties", "maxProperties"),
}
_ANY_TYPE = ("readOnly", "writeOnly", "deprecated")
# Values under these keys are data (or vendor extensions), never schemas to rewrite.
DATA_KEYS = frozenset({"default", "example", "examples", "enum", "const"})

Side = str  # "body" | "parameter" | "response"


def rewrite_unions(ctx: CutContext, *, nullable: bool, flatten: bool) -> None:
    """Rewrite the unions of the cut document in place, recording each change in the report."""
    _Rewriter(ctx, nullable=nullable, flatten=flatten).run()


class _Rewriter:
    def __init__(self, ctx: CutContext, *, nullable: bool, flatten: bool) -> None:
        self._ctx = ctx
        self._nullable = nullable
        self._flatten = flatten
        self._bearing: dict[str, bool] = {}
        self._depth = 0
        self._quiet = 0
        self._chain: list[str] = []

    def run(self) -> None:
        doc = self._ctx.document
        for path, item in doc.get("paths", {}).items():
            for method in HTTP_METHODS:
                operation = item.get(method) if isinstance(item, dict) else None
                if isinstance(operation, dict):
                    self._operation(operation, ("paths", path, method))
        for section, entries in doc.get("components", {}).items():
            side = {"parameters": "parameter", "requestBodies": "body"}.get(section, "response")
            for name, entry in entries.items():
                self._tree(entry, ("components", section, name), side)
        self._spellings(doc)

    def _operation(self, operation: JsonObject, where: Location) -> None:
        for index, parameter in enumerate(operation.get("parameters", [])):
            at = (*where, "parameters", index)
            if isinstance(parameter, dict) and "schema" in parameter:
                parameter["schema"] = self._inline_unions(parameter["schema"], frozenset())
                self._tree(parameter["schema"], (*at, "schema"), "parameter")
        body = operation.get("requestBody")
        if isinstance(body, dict):
            for media_type, media in body.get("content", {}).items():
                if isinstance(media, dict) and "schema" in media:
                    media["schema"] = self._inline_unions(media["schema"], frozenset())
                    at = (*where, "requestBody", "content", media_type, "schema")
                    self._tree(media["schema"], at, "body")
        for key in ("responses", "callbacks"):
            if key in operation:
                self._tree(operation[key], (*where, key), "response")

    # -- request side: copy components that hold a real union, so the copy can be narrowed --

    def _inline_unions(self, node: Any, chain: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [self._inline_unions(item, chain) for item in node]
        if not isinstance(node, dict):
            return node
        name = schema_ref_name(node["$ref"]) if isinstance(node.get("$ref"), str) else None
        if name is not None and name not in chain and self._bears_union(name, frozenset()):
            # A recursive schema keeps its $ref; it is widened like a response schema instead.
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            copied = {**copy.deepcopy(self._ctx.schemas[name]), **siblings}
            return self._inline_unions(copied, chain | {name})
        return {key: self._inline_unions(value, chain) for key, value in node.items()}

    def _bears_union(self, name: str, visiting: frozenset[str]) -> bool:
        if name in self._bearing:
            return self._bearing[name]
        if name in visiting or name not in self._ctx.schemas:
            return False
        found = False
        stack: list[Any] = [self._ctx.schemas[name]]
        while stack and not found:
            node = stack.pop()
            if isinstance(node, dict):
                found = any(len(self._non_null(node.get(k))) > 1 for k in _UNIONS)
                ref = node.get("$ref")
                target = schema_ref_name(ref) if isinstance(ref, str) else None
                if target is not None:
                    found = found or self._bears_union(target, visiting | {name})
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        self._bearing[name] = found
        return found

    # -- the rewrite, inside out --

    def _tree(self, node: Any, where: Location, side: Side, names: bool = False) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                self._tree(item, (*where, index), side)
            return
        if not isinstance(node, dict):
            return
        # A request body keeps one alternative, so it is chosen before looking inside (the
        # alternatives left out need no fixing); widening needs flat alternatives: inside out.
        inlined = self._rewrite_here(node, where, side) if side == "body" and not names else []
        self._chain.extend(inlined)
        try:
            self._children(node, where, side, names)
            if side != "body" and not names:
                # What a union inlined (a component's copy) may hold unions of its own.
                again = self._rewrite_here(node, where, side)
                self._chain.extend(again)
                if again:
                    self._children(node, where, side, names)
                del self._chain[len(self._chain) - len(again) :]
        finally:
            del self._chain[len(self._chain) - len(inlined) :]

    def _children(self, node: JsonObject, where: Location, side: Side, names: bool) -> None:
        for key, value in list(node.items()):
            if names or not (key in DATA_KEYS or key.startswith("x-")):
                self._tree(value, (*where, key), side, names=not names and key in NAME_MAPS)

    def _rewrite_here(self, node: JsonObject, where: Location, side: Side) -> list[str]:
        try:
            return self._rewrite(node, where, side)
        except SubsetError as exc:
            self._ctx.refuse(where, str(exc))
            return []

    def _rewrite(self, node: JsonObject, where: Location, side: Side) -> list[str]:
        # The alternative kept may itself be a union (a request's first choice): repeat.
        inlined: list[str] = []
        for _ in range(_MAX_DEPTH):
            if not self._rewrite_once(node, where, side, inlined):
                break
        return inlined

    def _rewrite_once(
        self, node: JsonObject, where: Location, side: Side, inlined: list[str]
    ) -> bool:
        changed = False
        for keyword in _UNIONS:
            alternatives = node.get(keyword)
            if not isinstance(alternatives, list):
                continue
            rest = self._non_null(alternatives)
            has_null = len(rest) < len(alternatives) or node.get("nullable") is True
            if (len(rest) > 1 and not self._flatten) or (len(rest) <= 1 and not self._nullable):
                continue
            # The node is changed only once its replacement is built: a component that refers
            # to itself is read (and copied) while this is decided.
            siblings = {k: v for k, v in node.items() if k not in (keyword, "discriminator")}
            chosen, what = self._choose(rest, side, where)
            merged = self._merge(siblings, chosen, has_null, where, inlined)
            node.clear()
            node.update(merged)
            changed = True
            if self._quiet:
                continue  # a copy being widened; the component itself is reported
            option = "flatten_unions" if len(rest) > 1 else "nullable_unions"
            null_what = " and nullable" if has_null else ""
            why = _NULL_WHY_30 if has_null and not self._ctx.version_31 else _WHY
            self._ctx.fix(
                option, where, f"{keyword} {_describe(alternatives)} -> {what}{null_what}", why
            )
        return changed

    def _choose(self, rest: list[Any], side: Side, where: Location) -> tuple[Any, str]:
        if not rest:
            return {}, "no type"
        if len(rest) == 1:
            return rest[0], _describe_one(rest[0])
        if side == "body":
            first = _describe_one(rest[0])
            return rest[0], f"the first alternative, {first} (a request needs one shape)"
        resolved = [self._ctx.resolve(alt, where) for alt in rest]
        if side == "parameter":
            primitives = [s for s in resolved if (types_of(s) or {"any"}) <= PRIMITIVES]
            if not primitives:
                return rest[0], f"the first alternative, {_describe_one(rest[0])}"
            kinds = _normalised_types(primitives)
            if len(kinds) == 1:
                return self._widen(primitives, where), f"one {next(iter(kinds))}"
            return {"type": "string"}, "string (a parameter travels as text)"
        widened = self._widen(resolved, where)
        if "type" in widened or len(_normalised_types(resolved)) <= 1:
            shape = _describe_one(widened)
        else:
            listed = " or ".join(sorted(_normalised_types(resolved)))
            shape = f"{listed}, untyped: 3.0 has no type lists"
        return widened, f"one schema accepting every alternative ({shape})"

    def _merge(
        self,
        siblings: JsonObject,
        chosen: Any,
        has_null: bool,
        where: Location,
        inlined: list[str],
    ) -> JsonObject:
        core = chosen
        if isinstance(core, dict) and "$ref" in core and (siblings or has_null):
            # 3.0 ignores siblings of a $ref, and a type list needs the type: inline the target.
            name = schema_ref_name(str(core["$ref"])) or ""
            if name in self._chain:
                # A schema that holds itself cannot be inlined for ever: accept any value here.
                core = {"description": f"A {name} (recursive)."}
            else:
                core = self._ctx.resolve(core, where)
                inlined.append(name)
        merged = copy.deepcopy(core) if isinstance(core, dict) else {}
        try:
            merge_schema(merged, siblings, prefer_new=True)
        except SubsetError as exc:
            raise SubsetError(
                f"the union's alternative contradicts the schema around it: {exc}"
            ) from exc
        if has_null:
            if self._ctx.version_31:
                merged.pop("nullable", None)
            allow_null(merged, self._ctx.version_31)
        return merged

    # -- widening: one schema accepting every alternative --

    def _widen(self, schemas: list[JsonObject], where: Location) -> JsonObject:
        # Widening follows property schemas that differ, which may lead back to the same union.
        if self._depth >= _MAX_DEPTH:
            return {}
        self._depth += 1
        try:
            return self._widen_once(schemas, where)
        finally:
            self._depth -= 1

    def _widen_once(self, schemas: list[JsonObject], where: Location) -> JsonObject:
        self._quiet += 1
        try:
            for schema in schemas:
                # An alternative read from a component may still hold a union of its own.
                self._tree(schema, where, "response")
        finally:
            self._quiet -= 1
        kinds = [types_of(schema) for schema in schemas]
        out: JsonObject = {}
        if any(kind is None for kind in kinds):
            return out

        def of_type(name: str) -> list[JsonObject]:
            wanted = {name, "integer"} if name == "number" else {name}
            return [s for s, k in zip(schemas, kinds, strict=True) if k and k & wanted]

        types = _normalised_types(schemas)
        if len(types) == 1:
            out["type"] = next(iter(types))
        elif self._ctx.version_31:
            out["type"] = sorted(types)
        objects = of_type("object")
        if objects:
            self._widen_objects(out, objects, where)
        arrays = of_type("array")
        if arrays:
            items = [a.get("items", {}) for a in arrays]
            if all(item == items[0] for item in items):
                if items[0]:
                    out["items"] = copy.deepcopy(items[0])
            else:
                out["items"] = self._widen([self._ctx.resolve(i, where) for i in items], where)
        for type_name, keywords in _SCOPED.items():
            group = of_type(type_name)
            for keyword in keywords:
                values = [s.get(keyword) for s in group]
                if group and values[0] is not None and all(v == values[0] for v in values):
                    out.setdefault(keyword, copy.deepcopy(values[0]))
        for keyword in _ANY_TYPE:
            if all(s.get(keyword) is True for s in schemas):
                out[keyword] = True
        enums = [s.get("enum") for s in schemas]
        if all(isinstance(e, list) for e in enums):
            out["enum"] = _unique([v for e in enums if isinstance(e, list) for v in e])
        if not self._ctx.version_31 and any(s.get("nullable") is True for s in schemas):
            out["nullable"] = True
        descriptions = _unique(
            [s["description"] for s in schemas if isinstance(s.get("description"), str)]
        )
        if descriptions:
            out["description"] = " Or: ".join(descriptions)
        return out

    def _widen_objects(self, out: JsonObject, objects: list[JsonObject], where: Location) -> None:
        properties: JsonObject = {}
        for schema in objects:
            for name, prop in schema.get("properties", {}).items():
                if name not in properties:
                    properties[name] = copy.deepcopy(prop)
                elif properties[name] != prop:
                    pair = [
                        self._ctx.resolve(properties[name], where),
                        self._ctx.resolve(prop, where),
                    ]
                    properties[name] = self._widen(pair, (*where, "properties", name))
        if properties:
            out["properties"] = properties
        required = [set(s.get("required", [])) for s in objects]
        common = set.intersection(*required) if required else set()
        ordered = [name for name in objects[0].get("required", []) if name in common]
        if ordered:
            out["required"] = ordered

    # -- nullable spelled per version, outside unions too --

    def _spellings(self, document: JsonObject) -> None:
        if not self._nullable:
            return
        for key in ("paths", "components"):
            self._respell(document.get(key, {}), (key,), names=True)

    def _respell(self, node: Any, where: Location, names: bool) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                self._respell(item, (*where, index), names=False)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if names or not (key in DATA_KEYS or key.startswith("x-")):
                self._respell(value, (*where, key), names=not names and key in NAME_MAPS)
        if not names and "$ref" not in node:
            self._respell_one(node, where)

    def _respell_one(self, node: JsonObject, where: Location) -> None:
        declared = node.get("type")
        why_31 = "OpenAPI 3.1 has no nullable keyword"
        why_30 = "OpenAPI 3.0 has no type lists"
        if self._ctx.version_31 and node.get("nullable") is True:
            del node["nullable"]
            allow_null(node, version_31=True)
            self._ctx.fix("nullable_unions", where, "nullable: true -> null in the type", why_31)
        elif not self._ctx.version_31 and isinstance(declared, list):
            rest = [t for t in declared if t != "null"]
            if len(rest) == 1:
                node["type"] = rest[0]
                if "null" in declared:
                    node["nullable"] = True
                self._ctx.fix("nullable_unions", where, f"type {declared} -> {rest[0]}", why_30)
            else:
                del node["type"]
                self._ctx.fix("nullable_unions", where, f"type {declared} -> no type", why_30)

    def _non_null(self, alternatives: Any) -> list[Any]:
        if not isinstance(alternatives, list):
            return []
        return [alt for alt in alternatives if not _is_null(alt)]


def _is_null(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    rest = {k: v for k, v in schema.items() if k not in ("description", "title")}
    return rest in (
        {"type": "null"},
        {"type": ["null"]},
        {"nullable": True},
        {"enum": [None]},
    ) or rest == {"const": None}


def _normalised_types(schemas: list[JsonObject]) -> set[str]:
    types: set[str] = set()
    for schema in schemas:
        types |= (types_of(schema) or set()) - {"null"}
    if {"integer", "number"} <= types:
        types.discard("integer")  # every integer is a number
    return types


def _unique(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def _describe_one(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "?"
    if isinstance(schema.get("$ref"), str):
        return f"$ref {schema['$ref'].rsplit('/', 1)[-1]}"
    if _is_null(schema):
        return "null"
    declared = schema.get("type")
    if isinstance(declared, list):
        return "/".join(map(str, declared))
    if isinstance(declared, str):
        return declared
    kinds = types_of(schema)
    return "/".join(sorted(kinds)) if kinds else "any"


def _describe(alternatives: list[Any]) -> str:
    return "[" + ", ".join(_describe_one(alt) for alt in alternatives) + "]"
