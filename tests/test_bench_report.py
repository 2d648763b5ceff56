"""`make bench` prints one table of every script's headline figures, and names a failed script."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture
def run_all(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    for name in ("run_all", "report"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    import run_all as module

    return module


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / f"{name}.py"
    header = f"import sys\nsys.path.insert(0, {str(BENCH)!r})\nfrom report import figure\n"
    path.write_text(header + textwrap.dedent(body))
    return str(path)


def test_figures_of_every_script_come_back_as_one_table(
    run_all: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fast = script(
        tmp_path, "fast", 'figure("get_status (p50)", "3.1 ms", "10 ms target", "0.31x", "met")\n'
    )
    slow = script(
        tmp_path,
        "slow",
        """
        figure("confirmed (p50)", "108 ms", "2006 ms sleep-read", "18.6x", ">= 20x: MISSED")
        sys.exit(3)
        """,
    )
    monkeypatch.setattr(run_all, "BENCHES", {"a": (fast, [], []), "b": (slow, [], ["--quick"])})
    monkeypatch.setattr(sys, "argv", ["run_all.py"])

    assert run_all.main() == 1
    out = capsys.readouterr().out
    table = out[out.index("=== figures") : out.index("=== runs")].splitlines()
    assert table[1].split()[:3] == ["bench", "figure", "value"]
    rows = [line.split(maxsplit=1) for line in table[2:] if line.strip()]
    assert [(bench, text.split("  ")[0]) for bench, text in rows] == [
        ("a", "get_status (p50)"),
        ("b", "confirmed (p50)"),
    ]
    assert "2006 ms sleep-read" in table[3]
    assert ">= 20x: MISSED" in table[3]
    runs = out[out.index("=== runs") :]
    assert "FAILED (exit 3)" in runs
    assert runs.count(" ok ") == 1


def test_a_figure_outside_make_bench_is_only_printed(
    run_all: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import report

    monkeypatch.delenv(report.FIGURES_ENV, raising=False)
    report.figure("x", "1 ms")
    assert capsys.readouterr().out.startswith("x ")
