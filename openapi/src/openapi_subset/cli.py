"""`python -m openapi_subset cut|lint`: the command line the Makefile and CI call."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from openapi_subset.cutter import cut_view
from openapi_subset.document import dump_json, load_document
from openapi_subset.errors import SubsetError
from openapi_subset.lint import DEFAULT_MAX_BYTES, lint, summary
from openapi_subset.selection import load_selection

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def render_views(
    spec_path: Path, selection_path: Path, selection_label: str | None = None
) -> dict[str, str]:
    """Return {output file name: JSON text} for every view of the selection."""
    selection = load_selection(selection_path)
    source = load_document(spec_path)
    label = selection_label or selection_path.name
    return {
        view.output: dump_json(cut_view(source, selection, view, label))
        for view in selection.views.values()
    }


def _cut(args: argparse.Namespace) -> int:
    rendered = render_views(args.spec, args.selection, args.label)
    stale = []
    for name, text in rendered.items():
        target = args.out_dir / name
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                stale.append(str(target))
            continue
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target} ({len(text.encode())} bytes)")
    if stale:
        print(f"stale (regenerate with `make openapi`): {', '.join(stale)}", file=sys.stderr)
        return EXIT_FINDINGS
    if args.check:
        print(f"up to date: {', '.join(rendered)}")
    return EXIT_OK


def _lint(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for spec in args.specs:
        findings = lint(load_document(spec).content, max_bytes=args.max_bytes)
        if not findings:
            print(f"{spec}: OK (Gateway-ready)")
            continue
        status = EXIT_FINDINGS
        for finding in findings:
            print(f"{spec}: {finding}")
        print(f"{spec}: FAILED, {summary(findings)}")
    return status


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed so tests and docs can show the usage)."""
    parser = argparse.ArgumentParser(
        prog="python -m openapi_subset",
        description="Cut Gateway-ready subsets out of vendor OpenAPI specs, and lint specs.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    cut = commands.add_parser("cut", help="write every view of a selection file")
    cut.add_argument("--spec", type=Path, required=True, help="the full vendor spec (YAML or JSON)")
    cut.add_argument("--selection", type=Path, required=True, help="the selection file (YAML)")
    cut.add_argument("--out-dir", type=Path, required=True, help="where the views are written")
    cut.add_argument("--label", help="how the generated files name the selection file")
    cut.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a view is stale"
    )
    cut.set_defaults(handler=_cut)

    check = commands.add_parser(
        "lint", help="check specs against the AgentCore Gateway constraints"
    )
    check.add_argument("specs", type=Path, nargs="+", help="spec files to check")
    check.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="inline size limit")
    check.set_defaults(handler=_lint)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; bad input is reported in one line with exit code 2, never as a traceback."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except SubsetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return status
