"""Tool names `<target>___<operationId>` within the model APIs' 64 characters, after the prefix
a host adds; a clear finding with the name and a suggested override, or a fix at cut time."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from gateway_contract.rules import valid_tool_name
from openapi_subset.cli import main
from openapi_subset.lint import lint
from openapi_subset.toolnames import budget, sanitise, shorten

Spec = Callable[..., dict[str, Any]]
Cut = Callable[..., Any]
CLAUDE_CODE_PROD = "mcp__agentcore-gateway-prod__"  # the mcp.json server name print_outputs writes


def test_a_hyphenated_target_is_fine(make_spec: Spec):
    assert lint(make_spec(operation_id="getContacts"), target="accounting-api") == []


def test_a_name_over_the_limit_names_itself_and_a_fitting_override(make_spec: Spec):
    op_id = "getContactsByCustomFieldValueAndCategory"
    findings = lint(
        make_spec(operation_id=op_id), target="accounting-api", prefix_budget=len(CLAUDE_CODE_PROD)
    )
    [finding] = findings
    assert finding.rule == "tool-name"
    assert finding.where == "/paths/~1thing/get/operationId"
    assert (
        f"tool name 'accounting-api___{op_id}' is 86 characters with a 29-character host "
        "prefix; the limit is 64" in finding.message
    )
    suggestion = finding.message.split(f"operations.{op_id}.operation_id: ")[1].split("`")[0]
    full = f"{CLAUDE_CODE_PROD}accounting-api___{suggestion}"
    assert len(full) <= 64
    assert valid_tool_name(full)


def test_the_budget_counts_the_longest_host_prefix(make_spec: Spec):
    document = make_spec(operation_id="x" * 18)
    assert lint(document, target="accounting-api", prefix_budget=29) == []  # 29 + 17 + 18 = 64
    assert [f.rule for f in lint(document, target="accounting-api", prefix_budget=30)] == [
        "tool-name"
    ]


def test_without_a_target_tool_names_are_not_checked(make_spec: Spec):
    assert lint(make_spec(operation_id="x" * 60)) == []


@pytest.mark.parametrize("name", ["api-keys/list", "get thing!", "emails.send"])
def test_sanitised_names_are_valid_tool_names(name: str):
    assert valid_tool_name(sanitise(name))


@pytest.mark.parametrize("limit", [8, 12, 18, 30])
def test_shortened_names_fit_and_stay_distinct(limit: int):
    names = [
        "getContactsByCustomFieldValue",
        "getContactsByCustomFieldName",
        "listAllInvoicePositions",
    ]
    short = [shorten(n, limit) for n in names]
    assert all(len(s) <= limit and valid_tool_name(s) for s in short)
    assert len(set(short)) == len(short)


def test_cut_fits_tool_names_to_the_target_and_reports_it(make_spec: Spec, cut_spec: Cut):
    op_id = "api-keys/listAllTheApiKeysOfTheTeamWithTheirPermissions"
    view = {"output": "g.json", "gateway": True, "target": "resend", "host_prefix": "mcp__resend__"}
    result = cut_spec(make_spec(operation_id=op_id), view=view)
    new = result.report.renamed[op_id]
    assert len(f"mcp__resend__resend___{new}") <= 64
    assert valid_tool_name(new)
    assert result.document["info"]["x-subset-source"]["operation_ids"] == {new: op_id}
    [fix] = [f for f in result.report.fixes if f.option == "tool_names"]
    assert f"operations.{op_id}.operation_id" in fix.why
    assert lint(result.document, target="resend", prefix_budget=13) == []


def test_an_explicit_operation_id_wins(make_spec: Spec, cut_spec: Cut):
    document = make_spec(operation_id="getThing")
    result = cut_spec(document, operations={"getThing": {"operation_id": "thing"}})
    assert result.document["paths"]["/thing"]["get"]["operationId"] == "thing"


def test_without_tool_names_a_long_name_is_refused_with_the_suggestion(
    make_spec: Spec, cut_spec: Cut
):
    view = {"output": "g.json", "gateway": True, "target": "accounting-api"}
    result = cut_spec(
        make_spec(operation_id="y" * 50),
        view=view,
        normalise={"gateway_ready": True, "tool_names": False},
    )
    [refusal] = result.report.refused
    assert "[tool-name]" in refusal.reason
    assert f"operations.{'y' * 50}.operation_id:" in refusal.reason


def test_budget_arithmetic():
    assert budget("accounting-api", 0) == 64 - len("accounting-api___")
    assert budget(None, 29) == 35


def test_cli_checks_the_target_name_and_the_host_prefix(tmp_path, capsys, make_spec: Spec):
    import yaml

    path = tmp_path / "spec.yaml"
    document = copy.deepcopy(make_spec(operation_id="getCheckAccountsOfTheOrganisation"))
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert main(["lint", str(path), "--target", "accounting_api"]) == 2
    assert "not a Gateway target name" in capsys.readouterr().err
    assert main(["lint", str(path), "--target", "accounting-api"]) == 0
    capsys.readouterr()
    assert (
        main(["lint", str(path), "--target", "accounting-api", "--host-prefix", CLAUDE_CODE_PROD])
        == 1
    )
    out = capsys.readouterr().out
    assert "[tool-name]" in out
    assert "FAILED, 1 problem(s): tool-name 1" in out
