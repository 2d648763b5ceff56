"""The checked-in accounting subset: cut from the real full sevdesk spec, fresh, lint-clean,
self-contained, and identical to the vendor spec on the wire."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_subset.cli import render_views
from openapi_subset.document import load_document, operations
from openapi_subset.lint import lint
from openapi_subset.names import TOOL_PROPERTY_NAME
from openapi_subset.reach import reachable_components
from openapi_subset.selection import load_selection
from openapi_subset.walk import iter_keyword_owners
from openapi_subset.wire import wire_operations

OPENAPI_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = OPENAPI_DIR.parent
SELECTION = OPENAPI_DIR / "selection.yaml"
CONTRACT = OPENAPI_DIR / "accounting.json"
GATEWAY = OPENAPI_DIR / "accounting.gateway.json"
SELECTION_LABEL = "openapi/selection.yaml"
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
PRODUCT_OPERATIONS = {
    "getContacts",
    "getContactById",
    "createContact",
    "getInvoices",
    "getInvoiceById",
    "getVouchers",
    "getCheckAccounts",
    "getTransactions",
}
# What create_contact needs to settle a lost answer; the contract has it, the Gateway view does not.
PLUMBING_OPERATIONS = {"getNextCustomerNumber"}


def _full_spec_path() -> Path:
    shared = Path(os.environ.get("SHARED_DIR", REPO_ROOT.parent / "shared"))
    return shared / "reference" / "sevdesk-openapi.yaml"


@pytest.fixture(scope="module")
def full_spec_path() -> Path:
    path = _full_spec_path()
    if not path.is_file():
        pytest.skip(f"SKIPPED: the full sevdesk spec is not at {path} (set SHARED_DIR)")
    return path


@pytest.fixture(scope="module")
def full_spec(full_spec_path: Path) -> dict[str, Any]:
    return load_document(full_spec_path).content


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


VIEWS = pytest.mark.parametrize("view_path", [CONTRACT, GATEWAY], ids=["contract", "gateway"])


def test_checked_in_views_are_fresh(full_spec_path: Path) -> None:
    rendered = render_views(full_spec_path, SELECTION, SELECTION_LABEL)
    assert set(rendered) == {CONTRACT.name, GATEWAY.name}
    for name, text in rendered.items():
        assert (OPENAPI_DIR / name).read_text(encoding="utf-8") == text, (
            f"openapi/{name} is stale: run `make openapi` and commit the result"
        )


def test_contract_has_every_product_operation() -> None:
    ids = {op["operationId"] for _, _, op in operations(_load(CONTRACT))}
    assert ids == PRODUCT_OPERATIONS | PLUMBING_OPERATIONS


def test_gateway_view_is_read_only_and_has_every_read_operation() -> None:
    found = {(method, op["operationId"]) for _, method, op in operations(_load(GATEWAY))}
    assert {method for method, _ in found} == {"get"}
    assert {op_id for _, op_id in found} == PRODUCT_OPERATIONS - {"createContact"}


def test_gateway_view_passes_lint() -> None:
    assert lint(_load(GATEWAY)) == []


def test_full_spec_fails_lint_for_the_known_reasons(full_spec: dict[str, Any]) -> None:
    rules = {finding.rule for finding in lint(full_spec)}
    assert {
        "spec",
        "composition",
        "parameter-name",
        "parameter-style",
        "media-type",
        "server",
    } <= rules


@VIEWS
def test_view_keeps_no_unreachable_component(view_path: Path) -> None:
    document = _load(view_path)
    components = document["components"]
    reachable = reachable_components(document["paths"], components)
    kept = {
        (section, name)
        for section, entries in components.items()
        if section != "securitySchemes"
        for name in entries
    }
    assert kept == reachable
    assert set(components["securitySchemes"]) == {"api_key"}


@VIEWS
def test_view_is_clean_prose_without_vendor_extras(view_path: Path) -> None:
    document = _load(view_path)
    limit = load_selection(SELECTION).normalise.max_description_length
    assert limit is not None
    body = {"paths": document["paths"], "components": document["components"]}
    for owner in iter_keyword_owners(body):
        for key in ("description", "summary"):
            text = owner.get(key)
            if isinstance(text, str):
                assert not HTML_TAG.search(text), text
                assert len(text) <= limit
        assert not {"allOf", "oneOf", "anyOf", "example", "examples"} & owner.keys()
        assert not [key for key in owner if key.startswith("x-")]
    assert document["servers"] == [
        {"url": "https://my.sevdesk.de/api/v1", "description": "sevdesk production"}
    ]


def test_gateway_parameters_are_valid_tool_property_names() -> None:
    names = [p.name for op in wire_operations(_load(GATEWAY)).values() for p in op.parameters]
    assert names
    assert all(TOOL_PROPERTY_NAME.match(name) for name in names)


def test_contract_keeps_the_bracket_filters_for_the_runtime() -> None:
    wire = wire_operations(_load(CONTRACT))
    assert wire["getInvoices"].parameter("contact[id]", "query") is not None
    assert wire["getTransactions"].parameter("checkAccount[id]", "query") is not None
    for op_id in (
        "getContacts",
        "getInvoices",
        "getVouchers",
        "getCheckAccounts",
        "getTransactions",
    ):
        for name, kind in (("limit", "integer"), ("offset", "integer"), ("countAll", "boolean")):
            parameter = wire[op_id].parameter(name, "query")
            assert parameter is not None, (op_id, name)
            assert parameter.type == kind, (op_id, name)


def test_list_answers_declare_total_as_a_string() -> None:
    for path in ("/Contact", "/Invoice", "/Voucher", "/CheckAccount", "/CheckAccountTransaction"):
        answer = _load(CONTRACT)["paths"][path]["get"]["responses"]["200"]
        schema = answer["content"]["application/json"]["schema"]
        assert schema["properties"]["total"]["type"] == "string", path


def test_create_contact_requires_its_body_and_documents_422() -> None:
    document = _load(CONTRACT)
    create = document["paths"]["/Contact"]["post"]
    assert create["requestBody"]["required"] is True
    assert set(create["requestBody"]["content"]) == {"application/json"}
    assert "422" in create["responses"]


@VIEWS
def test_view_matches_the_full_spec_on_the_wire(view_path: Path, full_spec: dict[str, Any]) -> None:
    selection = load_selection(SELECTION)
    vendor = wire_operations(full_spec)
    for op_id, operation in wire_operations(_load(view_path)).items():
        original = vendor[op_id]
        assert (operation.path, operation.method) == (original.path, original.method), op_id
        added = {
            selection.parameters[key]["name"] for key in selection.operations[op_id].add_parameters
        }
        for parameter in operation.parameters:
            vendor_parameter = original.parameter(parameter.name, parameter.location)
            if vendor_parameter is None:
                # Only parameters the selection file declares may be new, and only in the query.
                assert parameter.name in added, (op_id, parameter)
                assert parameter.location == "query", (op_id, parameter)
            else:
                assert parameter == vendor_parameter, op_id
        dropped = {p.name for p in original.parameters} - {p.name for p in operation.parameters}
        assert dropped <= set(selection.operations[op_id].runtime_only_parameters), (op_id, dropped)


def test_views_are_a_small_fraction_of_the_full_spec(full_spec_path: Path) -> None:
    for path in (CONTRACT, GATEWAY):
        assert path.stat().st_size * 5 < full_spec_path.stat().st_size
