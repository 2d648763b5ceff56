"""`python -m openapi_subset init|cut|lint`: the command line the Makefile and CI call."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gateway_contract.rules import valid_target_name

from openapi_subset.cutter import CutResult, cut
from openapi_subset.document import dump_json, load_document
from openapi_subset.errors import SubsetError
from openapi_subset.lint import DEFAULT_MAX_BYTES, lint, summary
from openapi_subset.selection import load_selection
from openapi_subset.starter import starter_selection, write_starter

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def cut_views(
    spec_path: Path, selection_path: Path, selection_label: str | None = None
) -> list[CutResult]:
    """Cut every view of the selection, each with its report."""
    selection = load_selection(selection_path)
    source = load_document(spec_path)
    label = selection_label or selection_path.name
    return [cut(source, selection, view, label, name) for name, view in selection.views.items()]


def render_views(
    spec_path: Path, selection_path: Path, selection_label: str | None = None
) -> dict[str, str]:
    """Return {output file name: JSON text} for every view of the selection."""
    return {
        result.report.output: dump_json(result.document)
        for result in cut_views(spec_path, selection_path, selection_label)
    }


def _cut(args: argparse.Namespace) -> int:
    results = cut_views(args.spec, args.selection, args.label)
    stale = []
    refused = False
    for result in results:
        text = dump_json(result.document)
        target = args.out_dir / result.report.output
        refused = refused or bool(result.report.refused)
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                stale.append(str(target))
            for refusal in result.report.refused:
                print(f"{result.report.output}: {refusal}", file=sys.stderr)
            continue
        print("\n".join(result.report.lines()))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise SubsetError(f"cannot write {target}: {exc.strerror or exc}") from exc
        print(f"  wrote {target} ({len(text.encode())} bytes)")
    if stale:
        print(f"stale (regenerate with `make openapi`): {', '.join(stale)}", file=sys.stderr)
        return EXIT_FINDINGS
    if refused:
        print(
            "some selected operations were refused (reasons above): drop them from the "
            "selection or fix what the reason names",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if args.check:
        print(f"up to date: {', '.join(r.report.output for r in results)}")
    return EXIT_OK


def _lint(args: argparse.Namespace) -> int:
    if args.target is not None and not valid_target_name(args.target):
        raise SubsetError(
            f"--target {args.target!r} is not a Gateway target name (letters, digits and single "
            "hyphens, at most 100)"
        )
    prefix_budget = max([args.prefix_budget, *(len(p) for p in args.host_prefix)])
    status = EXIT_OK
    for spec in args.specs:
        findings = lint(
            load_document(spec).content,
            max_bytes=args.max_bytes,
            target=args.target,
            prefix_budget=prefix_budget,
        )
        if not findings:
            print(f"{spec}: OK (Gateway-ready)")
            continue
        status = EXIT_FINDINGS
        for finding in findings:
            print(f"{spec}: {finding}")
        print(f"{spec}: FAILED, {summary(findings)}")
    return status


def _init(args: argparse.Namespace) -> int:
    ids = [op_id for chunk in args.operations for op_id in chunk.split(",") if op_id]
    if args.target is not None and not valid_target_name(args.target):
        raise SubsetError(f"--target {args.target!r} is not a Gateway target name")
    text = starter_selection(
        load_document(args.spec),
        ids,
        source_url=args.url,
        server=args.server,
        target=args.target,
    )
    try:
        write_starter(args.out, text, force=args.force)
    except OSError as exc:
        raise SubsetError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    print(f"wrote {args.out} ({len(ids)} operations); review it, then run:")
    print(f"  python -m openapi_subset cut --spec {args.spec} --selection {args.out} --out-dir .")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed so tests and docs can show the usage)."""
    parser = argparse.ArgumentParser(
        prog="python -m openapi_subset",
        description="Cut Gateway-ready subsets out of vendor OpenAPI specs, and lint specs.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser(
        "init", help="write a starter selection file for some operations of a spec"
    )
    init.add_argument("--spec", type=Path, required=True, help="the full vendor spec")
    init.add_argument(
        "--operations",
        action="append",
        required=True,
        help="operationIds to select (comma-separated; repeatable)",
    )
    init.add_argument("--out", type=Path, required=True, help="the selection file to write")
    init.add_argument("--url", help="where the spec is published (recorded in the views)")
    init.add_argument("--server", help="the API's https URL (default: the spec's first https)")
    init.add_argument("--target", help="the Gateway target name (tool names are checked)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=_init)

    cut_cmd = commands.add_parser(
        "cut", help="write every view of a selection file and report what was changed"
    )
    cut_cmd.add_argument("--spec", type=Path, required=True, help="the full vendor spec")
    cut_cmd.add_argument("--selection", type=Path, required=True, help="the selection file")
    cut_cmd.add_argument("--out-dir", type=Path, required=True, help="where views are written")
    cut_cmd.add_argument("--label", help="how the generated files name the selection file")
    cut_cmd.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a view is stale"
    )
    cut_cmd.set_defaults(handler=_cut)

    check = commands.add_parser(
        "lint", help="check specs against the AgentCore Gateway constraints"
    )
    check.add_argument("specs", type=Path, nargs="+", help="spec files to check")
    check.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="inline size limit")
    check.add_argument(
        "--target", help="Gateway target name: check tool names <target>___<operationId>"
    )
    check.add_argument(
        "--host-prefix",
        action="append",
        default=[],
        help="a prefix an MCP host adds to tool names, e.g. mcp__agentcore-gateway-prod__ "
        "(Claude Code); repeatable, the longest counts",
    )
    check.add_argument(
        "--prefix-budget",
        type=int,
        default=0,
        help="characters to keep free for host prefixes (the larger of this and --host-prefix)",
    )
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
