"""The AgentCore runtime module: planned with the aws 6.62 schema stand-in; IAM read as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tfharness import Toolchain

pytestmark = pytest.mark.terraform

REGISTRY = "123456789012.dkr.ecr.eu-central-1.amazonaws.com"
REPO_ARN = "arn:aws:ecr:eu-central-1:123456789012:repository/agentcore-mcp/test/mcp-runtime"
INPUTS: dict[str, Any] = {
    "name": "accounting_mcp_test",
    "image_uri": f"{REGISTRY}/agentcore-mcp/test/mcp-runtime:abc123",
    "ecr_repository_arn": REPO_ARN,
    "discovery_url": (
        "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool"
        "/.well-known/openid-configuration"
    ),
    "allowed_client_ids": ["claudeclient", "ciclient"],
    "user_token_secret_prefix": "agentcore-mcp/test/user-tokens",
}


@pytest.fixture(scope="module")
def planned(schema_provider: Toolchain, tmp_path_factory, workspace_copy) -> Any:
    # One plan shared by the module's tests: planning costs seconds, the assertions nothing.
    import tftest

    source = workspace_copy(schema_provider) / "terraform" / "modules" / "accounting_runtime"
    root = tmp_path_factory.mktemp("root-accounting-runtime")
    config = {
        "terraform": [{"required_providers": [{"aws": {"source": "hashicorp/aws"}}]}],
        "provider": [
            {
                "aws": {
                    "region": "eu-central-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "skip_credentials_validation": True,
                    "skip_metadata_api_check": True,
                    "skip_requesting_account_id": True,
                }
            }
        ],
        "module": [{"under_test": {"source": str(source), **INPUTS}}],
    }
    (root / "main.tf.json").write_text(json.dumps(config))
    tf = tftest.TerraformTest(str(root), env=schema_provider.env)
    tf.setup(cleanup_on_exit=True)
    return tf.plan(output=True)


def _after(plan: Any, address: str) -> dict[str, Any]:
    return plan.resource_changes[f"module.under_test.{address}"]["change"]["after"]


def _policy(plan: Any, which: str) -> dict[str, Any]:
    """The policy JSON the plan would send to IAM: the trust policy or the inline role policy."""
    if which == "assume":
        return json.loads(_after(plan, "aws_iam_role.this")["assume_role_policy"])
    return json.loads(_after(plan, "aws_iam_role_policy.this")["policy"])


def _statements(plan: Any, data_name: str) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in _policy(plan, data_name)["Statement"]}


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_plans_one_runtime_role_policy_and_saved_query(planned) -> None:
    types = sorted(r["type"] for r in planned.resource_changes.values())
    assert types == [
        "aws_bedrockagentcore_agent_runtime",
        "aws_cloudwatch_query_definition",
        "aws_iam_role",
        "aws_iam_role_policy",
    ]
    # AgentCore makes the log group itself; a second one would collide with it.
    assert "aws_cloudwatch_log_group" not in types


def test_runtime_is_an_mcp_server_behind_cognito(planned) -> None:
    runtime = _after(planned, "aws_bedrockagentcore_agent_runtime.this")
    assert (
        runtime["agent_runtime_artifact"][0]["container_configuration"][0]["container_uri"]
        == INPUTS["image_uri"]
    )
    assert runtime["protocol_configuration"] == [{"server_protocol": "MCP"}]
    assert runtime["network_configuration"][0]["network_mode"] == "PUBLIC"
    jwt = runtime["authorizer_configuration"][0]["custom_jwt_authorizer"][0]
    assert jwt["discovery_url"] == INPUTS["discovery_url"]
    assert sorted(jwt["allowed_clients"]) == sorted(INPUTS["allowed_client_ids"])
    # Cognito access tokens carry no aud: an audience check would refuse every caller.
    assert not jwt.get("allowed_audience")
    assert runtime["request_header_configuration"] == [
        {"request_header_allowlist": ["Authorization"]}
    ]
    assert runtime["lifecycle_configuration"] == [
        {"idle_runtime_session_timeout": 300, "max_lifetime": 28800}
    ]


def test_environment_carries_settings_and_no_token(planned) -> None:
    env = _after(planned, "aws_bedrockagentcore_agent_runtime.this")["environment_variables"]
    assert env["MCP_RUNTIME_CREDENTIALS_MODE"] == "per_user"
    assert (
        env["MCP_RUNTIME_COGNITO_ISSUER"]
        == "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool"
    )
    assert env["MCP_RUNTIME_ALLOWED_CLIENT_IDS"] == "claudeclient,ciclient"
    assert env["MCP_RUNTIME_USER_TOKEN_SECRET_PREFIX"] == INPUTS["user_token_secret_prefix"]
    assert "MCP_RUNTIME_STATIC_TOKEN" not in env


def test_role_trusts_only_agentcore_of_this_account(planned) -> None:
    (statement,) = _policy(planned, "assume")["Statement"]
    assert statement["Principal"] == {"Service": "bedrock-agentcore.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert "aws:SourceAccount" in statement["Condition"]["StringEquals"]
    assert "aws:SourceArn" in statement["Condition"]["ArnLike"]


def test_role_pulls_only_from_its_repository(planned) -> None:
    statements = _statements(planned, "runtime")
    pull = statements["PullImageFromThisRepository"]
    assert sorted(_as_list(pull["Action"])) == ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert _as_list(pull["Resource"]) == [REPO_ARN]
    token = statements["GetRegistryToken"]
    assert _as_list(token["Action"]) == ["ecr:GetAuthorizationToken"]


def test_role_reads_secrets_below_the_user_token_prefix_only(planned) -> None:
    statements = _statements(planned, "runtime")
    secret_statements = [
        s
        for s in statements.values()
        if any(a.startswith("secretsmanager:") for a in _as_list(s["Action"]))
    ]
    assert len(secret_statements) == 1
    (read,) = secret_statements
    assert _as_list(read["Action"]) == ["secretsmanager:GetSecretValue"]
    (resource,) = _as_list(read["Resource"])
    assert resource.endswith(":secret:agentcore-mcp/test/user-tokens/*")
    assert ":secretsmanager:eu-central-1:" in resource


def test_role_writes_logs_only_to_its_own_log_groups(planned) -> None:
    statements = _statements(planned, "runtime")
    assert _as_list(statements.pop("ListLogGroups")["Action"]) == ["logs:DescribeLogGroups"]
    log_statements = [
        s for s in statements.values() if any(a.startswith("logs:") for a in _as_list(s["Action"]))
    ]
    assert log_statements
    for statement in log_statements:
        for resource in _as_list(statement["Resource"]):
            assert ":log-group:/aws/bedrock-agentcore/runtimes/accounting_mcp_test-*" in resource


def test_only_the_registry_token_uses_a_wildcard_resource(planned) -> None:
    wildcard = [
        sid for sid, s in _statements(planned, "runtime").items() if "*" in _as_list(s["Resource"])
    ]
    assert wildcard == ["GetRegistryToken"]
    for statement in _statements(planned, "runtime").values():
        assert statement["Effect"] == "Allow"
        assert not any(a.endswith(":*") or a == "*" for a in _as_list(statement["Action"]))


def test_saved_query_filters_the_tool_call_event(planned) -> None:
    query = _after(planned, "aws_cloudwatch_query_definition.tool_calls")
    assert query["name"] == "agentcore-mcp/accounting_mcp_test/tool-calls"
    assert 'filter event = "mcp_tool_call"' in query["query_string"]
