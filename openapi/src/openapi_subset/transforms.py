"""Normalisations declared in the selection file, applied to a cut document in place."""

from __future__ import annotations

import copy
from typing import Any

from openapi_subset.context import CutContext
from openapi_subset.document import JsonObject, operations, pointer
from openapi_subset.errors import SubsetError
from openapi_subset.reach import reachable_components
from openapi_subset.schema_types import allow_null
from openapi_subset.text import cap_length, collapse_whitespace, strip_html
from openapi_subset.walk import iter_keyword_owners

JSON_MEDIA_TYPE = "application/json"
_PROSE_KEYS = ("description", "summary")
# Keys that only annotate a schema: when allOf parts disagree on them, the first one wins.
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "readOnly",
        "writeOnly",
        "deprecated",
        "externalDocs",
        "xml",
        "default",
    }
)


def clean_prose(node: Any, *, html: bool, max_length: int | None) -> None:
    """Strip HTML from and cap every description/summary below `node`."""
    for owner in iter_keyword_owners(node):
        for key in _PROSE_KEYS:
            value = owner.get(key)
            if not isinstance(value, str):
                continue
            text = strip_html(value) if html else collapse_whitespace(value)
            owner[key] = cap_length(text, max_length) if max_length else text


def drop_keys(node: Any, *, examples: bool, extensions: bool) -> None:
    """Remove examples (they often contradict the declared types) and `x-` vendor extensions."""
    for owner in iter_keyword_owners(node):
        for key in list(owner):
            if (examples and key in ("example", "examples")) or (
                extensions and key.startswith("x-")
            ):
                del owner[key]


def drop_noop_styles(document: JsonObject) -> None:
    """Remove `style`/`explode` where they change nothing (default style, primitive value)."""
    defaults = {"query": "form", "path": "simple", "header": "simple", "cookie": "form"}
    parameter_lists = [op.get("parameters", []) for _, _, op in operations(document)]
    parameter_lists.append(list(document.get("components", {}).get("parameters", {}).values()))
    for parameters in parameter_lists:
        for parameter in parameters:
            if not isinstance(parameter, dict) or "$ref" in parameter:
                continue
            if parameter.get("style") == defaults.get(parameter.get("in", "")):
                del parameter["style"]
            schema = parameter.get("schema", {})
            if "explode" in parameter and schema.get("type") not in ("array", "object"):
                del parameter["explode"]


def keep_json_only(ctx: CutContext) -> None:
    """Drop non-JSON media types; an operation whose body has no JSON form cannot be called."""
    document = ctx.document
    why = "the Gateway fully supports application/json only"
    for path, method, operation in operations(document):
        where = ("paths", path, method)
        body = operation.get("requestBody")
        if isinstance(body, dict) and isinstance(body.get("content"), dict):
            dropped = _filter_content(body)
            if dropped:
                ctx.fix("json_only", (*where, "requestBody"), f"dropped {', '.join(dropped)}", why)
            if not body["content"]:
                ctx.refuse(
                    where,
                    f"takes its body only as {', '.join(dropped)}; a JSON-only target cannot "
                    "call it, so leave it out of the selection",
                )
        for status, response in operation.get("responses", {}).items():
            if isinstance(response, dict) and isinstance(response.get("content"), dict):
                dropped = _filter_content(response)
                if dropped:
                    at = (*where, "responses", status)
                    ctx.fix("json_only", at, f"dropped {', '.join(dropped)}", why)
                if not response["content"]:
                    del response["content"]
    for section in ("requestBodies", "responses"):
        for name, component in document.get("components", {}).get(section, {}).items():
            if isinstance(component, dict) and isinstance(component.get("content"), dict):
                dropped = _filter_content(component)
                if dropped:
                    at_component = ("components", section, name)
                    ctx.fix("json_only", at_component, f"dropped {', '.join(dropped)}", why)


def _filter_content(owner: JsonObject) -> list[str]:
    dropped = [media for media in owner["content"] if media != JSON_MEDIA_TYPE]
    for media in dropped:
        del owner["content"][media]
    return dropped


def flatten_all_of(node: Any, schemas: JsonObject) -> Any:
    """Return `node` with every allOf merged into one schema (refs resolved from `schemas`)."""
    return _Flattener(schemas).flatten(node, "#")


