"""Shared fixtures: moto standing in for Cognito and Secrets Manager, in process."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

REGION = "eu-central-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield


@pytest.fixture
def idp(aws: None):
    return boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture
def secretsmanager(aws: None):
    return boto3.client("secretsmanager", region_name=REGION)


@pytest.fixture
def pool_id(idp) -> str:
    """A pool shaped like the identity module's: e-mail is the username, admin-only sign-up."""
    return idp.create_user_pool(
        PoolName="opsctl-test",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )["UserPool"]["Id"]
