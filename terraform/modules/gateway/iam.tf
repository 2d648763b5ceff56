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
  statement {
    sid       = "InvokeSmartHomeLambda"
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.lambda_function_arn]
  }

  dynamic "statement" {
    for_each = var.enable_openapi_target ? [1] : []

    content {
      sid       = "GetWorkloadAccessToken"
      effect    = "Allow"
      actions   = ["bedrock-agentcore:GetWorkloadAccessToken"]
      resources = [local.workload_directory, local.workload_identity]
    }
  }

  dynamic "statement" {
    for_each = var.enable_openapi_target ? [1] : []

    content {
      sid     = "GetOwnApiKey"
      effect  = "Allow"
      actions = ["bedrock-agentcore:GetResourceApiKey"]
      resources = [
        "${local.agentcore}:token-vault/default",
        aws_bedrockagentcore_api_key_credential_provider.this[0].credential_provider_arn,
        local.workload_directory,
        local.workload_identity,
      ]
    }
  }

  dynamic "statement" {
    for_each = var.enable_openapi_target ? [1] : []

    content {
      sid       = "ReadOwnApiKeySecret"
      effect    = "Allow"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [aws_bedrockagentcore_api_key_credential_provider.this[0].api_key_secret_arn[0].secret_arn]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-gateway"
  description        = "Role of the ${var.name} AgentCore Gateway: invokes the smart-home Lambda, reads its own API key"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "gateway-targets"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.permissions.json
}

# Resource-side grant on the function, for the gateway role alone.
resource "aws_lambda_permission" "this" {
  statement_id  = "AllowAgentCoreGateway-${var.name}"
  action        = "lambda:InvokeFunction"
  function_name = var.lambda_function_arn
  principal     = aws_iam_role.this.arn
}
