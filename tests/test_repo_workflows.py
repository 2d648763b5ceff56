"""The GitHub workflows: actionlint-clean, and every make target they call exists."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONS = sorted((REPO / ".github" / "actions").glob("*/action.yml"))
# `make [-s] target [target…] [VAR=value…]` in a run step.
MAKE_CALL = re.compile(r"\bmake\s+(?:-[a-zA-Z]+\s+)*((?:[a-z][\w.-]*\s*)+)")


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
    steps = [
        step
        for workflow in WORKFLOWS
        for job in yaml.safe_load(workflow.read_text())["jobs"].values()
        for step in job.get("steps", [])
    ]
    steps += [
        step for action in ACTIONS for step in yaml.safe_load(action.read_text())["runs"]["steps"]
    ]
    for step in steps:
        for m in MAKE_CALL.finditer(step.get("run", "")):
            called.update(w for w in m.group(1).split() if "=" not in w)
    assert called, "the workflows should drive the build through make"
    assert called <= targets, f"unknown make targets: {sorted(called - targets)}"


def test_third_party_actions_are_pinned_to_commits() -> None:
    for workflow in [*WORKFLOWS, *ACTIONS]:
        for uses in re.findall(r"uses:\s*([^\s#]+)", workflow.read_text()):
            if uses.startswith("./"):
                continue
            assert re.search(r"@[0-9a-f]{40}$", uses), (
                f"{workflow.name}: {uses} is not pinned to a SHA"
            )


def _jobs() -> dict[str, dict]:
    return {
        f"{w.name}:{name}": job
        for w in WORKFLOWS
        for name, job in yaml.safe_load(w.read_text())["jobs"].items()
    }


def test_every_job_declares_least_privilege_permissions() -> None:
    for name, job in _jobs().items():
        permissions = job.get("permissions")
        assert isinstance(permissions, dict), f"{name}: no job-level permissions"
        assert "write-all" not in str(permissions), name
        writes = {scope for scope, level in permissions.items() if level == "write"}
        assert writes <= {"id-token", "packages"}, f"{name} writes {writes}"


def test_only_jobs_that_assume_an_aws_role_get_an_oidc_token() -> None:
    for name, job in _jobs().items():
        steps = job.get("steps", [])
        assumes = any("configure-aws-credentials" in s.get("uses", "") for s in steps)
        calls_workflow = "uses" in job
        if job["permissions"].get("id-token") == "write":
            assert assumes or calls_workflow, f"{name}: id-token without an AWS role"
        elif assumes:
            pytest.fail(f"{name}: assumes an AWS role without id-token: write")


def test_plan_jobs_are_skipped_until_their_role_variable_is_set() -> None:
    jobs = _jobs()
    for env in ("dev", "prod"):
        job = jobs[f"ci.yml:plan-{env}"]
        assert f"vars.AWS_PLAN_ROLE_ARN_{env.upper()} != ''" in job["if"]
        assert job["with"]["environment"] == env


def test_applies_run_only_in_a_github_environment() -> None:
    jobs = _jobs()
    deploy = jobs["deploy-environment.yml:deploy"]
    assert deploy["environment"]["name"] == "${{ inputs.environment }}"
    runs = " ".join(s.get("run", "") for s in deploy["steps"])
    assert runs.index("make plan") < runs.index("make apply") < runs.index("make smoke")
    for name, job in jobs.items():
        if name != "deploy-environment.yml:deploy":
            assert "make apply" not in " ".join(s.get("run", "") for s in job.get("steps", []))


def test_prod_deploys_only_after_dev_on_main() -> None:
    prod = _jobs()["deploy.yml:deploy-prod"]
    assert "deploy-dev" in prod["needs"]
    assert "needs.deploy-dev.result == 'success'" in prod["if"]


def test_dependabot_covers_actions_python_lock_and_terraform() -> None:
    config = yaml.safe_load((REPO / ".github" / "dependabot.yml").read_text())
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert {"github-actions", "uv", "terraform"} <= ecosystems
