resource "aws_cloudwatch_log_group" "lambda" {
  #checkov:skip=CKV_AWS_158:Tool-call logs hold no secrets; the AWS-managed key is enough here.
  #checkov:skip=CKV_AWS_338:Retention is the caller's choice (log_retention_days, 30 days by default).
  name              = local.lambda_log_group
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously by the Gateway; a dead-letter queue only serves async invokes.
  #checkov:skip=CKV_AWS_117:Talks only to the public IoT data endpoint; a VPC would add NAT cost and nothing else.
  #checkov:skip=CKV_AWS_173:The environment holds an endpoint, thing names and tuning, no secrets.
  #checkov:skip=CKV_AWS_272:Code signing needs a signing profile this project does not run.
  #checkov:skip=CKV_AWS_50:X-Ray adds cold-start time; Powertools logs and EMF metrics carry the trace ids.
  #checkov:skip=CKV_AWS_115:Gateway calls are rare and bounded; a reserved pool would only take account concurrency.
  function_name    = local.function_name
  description      = "AgentCore Gateway target: smart-home tools over IoT Device Shadows"
  role             = aws_iam_role.lambda.arn
  filename         = var.lambda_zip_path
  source_code_hash = filebase64sha256(var.lambda_zip_path)
  handler          = "iot_lambda.handler.handler"
  runtime          = "python3.12"
  architectures    = ["arm64"]
  timeout          = var.lambda_timeout_seconds
  memory_size      = var.lambda_memory_mb
  # Every change publishes a version; the Gateway invokes the alias, never $LATEST.
  publish = true

  # SnapStart (Python 3.12+) restores published versions from a snapshot taken after init, so
  # the import cost is paid once per version, not per cold start. See README for its caveats.
  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  environment {
    variables = {
      IOT_DATA_ENDPOINT       = "https://${data.aws_iot_endpoint.ats.endpoint_address}"
      THING_NAMES             = join(",", local.thing_names)
      COMMAND_WAIT_SECONDS    = tostring(var.command_wait_seconds)
      POWERTOOLS_SERVICE_NAME = "smart-home"
      # The one source of the namespace (carries the environment); the code sets none itself.
      POWERTOOLS_METRICS_NAMESPACE = var.metric_namespace
      LOG_LEVEL                    = var.log_level
    }
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.lambda, aws_iam_role_policy.lambda]
}

# What the Gateway targets: moves to each newly published version on apply.
resource "aws_lambda_alias" "live" {
  name             = var.alias_name
  description      = "The version the AgentCore Gateway invokes"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}
