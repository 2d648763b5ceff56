"""The pipeline's own AWS side: ci_bootstrap applied with the real aws provider against moto.

The apply is shared with test_pipeline_iam.py (its session fixture ``bootstrap``: dev and prod
bootstrapped side by side), which also evaluates the roles' policies.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from bootstrap_fixture import OIDC, REPOSITORY
from tfharness import REGION

pytestmark = pytest.mark.terraform


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_state_bucket_is_versioned_kms_encrypted_private_and_tls_only(bootstrap, env) -> None:
    s3 = _client("s3", bootstrap["_root"]["endpoint"])
    outputs = bootstrap[env]["outputs"]
    bucket = outputs["state_bucket_name"]

    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    default = rule["ApplyServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    assert default["KMSMasterKeyID"] == outputs["state_kms_key_arn"]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    tls = next(s for s in policy["Statement"] if s["Sid"] == "DenyInsecureTransport")
    assert tls["Effect"] == "Deny"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_state_key_rotates(bootstrap) -> None:
    kms = _client("kms", bootstrap["_root"]["endpoint"])
    key = bootstrap["prod"]["outputs"]["state_kms_key_arn"]
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True


def test_github_oidc_provider_accepts_sts_audience(bootstrap) -> None:
    iam = _client("iam", bootstrap["_root"]["endpoint"])
    provider = iam.get_open_id_connect_provider(
        OpenIDConnectProviderArn=bootstrap["dev"]["outputs"]["oidc_provider_arn"]
    )
    assert provider["Url"].removeprefix("https://") == OIDC
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_deploy_roles_are_bounded_and_trust_only_their_source(bootstrap, env) -> None:
    roles = bootstrap[env]
    boundary = roles["outputs"]["permissions_boundary_arn"]
    for kind in ("plan", "push", "apply"):
        assert roles[f"{kind}_boundary"] == boundary, kind
    (statement,) = roles["apply_trust"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringEquals"] == {
        f"{OIDC}:aud": "sts.amazonaws.com",
        f"{OIDC}:sub": f"repo:{REPOSITORY}:environment:{env}",
    }
    (push,) = roles["push_trust"]
    assert (
        push["Condition"]["StringEquals"][f"{OIDC}:sub"] == f"repo:{REPOSITORY}:ref:refs/heads/main"
    )


def test_plan_role_writes_only_the_lock_object(bootstrap) -> None:
    bucket = bootstrap["dev"]["outputs"]["state_bucket_name"]
    for statement in bootstrap["dev"]["plan"]:
        if statement["Effect"] == "Deny":
            continue
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        for action in actions:
            service, _, verb = action.partition(":")
            if verb.startswith(("Get", "List", "Describe", "View")):
                continue
            # The only writes: the lock object next to the state, and the state key.
            assert service in {"s3", "kms"}, action
            if service == "s3":
                assert statement["Resource"] == f"arn:aws:s3:::{bucket}/agentcore-mcp/dev/*.tflock"


def test_boundary_denies_touching_the_pipeline_identity(bootstrap) -> None:
    denies = {s["Sid"]: s for s in bootstrap["dev"]["boundary"] if s["Effect"] == "Deny"}
    protected = denies["ProtectPipelineIdentity"]["Resource"]
    assert "arn:aws:iam::123456789012:role/agentcore-mcp-ci-*" in protected
    assert "arn:aws:iam::123456789012:policy/agentcore-mcp-ci-*" in protected
    assert "iam:CreateAccessKey" in denies["NoLongLivedCredentials"]["Action"]
    # The workload boundary is a pipeline policy too: the apply role cannot rewrite it.
    assert bootstrap["dev"]["outputs"]["workload_boundary_arn"].endswith(
        ":policy/agentcore-mcp-ci-dev-workload-boundary"
    )


def test_outputs_fill_the_env_backend_config(bootstrap) -> None:
    outputs = bootstrap["prod"]["outputs"]
    assert outputs["backend_config"] == {
        "bucket": outputs["state_bucket_name"],
        "key": "agentcore-mcp/prod/terraform.tfstate",
        "region": REGION,
        "kms_key_id": outputs["state_kms_key_arn"],
    }
