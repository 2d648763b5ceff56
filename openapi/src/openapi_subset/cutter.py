"""Cut one view of a selection out of a full vendor spec.

The normalisations run in a fixed order (README, "What cut does, in order"). A fix that cannot be
made refuses only the operations that use the place it failed at; a Gateway view is then linted,
and an operation that still breaks a constraint is refused too, so a Gateway view is lint-clean
or the cut says precisely what it left out and why.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openapi_subset.context import CutContext, Location
from openapi_subset.document import (
    HTTP_METHODS,
    JsonObject,
    LoadedDocument,
    operations,
    resolve_ref,
)
from openapi_subset.errors import SubsetError
from openapi_subset.lint import lint
from openapi_subset.names import TOOL_PROPERTY_NAME
from openapi_subset.parameters import move_unsendable, single_value_arrays
from openapi_subset.reach import reachable_components
from openapi_subset.report import CutReport, Refusal
from openapi_subset.selection import Operation, Selection, View
from openapi_subset.toolnames import budget, problem, sanitise, shorten
from openapi_subset.transforms import (
    clean_prose,
    drop_keys,
    drop_noop_styles,
    flatten_all_of_each,
    keep_json_only,
    make_response_properties_nullable,
)
from openapi_subset.unions import rewrite_unions
from openapi_subset.values import fix_defaults, fix_enums
from openapi_subset.walk import iter_refs

# Refusing operations can only remove findings; a second pass catches what the first removal
# left unreferenced, and more would mean a finding no operation owns.
_LINT_PASSES = 3


@dataclass(frozen=True)
class CutResult:
    """A view's document and the report of what the cut did."""

    document: JsonObject
    report: CutReport


def cut_view(
    source: LoadedDocument, selection: Selection, view: View, selection_label: str
) -> JsonObject:
    """Return the self-contained subset document `view` describes."""
    return cut(source, selection, view, selection_label).document


def cut(
    source: LoadedDocument,
    selection: Selection,
    view: View,
    selection_label: str,
    view_name: str = "",
) -> CutResult:
    """Cut `view` and report every fix, every parameter moved to the runtime path and every
    operation refused."""
    spec = source.content
    _check_selected_operations_exist(spec, selection)
    report = CutReport(view=view_name or view.output, output=view.output)
    paths, vendor_ids = _selected_paths(spec, selection, view)
    report.selected = list(vendor_ids.values())
    all_components: JsonObject = spec.get("components", {})
    components: JsonObject = {}
    for section, name in reachable_components(paths, all_components):
        components.setdefault(section, {})[name] = copy.deepcopy(all_components[section][name])
    work: JsonObject = {"openapi": spec.get("openapi"), "paths": paths, "components": components}
    ctx = CutContext(work, report)

    _normalise_schemas(ctx, selection, all_components.get("schemas", {}))
    if view.drops_runtime_only:
        if selection.normalise.single_value_arrays:
            single_value_arrays(ctx)
        if selection.normalise.auto_runtime_only:
            move_unsendable(ctx, vendor_ids)
    if selection.normalise.fix_defaults:
        fix_defaults(ctx)
    _normalise_text(work, selection)
    if selection.normalise.tool_names:
        _fit_tool_names(ctx, view, vendor_ids)
    _refuse(ctx, vendor_ids)

    def assemble() -> JsonObject:
        return _assemble(source, selection, view, selection_label, work, all_components, spec)

    document = assemble()
    if view.gateway:
        document = _lint_until_clean(ctx, view, vendor_ids, document, assemble)
    _record(document, selection, report)
    return CutResult(document, report)


def _normalise_schemas(ctx: CutContext, selection: Selection, vendor_schemas: JsonObject) -> None:
    rules = selection.normalise
    if rules.flatten_all_of:
        # Only what the selection reaches is flattened: an odd unrelated schema must not block.
        flatten_all_of_each(ctx, vendor_schemas)
    if rules.nullable_unions or rules.flatten_unions:
        rewrite_unions(ctx, nullable=rules.nullable_unions, flatten=rules.flatten_unions)
    if rules.fix_enums:
        fix_enums(ctx)
    if rules.json_only:
        keep_json_only(ctx)
    if rules.drop_noop_styles:
        drop_noop_styles(ctx.document)


