"""The pipeline bootstrap applied once per session: ci_bootstrap for dev and prod, on moto.

Shared by test_ci_bootstrap.py (what the bootstrap creates) and test_pipeline_iam.py (what its
roles may do); registered as a fixture in conftest.py so both use the one apply.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from iam_eval import statements
from pipeline_iam import ACCOUNT, REGION
from tfharness import Toolchain, module_output_names, provider_block

ENVS = ("dev", "prod")
REPOSITORY = "example-org/agentcore-mcp"
OIDC = "token.actions.githubusercontent.com"


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _doc(value: str | dict[str, Any]) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture(scope="session")
def bootstrap(real_provider: Toolchain, moto_endpoint: str, tmp_path_factory, workspace_copy):
    """ci_bootstrap applied for dev and prod; each role's policies as moto's IAM holds them."""
    import tftest
    from tfharness import ScratchRoot

    source = workspace_copy(real_provider) / "terraform" / "modules" / "ci_bootstrap"
    root = tmp_path_factory.mktemp("pipeline-bootstrap")
    suffix = uuid.uuid4().hex[:8]
    modules = []
    for env in ENVS:
        inputs: dict[str, Any] = {
            "source": str(source),
            "name": "agentcore-mcp",
            "github_repository": REPOSITORY,
            "environment": env,
            "plan_from_pull_requests": env == "dev",
            "runtime_repository_arn": (
                f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/agentcore-mcp/{env}/mcp-runtime"
            ),
            "state_bucket_name": f"agentcore-mcp-{env}-{suffix}",
        }
        if env != "dev":
            # Separate accounts in real life; here both share moto's one OIDC provider.
            inputs |= {
                "create_oidc_provider": False,
                "oidc_provider_arn": "${module.dev.oidc_provider_arn}",
            }
        modules.append({env: inputs})
    config = {
        "terraform": [{"required_providers": [{"aws": {"source": "hashicorp/aws"}}]}],
        "provider": [{"aws": provider_block(moto_endpoint)}],
        "module": modules,
        "output": [
            {f"{env}_{n}": {"value": f"${{module.{env}.{n}}}", "sensitive": True}}
            for env in ENVS
            for n in module_output_names(source)
        ],
    }
    (root / "main.tf.json").write_text(json.dumps(config))
    tf = tftest.TerraformTest(str(root), env=real_provider.env)
    tf.setup(cleanup_on_exit=True)
    outputs = ScratchRoot(tf, root).apply()
    iam = _client("iam", moto_endpoint)

    def managed(arn: str) -> list[dict[str, Any]]:
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        doc = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
        return statements(_doc(doc["Document"]))

    roles: dict[str, dict[str, Any]] = {}
    for env in ENVS:
        roles[env] = {
            "outputs": {
                k.removeprefix(f"{env}_"): v for k, v in outputs.items() if k.startswith(f"{env}_")
            }
        }
        for kind in ("plan", "push", "apply"):
            name = f"agentcore-mcp-ci-{env}-{kind}"
            role = iam.get_role(RoleName=name)["Role"]
            policy = iam.get_role_policy(RoleName=name, PolicyName=kind)["PolicyDocument"]
            roles[env][kind] = statements(_doc(policy))
            roles[env][f"{kind}_trust"] = statements(_doc(role["AssumeRolePolicyDocument"]))
            roles[env][f"{kind}_boundary"] = role["PermissionsBoundary"]["PermissionsBoundaryArn"]
        roles[env]["boundary"] = managed(roles[env]["outputs"]["permissions_boundary_arn"])
        roles[env]["workload_boundary"] = managed(roles[env]["outputs"]["workload_boundary_arn"])
    roles["_root"] = {"path": root, "tf": tf, "endpoint": moto_endpoint}
    return roles
