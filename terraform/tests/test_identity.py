"""The identity module: OAuth clients planned with the 6.62 schema, the core applied against moto.

The core is the module without ``branding.tf``: managed login branding exists only in aws >= 6.9,
and moto has no API for it, so the real 5.100 provider applies everything else.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from tfharness import REGION, Toolchain

pytestmark = pytest.mark.terraform

CLAUDE_CALLBACKS = {
    "https://claude.ai/api/mcp/auth_callback",
    "https://claude.com/api/mcp/auth_callback",
}
DISCOVERY_SCOPES = {"openid", "email", "phone", "profile"}
LANGDOCK = {
    "callback_urls": ["https://app.langdock.com/api/integrations/3f2a/callback"],
    "scopes": ["openid", "email", "profile"],
}
# Terraform merges an override file's required_providers into versions.tf; the core's true floor is
# 5.95 (managed_login_version on the domain).
CORE_VERSIONS_OVERRIDE = """terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.95"
    }
  }
}
"""


def _cognito(endpoint: str):
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _after(plan: Any, address: str) -> dict[str, Any]:
    return plan.resource_changes[f"module.under_test.{address}"]["change"]["after"]


def _clients(plan: Any) -> dict[str, dict[str, Any]]:
    return {
        addr: rc["change"]["after"]
        for addr, rc in plan.resource_changes.items()
        if rc["type"] == "aws_cognito_user_pool_client"
    }


def _changed_keys(change: dict[str, Any]) -> set[str]:
    before, after = change["before"] or {}, change["after"] or {}
    unknown = change.get("after_unknown") or {}
    return {
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k) or unknown.get(k)
    }


@pytest.fixture
def core_module(real_provider: Toolchain, workspace_copy: Callable[[Toolchain], Path]) -> str:
    """``identity_core``: the module minus branding.tf, beside the others in the scratch copy."""
    modules = workspace_copy(real_provider) / "terraform" / "modules"
    core = modules / "identity_core"
    if not core.exists():
        shutil.copytree(
            modules / "identity", core, ignore=shutil.ignore_patterns("branding.tf", "tests")
        )
        (core / "versions_override.tf").write_text(CORE_VERSIONS_OVERRIDE)
    return core.name


def test_plan_claude_client_flows_scopes_and_callbacks(
    schema_provider: Toolchain, scratch_root
) -> None:
    root = scratch_root(
        schema_provider, "identity", {"name": "mcp-plan", "domain_prefix": "mcp-plan-test"}
    )
    claude = _after(root.plan(), 'aws_cognito_user_pool_client.interactive["claude"]')
    assert claude["allowed_oauth_flows"] == ["code"]
    assert claude["allowed_oauth_flows_user_pool_client"] is True
    assert set(claude["allowed_oauth_scopes"]) == DISCOVERY_SCOPES
    assert set(claude["callback_urls"]) == CLAUDE_CALLBACKS
    assert claude["generate_secret"] is True
    assert claude["supported_identity_providers"] == ["COGNITO"]


def test_plan_has_no_implicit_flow_and_a_separate_m2m_client(
    schema_provider: Toolchain, scratch_root
) -> None:
    root = scratch_root(
        schema_provider,
        "identity",
        {
            "name": "mcp-plan",
            "domain_prefix": "mcp-plan-test",
            "clients": {
                "claude": {"callback_urls": sorted(CLAUDE_CALLBACKS)},
                "langdock": LANGDOCK,
            },
        },
    )
    plan = root.plan()
    clients = _clients(plan)
    assert len(clients) == 4  # claude, langdock, automation, gateway
    for address, client in clients.items():
        assert "implicit" not in client["allowed_oauth_flows"], address
    m2m = clients["module.under_test.aws_cognito_user_pool_client.m2m"]
    assert m2m["allowed_oauth_flows"] == ["client_credentials"]
    gateway = clients["module.under_test.aws_cognito_user_pool_client.gateway"]
    # The Gateway's client has a scope of its own: no other client's token can pass for it.
    assert gateway["allowed_oauth_flows"] == ["client_credentials"]
    assert gateway["allowed_oauth_scopes"] == ["mcp/gateway"]
    assert m2m["allowed_oauth_scopes"] == ["mcp/invoke"]
    interactive = [c for a, c in clients.items() if ".interactive[" in a]
    assert all(c["allowed_oauth_flows"] == ["code"] for c in interactive)
    langdock = clients['module.under_test.aws_cognito_user_pool_client.interactive["langdock"]']
    assert set(langdock["allowed_oauth_scopes"]) == set(LANGDOCK["scopes"])


def test_plan_self_signup_off_by_default_and_no_branding(
    schema_provider: Toolchain, scratch_root
) -> None:
    root = scratch_root(
        schema_provider, "identity", {"name": "mcp-plan", "domain_prefix": "mcp-plan-test"}
    )
    plan = root.plan()
    pool = _after(plan, "aws_cognito_user_pool.this")
    assert pool["admin_create_user_config"][0]["allow_admin_create_user_only"] is True
    assert pool["deletion_protection"] == "ACTIVE"
    assert pool["mfa_configuration"] == "OPTIONAL"
    types = {rc["type"] for rc in plan.resource_changes.values()}
    assert "aws_cognito_managed_login_branding" not in types


def test_apply_core_with_real_provider_against_moto(
    real_provider: Toolchain, moto_endpoint: str, scratch_root, core_module: str
) -> None:
    name = f"mcp-{uuid.uuid4().hex[:8]}"
    root = scratch_root(
        real_provider,
        core_module,
        {
            "name": name,
            "domain_prefix": name,
            "deletion_protection": "INACTIVE",
            "clients": {
                "claude": {"callback_urls": sorted(CLAUDE_CALLBACKS)},
                "langdock": LANGDOCK,
            },
            "groups": {"home-mcp-dev-home": "Home home", "accounting-writers": "Writers"},
        },
        moto_endpoint,
    )

    out = root.apply()

    idp = _cognito(moto_endpoint)
    pool_id = out["user_pool_id"]
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert out["issuer"] == f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"
    assert out["discovery_url"] == out["issuer"] + "/.well-known/openid-configuration"
    assert out["jwks_uri"] == out["issuer"] + "/.well-known/jwks.json"
    assert out["domain"] == f"https://{name}.auth.{REGION}.amazoncognito.com"
    assert out["token_endpoint"] == out["domain"] + "/oauth2/token"
    assert out["m2m_scopes"] == ["mcp/invoke"]
    assert set(out["callback_urls"]["claude"]) == CLAUDE_CALLBACKS

    claude = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=out["client_ids"]["claude"])
    claude = claude["UserPoolClient"]
    assert claude["AllowedOAuthFlows"] == ["code"]
    assert set(claude["AllowedOAuthScopes"]) == DISCOVERY_SCOPES
    assert set(claude["CallbackURLs"]) == CLAUDE_CALLBACKS
    assert claude["ClientSecret"] == out["client_secrets"]["claude"]

    m2m = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=out["m2m_client_id"])
    m2m = m2m["UserPoolClient"]
    assert m2m["AllowedOAuthFlows"] == ["client_credentials"]
    assert m2m["AllowedOAuthScopes"] == ["mcp/invoke"]
    assert m2m["ClientSecret"] == out["m2m_client_secret"]

    assert sorted(out["allowed_client_ids"]) == sorted(
        [*out["client_ids"].values(), out["m2m_client_id"]]
    )
    server = idp.describe_resource_server(UserPoolId=pool_id, Identifier="mcp")["ResourceServer"]
    assert sorted(s["ScopeName"] for s in server["Scopes"]) == ["gateway", "invoke"]
    gateway = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=out["gateway_client_id"])
    assert gateway["UserPoolClient"]["AllowedOAuthScopes"] == ["mcp/gateway"]
    groups = {g["GroupName"] for g in idp.list_groups(UserPoolId=pool_id)["Groups"]}
    assert groups == {"home-mcp-dev-home", "accounting-writers"} == set(out["group_names"])

    # A second plan must be empty: Cognito clients are prone to perpetual diffs. The one exception
    # is moto's: it neither stores nor returns the domain's ManagedLoginVersion.
    drift = {
        address.removeprefix("module.under_test."): _changed_keys(rc["change"])
        for address, rc in root.plan().resource_changes.items()
        if rc["change"]["actions"] != ["no-op"]
    }
    assert drift in ({}, {"aws_cognito_user_pool_domain.this": {"managed_login_version"}})
