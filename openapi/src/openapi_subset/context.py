"""What every normalisation pass works on: the cut document, its OpenAPI version, the report it
adds fixes to, and the places it could not fix (which refuse the operations that use them)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from openapi_subset.document import JsonObject, pointer
from openapi_subset.errors import SubsetError
from openapi_subset.report import CutReport

Location = tuple[str | int, ...]
SCHEMA_REF_PREFIX = "#/components/schemas/"


@dataclass
class CutContext:
    """One view's cut in progress."""

    document: JsonObject
    report: CutReport
    refusals: list[tuple[Location, str]] = field(default_factory=list)

    @property
    def version_31(self) -> bool:
        """OpenAPI 3.1 (JSON Schema 2020-12) rather than 3.0 (its own schema dialect)."""
        return str(self.document.get("openapi", "")).startswith("3.1")

    @property
    def schemas(self) -> JsonObject:
        """The cut document's component schemas (the ones `$ref`s resolve to)."""
        schemas: JsonObject = self.document.setdefault("components", {}).setdefault("schemas", {})
        return schemas

    def fix(self, option: str, where: Location, what: str, why: str) -> None:
        """Record a change made at `where`."""
        self.report.fix(option, pointer(*where), what, why)

    def refuse(self, where: Location, reason: str) -> None:
        """Give up on `where`: every operation that uses it is left out of the view."""
        self.refusals.append((where, reason))

    def resolve(self, schema: Any, where: Location) -> JsonObject:
        """A copy of `schema` with its `$ref` chain followed (siblings of the `$ref` kept)."""
        seen: list[str] = []
        current = schema
        while isinstance(current, dict) and isinstance(current.get("$ref"), str):
            ref = current["$ref"]
            name = schema_ref_name(ref)
            if name is None or name not in self.schemas:
                raise SubsetError(f"{pointer(*where)}: {ref!r} is not a local component schema")
            if name in seen:
                raise SubsetError(f"{pointer(*where)}: {ref!r} refers to itself")
            seen.append(name)
            siblings = {k: v for k, v in current.items() if k != "$ref"}
            current = {**self.schemas[name], **siblings}
        if not isinstance(current, dict):
            return {}
        return copy.deepcopy(current)


def schema_ref_name(ref: str) -> str | None:
    """The component name a `#/components/schemas/<name>` reference points at."""
    if not ref.startswith(SCHEMA_REF_PREFIX):
        return None
    return ref[len(SCHEMA_REF_PREFIX) :].replace("~1", "/").replace("~0", "~")
