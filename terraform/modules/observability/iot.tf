# "Bridge offline": every heartbeat a bridge publishes on `<prefix>/<thing>/presence` with
# `connected: true` becomes one CloudWatch datapoint `BridgeHeartbeat-<thing>`. The last will
# (`connected: false`) is not counted, so both a clean disconnect and a dead link end the stream,
# and an alarm that treats missing data as breaching fires once the silence outlasts the threshold.
# The presence rule of smart_home still writes the facts into the shadow; this rule only counts.

locals {
  bridges          = length(var.bridge_thing_names) > 0
  heartbeat_metric = "BridgeHeartbeat-"
  # From naming.json's presence.heartbeat_seconds (contract C5): a bridge silent for two heartbeats
  # is "not heard"; the period is the shortest standard-resolution one covering that.
  heartbeat_period  = max(60, ceil(2 * var.heartbeat_seconds / 60) * 60)
  offline_periods   = max(1, ceil(var.bridge_offline_after_seconds / local.heartbeat_period))
  iot_rule_basename = replace("${var.name}_bridge_heartbeat", "-", "_")
}

data "aws_iam_policy_document" "heartbeat_trust" {
  count = local.bridges ? 1 : 0

  statement {
    sid     = "IotRulesEngine"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["iot.amazonaws.com"]
    }
    # Only rules of this account may use the role (confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "heartbeat" {
  count = local.bridges ? 1 : 0

  statement {
    sid     = "PutHeartbeatMetric"
    actions = ["cloudwatch:PutMetricData"]
    # PutMetricData has no resource type; the namespace condition is its scope.
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metric_namespace]
    }
  }
}

resource "aws_iam_role" "heartbeat" {
  count = local.bridges ? 1 : 0

  name                 = "${var.name}-bridge-heartbeat"
  description          = "IoT rule ${local.iot_rule_basename}: bridge heartbeats to CloudWatch"
  assume_role_policy   = data.aws_iam_policy_document.heartbeat_trust[0].json
  permissions_boundary = var.permissions_boundary
}

resource "aws_iam_role_policy" "heartbeat" {
  count = local.bridges ? 1 : 0

  name   = "put-heartbeat-metric"
  role   = aws_iam_role.heartbeat[0].id
  policy = data.aws_iam_policy_document.heartbeat[0].json
}

resource "aws_iot_topic_rule" "heartbeat" {
  count = local.bridges ? 1 : 0

  name        = local.iot_rule_basename
  description = "Bridge heartbeats (connected = true on the presence topic) as CloudWatch metrics"
  enabled     = true
  # Only this environment's things (`<name>-<home>`): MQTT wildcards fill whole levels, so the
  # environment is filtered here, and a dev rule never counts a prod bridge's heartbeat.
  sql         = "SELECT connected FROM '${var.presence_topic_prefix}/+/presence' WHERE connected = true AND startswith(topic(2), '${var.name}-')"
  sql_version = "2016-03-23"

  cloudwatch_metric {
    # topic(2) is the thing name; substitution templates read the incoming topic and message.
    metric_name      = "${local.heartbeat_metric}$${topic(2)}"
    metric_namespace = var.metric_namespace
    metric_unit      = "Count"
    metric_value     = "1"
    role_arn         = aws_iam_role.heartbeat[0].arn
  }
}

resource "aws_cloudwatch_metric_alarm" "bridge_offline" {
  for_each = toset(var.bridge_thing_names)

  alarm_name        = "${var.name}-bridge-offline-${each.key}"
  alarm_description = "No heartbeat from bridge ${each.key} (every ${var.heartbeat_seconds} s) for ${local.offline_periods * local.heartbeat_period} s. Its shadow `bridge` says since when (disconnected_at)."
  namespace         = var.metric_namespace
  metric_name       = "${local.heartbeat_metric}${each.key}"
  statistic         = "SampleCount"
  period            = local.heartbeat_period

  evaluation_periods  = local.offline_periods
  datapoints_to_alarm = local.offline_periods
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  # Silence is the symptom: a bridge that stopped publishing produces no datapoints at all.
  treat_missing_data = "breaching"

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  depends_on = [aws_iot_topic_rule.heartbeat]
}
