"""Defaults and enums that contradict their schema: coerced when unambiguous, dropped otherwise;
what is kept passes the validator the linter uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from openapi_subset.lint import lint
from openapi_subset.values import coerce

Spec = Callable[..., dict[str, Any]]
Cut = Callable[..., Any]
NO_VALUE = repr(coerce([], "string"))


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        ("false", "boolean", False),
        ("True", "boolean", True),
        ("10", "integer", 10),
        (" -3 ", "integer", -3),
        (4.0, "integer", 4),
        ("1.5", "number", 1.5),
        ("2", "number", 2),
        (7, "string", "7"),
        (False, "string", "false"),
        ("yes", "boolean", NO_VALUE),
        ("1.5", "integer", NO_VALUE),
        ("abc", "number", NO_VALUE),
        ("nan", "number", NO_VALUE),
        (True, "integer", NO_VALUE),
    ],
)
def test_coercion_happens_only_when_one_reading_exists(value: Any, target: str, expected: Any):
    result = coerce(value, target)
    assert (repr(result) if expected == NO_VALUE else result) == expected
    if expected != NO_VALUE:
        assert type(result) is type(expected)


def _property(result: Any, name: str) -> Any:
    operation = result.document["paths"]["/thing"]["get"]
    return operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"][
        name
    ]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "boolean", "default": "false"}, {"type": "boolean", "default": False}),
        ({"type": "integer", "default": "25"}, {"type": "integer", "default": 25}),
        (
            {"type": "string", "enum": ["Left", "Right"], "default": "right"},
            {"type": "string", "enum": ["Left", "Right"], "default": "Right"},
        ),
        (
            {"type": "integer", "nullable": True, "default": "null"},
            {"type": "integer", "nullable": True, "default": None},
        ),
        (
            {"type": "array", "items": {"type": "string"}, "default": "a"},
            {"type": "array", "items": {"type": "string"}, "default": ["a"]},
        ),
        # The sevdesk class: null on a non-nullable string means "no default".
        ({"type": "string", "default": None}, {"type": "string"}),
        ({"type": "integer", "default": "null"}, {"type": "integer"}),
        (
            {"type": "string", "enum": ["a", "b"], "default": "c"},
            {"type": "string", "enum": ["a", "b"]},
        ),
        ({"type": "integer", "minimum": 1, "default": 0}, {"type": "integer", "minimum": 1}),
        (
            {"type": "string", "format": "date", "default": "yesterday"},
            {"type": "string", "format": "date"},
        ),
    ],
)
def test_defaults(make_spec: Spec, cut_spec: Cut, schema: Any, expected: Any):
    document = make_spec(response={"type": "object", "properties": {"p": schema}})
    assert lint(document), "the vendor form must be a real lint finding"
    result = cut_spec(document)
    assert _property(result, "p") == expected
    [fix] = [f for f in result.report.fixes if f.option == "fix_defaults"]
    assert fix.where.endswith("/properties/p")
    assert lint(result.document) == []


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer", "enum": ["1", "2"]}, {"type": "integer", "enum": [1, 2]}),
        ({"type": "string", "enum": [1, "b"]}, {"type": "string", "enum": ["1", "b"]}),
        ({"type": "integer", "enum": ["1", "x"]}, {"type": "integer"}),
        ({"type": "string", "enum": []}, {"type": "string"}),
        # Misplaced: the values are items, not arrays.
        (
            {"type": "array", "items": {"type": "string"}, "enum": ["a", "b"]},
            {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
        ),
    ],
)
def test_enums(make_spec: Spec, cut_spec: Cut, schema: Any, expected: Any):
    result = cut_spec(make_spec(response={"type": "object", "properties": {"p": schema}}))
    assert _property(result, "p") == expected
    assert [f.option for f in result.report.fixes] == ["fix_enums"]
    assert lint(result.document) == []


def test_misplaced_enum_with_a_default_lints_clean_only_after_the_fix(
    make_spec: Spec, cut_spec: Cut
):
    schema = {"type": "array", "items": {"type": "string"}, "enum": ["a", "b"], "default": ["a"]}
    document = make_spec(response={"type": "object", "properties": {"p": schema}})
    assert {f.rule for f in lint(document)} == {"spec"}
    result = cut_spec(document)
    assert _property(result, "p")["default"] == ["a"]
    assert lint(result.document) == []


def test_swagger_2_parameter_keywords_move_into_the_schema(make_spec: Spec, cut_spec: Cut):
    parameter = {
        "name": "size",
        "in": "query",
        "schema": {"type": "integer"},
        "default": "10",
        "enum": [10, 20],
    }
    document = make_spec(parameters=[parameter])
    assert lint(document)
    result = cut_spec(document)
    [kept] = result.document["paths"]["/thing"]["get"]["parameters"]
    assert kept == {
        "name": "size",
        "in": "query",
        "schema": {"type": "integer", "enum": [10, 20], "default": 10},
    }
    assert lint(result.document) == []


def test_const_in_30_becomes_a_one_value_enum(make_spec: Spec, cut_spec: Cut):
    result = cut_spec(
        make_spec(
            response={"type": "object", "properties": {"p": {"type": "string", "const": "x"}}}
        )
    )
    assert _property(result, "p") == {"type": "string", "enum": ["x"]}
    assert lint(result.document) == []
