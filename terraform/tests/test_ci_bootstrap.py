"""The pipeline's own AWS side: applied with the real aws provider against moto's server."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from tfharness import REGION, Toolchain

pytestmark = pytest.mark.terraform

REPOSITORY = "example-org/agentcore-mcp"
OIDC = "token.actions.githubusercontent.com"
# Read-only or id-named calls the apply role may make on "*"; everything else must be scoped.
UNSCOPED_WRITES = {
    "cognito-idp:CreateUserPool",
    "ecr:GetAuthorizationToken",
    "iot:CreateCertificateFromCsr",
    "logs:DeleteQueryDefinition",
    "logs:PutQueryDefinition",
}
READ_PREFIXES = ("Get", "List", "Describe", "View")


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


@pytest.fixture(scope="module")
def applied(real_provider: Toolchain, moto_endpoint: str, tmp_path_factory, workspace_copy):
    """One apply of the module for every assertion below (a real-provider apply costs ~20 s)."""
    import tftest
    from tfharness import ScratchRoot, module_output_names, provider_block

    # scratch_root is function-scoped; build the same root once for the module's tests.
    source = workspace_copy(real_provider) / "terraform" / "modules" / "ci_bootstrap"
    root = tmp_path_factory.mktemp("ci-bootstrap")
    bucket = f"agentcore-mcp-tfstate-{uuid.uuid4().hex[:10]}"
    config = {
        "terraform": [{"required_providers": [{"aws": {"source": "hashicorp/aws"}}]}],
        "provider": [{"aws": provider_block(moto_endpoint)}],
        "module": [
            {
                "under_test": {
                    "source": str(source),
                    "name": "agentcore-mcp",
                    "github_repository": REPOSITORY,
                    "environments": ["dev", "prod"],
                    "state_bucket_name": bucket,
                }
            }
        ],
        "output": [
            {n: {"value": f"${{module.under_test.{n}}}", "sensitive": True}}
            for n in module_output_names(source)
        ],
    }
    (root / "main.tf.json").write_text(json.dumps(config))
    tf = tftest.TerraformTest(str(root), env=real_provider.env)
    tf.setup(cleanup_on_exit=True)
    outputs = ScratchRoot(tf, root).apply()
    return {"bucket": bucket, "outputs": outputs, "endpoint": moto_endpoint}


def test_state_bucket_is_versioned_kms_encrypted_private_and_tls_only(applied) -> None:
    s3 = _client("s3", applied["endpoint"])
    bucket = applied["bucket"]
    assert applied["outputs"]["state_bucket_name"] == bucket

    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    default = rule["ApplyServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    assert default["KMSMasterKeyID"] == applied["outputs"]["state_kms_key_arn"]

    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())

    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    tls = next(s for s in policy["Statement"] if s["Sid"] == "DenyInsecureTransport")
    assert tls["Effect"] == "Deny"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_state_key_rotates(applied) -> None:
    kms = _client("kms", applied["endpoint"])
    key = applied["outputs"]["state_kms_key_arn"]
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True


def test_github_oidc_provider_accepts_sts_audience(applied) -> None:
    iam = _client("iam", applied["endpoint"])
    provider = iam.get_open_id_connect_provider(
        OpenIDConnectProviderArn=applied["outputs"]["oidc_provider_arn"]
    )
    assert provider["Url"].removeprefix("https://") == OIDC
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_apply_role_is_bounded_and_trusts_only_its_environment(applied, env: str) -> None:
    iam = _client("iam", applied["endpoint"])
    role = iam.get_role(RoleName=f"agentcore-mcp-ci-{env}-apply")["Role"]
    assert (
        role["PermissionsBoundary"]["PermissionsBoundaryArn"]
        == (applied["outputs"]["permissions_boundary_arn"])
    )
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringEquals"] == {
        f"{OIDC}:aud": "sts.amazonaws.com",
        f"{OIDC}:sub": f"repo:{REPOSITORY}:environment:{env}",
    }


def test_plan_role_trusts_pull_requests_and_main_and_cannot_write_state(applied) -> None:
    iam = _client("iam", applied["endpoint"])
    role = iam.get_role(RoleName="agentcore-mcp-ci-dev-plan")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    subjects = set(_as_list(trust["Statement"][0]["Condition"]["StringEquals"][f"{OIDC}:sub"]))
    assert subjects == {f"repo:{REPOSITORY}:pull_request", f"repo:{REPOSITORY}:ref:refs/heads/main"}

    doc = iam.get_role_policy(RoleName="agentcore-mcp-ci-dev-plan", PolicyName="plan")
    policy = doc["PolicyDocument"]
    policy = json.loads(policy) if isinstance(policy, str) else policy
    for statement in policy["Statement"]:
        for action in _as_list(statement["Action"]):
            service, _, verb = action.partition(":")
            if verb.startswith(READ_PREFIXES) or action == "sts:GetCallerIdentity":
                continue
            # The only writes: the lock object next to the state, and the state key.
            assert service in {"s3", "kms"}, action
            if service == "s3":
                assert _as_list(statement["Resource"]) == [
                    f"arn:aws:s3:::{applied['bucket']}/agentcore-mcp/dev/*.tflock"
                ]


def test_apply_role_writes_only_scoped_resources(applied) -> None:
    iam = _client("iam", applied["endpoint"])
    doc = iam.get_role_policy(RoleName="agentcore-mcp-ci-prod-apply", PolicyName="apply")
    policy = doc["PolicyDocument"]
    policy = json.loads(policy) if isinstance(policy, str) else policy
    for statement in policy["Statement"]:
        resources = _as_list(statement["Resource"])
        if resources != ["*"]:
            # Another environment's names never appear in this one's policy.
            assert not any("-dev" in r or "/dev/" in r for r in resources), statement["Sid"]
            continue
        for action in _as_list(statement["Action"]):
            verb = action.partition(":")[2]
            assert verb.startswith(READ_PREFIXES) or action in UNSCOPED_WRITES | {
                "sts:GetCallerIdentity",
                "iot:DescribeEndpoint",
                "logs:DescribeQueryDefinitions",
            }, f"{statement['Sid']}: {action} on *"


def test_boundary_denies_touching_the_pipeline_identity(applied) -> None:
    iam = _client("iam", applied["endpoint"])
    arn = applied["outputs"]["permissions_boundary_arn"]
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    document = json.loads(document) if isinstance(document, str) else document
    denies = {s["Sid"]: s for s in document["Statement"] if s["Effect"] == "Deny"}
    protected = denies["ProtectPipelineIdentity"]["Resource"]
    assert "arn:aws:iam::123456789012:role/agentcore-mcp-ci-*" in protected
    assert "iam:CreateAccessKey" in denies["NoLongLivedCredentials"]["Action"]


def test_outputs_fill_the_env_backend_configs(applied) -> None:
    configs = applied["outputs"]["backend_configs"]
    assert configs["prod"] == {
        "bucket": applied["bucket"],
        "key": "agentcore-mcp/prod/terraform.tfstate",
        "region": REGION,
        "kms_key_id": applied["outputs"]["state_kms_key_arn"],
    }
    assert set(applied["outputs"]["apply_role_arns"]) == {"dev", "prod"}
