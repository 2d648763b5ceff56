"""`python -m openapi_subset` as the Makefile runs it: exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openapi_subset.cli import main

TESTDATA = Path(__file__).resolve().parents[1] / "testdata"
XERO = TESTDATA / "xero-identity"


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the CLI in-process (same code path as `python -m`, without interpreter start-up)."""

    def invoke(*args: str | Path) -> Result:
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def test_module_entry_point_exits_with_the_cli_status(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: [unclosed", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "openapi_subset", "lint", str(spec)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def cut_args(spec: Path, selection: Path, out: Path) -> list[str | Path]:
    return ["cut", "--spec", spec, "--selection", selection, "--out-dir", out]


def test_cut_writes_views_and_check_reports_fresh_then_stale(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    args = cut_args(XERO / "xero-identity.yaml", XERO / "selection.yaml", tmp_path)
    written = run(*args)
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "xero-identity.gateway.json",
        "xero-identity.json",
    ]
    assert run(*args, "--check").returncode == 0

    gateway = tmp_path / "xero-identity.gateway.json"
    gateway.write_text(
        gateway.read_text(encoding="utf-8").replace("Xero", "Zero"), encoding="utf-8"
    )
    stale = run(*args, "--check")
    assert stale.returncode == 1
    assert "stale" in stale.stderr
    assert str(gateway) in stale.stderr


def test_lint_passes_clean_views_and_fails_with_reasons(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    run(*cut_args(XERO / "xero-identity.yaml", XERO / "selection.yaml", tmp_path))
    clean = run("lint", tmp_path / "xero-identity.gateway.json")
    assert clean.returncode == 0
    assert "OK (Gateway-ready)" in clean.stdout

    failing = run("lint", TESTDATA / "twilio-oauth" / "twilio_oauth_v1.json")
    assert failing.returncode == 1
    assert "[media-type]" in failing.stdout
    assert "FAILED, 2 problem(s): media-type 2" in failing.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("openapi: [unclosed", "is neither valid YAML nor JSON"),
        ("- just\n- a list\n", "must hold a mapping at the top level, not a list"),
        ("", "must hold a mapping at the top level, not nothing"),
    ],
)
def test_malformed_spec_is_one_clear_line_not_a_traceback(
    run: Callable[..., Result], tmp_path: Path, content: str, message: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(content, encoding="utf-8")
    for args in (["lint", spec], cut_args(spec, XERO / "selection.yaml", tmp_path)):
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.startswith("error: ")
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_missing_file_and_bad_selection_are_clear_errors(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    missing = run("lint", tmp_path / "nope.yaml")
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr

    selection = tmp_path / "selection.yaml"
    selection.write_text(json.dumps({"source": {"name": "x"}}), encoding="utf-8")
    bad = run(*cut_args(XERO / "xero-identity.yaml", selection, tmp_path))
    assert bad.returncode == 2
    assert "invalid selection file" in bad.stderr
    assert "source.url: Field required" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_spec_without_selected_operation_is_a_clear_error(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    result = run(
        *cut_args(
            TESTDATA / "twilio-oauth" / "twilio_oauth_v1.json", XERO / "selection.yaml", tmp_path
        )
    )
    assert result.returncode == 2
    assert "the spec has no operation with operationId: getConnections" in result.stderr


def test_cut_creates_the_output_directory_and_reports_unwritable_targets(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "new" / "dir"
    result = run(*cut_args(XERO / "xero-identity.yaml", XERO / "selection.yaml", out))
    assert result.returncode == 0, result.stderr
    assert (out / "xero-identity.gateway.json").is_file()
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    failed = run(*cut_args(XERO / "xero-identity.yaml", XERO / "selection.yaml", blocker / "sub"))
    assert failed.returncode == 2
    assert failed.stderr.startswith("error: cannot write")
