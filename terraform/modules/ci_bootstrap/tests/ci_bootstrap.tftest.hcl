# Plan-only checks of the pipeline bootstrap: trust, scoping and input rules (either aws provider).

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

override_data {
  target = data.aws_partition.current
  values = { partition = "aws" }
}

override_data {
  target = data.aws_region.current
  values = { id = "eu-central-1" }
}

variables {
  name                   = "agentcore-mcp"
  github_repository      = "example-org/agentcore-mcp"
  environment            = "prod"
  runtime_repository_arn = "arn:aws:ecr:eu-central-1:123456789012:repository/agentcore-mcp/prod/mcp-runtime"
  state_bucket_name      = "example-org-agentcore-mcp-tfstate"
}

run "state_bucket_is_versioned_and_kms_encrypted" {
  command = plan

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "state must be versioned"
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "state must be KMS-encrypted"
  }

  assert {
    condition     = aws_kms_key.state.enable_key_rotation
    error_message = "the state key must rotate"
  }

  assert {
    condition     = aws_s3_bucket_public_access_block.state.restrict_public_buckets && aws_s3_bucket_public_access_block.state.block_public_policy
    error_message = "the state bucket must never be public"
  }
}

run "plan_push_and_apply_roles_of_the_one_environment" {
  command = plan

  assert {
    condition     = [for k in ["plan", "push", "apply"] : aws_iam_role.this[k].name] == ["agentcore-mcp-ci-prod-plan", "agentcore-mcp-ci-prod-push", "agentcore-mcp-ci-prod-apply"]
    error_message = "roles are named <name>-ci-<env>-plan|push|apply"
  }

  assert {
    condition     = aws_iam_policy.workload_boundary.name == "agentcore-mcp-ci-prod-workload-boundary"
    error_message = "the workload boundary lives under <name>-ci-*, which the deploy boundary protects"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1
    error_message = "the OIDC provider is created by default"
  }
}

run "existing_oidc_provider_is_reused" {
  command = plan

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "no second OIDC provider when one exists"
  }
}

run "apply_role_trusts_only_its_github_environment" {
  command = plan

  # With an existing provider its ARN is known at plan time, so the trust documents are too.
  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.trust["apply"].json).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/agentcore-mcp:environment:prod"
    error_message = "the prod apply role must trust only the prod environment of this repository"
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.trust["plan"].json).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/agentcore-mcp:ref:refs/heads/main"
    error_message = "the prod plan role must trust main alone, never a pull request"
  }
}

run "dev_plans_from_pull_requests_when_allowed" {
  command = plan

  variables {
    environment             = "dev"
    plan_from_pull_requests = true
    create_oidc_provider    = false
    oidc_provider_arn       = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = contains(jsondecode(data.aws_iam_policy_document.trust["plan"].json).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"], "repo:example-org/agentcore-mcp:pull_request")
    error_message = "dev's plan role trusts pull requests when plan_from_pull_requests is set"
  }
}

run "rejects_pull_request_plans_of_prod" {
  command = plan

  variables {
    plan_from_pull_requests = true
  }

  expect_failures = [var.plan_from_pull_requests]
}

run "rejects_missing_existing_oidc_provider" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  expect_failures = [var.oidc_provider_arn]
}

run "rejects_repository_without_owner" {
  command = plan

  variables {
    github_repository = "agentcore-mcp"
  }

  expect_failures = [var.github_repository]
}

run "rejects_invalid_environment_name" {
  command = plan

  variables {
    environment = "Dev-1"
  }

  expect_failures = [var.environment]
}

run "rejects_invalid_bucket_name" {
  command = plan

  variables {
    state_bucket_name = "Not_A_Bucket"
  }

  expect_failures = [var.state_bucket_name]
}

run "rejects_invalid_name" {
  command = plan

  variables {
    name = "Agentcore MCP"
  }

  expect_failures = [var.name]
}

run "rejects_short_session" {
  command = plan

  variables {
    max_session_duration = 900
  }

  expect_failures = [var.max_session_duration]
}

run "rejects_short_kms_window" {
  command = plan

  variables {
    kms_deletion_window_days = 3
  }

  expect_failures = [var.kms_deletion_window_days]
}

run "rejects_non_ecr_repository" {
  command = plan

  variables {
    runtime_repository_arn = "arn:aws:s3:::bucket"
  }

  expect_failures = [var.runtime_repository_arn]
}

run "rejects_slash_in_state_key_prefix" {
  command = plan

  variables {
    state_key_prefix = "a/b"
  }

  expect_failures = [var.state_key_prefix]
}

run "rejects_zero_version_days" {
  command = plan

  variables {
    noncurrent_version_days = 0
  }

  expect_failures = [var.noncurrent_version_days]
}
