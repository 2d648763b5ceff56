"""The promise of issue 19 on specs no test has seen: `cut` with the preset on a random small
spec, built from the problem classes real vendor specs have, gives a lint-clean Gateway view, and
refuses an operation only when no fix can make it callable (a required parameter the Gateway
cannot send) - never a view that fails lint silently, never a renamed parameter."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_subset.cutter import cut
from openapi_subset.document import load_document
from openapi_subset.lint import lint
from openapi_subset.names import TOOL_PROPERTY_NAME
from openapi_subset.selection import Selection
from openapi_subset.wire import wire_operations

TARGET = "vendor-api"
HOST_PREFIX = "mcp__agentcore-gateway-prod__"
PRIMITIVE_TYPES = ("string", "integer", "number", "boolean")
SAMPLE = {"string": "abc", "integer": 7, "number": 1.5, "boolean": True}
COMPONENTS = ("Pet", "Owner", "Tag")


@st.composite
def primitive(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(PRIMITIVE_TYPES))
    schema: dict[str, Any] = {"type": kind}
    if draw(st.booleans()):
        # Right, stringly typed, the word null, or plain wrong: what vendors write.
        schema["default"] = draw(
            st.sampled_from([SAMPLE[kind], str(SAMPLE[kind]).lower(), "null", None, [SAMPLE[kind]]])
        )
    if draw(st.integers(0, 3)) == 0:
        values = [SAMPLE[kind], draw(st.sampled_from(["x", "1", 2, False]))]
        schema["enum"] = values
    return schema


def null_form(version: str) -> st.SearchStrategy[dict[str, Any]]:
    forms: list[dict[str, Any]] = [{"type": "null"}, {"enum": [None]}]
    return st.sampled_from(forms + ([{"nullable": True}] if version.startswith("3.0") else []))


def schema(version: str) -> st.SearchStrategy[dict[str, Any]]:
    ref = st.sampled_from([{"$ref": f"#/components/schemas/{name}"} for name in COMPONENTS])

    def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        return st.one_of(
            st.builds(lambda a, n: {"anyOf": [a, n]}, st.one_of(ref, children), null_form(version)),
            st.builds(
                lambda k, alts: {k: alts},
                st.sampled_from(["oneOf", "anyOf"]),
                st.lists(st.one_of(ref, children), min_size=2, max_size=3),
            ),
            st.builds(lambda i: {"type": "array", "items": i}, children),
            st.builds(
                lambda props: {"type": "object", "properties": props},
                st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3),
            ),
            st.builds(
                lambda r, extra: {"allOf": [r, {"type": "object", "properties": {"more": extra}}]},
                st.sampled_from([{"$ref": "#/components/schemas/Pet"}]),
                children,
            ),
            st.builds(
                lambda i: {"type": "array", "items": i, "enum": [SAMPLE[i["type"]]]},
                st.builds(lambda k: {"type": k}, st.sampled_from(PRIMITIVE_TYPES)),
            ),
        )

    return st.recursive(st.one_of(primitive(), ref), extend, max_leaves=6)


@st.composite
def parameter(draw: st.DrawFn, version: str, index: int) -> dict[str, Any]:
    name = draw(st.sampled_from(["limit", "page.size", "filter[id]", "tags", "q", "owner"]))
    location = draw(st.sampled_from(["query", "query", "query", "header", "cookie"]))
    kinds = st.one_of(
        primitive(),
        st.builds(lambda p: {"type": "array", "items": p}, primitive()),
        st.just({"type": "object", "properties": {"a": {"type": "string"}}}),
        st.builds(lambda a, b: {"anyOf": [a, b]}, primitive(), primitive()),
        st.builds(lambda p, n: {"anyOf": [p, n]}, primitive(), null_form(version)),
    )
    out: dict[str, Any] = {"name": f"{name}{index}", "in": location, "schema": draw(kinds)}
    if draw(st.booleans()):
        out["required"] = True
    style = draw(st.sampled_from([None, None, "form", "deepObject", "spaceDelimited"]))
    if style and location == "query":
        out["style"] = style
    return out


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    version = draw(st.sampled_from(["3.0.3", "3.1.0"]))
    components = {
        "Pet": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        "Owner": {"type": "object", "properties": {"pet": draw(schema(version))}},
        "Tag": draw(primitive()),
    }
    paths: dict[str, Any] = {}
    ids = ["listPets", "pets/get-one", "get owner", "x" * 40, "tags.list"]
    for index in range(draw(st.integers(1, 4))):
        params = draw(
            st.lists(parameter(version, index), max_size=3, unique_by=lambda p: p["name"])
        )
        content: dict[str, Any] = {"application/json": {"schema": draw(schema(version))}}
        if draw(st.booleans()):
            content["application/xml"] = {"schema": {"type": "string"}}
        operation: dict[str, Any] = {
            "operationId": f"{ids[index % len(ids)]}{index}",
            "responses": {"200": {"description": "ok", "content": content}},
        }
        if params:
            operation["parameters"] = params
        paths[f"/r{index}/{{id}}"] = {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": draw(primitive())}
            ],
            "get": operation,
        }
    return {
        "openapi": version,
        "info": {"title": "unseen", "version": "1"},
        "servers": [{"url": "http://internal.example"}],
        "paths": paths,
        "components": {"schemas": components},
    }


def _unsendable_and_required(parameter: dict[str, Any]) -> bool:
    if not parameter.get("required") and parameter["in"] != "path":
        return False
    schema = parameter.get("schema", {})
    one_value = schema.get("type") == "array" and parameter.get("style") != "deepObject"
    return (
        not TOOL_PROPERTY_NAME.match(parameter["name"])
        or parameter["in"] == "cookie"
        or parameter.get("style") == "deepObject"
        or schema.get("type") == "object"
        or (parameter.get("style") not in (None, "form") and not one_value)
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(specs())
def test_an_unseen_spec_cuts_to_a_lint_clean_view_or_says_precisely_what_it_refused(
    spec: dict[str, Any],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.yaml"
        path.write_text(yaml.safe_dump(spec), encoding="utf-8")
        source = load_document(path)
    ids = [op["operationId"] for item in spec["paths"].values() for op in [item["get"]]]
    selection = Selection.model_validate(
        {
            "source": {"name": "unseen", "url": "https://example.com/spec.yaml"},
            "info": {"title": "unseen", "version": "1"},
            "servers": [{"url": "https://api.example.com"}],
            "normalise": {"gateway_ready": True},
            "operations": {op_id: {} for op_id in ids},
            "views": {
                "gateway": {
                    "output": "g.json",
                    "methods": ["get"],
                    "gateway": True,
                    "target": TARGET,
                    "host_prefix": HOST_PREFIX,
                }
            },
        }
    )
    result = cut(source, selection, selection.views["gateway"], "s.yaml", "gateway")
    report = result.report

    assert lint(result.document, target=TARGET, prefix_budget=len(HOST_PREFIX)) == []
    assert sorted(report.kept + [r.operation for r in report.refused]) == sorted(ids)
    vendor_ops = {
        op["operationId"]: [*item["parameters"], *op.get("parameters", [])]
        for item in spec["paths"].values()
        for op in [item["get"]]
    }
    for refusal in report.refused:
        assert refusal.reason
        # Only an operation no fix can make callable is left out.
        assert any(_unsendable_and_required(p) for p in vendor_ops[refusal.operation]), refusal
    tool_to_vendor = {new: old for old, new in report.renamed.items()}
    for tool_id, operation in wire_operations(result.document).items():
        names = {(p["name"], p["in"]) for p in vendor_ops[tool_to_vendor.get(tool_id, tool_id)]}
        assert {(p.name, p.location) for p in operation.parameters} <= names  # never renamed
