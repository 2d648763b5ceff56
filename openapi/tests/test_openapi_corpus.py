"""The preset on every vendored vendor spec: lint-clean on the first try, unchanged on the wire,
at least 90 % of the selected operations kept, and a report that says what was left out."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import pytest
from openapi_subset.cli import cut_views
from openapi_subset.cutter import CutResult
from openapi_subset.document import load_document, pointer
from openapi_subset.lint import lint
from openapi_subset.selection import load_selection
from openapi_subset.wire import wire_operations

TESTDATA = Path(__file__).resolve().parents[1] / "testdata"
ORIGIN = TESTDATA / "ORIGIN.md"
# Cut with `normalise: {gateway_ready: true}` by a selection `init` wrote.
PRESET_SPECS = {
    "museum": "openapi.yaml",
    "resend": "resend.yaml",
    "adyen-capital": "CapitalService-v1.json",
    "swagger-petstore": "openapi.yaml",
    "text-embeddings-inference": "openapi.json",
    "qdrant": "openapi.json",
    "infinity": "openapi.json",
}
# What a JSON-only Gateway target cannot offer at all; nothing else may be refused.
EXPECTED_REFUSALS = {"swagger-petstore": {"uploadFile": "only as application/octet-stream"}}


@cache
def _cut(folder: str) -> tuple[CutResult, ...]:
    return tuple(
        cut_views(TESTDATA / folder / PRESET_SPECS[folder], TESTDATA / folder / "selection.yaml")
    )


def test_every_vendored_file_is_byte_for_byte_what_origin_md_records() -> None:
    rows = re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", ORIGIN.read_text("utf-8"), re.M)
    recorded = dict(rows)
    assert {f"{folder}/{name}" for folder, name in PRESET_SPECS.items()} <= set(recorded)
    for relative, digest in recorded.items():
        assert hashlib.sha256((TESTDATA / relative).read_bytes()).hexdigest() == digest, relative


@pytest.mark.parametrize("folder", sorted(PRESET_SPECS))
def test_preset_cut_lints_clean_with_tool_names_on_the_first_try(folder: str) -> None:
    selection = load_selection(TESTDATA / folder / "selection.yaml")
    assert selection.normalise.gateway_ready
    for result in _cut(folder):
        view = selection.views[result.report.view]
        assert view.gateway
        assert view.target
        assert lint(result.document, target=view.target) == [], result.report.lines()
        # The full vendor spec did not lint clean: the preset did the work.
        vendor = load_document(TESTDATA / folder / PRESET_SPECS[folder]).content
        assert lint(vendor)


@pytest.mark.parametrize("folder", sorted(PRESET_SPECS))
def test_only_what_no_fix_can_cure_is_refused_and_the_report_says_why(folder: str) -> None:
    for result in _cut(folder):
        refused = {r.operation: r.reason for r in result.report.refused}
        expected = EXPECTED_REFUSALS.get(folder, {})
        assert set(refused) == set(expected)
        for op_id, words in expected.items():
            assert words in refused[op_id]
            assert any(line.startswith(f"  refused {op_id} ") for line in result.report.lines())
        assert result.document["info"]["x-subset-source"].get("refused", {}) == refused


def test_at_least_90_percent_of_the_selected_operations_are_kept() -> None:
    selected = kept = 0
    for folder in PRESET_SPECS:
        for result in _cut(folder):
            selected += len(result.report.selected)
            kept += len(result.report.kept)
    assert selected >= 100
    assert kept / selected >= 0.9, (kept, selected)


@pytest.mark.parametrize("folder", sorted(PRESET_SPECS))
def test_kept_operations_call_the_api_exactly_as_the_vendor_spec_says(folder: str) -> None:
    vendor = wire_operations(load_document(TESTDATA / folder / PRESET_SPECS[folder]).content)
    for result in _cut(folder):
        report = result.report
        tool_to_vendor = {new: old for old, new in report.renamed.items()}
        narrowed = {
            (f.where.split("/parameters/")[0], f.what.split(":")[0])
            for f in report.fixes
            if f.option == "single_value_arrays"
        }
        moved = {(r.operation, r.name) for r in report.runtime_only}
        for tool_id, operation in wire_operations(result.document).items():
            op_id = tool_to_vendor.get(tool_id, tool_id)
            original = vendor[op_id]
            assert (operation.path, operation.method) == (original.path, original.method)
            at = pointer("paths", operation.path, operation.method)
            for parameter in operation.parameters:
                source = original.parameter(parameter.name, parameter.location)
                assert source is not None, (op_id, parameter)  # never renamed, never invented
                if source.type == "array" and parameter.type != "array":
                    assert (at, parameter.name) in narrowed, (op_id, parameter)
                elif parameter.type != source.type:
                    # A union of primitives is sent as text: the vendor wire type was a union.
                    assert source.type is None, (op_id, parameter, source)
            missing = {p.name for p in original.parameters} - {p.name for p in operation.parameters}
            assert {(op_id, name) for name in missing} <= moved, (op_id, missing)


def test_the_report_names_what_was_dropped() -> None:
    [petstore] = _cut("swagger-petstore")
    dropped = [str(f) for f in petstore.report.fixes if f.option == "json_only"]
    assert any(
        "/paths/~1pet~1{petId}/get/responses/200: dropped application/xml" in d for d in dropped
    )
    [tei] = _cut("text-embeddings-inference")
    defaults = {f.where: f.what for f in tei.report.fixes if f.option == "fix_defaults"}
    assert defaults["/components/schemas/EmbedRequest/properties/truncate"] == (
        "default 'false' -> False"
    )
    assert defaults["/components/schemas/EmbedRequest/properties/truncation_direction"] == (
        "default 'right' -> 'Right'"
    )
    [resend] = _cut("resend")
    assert resend.report.renamed["api-keys/list"] == "api-keys_list"
