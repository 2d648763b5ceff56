"""Check a spec against the AgentCore Gateway OpenAPI-target constraints and the OpenAPI schema.

Each finding names the rule, where it is, and what to do; the CLI exits non-zero when any exist.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gateway_contract.rules import rules, valid_tool_name
from referencing.exceptions import Unresolvable

from openapi_subset.document import JsonObject, operations, pointer, resolve_ref
from openapi_subset.errors import SubsetError
from openapi_subset.parameters import deref, gateway_problems
from openapi_subset.toolnames import budget, problem, sanitise, shorten
from openapi_subset.transforms import JSON_MEDIA_TYPE
from openapi_subset.walk import iter_nodes

# The Gateway's inline payload limit; larger specs must go through S3 (aws-agentcore-facts C.2).
DEFAULT_MAX_BYTES = 1_000_000
_SUPPORTED_VERSION = re.compile(r"^3\.[01]\.\d+$")
_COMPOSITIONS = ("allOf", "oneOf", "anyOf")
_SPEC_ERROR_LIMIT = 50


@dataclass(frozen=True, order=True)
class Finding:
    """One violated constraint."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.where}: {self.message}"


def lint(
    document: JsonObject,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    target: str | None = None,
    prefix_budget: int = 0,
) -> list[Finding]:
    """Return every finding for `document`; an empty list means Gateway-ready.

    With `target`, every tool name `<target>___<operationId>` must also fit the model APIs'
    64-character limit after `prefix_budget` characters a host adds (Claude Code `mcp__<s>__`).
    """
    version = str(document.get("openapi", document.get("swagger", "")))
    if not _SUPPORTED_VERSION.match(version):
        return [
            Finding(
                "openapi-version", "/openapi", f"OpenAPI {version or '(missing)'} is not 3.0/3.1"
            )
        ]
    findings = [
        *_spec_errors(document, version),
        *_operation_ids(document),
        *_tool_names(document, target, prefix_budget),
        *_compositions(document),
        *_media_types(document),
        *_parameters(document),
        *_servers(document),
        *_size(document, max_bytes),
    ]
    return sorted(set(findings))


def summary(findings: list[Finding]) -> str:
    """One line that counts findings per rule."""
    counts = Counter(finding.rule for finding in findings)
    return f"{len(findings)} problem(s): " + ", ".join(
        f"{rule} {n}" for rule, n in sorted(counts.items())
    )


def _spec_errors(document: JsonObject, version: str) -> Iterator[Finding]:
    dangling = False
    for path, node in iter_nodes(document):
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            try:
                resolve_ref(document, node["$ref"])
            except SubsetError as exc:
                dangling = True
                yield Finding("spec", pointer(*path), str(exc))
    if dangling:
        return  # the schema validator cannot run past a dangling reference
    # Imported here: it takes about a second to import, and `cut` never needs it.
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator_cls = (
        OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    )
    locator = _SchemaLocator(document)
    try:
        for count, error in enumerate(validator_cls(document).iter_errors()):
            if count == _SPEC_ERROR_LIMIT:
                yield Finding("spec", "/", f"more than {_SPEC_ERROR_LIMIT} schema errors; stopping")
                return
            if error.absolute_path:
                where = pointer(*error.absolute_path)
            else:
                # Semantic checks (e.g. a default that breaks its own schema) carry no path.
                where = locator.find(error.schema)
            yield Finding(
                "spec", where, f"{' '.join(error.message.split())} (openapi-spec-validator)"
            )
    except Unresolvable as exc:
        yield Finding("spec", "/", f"unresolvable reference: {exc}")


class _SchemaLocator:
    """Finds where in the document a schema the validator complained about lives."""

    def __init__(self, document: JsonObject) -> None:
        self._document = document
        self._index: list[tuple[tuple[str | int, ...], JsonObject]] | None = None

    def find(self, schema: Any) -> str:
        if self._index is None:
            self._index = [(p, n) for p, n in iter_nodes(self._document) if isinstance(n, dict)]
        matches = [pointer(*path) for path, node in self._index if node == schema]
        if not matches:
            return "/"
        more = f" (+{len(matches) - 1} identical)" if len(matches) > 1 else ""
        return matches[0] + more


