"""The GitHub workflows: actionlint-clean, and every make target they call exists."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def make_targets() -> set[str]:
    out = subprocess.run(
        ["make", "-pRrq", "-f", "Makefile", ":"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return {m.group(1) for m in re.finditer(r"^([a-zA-Z0-9_.-]+):", out.stdout, re.M)}


def test_actionlint_is_clean() -> None:
    binary = shutil.which("actionlint") or str(REPO / ".venv" / "bin" / "actionlint")
    out = subprocess.run(
        [binary, "-ignore", "node20", *map(str, WORKFLOWS)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_workflows_call_only_existing_make_targets() -> None:
    targets = make_targets()
    called: set[str] = set()
    for workflow in WORKFLOWS:
        for job in yaml.safe_load(workflow.read_text())["jobs"].values():
            for step in job.get("steps", []):
                for m in re.finditer(r"\bmake\s+((?:[a-z][\w.-]*\s*)+)", step.get("run", "")):
                    called.update(w for w in m.group(1).split() if "=" not in w)
    assert called, "the workflows should drive the build through make"
    assert called <= targets, f"unknown make targets: {sorted(called - targets)}"


def test_third_party_actions_are_pinned_to_commits() -> None:
    for workflow in WORKFLOWS:
        for uses in re.findall(r"uses:\s*([^\s#]+)", workflow.read_text()):
            if uses.startswith("./"):
                continue
            assert re.search(r"@[0-9a-f]{40}$", uses), (
                f"{workflow.name}: {uses} is not pinned to a SHA"
            )
