"""The ECR module: planned and applied with the real aws provider against moto's server."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from tfharness import REGION, Toolchain

pytestmark = pytest.mark.terraform


def _ecr(endpoint: str):
    return boto3.client(
        "ecr",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_apply_creates_hardened_repository(
    real_provider: Toolchain, moto_endpoint: str, scratch_root
) -> None:
    name = f"agentcore-mcp/test/runtime-{uuid.uuid4().hex[:8]}"
    root = scratch_root(
        real_provider, "registry", {"name": name, "keep_tagged_images": 5}, moto_endpoint
    )

    outputs = root.apply()

    repo = _ecr(moto_endpoint).describe_repositories(repositoryNames=[name])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfiguration"]["encryptionType"] == "AES256"
    assert outputs["repository_url"] == repo["repositoryUri"]
    assert outputs["repository_arn"] == repo["repositoryArn"]

    policy = json.loads(
        _ecr(moto_endpoint).get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
    )
    kept = next(r for r in policy["rules"] if r["selection"]["tagStatus"] == "tagged")
    assert kept["selection"]["countNumber"] == 5
    untagged = next(r for r in policy["rules"] if r["selection"]["tagStatus"] == "untagged")
    assert untagged["selection"]["countUnit"] == "days"


def test_apply_rejects_invalid_name_before_touching_aws(
    real_provider: Toolchain, moto_endpoint: str, scratch_root
) -> None:
    import tftest

    root = scratch_root(real_provider, "registry", {"name": "Not_Valid!"}, moto_endpoint)
    before = _ecr(moto_endpoint).describe_repositories()["repositories"]
    with pytest.raises(tftest.TerraformTestError, match="Invalid value for variable"):
        root.apply()
    assert _ecr(moto_endpoint).describe_repositories()["repositories"] == before


def test_plan_with_6_62_schema_has_one_repository_and_policy(
    schema_provider: Toolchain, scratch_root
) -> None:
    root = scratch_root(schema_provider, "registry", {"name": "agentcore-mcp/dev/mcp-runtime"})
    plan = root.plan()
    types = sorted(r["type"] for r in plan.resource_changes.values())
    assert types == ["aws_ecr_lifecycle_policy", "aws_ecr_repository"]
    repo = plan.resource_changes["module.under_test.aws_ecr_repository.this"]["change"]["after"]
    assert repo["image_tag_mutability"] == "IMMUTABLE"
