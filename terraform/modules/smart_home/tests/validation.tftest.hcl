# Plan-only checks of the module's input rules and policies; run by `terraform test` with either
# aws provider (the 5.100 mirror or the 6.62 schema stand-in).

provider "aws" {
  region                      = "eu-central-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

# Plans read no AWS API: the data sources the module needs are stubbed here.
override_data {
  target = data.aws_caller_identity.current
  values = { account_id = "123456789012" }
}

override_data {
  target = data.aws_iot_endpoint.ats
  values = { endpoint_address = "abc123example-ats.iot.eu-central-1.amazonaws.com" }
}

variables {
  name = "agentcore-mcp-test"
  homes = {
    home-berlin = { csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBtest\n-----END CERTIFICATE REQUEST-----\n" }
  }
  lambda_zip_path   = "tests/fixtures/lambda.zip"
  metric_namespace  = "AgentCoreMcp/test"
  naming_rules_json = file("../../../packages/smarthome_contract/src/smarthome_contract/naming.json")
}

run "defaults_plan_arm64_lambda_and_one_certificate" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "the Lambda must run on arm64 (the zip holds aarch64 wheels)"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.THING_NAMES == "agentcore-mcp-test-home-berlin"
    error_message = "THING_NAMES must list the homes' things, named <name>-<home key>"
  }

  assert {
    condition     = aws_iot_thing.bridge["home-berlin"].name == "agentcore-mcp-test-home-berlin"
    error_message = "a home's thing carries the environment's name"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.POWERTOOLS_METRICS_NAMESPACE == "AgentCoreMcp/test"
    error_message = "the metric namespace comes from the module input alone"
  }

  assert {
    condition     = aws_lambda_function.this.publish && aws_lambda_alias.live.name == "live" && aws_lambda_function.this.snap_start[0].apply_on == "PublishedVersions"
    error_message = "versions are published, SnapStart applies to them, the Gateway's alias follows them"
  }

  assert {
    condition     = alltrue([for r in aws_iot_topic_rule.presence : strcontains(r.sql, "startswith(") && strcontains(r.sql, "'agentcore-mcp-test-')")])
    error_message = "every presence rule acts on this environment's things only"
  }

  assert {
    condition     = length(aws_iot_certificate.bridge) == 1 && length(aws_iot_policy_attachment.bridge) == 1
    error_message = "one certificate per CSR, attached to the policy"
  }

  assert {
    condition     = aws_cloudwatch_log_group.lambda.retention_in_days == 30
    error_message = "log retention defaults to 30 days"
  }

  assert {
    condition     = strcontains(aws_iot_topic_rule.presence["offline"].sql, "WHERE connected = false")
    error_message = "the offline rule must fire on the last will only"
  }
}

run "rotation_adds_a_second_certificate" {
  command = plan

  variables {
    homes = {
      home-berlin = {
        csr_pem      = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBtest\n-----END CERTIFICATE REQUEST-----\n"
        next_csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBnext\n-----END CERTIFICATE REQUEST-----\n"
      }
    }
  }

  assert {
    condition     = length(aws_iot_certificate.bridge) == 2 && length(aws_iot_thing_principal_attachment.bridge) == 2
    error_message = "a rotation runs two attached certificates side by side"
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "has spaces"
  }
  expect_failures = [var.name]
}

run "rejects_thing_name_over_123_characters" {
  command = plan
  variables {
    homes = {
      (join("", [for i in range(110) : "h"])) = { csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\nx\n-----END CERTIFICATE REQUEST-----\n" }
    }
  }
  expect_failures = [var.homes]
}

run "rejects_numeric_alias" {
  command = plan
  variables {
    alias_name = "1"
  }
  expect_failures = [var.alias_name]
}

run "rejects_aws_metric_namespace" {
  command = plan
  variables {
    metric_namespace = "AWS/Lambda"
  }
  expect_failures = [var.metric_namespace]
}

run "rejects_no_homes" {
  command = plan
  variables {
    homes = {}
  }
  expect_failures = [var.homes]
}

run "rejects_invalid_thing_name" {
  command = plan
  variables {
    homes = {
      "home/berlin" = { csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\nx\n-----END CERTIFICATE REQUEST-----\n" }
    }
  }
  expect_failures = [var.homes]
}

run "rejects_private_key_instead_of_csr" {
  command = plan
  variables {
    homes = {
      home-berlin = { csr_pem = "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n" }
    }
  }
  expect_failures = [var.homes]
}

run "rejects_missing_zip" {
  command = plan
  variables {
    lambda_zip_path = "tests/fixtures/missing.zip"
  }
  expect_failures = [var.lambda_zip_path]
}

run "rejects_timeout_out_of_range" {
  command = plan
  variables {
    lambda_timeout_seconds = 901
  }
  expect_failures = [var.lambda_timeout_seconds]
}

run "rejects_wait_out_of_range" {
  command = plan
  variables {
    command_wait_seconds   = 61
    lambda_timeout_seconds = 900
  }
  expect_failures = [var.command_wait_seconds]
}

run "rejects_wait_too_close_to_timeout" {
  command = plan
  variables {
    command_wait_seconds   = 10
    lambda_timeout_seconds = 12
  }
  expect_failures = [var.command_wait_seconds]
}

run "rejects_memory_out_of_range" {
  command = plan
  variables {
    lambda_memory_mb = 64
  }
  expect_failures = [var.lambda_memory_mb]
}

run "rejects_unknown_log_level" {
  command = plan
  variables {
    log_level = "VERBOSE"
  }
  expect_failures = [var.log_level]
}

run "rejects_retention_cloudwatch_does_not_offer" {
  command = plan
  variables {
    log_retention_days = 31
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_other_json_as_naming_rules" {
  command = plan
  variables {
    naming_rules_json = "{\"tools\": []}"
  }
  expect_failures = [var.naming_rules_json]
}
