# Plan-only checks of the interceptor's shape and input rules (either aws provider).

provider "aws" {
  region                      = "eu-central-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

override_data {
  target = data.aws_caller_identity.current
  values = { account_id = "123456789012" }
}

variables {
  name               = "agentcore-mcp-test"
  lambda_zip_path    = "tests/fixtures/lambda.zip"
  cognito_issuer     = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Example"
  allowed_client_ids = ["claudeclient", "langdockclient"]
}

run "arm64_python_312_with_the_contract_environment" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["arm64"]) && aws_lambda_function.this.runtime == "python3.12"
    error_message = "arm64, python3.12"
  }

  assert {
    condition     = aws_lambda_function.this.handler == "gateway_interceptor.handler.handler"
    error_message = "the handler of services/gateway_interceptor"
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      COGNITO_ISSUER          = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Example"
      ALLOWED_CLIENT_IDS      = "claudeclient,langdockclient"
      HOME_TARGETS            = "home"
      RUNTIME_TARGETS         = "accounting"
      WRITE_TOOLS             = "accounting___create_contact"
      POWERTOOLS_SERVICE_NAME = "gateway-interceptor"
      LOG_LEVEL               = "INFO"
    })
    error_message = "the environment is contract C3's, nothing else"
  }

  assert {
    condition     = aws_lambda_function.this.publish && aws_lambda_alias.live.name == "live"
    error_message = "the Gateway invokes an alias of a published version"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "logs expire after 30 days by default"
  }
}

run "rejects_missing_zip" {
  command = plan
  variables {
    lambda_zip_path = "tests/fixtures/missing.zip"
  }
  expect_failures = [var.lambda_zip_path]
}

run "rejects_no_clients" {
  command = plan
  variables {
    allowed_client_ids = []
  }
  expect_failures = [var.allowed_client_ids]
}

run "rejects_issuer_with_discovery_path" {
  command = plan
  variables {
    cognito_issuer = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Example/.well-known/openid-configuration"
  }
  expect_failures = [var.cognito_issuer]
}

run "rejects_long_timeout" {
  command = plan
  variables {
    timeout_seconds = 120
  }
  expect_failures = [var.timeout_seconds]
}
