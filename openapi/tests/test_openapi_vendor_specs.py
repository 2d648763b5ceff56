"""The cutter and linter on other real vendor specs (vendored under openapi/testdata/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from openapi_subset.cli import cut_views, render_views
from openapi_subset.document import load_document, operations
from openapi_subset.lint import lint
from openapi_subset.wire import wire_operations

TESTDATA = Path(__file__).resolve().parents[1] / "testdata"
VENDORS = {
    "twilio-oauth": (
        "twilio_oauth_v1.json",
        {"FetchCerts", "FetchOpenidDiscovery", "FetchUserInfo"},
    ),
    "xero-identity": ("xero-identity.yaml", {"getConnections", "deleteConnection"}),
}


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_vendor_views_are_cut_lint_clean_and_unchanged_on_the_wire(vendor: str) -> None:
    spec_name, selected = VENDORS[vendor]
    spec_path = TESTDATA / vendor / spec_name
    vendor_wire = wire_operations(load_document(spec_path).content)
    rendered = render_views(spec_path, TESTDATA / vendor / "selection.yaml")
    seen: set[str] = set()
    for name, text in rendered.items():
        document = json.loads(text)
        assert lint(document) == [], name
        for op_id, operation in wire_operations(document).items():
            assert operation == vendor_wire[op_id], (name, op_id)
            seen.add(op_id)
        if name.endswith(".gateway.json"):
            assert {method for _, method, _ in operations(document)} == {"get"}
    assert seen == selected


def test_twilio_form_encoded_operation_is_refused_with_a_reason(tmp_path: Path) -> None:
    selection = yaml.safe_load(
        (TESTDATA / "twilio-oauth" / "selection.yaml").read_text(encoding="utf-8")
    )
    selection["operations"]["CreateToken"] = {}
    selection["views"]["all"] = {"output": "all.json"}
    path = tmp_path / "selection.yaml"
    path.write_text(yaml.safe_dump(selection), encoding="utf-8")
    results = {
        r.report.view: r.report
        for r in cut_views(TESTDATA / "twilio-oauth" / "twilio_oauth_v1.json", path)
    }
    [refusal] = results["all"].refused
    assert str(refusal).startswith(
        "refused CreateToken (POST /v1/token): takes its body only as "
        "application/x-www-form-urlencoded"
    )
    assert "CreateToken" not in results["all"].kept


def test_twilio_full_spec_fails_lint_on_its_form_bodies() -> None:
    findings = lint(load_document(TESTDATA / "twilio-oauth" / "twilio_oauth_v1.json").content)
    assert {f.rule for f in findings} == {"media-type"}
    assert len(findings) == 2
