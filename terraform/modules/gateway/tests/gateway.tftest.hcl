# Plan-only checks of the gateway module's decisions and input rules (aws 6.62 schema stand-in).

provider "aws" {
  region                      = "eu-central-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

variables {
  name                = "agentcore-mcp-test"
  discovery_url       = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_TEST/.well-known/openid-configuration"
  allowed_client_ids  = ["claudeclient", "langdockclient", "m2mclient"]
  lambda_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:agentcore-mcp-test-home:live"
  lambda_tools_json   = file("../../tests/fixtures/nested_tools.json")
  openapi_spec_json   = file("../../../openapi/accounting.gateway.json")
  gateway_rules_json  = file("../../../packages/gateway_contract/src/gateway_contract/gateway.json")
}

run "authorizer_accepts_exactly_the_identity_clients" {
  command = plan

  assert {
    condition     = aws_bedrockagentcore_gateway.this.authorizer_type == "CUSTOM_JWT"
    error_message = "the gateway must use the Cognito JWT authorizer"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway.this.authorizer_configuration[0].custom_jwt_authorizer[0].allowed_clients == toset(var.allowed_client_ids)
    error_message = "allowed_clients must be exactly the identity module's clients"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway.this.authorizer_configuration[0].custom_jwt_authorizer[0].allowed_audience == null
    error_message = "Cognito access tokens have no aud: no audience check"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway.this.exception_level == null
    error_message = "errors must be sanitized by default"
  }
}

run "openapi_target_is_off_by_default" {
  command = plan

  assert {
    condition     = length(aws_bedrockagentcore_gateway_target.openapi) == 0 && length(aws_bedrockagentcore_api_key_credential_provider.this) == 0
    error_message = "the OpenAPI target and its key must be off unless enabled"
  }

  assert {
    condition     = length(aws_bedrockagentcore_gateway_target.lambda.target_configuration[0].mcp[0].lambda[0].tool_schema[0].inline_payload) == length(jsondecode(var.lambda_tools_json).tools)
    error_message = "one inline_payload per tool of the contract file"
  }

  assert {
    condition     = length(aws_bedrockagentcore_gateway_target.lambda.credential_provider_configuration[0].gateway_iam_role) == 1
    error_message = "the Lambda target authenticates with the gateway role"
  }

  assert {
    condition     = aws_lambda_permission.this.function_name == "agentcore-mcp-test-home" && aws_lambda_permission.this.qualifier == "live" && aws_lambda_permission.this.action == "lambda:InvokeFunction"
    error_message = "the Lambda permission must grant invoke on the smart-home function's alias"
  }

  assert {
    condition     = length(aws_bedrockagentcore_gateway.this.interceptor_configuration) == 0 && length(aws_bedrockagentcore_gateway_target.runtime) == 0
    error_message = "no interceptor and no runtime target unless given"
  }
}

run "interceptor_at_both_points_with_headers" {
  command = plan

  variables {
    interceptor_lambda_arn = "arn:aws:lambda:eu-central-1:123456789012:function:agentcore-mcp-test-gateway-interceptor:live"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway.this.interceptor_configuration[0].interception_points == toset(["REQUEST", "RESPONSE"])
    error_message = "the interceptor runs for requests and responses"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway.this.interceptor_configuration[0].input_configuration[0].pass_request_headers
    error_message = "the interceptor needs the raw Authorization header"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway.this.interceptor_configuration[0].interceptor[0].lambda[0].arn == var.interceptor_lambda_arn
    error_message = "the interceptor is the given alias"
  }

  assert {
    condition     = aws_lambda_permission.interceptor[0].qualifier == "live"
    error_message = "the gateway role may invoke the interceptor's alias"
  }
}

run "runtime_as_mcp_server_target_with_oauth" {
  command = plan

  variables {
    enable_runtime_target       = true
    runtime_endpoint            = "https://bedrock-agentcore.eu-central-1.amazonaws.com/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aeu-central-1%3A123456789012%3Aruntime%2Fagentcore_mcp_test-abc/invocations?qualifier=DEFAULT"
    runtime_oauth_client_id     = "gatewayclient"
    runtime_oauth_client_secret = "not-a-real-secret"
    runtime_oauth_scopes        = ["mcp/gateway"]
  }

  assert {
    condition     = aws_bedrockagentcore_gateway_target.runtime[0].name == "accounting" && aws_bedrockagentcore_gateway_target.runtime[0].target_configuration[0].mcp[0].mcp_server[0].endpoint == var.runtime_endpoint
    error_message = "the runtime is the `accounting` MCP-server target"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway_target.runtime[0].credential_provider_configuration[0].oauth[0].grant_type == "CLIENT_CREDENTIALS" && aws_bedrockagentcore_gateway_target.runtime[0].credential_provider_configuration[0].oauth[0].scopes == toset(["mcp/gateway"])
    error_message = "the gateway signs in to the runtime with client credentials and its own scope"
  }

  assert {
    condition     = aws_bedrockagentcore_oauth2_credential_provider.runtime[0].oauth2_provider_config[0].custom_oauth2_provider_config[0].client_secret == null && aws_bedrockagentcore_oauth2_credential_provider.runtime[0].oauth2_provider_config[0].custom_oauth2_provider_config[0].client_secret_wo == null
    error_message = "the client secret travels only through the write-only argument"
  }
}

run "rejects_openapi_target_under_the_runtime_prefix" {
  command = plan

  variables {
    openapi_target_name = "accounting"
  }

  expect_failures = [var.openapi_target_name]
}

run "rejects_tool_names_over_the_limit" {
  command = plan

  variables {
    lambda_target_name = "a-very-long-target-name-that-leaves-no-room-for-tools"
  }

  expect_failures = [var.lambda_tools_json]
}

run "rejects_latest_qualifier" {
  command = plan

  variables {
    lambda_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:home:$LATEST"
  }

  expect_failures = [var.lambda_function_arn]
}

run "rejects_unqualified_interceptor" {
  command = plan

  variables {
    interceptor_lambda_arn = "arn:aws:lambda:eu-central-1:123456789012:function:interceptor"
  }

  expect_failures = [var.interceptor_lambda_arn]
}

run "both_targets_when_enabled" {
  command = plan

  variables {
    enable_openapi_target = true
    api_key               = "0123456789abcdef0123456789abcdef"
  }

  assert {
    condition     = length(aws_bedrockagentcore_gateway_target.openapi) == 1
    error_message = "the OpenAPI target must exist when enabled"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway_target.openapi[0].target_configuration[0].mcp[0].open_api_schema[0].inline_payload[0].payload == var.openapi_spec_json
    error_message = "the OpenAPI payload must be the Gateway view, unchanged"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway_target.openapi[0].credential_provider_configuration[0].api_key[0].credential_parameter_name == "Authorization"
    error_message = "the key goes in the Authorization header"
  }

  assert {
    condition     = aws_bedrockagentcore_gateway_target.openapi[0].credential_provider_configuration[0].api_key[0].credential_prefix == null
    error_message = "no prefix by default: the accounting API wants the raw token"
  }

  assert {
    condition     = aws_bedrockagentcore_api_key_credential_provider.this[0].api_key == null && aws_bedrockagentcore_api_key_credential_provider.this[0].api_key_wo == null
    error_message = "the key must only travel through the write-only argument"
  }
}

run "rejects_enabled_target_without_key" {
  command = plan

  variables {
    enable_openapi_target = true
  }

  expect_failures = [var.api_key]
}

run "rejects_empty_prefix" {
  command = plan

  variables {
    api_key_credential_prefix = ""
  }

  expect_failures = [var.api_key_credential_prefix]
}

run "rejects_bad_name" {
  command = plan

  variables {
    name = "agentcore_mcp"
  }

  expect_failures = [var.name]
}

run "rejects_non_discovery_url" {
  command = plan

  variables {
    discovery_url = "http://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_TEST"
  }

  expect_failures = [var.discovery_url]
}

run "rejects_no_clients" {
  command = plan

  variables {
    allowed_client_ids = []
  }

  expect_failures = [var.allowed_client_ids]
}

run "rejects_unqualified_lambda_arn" {
  command = plan

  variables {
    lambda_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:home"
  }

  expect_failures = [var.lambda_function_arn]
}

run "rejects_tools_without_schema" {
  command = plan

  variables {
    lambda_tools_json = "{\"tools\": [{\"name\": \"turn_on\", \"description\": \"x\"}]}"
  }

  expect_failures = [var.lambda_tools_json]
}

run "rejects_underscore_target_name" {
  command = plan

  variables {
    lambda_target_name = "smart_home"
  }

  expect_failures = [var.lambda_target_name]
}

run "rejects_swagger_2" {
  command = plan

  variables {
    openapi_spec_json = "{\"swagger\": \"2.0\", \"paths\": {}}"
  }

  expect_failures = [var.openapi_spec_json]
}

run "rejects_other_exception_levels" {
  command = plan

  variables {
    exception_level = "INFO"
  }

  expect_failures = [var.exception_level]
}

run "rejects_fractional_key_version" {
  command = plan

  variables {
    api_key_version = 1.5
  }

  expect_failures = [var.api_key_version]
}

run "rejects_long_header_name" {
  command = plan

  variables {
    api_key_header_name = "X-An-Extremely-Long-Header-Name-That-AgentCore-Would-Reject-Later-On"
  }

  expect_failures = [var.api_key_header_name]
}

run "rejects_non_kms_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:s3:::bucket"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_empty_description" {
  command = plan

  variables {
    description = ""
  }

  expect_failures = [var.description]
}

run "rejects_bad_openapi_target_name" {
  command = plan

  variables {
    openapi_target_name = "-accounting"
  }

  expect_failures = [var.openapi_target_name]
}
