"""`init`: a starter selection file for some operations of a spec, so a new API takes one
command plus a review of the file it writes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from openapi_subset.cutter import close_matches
from openapi_subset.document import JsonObject, LoadedDocument, operations
from openapi_subset.errors import SubsetError
from openapi_subset.selection import Selection

_SLUG = re.compile(r"[^a-z0-9]+")
_VARIABLE = re.compile(r"\{([^}]+)\}")


def starter_selection(
    source: LoadedDocument,
    operation_ids: list[str],
    *,
    source_url: str | None = None,
    server: str | None = None,
    target: str | None = None,
) -> str:
    """The text of a selection file that cuts `operation_ids` with the gateway_ready preset."""
    spec = source.content
    found = {op.get("operationId"): (path, method, op) for path, method, op in operations(spec)}
    missing = [op_id for op_id in operation_ids if op_id not in found]
    if missing:
        raise SubsetError(
            f"the spec has no operation with operationId: {close_matches(missing, set(found))}"
        )
    if not operation_ids:
        raise SubsetError("name at least one operationId")
    info = spec.get("info", {}) if isinstance(spec.get("info"), dict) else {}
    title = str(info.get("title") or source.path.stem)
    version = str(info.get("version") or "1")
    server_url = server or _first_https_server(spec)
    slug = _SLUG.sub("-", title.lower()).strip("-") or "api"
    methods = sorted({found[op_id][1] for op_id in operation_ids})
    lines = [
        f"# Starter selection for {title}, written by `python -m openapi_subset init`.",
        "# Review every line; `cut` prints each fix it makes and anything it leaves out.",
        "source:",
        f"  name: {_q(f'{title} {version}')}",
        f"  url: {_q(source_url or str(source.path))}",
        "info:",
        f"  title: {_q(f'{title} (subset)')}",
        f"  version: {_q(f'{version}-subset.1')}",
        "servers:",
        f"  - url: {_q(server_url)}",
        "normalise:",
        "  gateway_ready: true   # every fix the Gateway needs (README, the gateway_ready preset)",
        "operations:",
    ]
    for op_id in operation_ids:
        path, method, operation = found[op_id]
        summary = " ".join(str(operation.get("summary") or "").split())
        note = f"  # {method.upper()} {path}" + (f": {summary}" if summary else "")
        lines.append(f"  {_q(op_id)}: {{}}{note}")
    lines += [
        "views:",
        "  gateway:",
        f"    output: {_q(f'{slug}.gateway.json')}",
        f"    methods: [{', '.join(methods)}]",
        "    gateway: true",
    ]
    if target:
        lines.append(f"    target: {_q(target)}")
    text = "\n".join(lines) + "\n"
    # What init writes must be a selection `cut` accepts.
    Selection.model_validate(yaml.safe_load(text))
    return text


def write_starter(path: Path, text: str, *, force: bool) -> None:
    """Write the starter file; an existing file is kept unless `force`."""
    if path.exists() and not force:
        raise SubsetError(f"{path} exists; pass --force to overwrite it")
    path.write_text(text, encoding="utf-8")


def _first_https_server(spec: JsonObject) -> str:
    for server in spec.get("servers", []):
        url = _with_variable_defaults(server) if isinstance(server, dict) else None
        if url and url.startswith("https://"):
            return url
    raise SubsetError("the spec names no https server; pass --server with the API's real https URL")


def _with_variable_defaults(server: JsonObject) -> str | None:
    url = str(server.get("url", ""))
    variables: dict[str, Any] = server.get("variables", {}) or {}

    def value(match: re.Match[str]) -> str:
        default = variables.get(match.group(1), {}).get("default")
        return str(default) if default is not None else match.group(0)

    filled = _VARIABLE.sub(value, url)
    return None if "{" in filled else filled


def _q(text: str) -> str:
    # A JSON string is a valid YAML scalar and needs no further escaping rules.
    return json.dumps(text, ensure_ascii=False)
