"""The cutter on small hand-made specs: one behaviour per test."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_subset import cutter
from openapi_subset.cutter import CutResult, cut_view
from openapi_subset.document import load_document
from openapi_subset.errors import SubsetError
from openapi_subset.selection import Selection, load_selection
from openapi_subset.text import cap_length, strip_html

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Shop", "version": "1"},
    "servers": [{"url": "http://internal.example"}],
    "tags": [{"name": "Item", "description": "<p>Items <b>for sale</b></p>"}, {"name": "Unused"}],
    "paths": {
        "/Item": {
            "parameters": [{"name": "tenant", "in": "header", "schema": {"type": "string"}}],
            "get": {
                "operationId": "listItems",
                "tags": ["Item"],
                "description": "Lists items.<br>\r\n  See <a href='#x'>docs</a> &amp; more",
                "parameters": [
                    {"$ref": "#/components/parameters/Colour"},
                    {"name": "owner[id]", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Item"},
                                }
                            },
                            "application/xml": {"schema": {"type": "string"}},
                        },
                    }
                },
                "x-vendor": True,
            },
            "post": {
                "operationId": "createItem",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/NewItem"}}
                    }
                },
                "responses": {"201": {"description": "created"}},
            },
        },
        "/Upload": {
            "post": {
                "operationId": "upload",
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/Other": {
            "get": {
                "operationId": "other",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Unrelated"}
                            }
                        },
                    }
                },
            }
        },
    },
    "components": {
        "parameters": {
            "Colour": {
                "name": "colour",
                "in": "query",
                "explode": True,
                "schema": {"type": "string", "enum": ["red", "blue"]},
            }
        },
        "schemas": {
            "Base": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "owner": {"$ref": "#/components/schemas/Owner"},
                },
            },
            "Owner": {"type": "object", "properties": {"name": {"type": "string", "example": 1}}},
            "Item": {
                "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {
                        "type": "object",
                        "properties": {"price": {"type": "string", "enum": ["1", "2"]}},
                    },
                ],
                "description": "An item",
            },
            "NewItem": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Unrelated": {"type": "object"},
        },
    },
}

SELECTION: dict[str, Any] = {
    "source": {"name": "Shop", "url": "https://example.com/openapi.yaml"},
    "info": {"title": "Shop subset", "version": "1-subset"},
    "servers": [{"url": "https://api.example.com/v1"}],
    "normalise": {
        "flatten_all_of": True,
        "json_only": True,
        "strip_html": True,
        "max_description_length": 40,
        "nullable_response_properties": True,
        "drop_examples": True,
        "drop_extensions": True,
        "drop_noop_styles": True,
    },
    "parameters": {"limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
    "operations": {
        "listItems": {
            "add_parameters": ["limit"],
            "runtime_only_parameters": ["owner[id]"],
            "parameters": {"colour": {"description": "Pick one", "schema": {"enum": ["red"]}}},
        },
        "createItem": {"request_body_required": True, "summary": "Create an item"},
    },
    "views": {
        "contract": {"output": "shop.json"},
        "gateway": {
            "output": "shop.gateway.json",
            "methods": ["get"],
            "drop_runtime_only_parameters": True,
        },
    },
}


def cut(
    tmp_path: Path,
    spec: dict[str, Any] | None = None,
    selection: dict[str, Any] | None = None,
    view: str = "contract",
) -> dict[str, Any]:
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(yaml.safe_dump(spec or SPEC), encoding="utf-8")
    chosen = Selection.model_validate(selection or SELECTION)
    return cut_view(load_document(spec_path), chosen, chosen.views[view], "selection.yaml")


def cut_with_report(
    tmp_path: Path,
    spec: dict[str, Any] | None = None,
    selection: dict[str, Any] | None = None,
    view: str = "contract",
) -> CutResult:
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(yaml.safe_dump(spec or SPEC), encoding="utf-8")
    chosen = Selection.model_validate(selection or SELECTION)
    return cutter.cut(load_document(spec_path), chosen, chosen.views[view], "selection.yaml", view)


def test_only_selected_operations_are_kept(tmp_path: Path) -> None:
    document = cut(tmp_path)
    assert list(document["paths"]) == ["/Item"]
    assert set(document["paths"]["/Item"]) == {"get", "post"}


def test_view_methods_filter_operations(tmp_path: Path) -> None:
    assert set(cut(tmp_path, view="gateway")["paths"]["/Item"]) == {"get"}


def test_a_view_can_leave_out_selected_operations(tmp_path: Path) -> None:
    selection = copy.deepcopy(SELECTION)
    selection["views"]["contract"]["exclude_operations"] = ["createItem"]
    assert set(cut(tmp_path, selection=selection)["paths"]["/Item"]) == {"get"}


def test_components_are_kept_transitively_and_nothing_else(tmp_path: Path) -> None:
    schemas = cut(tmp_path)["components"]["schemas"]
    # Base was inlined by flattening Item; Owner is still referenced from the merged properties.
    assert set(schemas) == {"Item", "NewItem", "Owner"}


def test_all_of_is_flattened_with_refs_resolved(tmp_path: Path) -> None:
    item = cut(tmp_path)["components"]["schemas"]["Item"]
    assert "allOf" not in item
    assert item["required"] == ["id"]
    assert set(item["properties"]) == {"id", "owner", "price"}
    assert item["description"] == "An item"


def test_conflicting_all_of_refuses_only_the_operations_using_it(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    spec["components"]["schemas"]["Item"]["allOf"].append({"type": "string"})
    result = cut_with_report(tmp_path, spec)
    [refusal] = result.report.refused
    assert (refusal.operation, refusal.method, refusal.path) == ("listItems", "get", "/Item")
    assert "parts disagree on 'type'" in refusal.reason
    assert set(result.document["paths"]["/Item"]) == {"post"}
    assert result.report.kept == ["createItem"]


def test_path_level_and_referenced_parameters_are_inlined(tmp_path: Path) -> None:
    params = cut(tmp_path)["paths"]["/Item"]["get"]["parameters"]
    assert [(p["name"], p["in"]) for p in params] == [
        ("tenant", "header"),
        ("colour", "query"),
        ("owner[id]", "query"),
        ("limit", "query"),
    ]


def test_parameter_overrides_keep_the_wire_name(tmp_path: Path) -> None:
    colour = cut(tmp_path)["paths"]["/Item"]["get"]["parameters"][1]
    assert colour["name"] == "colour"
    assert colour["description"] == "Pick one"
    assert colour["schema"] == {"type": "string", "enum": ["red"]}
    assert "explode" not in colour


def test_runtime_only_parameters_leave_only_the_gateway_view(tmp_path: Path) -> None:
    names = lambda doc: {p["name"] for p in doc["paths"]["/Item"]["get"]["parameters"]}  # noqa: E731
    assert "owner[id]" in names(cut(tmp_path))
    assert "owner[id]" not in names(cut(tmp_path, view="gateway"))


def test_unlisted_invalid_parameter_name_stops_the_gateway_cut(tmp_path: Path) -> None:
    selection = copy.deepcopy(SELECTION)
    selection["operations"]["listItems"]["runtime_only_parameters"] = []
    with pytest.raises(SubsetError, match=r"\['owner\[id\]'\] are not valid tool property names"):
        cut(tmp_path, selection=selection, view="gateway")


def test_non_json_media_types_are_dropped(tmp_path: Path) -> None:
    content = cut(tmp_path)["paths"]["/Item"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/json"]


def test_operation_with_only_a_non_json_body_is_refused(tmp_path: Path) -> None:
    selection = copy.deepcopy(SELECTION)
    selection["operations"]["upload"] = {}
    result = cut_with_report(tmp_path, selection=selection)
    assert [(r.operation, r.path) for r in result.report.refused] == [("upload", "/Upload")]
    assert "only as multipart/form-data" in result.report.refused[0].reason
    assert "/Upload" not in result.document["paths"]
    assert result.document["info"]["x-subset-source"]["refused"]["upload"].startswith("takes")


def test_html_is_stripped_and_prose_capped(tmp_path: Path) -> None:
    document = cut(tmp_path)
    description = document["paths"]["/Item"]["get"]["description"]
    assert description == "Lists items. See docs & more"
    assert document["tags"] == [{"name": "Item", "description": "Items for sale"}]


def test_examples_and_extensions_are_dropped(tmp_path: Path) -> None:
    document = cut(tmp_path)
    assert "x-vendor" not in document["paths"]["/Item"]["get"]
    assert "example" not in document["components"]["schemas"]["Owner"]["properties"]["name"]


def test_response_properties_become_nullable_including_enums(tmp_path: Path) -> None:
    schemas = cut(tmp_path)["components"]["schemas"]
    price = schemas["Item"]["properties"]["price"]
    assert price["nullable"] is True
    assert price["enum"] == ["1", "2", None]
    assert schemas["Owner"]["properties"]["name"]["nullable"] is True
    # Request-only schemas are left as the vendor wrote them.
    assert "nullable" not in schemas["NewItem"]["properties"]["name"]


def test_openapi_31_null_is_a_type(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    spec["openapi"] = "3.1.0"
    price = cut(tmp_path, spec)["components"]["schemas"]["Item"]["properties"]["price"]
    assert price["type"] == ["string", "null"]
    assert "nullable" not in price


def _with_total(schema: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/Item"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = (
        schema
    )
    selection = copy.deepcopy(SELECTION)
    selection["response_properties"] = {"total": {"name": "total", "schema": {"type": "string"}}}
    selection["operations"]["listItems"]["add_response_properties"] = {"200": ["total"]}
    return spec, selection


def test_response_properties_are_added_to_inline_response_schemas(tmp_path: Path) -> None:
    spec, selection = _with_total({"type": "object", "properties": {"items": {"type": "array"}}})
    answer = cut(tmp_path, spec, selection)["paths"]["/Item"]["get"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    assert schema["properties"]["total"] == {"type": "string", "nullable": True}


@pytest.mark.parametrize(
    "schema", [{"$ref": "#/components/schemas/Item"}, {"type": "array", "items": {}}]
)
def test_response_properties_need_an_inline_object(tmp_path: Path, schema: dict[str, Any]) -> None:
    spec, selection = _with_total(schema)
    with pytest.raises(SubsetError, match="needs an inline application/json object schema"):
        cut(tmp_path, spec, selection)


def test_request_body_marked_required_and_summary_overridden(tmp_path: Path) -> None:
    create = cut(tmp_path)["paths"]["/Item"]["post"]
    assert create["requestBody"]["required"] is True
    assert create["summary"] == "Create an item"


def test_servers_and_provenance_come_from_the_selection(tmp_path: Path) -> None:
    document = cut(tmp_path)
    assert document["servers"] == [{"url": "https://api.example.com/v1"}]
    assert document["info"]["x-subset-source"]["url"] == "https://example.com/openapi.yaml"
    assert len(document["info"]["x-subset-source"]["sha256"]) == 64


def test_unknown_operation_id_suggests_the_close_match(tmp_path: Path) -> None:
    selection = copy.deepcopy(SELECTION)
    selection["operations"]["listItem"] = {}
    with pytest.raises(SubsetError, match=r"listItem \(did you mean listItems\?\)"):
        cut(tmp_path, selection=selection)


def test_override_of_a_missing_parameter_is_an_error(tmp_path: Path) -> None:
    selection = copy.deepcopy(SELECTION)
    selection["operations"]["listItems"]["parameters"] = {"size": {"description": "x"}}
    with pytest.raises(SubsetError, match="no such parameter"):
        cut(tmp_path, selection=selection)


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        (
            "normalise",
            "flaten_all_of",
            True,
            "normalise.flaten_all_of: Extra inputs are not permitted",
        ),
        (
            "operations",
            "listItems",
            {"add_parameters": ["offset"]},
            "'offset' is not under `parameters`",
        ),
    ],
)
def test_selection_file_mistakes_are_reported(
    tmp_path: Path, section: str, key: str, value: Any, message: str
) -> None:
    selection = copy.deepcopy(SELECTION)
    selection[section][key] = value
    path = tmp_path / "selection.yaml"
    path.write_text(yaml.safe_dump(selection), encoding="utf-8")
    with pytest.raises(SubsetError, match="invalid selection file") as caught:
        load_selection(path)
    assert message in str(caught.value)


def test_text_helpers() -> None:
    assert strip_html("a<br>b &lt;tag&gt;") == "a b <tag>"
    assert cap_length("one two three four", 12) == "one two…"
    assert cap_length("short", 12) == "short"
