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


def _workflow(name: str) -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())


def _runs(job: dict) -> str:
    return " ".join(step.get("run", "") for step in job.get("steps", []))


def _uses(job: dict, action: str) -> list[dict]:
    return [s for s in job.get("steps", []) if action in s.get("uses", "")]


def test_plan_then_reviewed_apply_of_exactly_that_plan() -> None:
    """plan (no environment, no approval) -> apply in the GitHub environment, of the saved plan."""
    jobs = _workflow("deploy-environment.yml")["jobs"]
    plan, apply = jobs["plan"], jobs["apply"]

    assert "environment" not in plan, "the plan must exist before anyone approves"
    assert apply["environment"]["name"] == "${{ inputs.environment }}"
    assert apply["needs"] == "plan"
    # plan: saved, summarised, sealed, uploaded.
    runs = _runs(plan)
    assert runs.index("make plan ") < runs.index("make -s plan-summary") < runs.index("plan-seal")
    (upload,) = _uses(plan, "actions/upload-artifact")
    # apply: downloads that artefact, opens it, applies it; it never plans again.
    names = [s["with"]["name"] for s in _uses(apply, "actions/download-artifact")]
    assert upload["with"]["name"] in names
    runs = _runs(apply)
    assert "make plan " not in runs
    assert runs.index("make plan-open") < runs.index("make apply") < runs.index("make smoke")
    # The Lambda zips the plan hashed are the build's, downloaded by both jobs.
    assert "lambda-zips" in [s["with"]["name"] for s in _uses(plan, "download-artifact")]
    (plan_step,) = [s["run"] for s in plan["steps"] if "make plan " in s.get("run", "")]
    assert "PLAN_ZIPS=" in plan_step.split(), "the plan must not rebuild the zips it was given"
    assert "lambda-zips" in names
    for name, job in {**_jobs()}.items():
        if name != "deploy-environment.yml:apply":
            assert "make apply" not in _runs(job), name


def test_each_environment_queues_on_its_own() -> None:
    workflow = _workflow("deploy.yml")
    jobs = workflow["jobs"]

    assert "concurrency" not in workflow, "a workflow-wide group makes a waiting prod block dev"
    groups = {env: jobs[f"deploy-{env}"]["concurrency"] for env in ("dev", "prod")}
    assert groups["dev"]["group"] != groups["prod"]["group"]
    for env, concurrency in groups.items():
        assert env in concurrency["group"]
        assert concurrency["cancel-in-progress"] is False, "an apply is never cancelled half-way"


def test_runtime_image_is_built_once_and_promoted_by_digest() -> None:
    deploy = _workflow("deploy.yml")["jobs"]
    environment = _workflow("deploy-environment.yml")

    assert "make -s runtime-image-archive" in _runs(deploy["build"])
    assert deploy["build"]["outputs"]["runtime-digest"] == "${{ steps.runtime.outputs.digest }}"
    for env in ("dev", "prod"):
        assert (
            "needs.build.outputs.runtime-digest"
            in deploy[f"deploy-{env}"]["with"]["runtime-digest"]
        )
    text = (REPO / ".github" / "workflows" / "deploy-environment.yml").read_text()
    assert "docker buildx build" not in text
    assert "runtime-image-archive" not in text
    assert environment["env"]["TF_VAR_runtime_image_digest"] == "${{ inputs.runtime-digest }}"
    publish = environment["jobs"]["publish"]
    assert "make -s push-runtime" in _runs(publish)
    assert "EXPECTED" in _runs(publish), "the pushed digest is compared with the build's"


def test_no_pull_request_plans_prod() -> None:
    jobs = _workflow("ci.yml")["jobs"]

    assert "github.event_name == 'push'" in jobs["plan-prod"]["if"]
    assert "refs/heads/main" in jobs["plan-prod"]["if"]
    assert "pull_request" in _workflow("ci.yml")[True]  # ci runs on pull requests…
    assert "github.event_name != 'pull_request'" in jobs["plan-dev"]["if"]  # …dev plans them


def test_prod_deploys_only_after_dev_on_main() -> None:
    prod = _jobs()["deploy.yml:deploy-prod"]
    assert "deploy-dev" in prod["needs"]
    assert "needs.deploy-dev.result == 'success'" in prod["if"]


def test_prod_is_skipped_until_its_account_is_bootstrapped() -> None:
    assert "vars.AWS_PLAN_ROLE_ARN_PROD != ''" in _jobs()["deploy.yml:deploy-prod"]["if"]


def test_plan_and_apply_get_the_same_api_key_of_their_own_environment() -> None:
    """The plan job has no GitHub environment, so an environment secret would be empty there."""
    jobs = _workflow("deploy.yml")["jobs"]
    for env in ("dev", "prod"):
        secrets = jobs[f"deploy-{env}"]["secrets"]
        assert secrets == {
            "ACCOUNTING_API_KEY": f"${{{{ secrets.ACCOUNTING_API_KEY_{env.upper()} }}}}"
        }
    environment = _workflow("deploy-environment.yml")["jobs"]
    for job in ("plan", "apply"):
        assert environment[job]["env"]["TF_VAR_accounting_api_key"] == (
            "${{ secrets.ACCOUNTING_API_KEY }}"
        )
    # CI's read-only plans never get the real key (pull-request code runs there).
    plan = _workflow("terraform-plan.yml")["jobs"]["plan"]
    assert "secrets." not in str(plan["env"]["TF_VAR_accounting_api_key"])


def test_the_apply_session_outlives_a_long_first_deploy() -> None:
    apply = _workflow("deploy-environment.yml")["jobs"]["apply"]
    (credentials,) = [
        s for s in _uses(apply, "configure-aws-credentials")
        if "AWS_APPLY_ROLE_ARN" in str(s["with"].get("role-to-assume", ""))
    ]  # fmt: skip
    seconds = int(credentials["with"]["role-duration-seconds"])
    variables = (REPO / "terraform" / "modules" / "ci_bootstrap" / "variables.tf").read_text()
    block = variables[variables.index('variable "max_session_duration"') :]
    allowed = int(re.search(r"default\s*=\s*(\d+)", block).group(1))  # type: ignore[union-attr]
    assert seconds > 3600, "the default hour is shorter than a first AgentCore deploy"
    assert seconds <= allowed, "STS refuses a session longer than the role's maximum"
    assert apply["timeout-minutes"] * 60 >= seconds


def test_dependabot_covers_actions_python_lock_and_terraform() -> None:
    config = yaml.safe_load((REPO / ".github" / "dependabot.yml").read_text())
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert {"github-actions", "uv", "terraform"} <= ecosystems
