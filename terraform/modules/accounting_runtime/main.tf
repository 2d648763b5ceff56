data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region

  issuer    = trimsuffix(var.discovery_url, "/.well-known/openid-configuration")
  role_name = coalesce(var.role_name, "${replace(var.name, "_", "-")}-runtime")

  # AgentCore creates the runtime's log group on its own as
  # /aws/bedrock-agentcore/runtimes/<runtime id>-<endpoint name>; this module uses the DEFAULT endpoint.
  log_group_prefix = "/aws/bedrock-agentcore/runtimes/${var.name}-"
  log_group_name   = "/aws/bedrock-agentcore/runtimes/${aws_bedrockagentcore_agent_runtime.this.agent_runtime_id}-DEFAULT"
  log_group_arn    = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_prefix}*"

  user_secrets_arn = "arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:${var.user_token_secret_prefix}/*"

  environment = merge(var.environment_variables, {
    MCP_RUNTIME_CREDENTIALS_MODE         = var.credentials_mode
    MCP_RUNTIME_USER_TOKEN_SECRET_PREFIX = var.user_token_secret_prefix
    MCP_RUNTIME_COGNITO_ISSUER           = local.issuer
    MCP_RUNTIME_ALLOWED_CLIENT_IDS       = join(",", var.allowed_client_ids)
    # Tokens of these clients come from the Gateway: only they may carry the caller header.
    MCP_RUNTIME_GATEWAY_CLIENT_IDS = join(",", var.gateway_client_ids)
    MCP_RUNTIME_AWS_REGION         = local.region
    }, var.credentials_mode == "static" ? {
    # A shared development token lives under the same prefix, so the role needs no extra grant.
    MCP_RUNTIME_STATIC_TOKEN_SECRET_ID = "${var.user_token_secret_prefix}/_shared"
  } : {})

  # The fixed event name the server logs once per tool call (mcp_runtime/logs.py).
  tool_call_query = <<-EOT
    fields @timestamp, tool, outcome, latency_ms, upstream_status, subject, request_id, error
    | filter event = "mcp_tool_call"
    | sort @timestamp desc
    | limit 200
  EOT
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "AgentCoreAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["bedrock-agentcore.amazonaws.com"]
    }

    # Confused-deputy guard: only AgentCore acting for this account may assume the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:bedrock-agentcore:${local.region}:${local.account_id}:*"]
    }
  }
}

data "aws_iam_policy_document" "runtime" {
  statement {
    sid       = "PullImageFromThisRepository"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [var.ecr_repository_arn]
  }

  statement {
    # GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
    sid       = "GetRegistryToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "CreateOwnLogGroup"
    actions   = ["logs:CreateLogGroup", "logs:DescribeLogStreams"]
    resources = [local.log_group_arn]
  }

  statement {
    # AgentCore's documented execution role lists log groups before it creates its own; the
    # action is list-only and accepts no narrower resource than every group's ARN.
    sid       = "ListLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  statement {
    sid       = "WriteOwnLogStreams"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:log-stream:*"]
  }

  statement {
    sid       = "ReadUserApiTokens"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.user_secrets_arn]
  }
}

resource "aws_iam_role" "this" {
  # A fixed name (hyphens, not the runtime's underscores): the pipeline may create roles only
  # below the environment's name, `role/agentcore-mcp-<env>-*`.
  name                 = local.role_name
  description          = "Execution role of the AgentCore runtime ${var.name}"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "runtime"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.runtime.json
}

resource "aws_bedrockagentcore_agent_runtime" "this" {
  agent_runtime_name = var.name
  description        = var.description
  role_arn           = aws_iam_role.this.arn

  agent_runtime_artifact {
    container_configuration {
      container_uri = var.image_uri
    }
  }

  network_configuration {
    network_mode = "PUBLIC"
  }

  protocol_configuration {
    server_protocol = "MCP"
  }

  authorizer_configuration {
    custom_jwt_authorizer {
      discovery_url = var.discovery_url
      # The Gateway's own client reaches the runtime too (outbound OAuth of its MCP-server target).
      allowed_clients = distinct(concat(var.allowed_client_ids, var.gateway_client_ids))
    }
  }

  # The server re-verifies the caller's JWT and maps its sub to their API token, so it needs the
  # header; through the Gateway, the caller's own token arrives in the caller header.
  request_header_configuration {
    request_header_allowlist = distinct(concat(["Authorization"], var.request_headers))
  }

  lifecycle_configuration = [{
    idle_runtime_session_timeout = var.idle_timeout_seconds
    max_lifetime                 = var.max_lifetime_seconds
  }]

  environment_variables = local.environment
  tags                  = var.tags

  # The role's permissions must exist before AgentCore pulls the image with it.
  depends_on = [aws_iam_role_policy.this]
}

resource "aws_cloudwatch_query_definition" "tool_calls" {
  name            = "agentcore-mcp/${var.name}/tool-calls"
  log_group_names = [local.log_group_name]
  query_string    = local.tool_call_query
}
