"""Input and output tables of every module README, generated from the HCL (python-hcl2).

terraform-docs is on none of the package registries this project can reach, so this writes the
same kind of tables between `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->`:

    python terraform/tools/tfdocs.py           # rewrite the tables   (make tf-docs)
    python terraform/tools/tfdocs.py --check   # exit 1 if one is stale (terraform/tests)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions

MODULES = Path(__file__).resolve().parents[1] / "modules"
BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"
OPTIONS = SerializationOptions(
    strip_string_quotes=True, explicit_blocks=False, preserve_heredocs=True, with_comments=False
)


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open() as f:
        return hcl2.load(f, serialization_options=OPTIONS)


def _text(value: Any) -> str:
    text = str(value)
    if text.startswith("<<"):  # a heredoc comes back raw: drop its markers, dedent
        lines = text.splitlines()[1:-1]
        text = textwrap.dedent("\n".join(lines))
    return " ".join(text.split()).replace("|", "\\|")


def _expression(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    match = re.fullmatch(r"\$\{(.*)\}", text, re.S)
    return " ".join((match.group(1) if match else text).split())


def _default(body: dict[str, Any]) -> str:
    if "default" not in body:
        return "required"
    value = body["default"]
    shown = (
        "null"
        if value is None
        else _expression(value)
        if isinstance(value, str) and "${" in value
        else json.dumps(value)
    )
    return f"`{shown}`".replace("|", "\\|")


def tables(module: Path) -> str:
    """The generated Markdown of one module."""
    inputs = [
        (name, body)
        for path in sorted(module.glob("*.tf"))
        for block in _load(path).get("variable", [])
        for name, body in block.items()
    ]
    outputs = [
        (name, body)
        for path in sorted(module.glob("*.tf"))
        for block in _load(path).get("output", [])
        for name, body in block.items()
    ]
    lines = [
        BEGIN,
        "",
        "## Inputs",
        "",
        "| Name | Type | Default | Description |",
        "|---|---|---|---|",
    ]
    for name, body in sorted(inputs):
        kind = _expression(body.get("type", "any")).replace("|", "\\|")
        flags = " (sensitive)" if body.get("sensitive") else ""
        flags += " (ephemeral)" if body.get("ephemeral") else ""
        description = _text(body.get("description", ""))
        lines.append(f"| `{name}` | `{kind}`{flags} | {_default(body)} | {description} |")
    lines += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
    for name, body in sorted(outputs):
        sensitive = " (sensitive)" if body.get("sensitive") else ""
        lines.append(f"| `{name}`{sensitive} | {_text(body.get('description', ''))} |")
    lines += [
        "",
        "_Generated from the HCL by `make tf-docs` (terraform/tools/tfdocs.py)._",
        "",
        END,
    ]
    return "\n".join(lines)


def rendered(readme: str, generated: str) -> str:
    if BEGIN in readme and END in readme:
        head, _, rest = readme.partition(BEGIN)
        _, _, tail = rest.partition(END)
        return head + generated + tail
    return readme.rstrip() + "\n\n" + generated + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale READMEs, change none")
    args = parser.parse_args(argv)
    stale = []
    for module in sorted(p for p in MODULES.iterdir() if (p / "variables.tf").exists()):
        readme = module / "README.md"
        current = readme.read_text() if readme.exists() else f"# {module.name}\n"
        wanted = rendered(current, tables(module))
        if wanted != current:
            stale.append(str(readme.relative_to(MODULES.parents[1])))
            if not args.check:
                readme.write_text(wanted)
    if args.check and stale:
        print("stale module READMEs (run `make tf-docs`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
