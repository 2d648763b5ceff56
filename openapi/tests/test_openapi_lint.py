"""Each Gateway constraint the linter enforces, on minimal specs."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_subset.lint import lint, summary

CLEAN: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/things/{thingId}": {
            "get": {
                "operationId": "getThing",
                "parameters": [
                    {
                        "name": "thingId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {"name": "page.size", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}
    },
}


def broken(change: str) -> dict[str, Any]:
    spec = copy.deepcopy(CLEAN)
    operation = spec["paths"]["/things/{thingId}"]["get"]
    if change == "no-operation-id":
        del operation["operationId"]
    elif change == "bad-operation-id":
        operation["operationId"] = "get thing!"
    elif change == "bracket-name":
        operation["parameters"][1]["name"] = "page[size]"
    elif change == "style":
        operation["parameters"][1]["style"] = "deepObject"
    elif change == "array-parameter":
        operation["parameters"][1]["schema"] = {"type": "array", "items": {"type": "string"}}
    elif change == "cookie":
        operation["parameters"][1]["in"] = "cookie"
    elif change == "all-of":
        spec["components"]["schemas"]["Thing"] = {"allOf": [{"type": "object"}]}
    elif change == "one-of":
        spec["components"]["schemas"]["Thing"]["properties"]["id"] = {"oneOf": [{"type": "string"}]}
    elif change == "xml":
        operation["responses"]["200"]["content"]["application/xml"] = {"schema": {"type": "string"}}
    elif change == "http-server":
        spec["servers"] = [{"url": "http://api.example.com"}]
    elif change == "templated-server":
        spec["servers"] = [{"url": "https://{region}.example.com"}]
    elif change == "no-server":
        del spec["servers"]
    elif change == "schema-error":
        spec["components"]["schemas"]["Thing"]["properties"]["id"]["default"] = None
    elif change == "dangling-ref":
        spec["components"]["schemas"] = {}
    return spec


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ("no-operation-id", "operation-id"),
        ("bad-operation-id", "operation-id"),
        ("bracket-name", "parameter-name"),
        ("style", "parameter-style"),
        ("array-parameter", "parameter-style"),
        ("cookie", "parameter-style"),
        ("all-of", "composition"),
        ("one-of", "composition"),
        ("xml", "media-type"),
        ("http-server", "server"),
        ("templated-server", "server"),
        ("no-server", "server"),
        ("schema-error", "spec"),
        ("dangling-ref", "spec"),
    ],
)
def test_each_violation_is_reported_under_its_rule(change: str, rule: str) -> None:
    findings = lint(broken(change))
    assert rule in {finding.rule for finding in findings}, findings
    assert all(finding.where.startswith("/") for finding in findings)


def test_clean_spec_has_no_findings() -> None:
    assert lint(CLEAN) == []


def test_duplicate_operation_ids_are_reported() -> None:
    spec = copy.deepcopy(CLEAN)
    spec["paths"]["/other"] = {"get": copy.deepcopy(spec["paths"]["/things/{thingId}"]["get"])}
    spec["paths"]["/other"]["get"]["parameters"] = []
    messages = [f.message for f in lint(spec) if f.rule == "operation-id"]
    assert any("used 2 times" in m for m in messages)


def test_size_limit() -> None:
    findings = lint(CLEAN, max_bytes=100)
    assert [f.rule for f in findings] == ["size"]


def test_swagger_2_is_rejected_without_further_checks() -> None:
    findings = lint({"swagger": "2.0", "info": {}, "paths": {}})
    assert [(f.rule, f.message) for f in findings] == [
        ("openapi-version", "OpenAPI 2.0 is not 3.0/3.1")
    ]


def test_openapi_31_is_validated_with_the_31_schema() -> None:
    spec = copy.deepcopy(CLEAN)
    spec["openapi"] = "3.1.0"
    spec["components"]["schemas"]["Thing"]["properties"]["id"]["type"] = ["string", "null"]
    assert lint(spec) == []


def test_summary_counts_by_rule() -> None:
    findings = lint(broken("http-server")) + lint(broken("xml"))
    assert summary(findings) == "2 problem(s): media-type 1, server 1"