def _normalise_text(work: JsonObject, selection: Selection) -> None:
    rules = selection.normalise
    body = {"paths": work["paths"], "components": work["components"]}
    if rules.drop_examples or rules.drop_extensions:
        drop_keys(body, examples=rules.drop_examples, extensions=rules.drop_extensions)
    if rules.strip_html or rules.max_description_length:
        clean_prose(body, html=rules.strip_html, max_length=rules.max_description_length)
    if rules.nullable_response_properties:
        make_response_properties_nullable(work)


def _check_selected_operations_exist(spec: JsonObject, selection: Selection) -> None:
    known = {op.get("operationId") for _, _, op in operations(spec)}
    missing = [op_id for op_id in selection.operations if op_id not in known]
    if missing:
        raise SubsetError(
            f"the spec has no operation with operationId: {close_matches(missing, known)}"
        )


def close_matches(missing: list[str], known: set[Any]) -> str:
    """The missing names, each with the closest known one as a hint."""
    names = [k for k in known if isinstance(k, str)]
    hints = []
    for op_id in missing:
        close = difflib.get_close_matches(op_id, names, n=1)
        hints.append(f"{op_id} (did you mean {close[0]}?)" if close else op_id)
    return ", ".join(hints)


def _selected_paths(
    spec: JsonObject, selection: Selection, view: View
) -> tuple[JsonObject, dict[tuple[str, str], str]]:
    paths: JsonObject = {}
    vendor_ids: dict[tuple[str, str], str] = {}
    for path, method, source_op in operations(spec):
        op_id = source_op.get("operationId")
        if op_id not in selection.operations:
            continue
        if view.methods is not None and method not in view.methods:
            continue
        if op_id in view.exclude_operations:
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
        body = operation.get("requestBody")
        if isinstance(body, dict) and isinstance(body.get("$ref"), str):
            operation["requestBody"] = copy.deepcopy(resolve_ref(spec, body["$ref"]))
        wanted = selection.operations[op_id]
        _apply_operation(operation, wanted, selection, view, op_id)
        paths.setdefault(path, {})[method] = operation
        vendor_ids[(path, method)] = op_id
    return paths, vendor_ids


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
    if wanted.operation_id is not None:
        operation["operationId"] = wanted.operation_id
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
    if view.drops_runtime_only:
        params[:] = [p for p in params if p["name"] not in wanted.runtime_only_parameters]
        unsafe = [p["name"] for p in params if not TOOL_PROPERTY_NAME.match(p["name"])]
        if unsafe and not selection.normalise.auto_runtime_only:
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


def _fit_tool_names(ctx: CutContext, view: View, vendor_ids: dict[tuple[str, str], str]) -> None:
    """Give every operation an operationId that makes a valid tool name (`tool_names`)."""
    room = budget(view.target, len(view.host_prefix))
    taken: set[str] = set()
    for path, method, operation in operations(ctx.document):
        current = str(operation.get("operationId"))
        name = current
        if problem(name, None, 0) is not None:
            name = sanitise(name)
        if problem(name, view.target, len(view.host_prefix)) is not None:
            if room < 1:
                ctx.refuse(
                    ("paths", path, method),
                    f"target {view.target!r} and host prefix {view.host_prefix!r} leave no room "
                    "for a tool name within the limit",
                )
                continue
            name = shorten(name, room)
        base, suffix = name, 2
        while name in taken:
            name = shorten(base, room - len(str(suffix)) - 1) + f"_{suffix}"
            suffix += 1
        taken.add(name)
        if name != current:
            operation["operationId"] = name
            vendor = vendor_ids[(path, method)]
            ctx.report.renamed[vendor] = name
            ctx.fix(
                "tool_names",
                ("paths", path, method, "operationId"),
                f"{current!r} -> {name!r}",
                "a tool name allows only A-Z a-z 0-9 _ - and 64 characters with its prefixes; "
                f"to choose another, set operations.{vendor}.operation_id",
            )


