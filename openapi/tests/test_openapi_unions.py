"""anyOf/oneOf rewritten per the documented rule, and nullable spelled per OpenAPI version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from openapi_subset.lint import lint

Thing = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
Spec = Callable[..., dict[str, Any]]
Cut = Callable[..., Any]


def _clean(result: Any) -> None:
    assert lint(result.document) == [], result.report.lines()
    assert result.report.refused == []


def test_30_nullable_ref_is_inlined_with_nullable(make_spec: Spec, cut_spec: Cut, schema_of: Any):
    document = make_spec(
        response={
            "type": "object",
            "properties": {
                "thing": {"anyOf": [{"$ref": "#/components/schemas/Thing"}, {"nullable": True}]}
            },
        },
        schemas={"Thing": Thing},
    )
    result = cut_spec(document)
    thing = schema_of(result)["properties"]["thing"]
    # nullable beside a $ref is ignored in 3.0, so the referenced schema is inlined.
    assert "$ref" not in thing
    assert thing == {**Thing, "nullable": True}
    [fix] = [f for f in result.report.fixes if f.option == "nullable_unions"]
    assert (
        fix.where
        == "/paths/~1thing/get/responses/200/content/application~1json/schema/properties/thing"
    )
    assert "anyOf [$ref Thing, null]" in fix.what
    _clean(result)


@pytest.mark.parametrize("null", [{"type": "null"}, {"enum": [None]}, {"nullable": True}])
def test_30_nullable_primitive_unions(make_spec: Spec, cut_spec: Cut, schema_of: Any, null: Any):
    result = cut_spec(make_spec(response={"oneOf": [{"type": "integer", "minimum": 0}, null]}))
    assert schema_of(result) == {"type": "integer", "minimum": 0, "nullable": True}
    _clean(result)


def test_31_nullable_union_becomes_a_type_list(make_spec: Spec, cut_spec: Cut, schema_of: Any):
    document = make_spec(
        "3.1.0",
        response={
            "type": "object",
            "properties": {
                "name": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Name"},
                "thing": {"anyOf": [{"$ref": "#/components/schemas/Thing"}, {"type": "null"}]},
                "colour": {
                    "anyOf": [{"enum": ["red", "blue"], "type": "string"}, {"type": "null"}]
                },
            },
        },
        schemas={"Thing": Thing},
    )
    result = cut_spec(document)
    props = schema_of(result)["properties"]
    assert props["name"] == {"type": ["string", "null"], "title": "Name"}
    assert props["thing"]["type"] == ["object", "null"]
    assert props["colour"] == {"type": ["string", "null"], "enum": ["red", "blue", None]}
    assert not any("nullable" in p for p in props.values())
    _clean(result)


def test_response_union_of_objects_accepts_every_alternative(
    make_spec: Spec, cut_spec: Cut, schema_of: Any
):
    disabled = {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["disabled"]}},
    }
    enabled = {
        "type": "object",
        "required": ["status", "peer_id"],
        "properties": {
            "status": {"type": "string", "enum": ["enabled"]},
            "peer_id": {"type": "integer"},
        },
    }
    document = make_spec(
        response={
            "oneOf": [disabled, enabled],
            "description": "Cluster",
            "discriminator": {"propertyName": "status"},
        }
    )
    result = cut_spec(document)
    assert schema_of(result) == {
        "type": "object",
        "description": "Cluster",
        "properties": {
            "status": {"type": "string", "enum": ["disabled", "enabled"]},
            "peer_id": {"type": "integer"},
        },
        # Only what every alternative requires stays required.
        "required": ["status"],
    }
    _clean(result)


@pytest.mark.parametrize(
    ("version", "expected"), [("3.0.3", None), ("3.1.0", ["object", "string"])]
)
def test_response_union_of_kinds(
    make_spec: Spec, cut_spec: Cut, schema_of: Any, version: str, expected: Any
):
    ok = {"type": "string", "enum": ["ok"]}
    error = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
    result = cut_spec(make_spec(version, response={"oneOf": [ok, error]}))
    widened = schema_of(result)
    assert widened.get("type") == expected
    # An enum of one alternative would reject the other, so it goes; object keywords stay.
    assert "enum" not in widened
    assert widened["properties"] == {"error": {"type": "string"}}
    _clean(result)


def test_request_body_keeps_the_first_alternative_and_answers_keep_the_union(
    make_spec: Spec, cut_spec: Cut, schema_of: Any
):
    document = make_spec(
        method="post",
        body={"type": "object", "properties": {"input": {"$ref": "#/components/schemas/Input"}}},
        response={"type": "object", "properties": {"echo": {"$ref": "#/components/schemas/Input"}}},
        schemas={
            "Input": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
        },
    )
    result = cut_spec(document)
    # The request: one shape, and every value of it is one the API accepts.
    assert schema_of(result, "body")["properties"]["input"] == {"type": "string"}
    # The answer may be either, so the shared component is widened, not narrowed.
    assert schema_of(result)["properties"]["echo"] == {"$ref": "#/components/schemas/Input"}
    assert result.document["components"]["schemas"]["Input"] == {"items": {"type": "string"}}
    _clean(result)


@pytest.mark.parametrize(
    ("alternatives", "expected"),
    [
        (
            [{"type": "integer", "minimum": 0}, {"type": "string", "format": "uuid"}],
            {"type": "string"},
        ),
        (
            [{"type": "integer", "minimum": 1}, {"type": "integer", "minimum": 1}],
            {"type": "integer", "minimum": 1},
        ),
        ([{"type": "array", "items": {"type": "string"}}, {"type": "string"}], {"type": "string"}),
    ],
)
def test_parameter_unions_become_what_travels_as_text(
    make_spec: Spec, cut_spec: Cut, alternatives: Any, expected: Any
):
    parameter = {"name": "id", "in": "query", "schema": {"anyOf": alternatives}}
    result = cut_spec(make_spec(parameters=[parameter]))
    [kept] = result.document["paths"]["/thing"]["get"]["parameters"]
    assert kept["name"] == "id"
    assert kept["schema"] == expected
    _clean(result)


def test_a_recursive_nullable_reference_terminates(make_spec: Spec, cut_spec: Cut, schema_of: Any):
    node = {
        "type": "object",
        "properties": {
            "parent": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"nullable": True}]}
        },
    }
    result = cut_spec(
        make_spec(response={"$ref": "#/components/schemas/Node"}, schemas={"Node": node})
    )
    parent = result.document["components"]["schemas"]["Node"]["properties"]["parent"]
    assert parent["nullable"] is True
    assert parent["properties"]["parent"]["nullable"] is True  # one level unrolled, then any
    _clean(result)


def test_nullable_is_respelled_for_the_version(make_spec: Spec, cut_spec: Cut, schema_of: Any):
    in_31 = cut_spec(make_spec("3.1.0", response={"type": "string", "nullable": True}))
    assert schema_of(in_31) == {"type": ["string", "null"]}
    in_30 = cut_spec(make_spec(response={"type": ["integer", "null"]}))
    assert schema_of(in_30) == {"type": "integer", "nullable": True}
    _clean(in_31)
    _clean(in_30)


def test_unions_are_left_alone_without_the_options(make_spec: Spec, cut_spec: Cut, schema_of: Any):
    document = make_spec(response={"oneOf": [{"type": "string"}, {"type": "integer"}]})
    result = cut_spec(document, normalise={"gateway_ready": True, "flatten_unions": False})
    # The Gateway view is linted: the operation is refused with the finding, never kept broken.
    [refusal] = result.report.refused
    assert "oneOf is not supported" in refusal.reason
    assert lint(result.document) == []
