output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (tool calls, errors, latency, bridge heartbeats)."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dashboard_url" {
  description = "Console URL of the dashboard."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.this.dashboard_name}"
}

output "metric_namespace" {
  description = "CloudWatch namespace of the derived metrics."
  value       = var.metric_namespace
}

output "tool_error_alarm_names" {
  description = "Tool-error alarm per path (runtime, gateway)."
  value       = { for path, alarm in aws_cloudwatch_metric_alarm.tool_errors : path => alarm.alarm_name }
}

output "bridge_offline_alarm_names" {
  description = "\"Bridge offline\" alarm per bridge thing name."
  value       = { for thing, alarm in aws_cloudwatch_metric_alarm.bridge_offline : thing => alarm.alarm_name }
}

output "heartbeat_rule_name" {
  description = "IoT topic rule that turns bridge heartbeats into metrics (null without bridges)."
  value       = try(aws_iot_topic_rule.heartbeat[0].name, null)
}

output "saved_query_names" {
  description = "Saved Logs Insights queries."
  value       = [for q in aws_cloudwatch_query_definition.this : q.name]
}

output "runtime_log_group_name" {
  description = "The runtime's log group, as the metric filters use it."
  value       = local.runtime_log_group
}

output "budget_name" {
  description = "Name of the monthly cost budget (null when none)."
  value       = try(aws_budgets_budget.monthly[0].name, null)
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm of the environment notifies (subscribe with `alarm_emails` or out of band)."
  value       = aws_sns_topic.alarms.arn
}

output "bridge_offline_after_seconds" {
  description = "Silence after which a bridge's alarm fires: whole heartbeat periods (2 x presence.heartbeat_seconds, at least 60 s)."
  value       = local.offline_periods * local.heartbeat_period
}
