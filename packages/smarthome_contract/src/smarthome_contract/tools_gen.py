"""Generate ``tools.json`` from :data:`smarthome_contract.tools.TOOLS` (the one source).

    python -m smarthome_contract.tools_gen          # rewrite tools.json (make tools-json)
    python -m smarthome_contract.tools_gen --check  # exit 1 when tools.json is stale

Only the shapes the contract allows are generated: every argument a scalar with a type and a
description. A model field of any other shape (a nested model, a list, an object, an enum) is
refused here rather than passed on, because the Gateway's ``property`` blocks could not carry it
and the tool would silently accept less than it says.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from smarthome_contract.tools import (
    TOOLS,
    InputSchema,
    PropertySchema,
    ToolDefinition,
    ToolInput,
    ToolsFile,
)

TOOLS_JSON = Path(__file__).with_name("tools.json")
SCALARS = ("string", "integer", "number", "boolean")
# Keywords a scalar may carry in the model (checked by the Lambda) but not in the file.
VALIDATION_ONLY = {
    "title",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
}


class UnsupportedSchema(ValueError):
    """A model field whose shape the tool schema contract does not allow."""


def _scalar(tool: str, name: str, prop: dict[str, Any]) -> PropertySchema:
    # ``x: T | None = None`` is an optional argument, not a nullable one: keep T.
    variants = [v for v in prop.get("anyOf", [prop]) if v.get("type") != "null"]
    if len(variants) != 1:
        raise UnsupportedSchema(f"{tool}.{name}: one scalar type expected, got {prop}")
    variant = variants[0]
    extra = set(variant) - VALIDATION_ONLY - {"type", "description"}
    if variant.get("type") not in SCALARS or extra:
        raise UnsupportedSchema(
            f"{tool}.{name}: only {', '.join(SCALARS)} arguments are allowed, got {variant}"
        )
    description = prop.get("description") or variant.get("description")
    if not description:
        raise UnsupportedSchema(f"{tool}.{name}: every argument needs a description")
    return PropertySchema(type=variant["type"], description=description)


def input_schema(tool: str, model: type[ToolInput]) -> InputSchema:
    """The ``inputSchema`` of one tool, from its input model."""
    schema = model.model_json_schema()
    if "$defs" in schema:
        nested = ", ".join(sorted(schema["$defs"]))
        raise UnsupportedSchema(f"{tool}: nested models are not allowed ({nested})")
    properties = schema.get("properties", {})
    return InputSchema(
        type="object",
        properties={name: _scalar(tool, name, prop) for name, prop in properties.items()},
        required=[name for name in properties if name in schema.get("required", [])],
    )


def tools_document() -> ToolsFile:
    """The whole ``tools.json`` document, in table order."""
    return ToolsFile(
        tools=[
            ToolDefinition(
                name=name, description=spec.description, inputSchema=input_schema(name, spec.model)
            )
            for name, spec in TOOLS.items()
        ]
    )


def render() -> str:
    """``tools.json`` as text: two-space indent, UTF-8, one trailing newline."""
    return json.dumps(tools_document().as_json(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write ``tools.json``, or with ``--check`` only say whether it is stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if tools.json is stale")
    parser.add_argument("--out", type=Path, default=TOOLS_JSON)
    args = parser.parse_args(argv)
    text = render()
    current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    if args.check:
        if current != text:
            sys.stderr.write(f"{args.out} is stale: run `make tools-json`\n")
            return 1
        return 0
    if current != text:
        args.out.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
