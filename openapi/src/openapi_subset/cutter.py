"""Cut one view of a selection out of a full vendor spec."""

from __future__ import annotations

import copy
import difflib
from typing import Any

from openapi_subset.document import (
    HTTP_METHODS,
    JsonObject,
    LoadedDocument,
    operations,
    resolve_ref,
)
from openapi_subset.errors import SubsetError
from openapi_subset.names import TOOL_PROPERTY_NAME
from openapi_subset.reach import reachable_components
from openapi_subset.selection import Operation, Selection, View
from openapi_subset.transforms import (
    clean_prose,
    drop_keys,
    drop_noop_styles,
    flatten_all_of,
    keep_json_only,
    make_response_properties_nullable,
)
from openapi_subset.walk import iter_refs


def cut_view(
    source: LoadedDocument, selection: Selection, view: View, selection_label: str
) -> JsonObject:
    """Return the self-contained subset document `view` describes."""
    spec = source.content
    _check_selected_operations_exist(spec, selection)
    paths = _selected_paths(spec, selection, view)
    all_components: JsonObject = spec.get("components", {})
    components: JsonObject = {}
    for section, name in reachable_components(paths, all_components):
        components.setdefault(section, {})[name] = copy.deepcopy(all_components[section][name])

    if selection.normalise.flatten_all_of:
        # Only what the selection reaches is flattened: an odd unrelated schema must not block.
        flat = flatten_all_of(
            {"paths": paths, "components": components}, all_components.get("schemas", {})
        )
        paths, components = flat["paths"], flat["components"]

    security = _security_requirements(spec, paths)
    document: JsonObject = {
        "openapi": spec.get("openapi"),
        "info": _info(source, selection, view, selection_label),
        "servers": [server.model_dump(exclude_defaults=True) for server in selection.servers],
        "tags": _used_tags(spec, paths),
        "paths": paths,
        "components": _kept_components(paths, components, all_components, security),
    }
    if "security" in spec:
        document["security"] = copy.deepcopy(spec["security"])
    if not document["tags"]:
        del document["tags"]
    _normalise(document, selection)
    return document


def _check_selected_operations_exist(spec: JsonObject, selection: Selection) -> None:
    known = {op.get("operationId") for _, _, op in operations(spec)}
    missing = [op_id for op_id in selection.operations if op_id not in known]
    if missing:
        hints = []
        for op_id in missing:
            close = difflib.get_close_matches(op_id, [k for k in known if isinstance(k, str)], n=1)
            hints.append(f"{op_id} (did you mean {close[0]}?)" if close else op_id)
        raise SubsetError(f"the spec has no operation with operationId: {', '.join(hints)}")


def _selected_paths(spec: JsonObject, selection: Selection, view: View) -> JsonObject:
    paths: JsonObject = {}
    for path, method, source_op in operations(spec):
        op_id = source_op.get("operationId")
        if op_id not in selection.operations:
            continue
        if view.methods is not None and method not in view.methods:
            continue
        path_item = spec["paths"][path]
        operation = copy.deepcopy(source_op)
        # Path-level parameters apply to every method; inline them so each operation stands alone.
        inherited = [_inline(spec, p) for p in path_item.get("parameters", [])]
        own = [_inline(spec, p) for p in operation.get("parameters", [])]
        own_keys = {(p["name"], p["in"]) for p in own}
        operation["parameters"] = [
            p for p in inherited if (p["name"], p["in"]) not in own_keys
        ] + own
        _apply_operation(operation, selection.operations[op_id], selection, view, f"{op_id}")
        paths.setdefault(path, {})[method] = operation
    return paths


def _inline(spec: JsonObject, parameter: Any) -> JsonObject:
    resolved = resolve_ref(spec, parameter["$ref"]) if "$ref" in parameter else parameter
    if not isinstance(resolved, dict) or "name" not in resolved or "in" not in resolved:
        raise SubsetError(f"malformed parameter {parameter!r}: needs name and in")
    return copy.deepcopy(resolved)