def _refuse(ctx: CutContext, vendor_ids: dict[tuple[str, str], str]) -> None:
    """Remove every operation that uses a place a fix gave up on, recording why."""
    if not ctx.refusals:
        return
    reasons: dict[tuple[str, str], list[str]] = {}
    for where, reason in ctx.refusals:
        for key in _operations_at(ctx.document, where):
            if reason not in reasons.setdefault(key, []):
                reasons[key].append(reason)
    ctx.refusals.clear()
    for (path, method), why in reasons.items():
        vendor = vendor_ids[(path, method)]
        ctx.report.refused.append(Refusal(vendor, method, path, "; ".join(why)))
        del ctx.document["paths"][path][method]
        if not ctx.document["paths"][path]:
            del ctx.document["paths"][path]


def _operations_at(document: JsonObject, where: Location) -> list[tuple[str, str]]:
    """The operations that use the place `where` points at."""
    if len(where) >= 2 and where[0] == "paths":
        path = str(where[1])
        item = document["paths"].get(path, {})
        if len(where) >= 3 and where[2] in HTTP_METHODS and where[2] in item:
            return [(path, str(where[2]))]
        return [(path, method) for method in item if method in HTTP_METHODS]
    if len(where) >= 3 and where[0] == "components":
        key = (str(where[1]), str(where[2]))
        components = document.get("components", {})
        return [
            (path, method)
            for path, method, operation in operations(document)
            if key in reachable_components(operation, components)
        ]
    return []


def _assemble(
    source: LoadedDocument,
    selection: Selection,
    view: View,
    selection_label: str,
    work: JsonObject,
    all_components: JsonObject,
    spec: JsonObject,
) -> JsonObject:
    paths = work["paths"]
    security = _security_requirements(spec, paths)
    document: JsonObject = {
        "openapi": spec.get("openapi"),
        "info": _info(source, selection, view, selection_label),
        "servers": [server.model_dump(exclude_defaults=True) for server in selection.servers],
        "tags": _used_tags(spec, paths),
        "paths": paths,
        "components": _kept_components(paths, work["components"], all_components, security),
    }
    if "security" in spec:
        document["security"] = copy.deepcopy(spec["security"])
    if not document["tags"]:
        del document["tags"]
    rules = selection.normalise
    if "tags" in document:
        if rules.drop_extensions:
            drop_keys(document["tags"], examples=False, extensions=True)
        if rules.strip_html or rules.max_description_length:
            clean_prose(
                document["tags"], html=rules.strip_html, max_length=rules.max_description_length
            )
    # Every $ref left must still resolve: a transform must never leave a dangling reference.
    for ref in iter_refs({"paths": document["paths"], "components": document["components"]}):
        resolve_ref(document, ref)
    return document


def _lint_until_clean(
    ctx: CutContext,
    view: View,
    vendor_ids: dict[tuple[str, str], str],
    document: JsonObject,
    assemble: Callable[[], JsonObject],
) -> JsonObject:
    """Lint the Gateway view; refuse each operation a finding points into, until none is left.

    A finding no operation owns (a server, the size) cannot be cured by leaving one out: it is
    an error, so a Gateway view never fails lint silently.
    """
    for _ in range(_LINT_PASSES):
        findings = lint(document, target=view.target, prefix_budget=len(view.host_prefix))
        if not findings:
            return document
        orphans = []
        for finding in findings:
            where = _location(finding.where)
            if _operations_at(document, where):
                ctx.refuse(where, f"still failed lint: {finding}")
            else:
                orphans.append(str(finding))
        if orphans:
            raise SubsetError(
                f"{view.output} breaks Gateway constraints that leaving out operations cannot "
                f"cure: {'; '.join(orphans)}"
            )
        _refuse(ctx, vendor_ids)
        document = assemble()
    raise SubsetError(f"{view.output}: lint findings remain after refusing operations")


def _location(where: str) -> Location:
    """JSON pointer (possibly followed by a note such as ` (name)`) -> its parts."""
    head = where.split(" ", 1)[0]
    parts = head.lstrip("/").split("/") if head != "/" else []
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in parts)


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


def _record(document: JsonObject, selection: Selection, report: CutReport) -> None:
    """Write into the view how it was made: the normalise settings (with the preset expanded),
    renamed operationIds and refused operations."""
    origin = document["info"]["x-subset-source"]
    origin["normalise"] = selection.normalise.recorded()
    if report.renamed:
        origin["operation_ids"] = {new: old for old, new in report.renamed.items()}
    if report.refused:
        origin["refused"] = {refusal.operation: refusal.reason for refusal in report.refused}
