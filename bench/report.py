"""A benchmark's headline figures: printed as rows where they are measured, and collected for the
one table `make bench` prints at the end (``bench/run_all.py`` names a file in ``BENCH_FIGURES``;
each script appends one JSON line per figure, so the scripts stay separate processes).

A figure is its value next to the floor or baseline it is compared to, the ratio, and the target
with ``met``/``MISSED`` where the issue set one. Values are strings: each script formats its own
units.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FIGURES_ENV = "BENCH_FIGURES"
BENCH_ENV = "BENCH_NAME"
COLUMNS = ("figure", "value", "compared to", "ratio", "target")


# What a kept-alive request cost before TCP_NODELAY (issue 17): Nagle + delayed ACK.
NAGLE_STALL_MS = 44.0
# Issue 17: get_status and list_devices within this, in process and through the local gateway.
READ_TARGET_MS = 10.0


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def row(name: str, value: str, floor: str, ratio: str, target: str) -> str:
    return f"{name:<46} {value:>12} {floor:>16} {ratio:>8}  {target}"


def header() -> str:
    return row(*COLUMNS)


def figure(name: str, value: str, floor: str = "-", ratio: str = "-", target: str = "") -> None:
    """Print one figure's row, and record it when `make bench` collects them."""
    print(row(name, value, floor, ratio, target), flush=True)
    path = os.environ.get(FIGURES_ENV)
    if path:
        record = {
            "bench": os.environ.get(BENCH_ENV, ""),
            "figure": name,
            "value": value,
            "floor": floor,
            "ratio": ratio,
            "target": target,
        }
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


def stall_figure(name: str, ms: float) -> None:
    """A kept-alive request next to the Nagle stall it used to cost."""
    figure(
        name,
        f"{ms:.2f} ms",
        f"{NAGLE_STALL_MS:g} ms stall",
        f"{ms / NAGLE_STALL_MS:.2f}x",
        f"no Nagle stall: {verdict(ms < NAGLE_STALL_MS / 4)}",
    )


def read_figure(name: str, ms: float, extra: str = "") -> None:
    """A read tool's p50 next to the 10 ms target."""
    figure(
        name,
        f"{ms:.1f} ms",
        f"{READ_TARGET_MS:g} ms target",
        f"{ms / READ_TARGET_MS:.2f}x",
        f"<= {READ_TARGET_MS:g} ms: {verdict(ms <= READ_TARGET_MS)}{extra}",
    )


def collected(path: Path) -> list[dict[str, str]]:
    """The figures recorded in ``path`` (none if no script wrote one)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
