# The Gateway's request/response interceptor (services/gateway_interceptor): it verifies the
# caller's token, strips identity a client sent, injects the verified caller and hides the tools a
# caller may not use. Its role can write its own logs and nothing else: it calls no AWS API.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  function_name = "${var.name}-gateway-interceptor"
  log_group     = "/aws/lambda/${local.function_name}"
  # `id` is the region name in aws 5 and 6 (`name` is deprecated in 6; `region` exists only in 6).
  log_group_arn = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.id}:${data.aws_caller_identity.current.account_id}:log-group:${local.log_group}"
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }
}

resource "aws_iam_role" "this" {
  name                 = "${local.function_name}-lambda"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "own-logs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:Interceptor logs hold no tokens or secrets; the AWS-managed key is enough here.
  #checkov:skip=CKV_AWS_338:Retention is the caller's choice (log_retention_days, 30 days by default).
  name              = local.log_group
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously by the Gateway; a dead-letter queue only serves async invokes.
  #checkov:skip=CKV_AWS_117:Fetches only Cognito's public JWKS; a VPC would add NAT cost and nothing else.
  #checkov:skip=CKV_AWS_173:The environment holds an issuer, client ids and tool names, no secrets.
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile this project does not run.
  #checkov:skip=CKV_AWS_50:X-Ray adds latency to every Gateway call; Powertools logs carry the request ids.
  #checkov:skip=CKV_AWS_115:Concurrency follows the Gateway's; a reserved pool would only take account concurrency.
  function_name    = local.function_name
  description      = "AgentCore Gateway interceptor: verified caller in, foreign identity out"
  role             = aws_iam_role.this.arn
  filename         = var.lambda_zip_path
  source_code_hash = filebase64sha256(var.lambda_zip_path)
  handler          = "gateway_interceptor.handler.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  timeout          = var.timeout_seconds
  memory_size      = var.memory_mb
  # The Gateway invokes the alias of a published version, never $LATEST.
  publish = true

  environment {
    variables = {
      COGNITO_ISSUER          = var.cognito_issuer
      ALLOWED_CLIENT_IDS      = join(",", var.allowed_client_ids)
      HOME_TARGETS            = join(",", var.home_targets)
      RUNTIME_TARGETS         = join(",", var.runtime_targets)
      WRITE_TOOLS             = join(",", var.write_tools)
      POWERTOOLS_SERVICE_NAME = "gateway-interceptor"
      LOG_LEVEL               = var.log_level
    }
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_lambda_alias" "live" {
  name             = var.alias_name
  description      = "The version the AgentCore Gateway invokes as its interceptor"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}
