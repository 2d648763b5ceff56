data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  # `id` is the region name in aws 5 and 6 (`name` is deprecated in 6, `region` is new in 6).
  region = data.aws_region.current.id

  # Every alarm notifies this environment's topic (and whatever else the caller adds).
  alarm_actions = concat([aws_sns_topic.alarms.arn], var.alarm_actions)

  # Created here (with retention) or AgentCore's own; the metric filters need it either way.
  runtime_log_group = var.manage_runtime_log_group ? aws_cloudwatch_log_group.runtime[0].name : var.runtime_log_group_name

  # One metric family per path; CloudWatch metric filters cannot add constant dimensions.
  paths = {
    runtime = {
      label     = "Runtime"
      log_group = local.runtime_log_group
      calls     = var.runtime_filters.calls
      errors    = var.runtime_filters.errors
    }
    gateway = {
      label     = "Gateway"
      log_group = var.lambda_log_group_name
      calls     = var.lambda_filters.calls
      errors    = var.lambda_filters.errors
    }
  }
}

# Where every alarm of the environment goes; subscribe e-mail addresses with `alarm_emails`, or
# anything else SNS delivers to (chat webhooks via a Lambda, PagerDuty) outside this module.
resource "aws_sns_topic" "alarms" {
  #checkov:skip=CKV_AWS_26:CloudWatch cannot publish to a topic under the AWS-managed aws/sns key; alarm texts carry no secrets
  name = "${var.name}-alarms"
}

data "aws_iam_policy_document" "alarms" {
  statement {
    sid       = "CloudWatchAlarmsOfThisEnvironment"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudwatch:${local.region}:${data.aws_caller_identity.current.account_id}:alarm:${var.name}-*"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms.json
}

resource "aws_sns_topic_subscription" "alarm_emails" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.key
}

resource "aws_cloudwatch_log_group" "runtime" {
  #checkov:skip=CKV_AWS_158:encrypted with the CloudWatch Logs service key; a CMK would need a key policy for AgentCore's writers
  #checkov:skip=CKV_AWS_338:retention is a cost decision per environment (log_retention_days), 30 days by default
  count = var.manage_runtime_log_group ? 1 : 0

  name              = var.runtime_log_group_name
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_log_metric_filter" "calls" {
  for_each = local.paths

  name           = "${var.name}-${each.key}-tool-calls"
  log_group_name = each.value.log_group
  pattern        = each.value.calls

  metric_transformation {
    name      = "${each.value.label}ToolCalls"
    namespace = var.metric_namespace
    value     = "1"
    unit      = "Count"
  }
}

resource "aws_cloudwatch_log_metric_filter" "errors" {
  for_each = local.paths

  name           = "${var.name}-${each.key}-tool-errors"
  log_group_name = each.value.log_group
  pattern        = each.value.errors

  metric_transformation {
    name      = "${each.value.label}ToolErrors"
    namespace = var.metric_namespace
    value     = "1"
    unit      = "Count"
  }
}

# Latency of each call as the services log it (`latency_ms`), so percentiles cover the tool work
# itself and not AgentCore's or Lambda's start-up.
resource "aws_cloudwatch_log_metric_filter" "latency" {
  for_each = local.paths

  name           = "${var.name}-${each.key}-tool-latency"
  log_group_name = each.value.log_group
  pattern        = "{ $.latency_ms = * }"

  metric_transformation {
    name      = "${each.value.label}ToolLatency"
    namespace = var.metric_namespace
    value     = "$.latency_ms"
    unit      = "Milliseconds"
  }
}

resource "aws_cloudwatch_metric_alarm" "tool_errors" {
  for_each = local.paths

  alarm_name        = "${var.name}-${each.key}-tool-errors"
  alarm_description = "Tool calls on the ${each.value.label} path failed (outcome error/failed) at least ${var.tool_error_threshold} time(s) in ${var.alarm_period_seconds} s. Logs Insights: ${var.name}/tool-errors."
  namespace         = var.metric_namespace
  metric_name       = aws_cloudwatch_log_metric_filter.errors[each.key].metric_transformation[0].name
  statistic         = "Sum"
  period            = var.alarm_period_seconds

  evaluation_periods  = 1
  threshold           = var.tool_error_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # No log line, no error: quiet periods are healthy.
  treat_missing_data = "notBreaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
}

resource "aws_cloudwatch_query_definition" "this" {
  for_each = var.create_saved_queries ? {
    "tool-calls-by-outcome" = {
      groups = [local.runtime_log_group, var.lambda_log_group_name]
      query  = <<-EOT
        filter ispresent(tool) and ispresent(outcome)
        | stats count(*) as calls, avg(latency_ms) as avg_ms, pct(latency_ms, 99) as p99_ms by tool, outcome
        | sort calls desc
      EOT
    }
    "slowest-tool-calls" = {
      groups = [local.runtime_log_group, var.lambda_log_group_name]
      query  = <<-EOT
        filter ispresent(latency_ms)
        | fields @timestamp, tool, outcome, latency_ms, @log
        | sort latency_ms desc
        | limit 50
      EOT
    }
    "tool-errors" = {
      groups = [local.runtime_log_group, var.lambda_log_group_name]
      query  = <<-EOT
        filter outcome in ["error", "failed"] or level = "ERROR"
        | fields @timestamp, tool, outcome, error, message, @log
        | sort @timestamp desc
        | limit 100
      EOT
    }
  } : {}

  # A slash makes a folder per environment in the console's saved-queries list.
  name            = "${var.name}/${each.key}"
  log_group_names = each.value.groups
  query_string    = each.value.query
}

resource "aws_budgets_budget" "monthly" {
  count = var.budget == null ? 0 : 1

  name         = "${var.name}-monthly"
  budget_type  = "COST"
  limit_amount = format("%.2f", var.budget.monthly_limit_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  dynamic "cost_filter" {
    for_each = var.budget.cost_tag == null ? [] : [split("=", var.budget.cost_tag)]
    content {
      name   = "TagKeyValue"
      values = [format("user:%s$%s", cost_filter.value[0], join("=", slice(cost_filter.value, 1, length(cost_filter.value))))]
    }
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 80
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = var.budget.emails
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_email_addresses = var.budget.emails
  }
}