def _apply_operation(
    operation: JsonObject, wanted: Operation, selection: Selection, view: View, op_id: str
) -> None:
    if wanted.summary is not None:
        operation["summary"] = wanted.summary
    if wanted.description is not None:
        operation["description"] = wanted.description
    params: list[JsonObject] = operation["parameters"]
    by_name = {p["name"]: p for p in params}

    for name, override in wanted.parameters.items():
        if name not in by_name:
            raise SubsetError(
                f"{op_id}: cannot override parameter {name!r}: the spec has no such parameter"
            )
        target = by_name[name]
        if override.description is not None:
            target["description"] = override.description
        if override.required is not None:
            target["required"] = override.required
        if override.schema_ is not None:
            target["schema"] = {**target.get("schema", {}), **override.schema_}

    for key in wanted.add_parameters:
        added = copy.deepcopy(selection.parameters[key])
        if any(p["name"] == added["name"] and p["in"] == added["in"] for p in params):
            raise SubsetError(
                f"{op_id}: parameter {added['name']!r} already exists; override it instead"
            )
        params.append(added)

    unknown = [name for name in wanted.runtime_only_parameters if name not in by_name]
    if unknown:
        raise SubsetError(f"{op_id}: runtime_only_parameters names unknown parameters: {unknown}")
    if view.drop_runtime_only_parameters:
        params[:] = [p for p in params if p["name"] not in wanted.runtime_only_parameters]
        unsafe = [p["name"] for p in params if not TOOL_PROPERTY_NAME.match(p["name"])]
        if unsafe:
            raise SubsetError(
                f"{op_id}: parameter names {unsafe} are not valid tool property names; list them "
                "under runtime_only_parameters (renaming would change what the API receives)"
            )
    if not params:
        del operation["parameters"]

    if wanted.request_body_required is not None:
        if "requestBody" not in operation:
            raise SubsetError(
                f"{op_id}: request_body_required is set but the operation has no body"
            )
        operation["requestBody"]["required"] = wanted.request_body_required
    for status, key in wanted.add_responses.items():
        operation.setdefault("responses", {})[status] = copy.deepcopy(selection.responses[key])
    for status, keys in wanted.add_response_properties.items():
        schema = _inline_json_response_schema(operation, status, op_id)
        for key in keys:
            added = selection.response_properties[key]
            schema.setdefault("properties", {})[added["name"]] = copy.deepcopy(added["schema"])


def _inline_json_response_schema(operation: JsonObject, status: str, op_id: str) -> JsonObject:
    response = operation.get("responses", {}).get(status, {})
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    # A shared component would change for every operation using it, so only inline schemas.
    if not isinstance(schema, dict) or "$ref" in schema or schema.get("type", "object") != "object":
        raise SubsetError(
            f"{op_id}: add_response_properties needs an inline application/json object schema "
            f"in response {status}"
        )
    return schema


def _security_requirements(spec: JsonObject, paths: JsonObject) -> set[str]:
    names = {name for req in spec.get("security", []) for name in req}
    for item in paths.values():
        for method in HTTP_METHODS:
            for req in item.get(method, {}).get("security", []):
                names.update(req)
    return names


def _kept_components(
    paths: JsonObject, components: JsonObject, all_components: JsonObject, security: set[str]
) -> JsonObject:
    # Flattening can leave a component unreferenced, so reachability is computed once more.
    kept: JsonObject = {}
    for section, name in sorted(reachable_components(paths, components)):
        kept.setdefault(section, {})[name] = components[section][name]
    schemes = all_components.get("securitySchemes", {})
    for name in sorted(security):
        if name not in schemes:
            raise SubsetError(f"security requirement {name!r} has no security scheme")
        kept.setdefault("securitySchemes", {})[name] = copy.deepcopy(schemes[name])
    # Security schemes may reference nothing, but anything they do reference must come along too.
    for section, name in reachable_components(kept.get("securitySchemes", {}), all_components):
        kept.setdefault(section, {}).setdefault(name, copy.deepcopy(all_components[section][name]))
    return {section: dict(sorted(kept[section].items())) for section in sorted(kept)}


def _used_tags(spec: JsonObject, paths: JsonObject) -> list[JsonObject]:
    used = {tag for item in paths.values() for op in item.values() for tag in op.get("tags", [])}
    declared = [copy.deepcopy(t) for t in spec.get("tags", []) if t.get("name") in used]
    return [{k: v for k, v in tag.items() if k in ("name", "description")} for tag in declared]


def _info(
    source: LoadedDocument, selection: Selection, view: View, selection_label: str
) -> JsonObject:
    origin = (
        f"Generated by openapi_subset from {selection.source.name} ({selection.source.url}, "
        f"sha256 {source.sha256}) with {selection_label}. Do not edit by hand: change the "
        "selection file and regenerate."
    )
    description = " ".join(
        part for part in (selection.info.description, view.description, origin) if part
    )
    return {
        "title": selection.info.title,
        "version": selection.info.version,
        "description": description,
        "x-subset-source": {
            "name": selection.source.name,
            "url": selection.source.url,
            "sha256": source.sha256,
            "selection": selection_label,
        },
    }


def _normalise(document: JsonObject, selection: Selection) -> None:
    rules = selection.normalise
    body = {"paths": document["paths"], "components": document["components"]}
    if rules.json_only:
        keep_json_only(document)
    if rules.drop_noop_styles:
        drop_noop_styles(document)
    if rules.drop_examples or rules.drop_extensions:
        drop_keys(body, examples=rules.drop_examples, extensions=rules.drop_extensions)
        if "tags" in document:
            drop_keys(document["tags"], examples=False, extensions=rules.drop_extensions)
    if rules.strip_html or rules.max_description_length:
        for node in (body, document.get("tags", [])):
            clean_prose(node, html=rules.strip_html, max_length=rules.max_description_length)
    if rules.nullable_response_properties:
        make_response_properties_nullable(document)
    # Every $ref left must still resolve: a transform must never leave a dangling reference.
    for ref in iter_refs(body):
        resolve_ref(document, ref)
