# --- the Lambda's role ---------------------------------------------------------------------------

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    sid     = "LambdaAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "lambda" {
  statement {
    sid     = "DeviceShadowsOfTheseThings"
    effect  = "Allow"
    actions = ["iot:GetThingShadow", "iot:UpdateThingShadow"]
    # Named shadows are `thing/<thing>/<shadow>`; device ids are the bridge's to choose, hence `*`
    # below each of this deployment's things and nowhere else.
    resources = [for t in local.thing_names : "${local.iot_arn}:thing/${t}/*"]
  }

  statement {
    sid       = "PresenceShadowIsTheRulesAlone"
    effect    = "Deny"
    actions   = ["iot:UpdateThingShadow"]
    resources = [for t in local.thing_names : "${local.iot_arn}:thing/${t}/${local.presence_shadow}"]
  }

  statement {
    sid     = "ListNamedShadowsOfTheseThings"
    effect  = "Allow"
    actions = ["iot:ListNamedShadowsForThing"]
    # AWS's action table (Service Authorization Reference) gives it the `thing` resource type.
    resources = [for t in local.thing_names : "${local.iot_arn}:thing/${t}"]
  }

  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.logs_arn}:log-group:${local.lambda_log_group}:*"]
  }
}

resource "aws_iam_role" "lambda" {
  name                 = "${local.function_name}-lambda"
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume.json
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy" "lambda" {
  name   = "device-shadows"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}

# --- the presence rules' role --------------------------------------------------------------------

data "aws_iam_policy_document" "rules_assume" {
  statement {
    sid     = "IotAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["iot.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "rules" {
  statement {
    sid       = "UpdatePresenceShadowsOfTheseThings"
    effect    = "Allow"
    actions   = ["iot:Publish"]
    resources = [for t in local.thing_names : "${local.iot_arn}:topic/$aws/things/${t}/shadow/name/${local.presence_shadow}/update"]
  }

  statement {
    sid    = "LogRuleErrors"
    effect = "Allow"
    # What the IoT CloudWatch Logs rule action needs (IoT devguide, cloudwatch-logs-rule-action).
    actions   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = ["${local.logs_arn}:log-group:${local.rules_log_group}:*"]
  }
}

resource "aws_iam_role" "rules" {
  name                 = "${var.name}-presence-rules"
  assume_role_policy   = data.aws_iam_policy_document.rules_assume.json
  permissions_boundary = var.permissions_boundary
  tags                 = var.tags
}

resource "aws_iam_role_policy" "rules" {
  name   = "presence-shadow"
  role   = aws_iam_role.rules.id
  policy = data.aws_iam_policy_document.rules.json
}
