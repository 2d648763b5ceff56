data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  agentcore  = "arn:${data.aws_partition.current.partition}:bedrock-agentcore:${local.region}:${local.account_id}"
  # AgentCore names a gateway's workload identity after the lowercased gateway name.
  workload_directory = "${local.agentcore}:workload-identity-directory/default"
  workload_identity  = "${local.workload_directory}/workload-identity/${lower(var.name)}-*"
  token_vault        = "${local.agentcore}:token-vault/default"

  runtime_target = var.enable_runtime_target

  # Provider ARNs and their secrets' names follow from the provider names (Service Authorization
  # Reference: token-vault/<vault>/<kind>credentialprovider/<name>; AgentCore Identity keeps the
  # secret as bedrock-agentcore-identity!default/<kind>/<name>-<6 characters>), so the role's
  # document is known, and reviewable, at plan time.
  secrets               = "arn:${data.aws_partition.current.partition}:secretsmanager:${local.region}:${local.account_id}:secret"
  runtime_provider_name = "${var.name}-runtime-oauth"
  api_key_provider_name = "${var.name}-accounting-api-key"
  runtime_provider_arn  = "${local.token_vault}/oauth2credentialprovider/${local.runtime_provider_name}"
  api_key_provider_arn  = "${local.token_vault}/apikeycredentialprovider/${local.api_key_provider_name}"
  provider_secrets = concat(
    local.runtime_target ? ["${local.secrets}:bedrock-agentcore-identity!default/oauth2/${local.runtime_provider_name}-??????"] : [],
    var.enable_openapi_target ? ["${local.secrets}:bedrock-agentcore-identity!default/apikey/${local.api_key_provider_name}-??????"] : [],
  )
  # The Lambdas the gateway invokes: the smart-home target and the interceptor, aliases both.
  invoked_lambdas = compact([var.lambda_function_arn, var.interceptor_lambda_arn])
  # Credential providers whose tokens the gateway fetches: its own, and nobody else's.
  needs_workload_token = local.runtime_target || var.enable_openapi_target
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "AgentCoreGatewayAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["bedrock-agentcore.amazonaws.com"]
    }

    # Confused-deputy guard: only gateways of this account may use the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["${local.agentcore}:gateway/*"]
    }
  }
}

data "aws_iam_policy_document" "permissions" {
  # Exactly the Lambda target's alias and the interceptor's alias (AgentCore devguide
  # gateway-interceptors-permissions: the service role invokes interceptors too).
  statement {
    sid       = "InvokeTargetAndInterceptorAliases"
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = local.invoked_lambdas
  }

  dynamic "statement" {
    for_each = local.needs_workload_token ? [1] : []

    content {
      sid       = "GetOwnWorkloadAccessToken"
      effect    = "Allow"
      actions   = ["bedrock-agentcore:GetWorkloadAccessToken"]
      resources = [local.workload_directory, local.workload_identity]
    }
  }

  dynamic "statement" {
    for_each = local.runtime_target ? [1] : []

    content {
      sid     = "GetOwnRuntimeOauthToken"
      effect  = "Allow"
      actions = ["bedrock-agentcore:GetResourceOauth2Token"]
      resources = [
        local.token_vault,
        local.runtime_provider_arn,
        local.workload_directory,
        local.workload_identity,
      ]
    }
  }

  dynamic "statement" {
    for_each = var.enable_openapi_target ? [1] : []

    content {
      sid     = "GetOwnApiKey"
      effect  = "Allow"
      actions = ["bedrock-agentcore:GetResourceApiKey"]
      resources = [
        local.token_vault,
        local.api_key_provider_arn,
        local.workload_directory,
        local.workload_identity,
      ]
    }
  }

  # The secrets AgentCore Identity keeps for exactly these providers.
  dynamic "statement" {
    for_each = local.needs_workload_token ? [1] : []

    content {
      sid    = "ReadOwnProviderSecrets"
      effect = "Allow"
      actions = [
        "secretsmanager:GetSecretValue",
      ]
      resources = local.provider_secrets
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = "${var.name}-gateway"
  description          = "Role of the ${var.name} AgentCore Gateway: invokes its Lambda target and interceptor, fetches its own credentials"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "gateway-targets"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.permissions.json
}

# Resource-side grants on the aliases, for the gateway role alone.
resource "aws_lambda_permission" "this" {
  statement_id  = "AllowAgentCoreGateway-${var.name}"
  action        = "lambda:InvokeFunction"
  function_name = split(":", var.lambda_function_arn)[6]
  qualifier     = split(":", var.lambda_function_arn)[7]
  principal     = aws_iam_role.this.arn
}

resource "aws_lambda_permission" "interceptor" {
  count = var.interceptor_lambda_arn == null ? 0 : 1

  statement_id  = "AllowAgentCoreGateway-${var.name}"
  action        = "lambda:InvokeFunction"
  function_name = split(":", var.interceptor_lambda_arn)[6]
  qualifier     = split(":", var.interceptor_lambda_arn)[7]
  principal     = aws_iam_role.this.arn
}
