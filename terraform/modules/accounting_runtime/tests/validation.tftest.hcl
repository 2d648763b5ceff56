# Plan-only checks of the runtime's shape and of every input rule (aws 6.62 schema stand-in).

provider "aws" {
  region                      = "eu-central-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

variables {
  name                     = "accounting_mcp_test"
  image_uri                = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/agentcore-mcp/test/mcp-runtime:0123abcd"
  ecr_repository_arn       = "arn:aws:ecr:eu-central-1:123456789012:repository/agentcore-mcp/test/mcp-runtime"
  discovery_url            = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Example/.well-known/openid-configuration"
  allowed_client_ids       = ["clientclaude123", "clientci456"]
  user_token_secret_prefix = "agentcore-mcp/test/user-tokens"
}

run "mcp_runtime_with_jwt_and_header_allowlist" {
  command = plan

  assert {
    condition     = aws_bedrockagentcore_agent_runtime.this.protocol_configuration[0].server_protocol == "MCP"
    error_message = "the runtime must speak MCP"
  }

  assert {
    condition     = aws_bedrockagentcore_agent_runtime.this.network_configuration[0].network_mode == "PUBLIC"
    error_message = "the runtime must use the PUBLIC network mode"
  }

  assert {
    condition     = toset(aws_bedrockagentcore_agent_runtime.this.authorizer_configuration[0].custom_jwt_authorizer[0].allowed_clients) == toset(["clientclaude123", "clientci456"])
    error_message = "allowed_clients must be the given client ids"
  }

  assert {
    condition     = toset(aws_bedrockagentcore_agent_runtime.this.request_header_configuration[0].request_header_allowlist) == toset(["Authorization"])
    error_message = "only the Authorization header is forwarded"
  }

  assert {
    condition     = aws_bedrockagentcore_agent_runtime.this.lifecycle_configuration[0].idle_runtime_session_timeout == 300
    error_message = "the idle timeout defaults to 300 s"
  }

  assert {
    condition     = aws_bedrockagentcore_agent_runtime.this.environment_variables["MCP_RUNTIME_COGNITO_ISSUER"] == "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Example"
    error_message = "the issuer is the discovery URL without its well-known suffix"
  }

  assert {
    condition     = !contains(keys(aws_bedrockagentcore_agent_runtime.this.environment_variables), "MCP_RUNTIME_STATIC_TOKEN_SECRET_ID")
    error_message = "per_user mode carries no shared token secret"
  }
}

run "static_mode_reads_shared_secret_under_prefix" {
  command = plan

  variables {
    credentials_mode = "static"
  }

  assert {
    condition     = aws_bedrockagentcore_agent_runtime.this.environment_variables["MCP_RUNTIME_STATIC_TOKEN_SECRET_ID"] == "agentcore-mcp/test/user-tokens/_shared"
    error_message = "static mode reads <prefix>/_shared"
  }
}

run "gateway_client_and_caller_header_reach_the_runtime" {
  command = plan

  variables {
    gateway_client_ids = ["gatewayclient789"]
    request_headers    = ["X-Amzn-Bedrock-AgentCore-Runtime-Custom-Caller"]
  }

  assert {
    condition     = toset(aws_bedrockagentcore_agent_runtime.this.authorizer_configuration[0].custom_jwt_authorizer[0].allowed_clients) == toset(["clientclaude123", "clientci456", "gatewayclient789"])
    error_message = "the Gateway's client must pass the runtime's authorizer"
  }

  assert {
    condition     = aws_bedrockagentcore_agent_runtime.this.environment_variables["MCP_RUNTIME_GATEWAY_CLIENT_IDS"] == "gatewayclient789"
    error_message = "the server learns which client is the Gateway"
  }

  assert {
    condition     = aws_bedrockagentcore_agent_runtime.this.request_header_configuration[0].request_header_allowlist == toset(["Authorization", "X-Amzn-Bedrock-AgentCore-Runtime-Custom-Caller"])
    error_message = "Authorization and the caller header are allowlisted"
  }

  assert {
    condition     = aws_iam_role.this.name == "accounting-mcp-test-runtime"
    error_message = "the role is named with hyphens, inside the pipeline's agentcore-mcp-<env>-* grant"
  }
}

run "rejects_other_amzn_headers" {
  command = plan

  variables {
    request_headers = ["X-Amzn-Trace-Id"]
  }

  expect_failures = [var.request_headers]
}

run "rejects_non_policy_boundary" {
  command = plan

  variables {
    permissions_boundary = "arn:aws:iam::123456789012:role/x"
  }

  expect_failures = [var.permissions_boundary]
}

run "image_by_digest_is_accepted" {
  command = plan

  variables {
    image_uri = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/agentcore-mcp/test/mcp-runtime@sha256:0000000000000000000000000000000000000000000000000000000000000000"
  }
}

run "rejects_hyphenated_name" {
  command = plan

  variables {
    name = "accounting-mcp"
  }

  expect_failures = [var.name]
}

run "rejects_untagged_image" {
  command = plan

  variables {
    image_uri = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/agentcore-mcp/test/mcp-runtime"
  }

  expect_failures = [var.image_uri]
}

run "rejects_image_from_another_repository" {
  command = plan

  variables {
    image_uri = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/someone-else/image:1"
  }

  expect_failures = [var.image_uri]
}

run "rejects_non_ecr_repository_arn" {
  command = plan

  variables {
    ecr_repository_arn = "arn:aws:s3:::bucket"
  }

  expect_failures = [var.ecr_repository_arn]
}

run "rejects_discovery_url_without_well_known_path" {
  command = plan

  variables {
    discovery_url = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Example"
  }

  expect_failures = [var.discovery_url]
}

run "rejects_empty_client_list" {
  command = plan

  variables {
    allowed_client_ids = []
  }

  expect_failures = [var.allowed_client_ids]
}

run "rejects_idle_timeout_below_a_minute" {
  command = plan

  variables {
    idle_timeout_seconds = 30
  }

  expect_failures = [var.idle_timeout_seconds]
}

run "rejects_idle_timeout_above_eight_hours" {
  command = plan

  variables {
    idle_timeout_seconds = 28801
  }

  expect_failures = [var.idle_timeout_seconds]
}

run "rejects_max_lifetime_out_of_range" {
  command = plan

  variables {
    max_lifetime_seconds = 59
  }

  expect_failures = [var.max_lifetime_seconds]
}

run "rejects_max_lifetime_below_idle_timeout" {
  command = plan

  variables {
    idle_timeout_seconds = 600
    max_lifetime_seconds = 300
  }

  expect_failures = [var.max_lifetime_seconds]
}

run "rejects_unknown_credentials_mode" {
  command = plan

  variables {
    credentials_mode = "shared"
  }

  expect_failures = [var.credentials_mode]
}

run "rejects_wildcard_secret_prefix" {
  command = plan

  variables {
    user_token_secret_prefix = "agentcore-mcp/*"
  }

  expect_failures = [var.user_token_secret_prefix]
}

run "rejects_managed_environment_keys" {
  command = plan

  variables {
    environment_variables = { MCP_RUNTIME_STATIC_TOKEN = "0123456789abcdef" }
  }

  expect_failures = [var.environment_variables]
}

run "outputs_url_and_log_group_from_runtime_identity" {
  command = plan

  # The ARN and id are known only after apply; the override stands in for what AWS returns.
  override_resource {
    target          = aws_bedrockagentcore_agent_runtime.this
    override_during = plan
    values = {
      agent_runtime_arn = "arn:aws:bedrock-agentcore:eu-central-1:123456789012:runtime/accounting_mcp_test-AbCdE12345"
      agent_runtime_id  = "accounting_mcp_test-AbCdE12345"
    }
  }

  assert {
    condition     = output.invocation_url == "https://bedrock-agentcore.eu-central-1.amazonaws.com/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aeu-central-1%3A123456789012%3Aruntime%2Faccounting_mcp_test-AbCdE12345/invocations?qualifier=DEFAULT"
    error_message = "invocation_url must hold the URL-encoded runtime ARN and qualifier=DEFAULT"
  }

  assert {
    condition     = output.log_group_name == "/aws/bedrock-agentcore/runtimes/accounting_mcp_test-AbCdE12345-DEFAULT"
    error_message = "log_group_name must follow AgentCore's /aws/bedrock-agentcore/runtimes/<id>-DEFAULT"
  }

  assert {
    condition     = one(aws_cloudwatch_query_definition.tool_calls.log_group_names) == "/aws/bedrock-agentcore/runtimes/accounting_mcp_test-AbCdE12345-DEFAULT"
    error_message = "the saved query must target the runtime's log group"
  }
}
