"""Fixtures: build a one-operation spec and cut it with a normalise setting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_subset.cutter import CutResult, cut
from openapi_subset.document import load_document
from openapi_subset.selection import Selection


def spec(
    version: str = "3.0.3",
    *,
    parameters: list[dict[str, Any]] | None = None,
    response: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
    operation_id: str = "getThing",
    method: str = "get",
) -> dict[str, Any]:
    """A spec with one operation; `response`/`body` are JSON schemas."""
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": response or {"type": "object"}}},
            }
        },
    }
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {"content": {"application/json": {"schema": body}}}
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {"/thing": {method: operation}},
        "components": {"schemas": schemas or {}},
    }


def run(
    tmp_path: Path,
    document: dict[str, Any],
    normalise: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    operations: dict[str, Any] | None = None,
) -> CutResult:
    """Cut `document` with the gateway_ready preset (or `normalise`) into one view."""
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    selection = Selection.model_validate(
        {
            "source": {"name": "t", "url": "https://example.com/spec.yaml"},
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://api.example.com"}],
            "normalise": normalise if normalise is not None else {"gateway_ready": True},
            "operations": operations or {op_id: {} for op_id in ids},
            "views": {"gateway": view or {"output": "g.json", "gateway": True}},
        }
    )
    return cut(load_document(path), selection, selection.views["gateway"], "s.yaml", "gateway")


def schema_of(result: CutResult, where: str = "response") -> Any:
    """The (first) operation's response or request-body schema in the cut view."""
    operation = next(iter(next(iter(result.document["paths"].values())).values()))
    if where == "body":
        return operation["requestBody"]["content"]["application/json"]["schema"]
    return operation["responses"]["200"]["content"]["application/json"]["schema"]


@pytest.fixture
def make_spec() -> Callable[..., dict[str, Any]]:
    """`spec(...)`: a one-operation spec."""
    return spec


@pytest.fixture
def cut_spec(tmp_path: Path) -> Callable[..., CutResult]:
    """`run(document, normalise=..., view=..., operations=...)` in a temporary directory."""
    return lambda document, **kwargs: run(tmp_path, document, **kwargs)


@pytest.fixture(name="schema_of")
def schema_of_fixture() -> Callable[..., Any]:
    """`schema_of(result, "response" | "body")`."""
    return schema_of
