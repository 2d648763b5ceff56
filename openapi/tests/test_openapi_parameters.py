"""Parameters the Gateway cannot send leave the Gateway view (never renamed), with a report line;
a required one refuses the operation. The contract view keeps them all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from openapi_subset.lint import lint

Spec = Callable[..., dict[str, Any]]
Cut = Callable[..., Any]
OBJECT = {"type": "object", "properties": {"a": {"type": "string"}}}


def _names(result: Any) -> list[str]:
    operation = result.document["paths"]["/thing"]["get"]
    return [p["name"] for p in operation.get("parameters", [])]


def test_an_array_of_primitives_becomes_one_value_under_its_wire_name(
    make_spec: Spec, cut_spec: Cut
):
    tags = {
        "name": "tags",
        "in": "query",
        "explode": True,
        "schema": {
            "type": "array",
            "items": {"type": "string", "enum": ["a", "b"]},
            "default": ["a"],
        },
    }
    document = make_spec(parameters=[tags])
    assert {f.rule for f in lint(document)} == {"parameter-style"}
    result = cut_spec(document)
    [kept] = result.document["paths"]["/thing"]["get"]["parameters"]
    assert kept == {
        "name": "tags",
        "in": "query",
        "schema": {"type": "string", "enum": ["a", "b"], "default": "a"},
    }
    assert [f.option for f in result.report.fixes] == ["single_value_arrays"]
    assert lint(result.document) == []


@pytest.mark.parametrize(
    ("parameter", "reason"),
    [
        (
            {"name": "filter", "in": "query", "style": "deepObject", "schema": OBJECT},
            "style 'deepObject'",
        ),
        (
            {"name": "page[size]", "in": "query", "schema": {"type": "integer"}},
            "not a valid tool property name",
        ),
        (
            {"name": "session", "in": "cookie", "schema": {"type": "string"}},
            "'cookie' are not supported",
        ),
        (
            {"name": "q", "in": "query", "content": {"application/json": {"schema": OBJECT}}},
            "`content`",
        ),
        (
            {
                "name": "ids",
                "in": "query",
                "schema": {"type": "array", "minItems": 2, "items": {"type": "integer"}},
            },
            "array parameter",
        ),
    ],
)
def test_an_optional_unsendable_parameter_moves_to_the_runtime_path(
    make_spec: Spec, cut_spec: Cut, parameter: Any, reason: str
):
    keep = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    document = make_spec(parameters=[keep, parameter])
    result = cut_spec(document)
    assert _names(result) == ["limit"]
    [moved] = result.report.runtime_only
    assert (moved.operation, moved.name) == ("getThing", parameter["name"])
    assert reason in moved.reason
    assert f"runtime-only getThing: {parameter['name']}" in "\n".join(result.report.lines())
    assert lint(result.document) == []
    # The contract view (not for the Gateway) keeps it, under the same name.
    contract = cut_spec(document, view={"output": "c.json"})
    assert _names(contract) == ["limit", parameter["name"]]


def test_a_required_unsendable_parameter_refuses_the_operation(make_spec: Spec, cut_spec: Cut):
    query = {
        "name": "sevQuery",
        "in": "query",
        "required": True,
        "style": "deepObject",
        "schema": OBJECT,
    }
    result = cut_spec(make_spec(parameters=[query]))
    [refusal] = result.report.refused
    assert refusal.operation == "getThing"
    assert "required parameter 'sevQuery' (query) cannot be sent by the Gateway" in refusal.reason
    assert result.document["paths"] == {}
    assert result.report.kept == []


def test_without_auto_runtime_only_a_bad_name_is_still_refused_not_kept(
    make_spec: Spec, cut_spec: Cut
):
    bad = {"name": "owner.id", "in": "query", "schema": {"type": "object"}}
    result = cut_spec(
        make_spec(parameters=[bad]),
        normalise={"gateway_ready": True, "auto_runtime_only": False, "single_value_arrays": False},
    )
    assert [r.operation for r in result.report.refused] == ["getThing"]
    assert "still failed lint: [parameter-style]" in result.report.refused[0].reason
