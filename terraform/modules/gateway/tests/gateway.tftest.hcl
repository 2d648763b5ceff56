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
  lambda_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:agentcore-mcp-test-home"
  lambda_tools_json   = file("../../tests/fixtures/nested_tools.json")
  openapi_spec_json   = file("../../../openapi/accounting.gateway.json")
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
    condition     = aws_lambda_permission.this.function_name == var.lambda_function_arn && aws_lambda_permission.this.action == "lambda:InvokeFunction"
    error_message = "the Lambda permission must grant invoke on the smart-home function"
  }
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

run "rejects_qualified_lambda_arn" {
  command = plan

  variables {
    lambda_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:home:live"
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