def flatten_all_of_each(ctx: CutContext, schemas: JsonObject) -> None:
    """Flatten allOf per operation and per component: one that cannot be merged refuses only
    the operations that use it."""
    flattener = _Flattener(schemas)
    why = "the Gateway supports no allOf"
    targets: list[tuple[JsonObject, str, tuple[str, ...]]] = [
        (item, method, ("paths", path, method))
        for path, item in ctx.document.get("paths", {}).items()
        for method in list(item)
    ]
    targets += [
        (entries, name, ("components", section, name))
        for section, entries in ctx.document.get("components", {}).items()
        for name in list(entries)
    ]
    for owner, key, where in targets:
        flattener.merged_at.clear()
        try:
            owner[key] = flattener.flatten(owner[key], pointer(*where))
        except SubsetError as exc:
            ctx.refuse(where, str(exc))
            continue
        for at in flattener.merged_at:
            ctx.report.fix("flatten_all_of", at, "allOf merged into one schema", why)


class _Flattener:
    def __init__(self, schemas: JsonObject) -> None:
        self._schemas = schemas
        self._resolving: list[str] = []
        self.merged_at: list[str] = []

    def flatten(self, node: Any, where: str) -> Any:
        if isinstance(node, list):
            return [self.flatten(item, f"{where}/{index}") for index, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out = {key: self.flatten(value, f"{where}/{key}") for key, value in node.items()}
        parts = out.get("allOf")
        if not isinstance(parts, list):
            return out
        del out["allOf"]
        if not self._resolving:
            self.merged_at.append(where)
        merged: JsonObject = {}
        for index, part in enumerate(parts):
            part_schema = self._resolve(part, f"{where}/allOf/{index}")
            merge_schema(merged, part_schema, where, prefer_new=False)
        # The schema around the allOf describes the result, so its annotations win.
        merge_schema(merged, out, where, prefer_new=True)
        return merged

    def _resolve(self, part: Any, where: str) -> JsonObject:
        if not isinstance(part, dict):
            raise SubsetError(f"cannot flatten allOf at {where}: a part is not a schema")
        ref = part.get("$ref")
        if not isinstance(ref, str):
            return part
        name = ref.removeprefix("#/components/schemas/")
        if name == ref or name not in self._schemas:
            raise SubsetError(f"cannot flatten allOf at {where}: {ref!r} is not a local schema")
        if name in self._resolving:
            raise SubsetError(f"cannot flatten allOf at {where}: {ref!r} refers to itself")
        self._resolving.append(name)
        try:
            resolved = self.flatten(copy.deepcopy(self._schemas[name]), ref)
        finally:
            self._resolving.pop()
        return self._resolve(resolved, where) if "$ref" in resolved else resolved


def merge_schema(
    target: JsonObject, part: JsonObject, where: str = "", *, prefer_new: bool
) -> None:
    """Merge `part` into `target` as allOf does; conflicting constraints are a SubsetError."""
    for key, value in part.items():
        if key == "properties":
            props = target.setdefault("properties", {})
            for name, schema in value.items():
                if name in props and props[name] != schema:
                    raise SubsetError(
                        f"cannot merge schemas at {where or '/'}: property {name!r} is defined "
                        "twice with different schemas"
                    )
                props[name] = schema
        elif key == "required":
            required = target.setdefault("required", [])
            required.extend(item for item in value if item not in required)
        elif key not in target or target[key] == value:
            target[key] = value
        elif key in _ANNOTATIONS:
            if prefer_new:
                target[key] = value
        else:
            raise SubsetError(
                f"cannot merge schemas at {where or '/'}: parts disagree on {key!r} "
                f"({target[key]!r} vs {value!r})"
            )


def make_response_properties_nullable(document: JsonObject) -> None:
    """Let every response property be null: the API sends null for empty fields of any type."""
    version_31 = str(document.get("openapi", "")).startswith("3.1")
    roots = [
        response
        for _, _, operation in operations(document)
        for response in operation.get("responses", {}).values()
    ]
    components = document.get("components", {})
    for section, name in reachable_components(roots, components):
        if section == "schemas":
            _nullable_properties(components[section][name], version_31)
    for response in roots:
        for media in response.get("content", {}).values() if isinstance(response, dict) else ():
            _nullable_properties(media.get("schema"), version_31)


def _nullable_properties(schema: Any, version_31: bool) -> None:
    if not isinstance(schema, dict):
        return
    for prop in schema.get("properties", {}).values():
        # A $ref cannot carry siblings in 3.0; the referenced schema is handled on its own.
        if isinstance(prop, dict) and "$ref" not in prop:
            allow_null(prop, version_31)
            _nullable_properties(prop, version_31)
    for key in ("items", "additionalProperties"):
        _nullable_properties(schema.get(key), version_31)
