"""The Makefile is the single entry point: every target is documented in `make help`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REQUIRED = {"bootstrap", "dev", "test", "lint", "fmt", "plan", "apply", "build", "clean", "help"}


def _help() -> str:
    out = subprocess.run(["make", "help"], cwd=REPO, capture_output=True, text=True, check=True)
    return re.sub(r"\x1b\[[0-9;]*m", "", out.stdout)


def test_help_lists_the_required_targets() -> None:
    listed = {line.split()[0] for line in _help().splitlines() if line.startswith("  ")}
    assert listed >= REQUIRED, f"missing from make help: {sorted(REQUIRED - listed)}"


def test_every_phony_target_has_a_help_line() -> None:
    sources = [REPO / "Makefile", *sorted((REPO / "mk").glob("*.mk"))]
    phony = {
        t
        for src in sources
        for line in src.read_text().splitlines()
        if line.startswith(".PHONY:")
        for t in line.split(":", 1)[1].split()
    }
    listed = {line.split()[0] for line in _help().splitlines() if line.startswith("  ")}
    assert phony <= listed, f"targets without a `## help` line: {sorted(phony - listed)}"
