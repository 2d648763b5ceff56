"""The gateway_ready preset (a fixed, documented list; explicit keys win; recorded in the output)
and `init` (a starter selection that cuts lint-clean)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_subset.cli import main
from openapi_subset.lint import lint
from openapi_subset.selection import GATEWAY_READY, Normalise

README = Path(__file__).resolve().parents[1] / "README.md"
TESTDATA = Path(__file__).resolve().parents[1] / "testdata"
Spec = Callable[..., dict[str, Any]]
Cut = Callable[..., Any]


def test_the_preset_expands_to_the_documented_list():
    section = (
        README.read_text("utf-8").split("### The gateway_ready preset", 1)[1].split("\n#", 1)[0]
    )
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))
    assert documented == set(GATEWAY_READY)
    expanded = Normalise.model_validate({"gateway_ready": True})
    assert all(getattr(expanded, key) is True for key in GATEWAY_READY)
    # Prose and API-specific fixes are separate choices.
    assert not expanded.strip_html
    assert expanded.max_description_length is None
    assert not expanded.nullable_response_properties


def test_explicit_keys_override_the_preset():
    chosen = Normalise.model_validate({"gateway_ready": True, "drop_extensions": False})
    assert chosen.drop_extensions is False
    assert chosen.flatten_unions is True
    assert chosen.recorded()["drop_extensions"] is False


def test_the_expansion_is_recorded_in_every_view(make_spec: Spec, cut_spec: Cut):
    result = cut_spec(make_spec(), normalise={"gateway_ready": True, "strip_html": True})
    recorded = result.document["info"]["x-subset-source"]["normalise"]
    assert recorded == {"gateway_ready": True, **GATEWAY_READY, "strip_html": True}


def _init(tmp_path: Path, spec: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "selection.yaml"
    return main(["init", "--spec", str(spec), "--out", str(out), *extra]), out


def test_init_writes_a_starter_that_cuts_lint_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec = TESTDATA / "swagger-petstore" / "openapi.yaml"
    code, out = _init(
        tmp_path,
        spec,
        "--operations",
        "getPetById,findPetsByTags",
        "--operations",
        "getInventory",
        "--target",
        "petstore",
    )
    assert code == 0, capsys.readouterr().err
    selection = yaml.safe_load(out.read_text("utf-8"))
    assert selection["normalise"] == {"gateway_ready": True}
    assert list(selection["operations"]) == ["getPetById", "findPetsByTags", "getInventory"]
    assert selection["servers"] == [{"url": "https://petstore3.swagger.io/api/v3"}]
    assert selection["views"]["gateway"]["target"] == "petstore"
    assert "# GET /pet/{petId}: Find pet by ID." in out.read_text("utf-8")
    capsys.readouterr()
    assert (
        main(["cut", "--spec", str(spec), "--selection", str(out), "--out-dir", str(tmp_path)]) == 0
    )
    printed = capsys.readouterr().out
    assert "3 of 3 selected operations kept" in printed
    assert "fixed [single_value_arrays]" in printed  # findByTags' array of tags
    output = selection["views"]["gateway"]["output"]
    view = json.loads((tmp_path / output).read_text("utf-8"))
    assert lint(view, target="petstore") == []


def test_init_refuses_to_overwrite_and_names_close_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec = TESTDATA / "swagger-petstore" / "openapi.yaml"
    assert _init(tmp_path, spec, "--operations", "getPetById")[0] == 0
    before = (tmp_path / "selection.yaml").read_text("utf-8")
    assert _init(tmp_path, spec, "--operations", "getInventory")[0] == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert (tmp_path / "selection.yaml").read_text("utf-8") == before
    assert _init(tmp_path, spec, "--operations", "getPetByID", "--force")[0] == 2
    assert "getPetByID (did you mean getPetById?)" in capsys.readouterr().err


def test_init_needs_an_https_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # Qdrant's only server is {protocol}://{hostname}:{port} with protocol defaulting to http.
    spec = TESTDATA / "qdrant" / "openapi.json"
    assert _init(tmp_path, spec, "--operations", "get_collections")[0] == 2
    assert "pass --server" in capsys.readouterr().err
    code, out = _init(
        tmp_path, spec, "--operations", "get_collections", "--server", "https://qdrant.example.com"
    )
    assert code == 0
    assert yaml.safe_load(out.read_text("utf-8"))["servers"] == [
        {"url": "https://qdrant.example.com"}
    ]


def test_cut_exits_1_and_says_why_when_it_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    spec = TESTDATA / "swagger-petstore" / "openapi.yaml"
    code, out = _init(tmp_path, spec, "--operations", "getPetById,uploadFile")
    assert code == 0
    capsys.readouterr()
    assert (
        main(["cut", "--spec", str(spec), "--selection", str(out), "--out-dir", str(tmp_path)]) == 1
    )
    captured = capsys.readouterr()
    assert "1 of 2 selected operations kept" in captured.out
    assert (
        "refused uploadFile (POST /pet/{petId}/uploadImage): takes its body only as "
        "application/octet-stream" in captured.out
    )
    assert "some selected operations were refused" in captured.err