def _operation_ids(document: JsonObject) -> Iterator[Finding]:
    seen: Counter[str] = Counter()
    for path, method, operation in operations(document):
        where = pointer("paths", path, method)
        op_id = operation.get("operationId")
        if not isinstance(op_id, str):
            yield Finding(
                "operation-id", where, "missing operationId; the Gateway names each tool by it"
            )
            continue
        seen[op_id] += 1
        if not valid_tool_name(op_id):
            yield Finding(
                "operation-id",
                where,
                f"{op_id!r} is not a valid tool name ({rules().tool_name_pattern})",
            )
    for op_id, count in seen.items():
        if count > 1:
            yield Finding("operation-id", "/paths", f"operationId {op_id!r} is used {count} times")


def _compositions(document: JsonObject) -> Iterator[Finding]:
    for path, node in iter_nodes(
        {"paths": document.get("paths", {}), "components": document.get("components", {})}
    ):
        if isinstance(node, dict):
            for keyword in _COMPOSITIONS:
                if isinstance(node.get(keyword), list):
                    yield Finding(
                        "composition", pointer(*path), f"{keyword} is not supported; flatten it"
                    )


def _media_types(document: JsonObject) -> Iterator[Finding]:
    for path, method, operation in operations(document):
        body = operation.get("requestBody", {})
        owners = [(("requestBody",), body)] + [
            (("responses", code), response)
            for code, response in operation.get("responses", {}).items()
        ]
        for where, owner in owners:
            if not isinstance(owner, dict):
                continue
            for media in owner.get("content", {}):
                if media != JSON_MEDIA_TYPE:
                    yield Finding(
                        "media-type",
                        pointer("paths", path, method, *where, "content", media),
                        f"{media} is not supported; only {JSON_MEDIA_TYPE} is",
                    )


def _parameters(document: JsonObject) -> Iterator[Finding]:
    for path, method, operation in operations(document):
        inherited = document["paths"][path].get("parameters", [])
        for index, raw in enumerate([*inherited, *operation.get("parameters", [])]):
            parameter = deref(document, raw)
            name, location = parameter.get("name", ""), parameter.get("in", "")
            where = pointer("paths", path, method, "parameters", index) + f" ({name})"
            yield from _parameter_findings(document, parameter, name, location, where)


def _parameter_findings(
    document: JsonObject, parameter: JsonObject, name: str, location: str, where: str
) -> Iterator[Finding]:
    for rule, message in gateway_problems(document, parameter):
        yield Finding(rule, where, message)


def _tool_names(document: JsonObject, target: str | None, prefix_budget: int) -> Iterator[Finding]:
    if target is None:
        return
    renamed = document.get("info", {}).get("x-subset-source", {}).get("operation_ids", {})
    for path, method, operation in operations(document):
        op_id = operation.get("operationId")
        if not isinstance(op_id, str):
            continue  # reported under operation-id
        why = problem(op_id, target, prefix_budget)
        if why is None:
            continue
        vendor_id = renamed.get(op_id, op_id)
        room = budget(target, prefix_budget)
        if room < 1:
            advice = "the target name and host prefix leave no room; shorten one of them"
        else:
            advice = (
                f"set `operations.{vendor_id}.operation_id: {shorten(sanitise(op_id), room)}` in "
                "the selection file (the operationId is not sent to the API, so renaming is safe)"
            )
        yield Finding(
            "tool-name", pointer("paths", path, method, "operationId"), f"{why}; {advice}"
        )


def _servers(document: JsonObject) -> Iterator[Finding]:
    declared = [(pointer("servers", i), s) for i, s in enumerate(document.get("servers", []))]
    for path, item in document.get("paths", {}).items():
        declared += [
            (pointer("paths", path, "servers", i), s) for i, s in enumerate(item.get("servers", []))
        ]
    if not document.get("servers"):
        yield Finding("server", "/servers", "no server URL; the Gateway needs a real https URL")
    for where, server in declared:
        url = str(server.get("url", ""))
        if not url.startswith("https://"):
            yield Finding("server", where, f"{url!r} is not an https URL")
        elif "{" in url:
            yield Finding("server", where, f"{url!r} is templated; the Gateway needs a fixed host")


def _size(document: JsonObject, max_bytes: int) -> Iterator[Finding]:
    size = len(json.dumps(document, separators=(",", ":")).encode())
    if size > max_bytes:
        yield Finding(
            "size", "/", f"{size} bytes as compact JSON exceeds the {max_bytes}-byte inline limit"
        )
