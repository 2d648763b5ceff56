# Plan-only checks of the observability module: what it creates and its input rules.

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
  name                   = "agentcore-mcp-test"
  runtime_log_group_name = "/aws/bedrock-agentcore/runtimes/agentcore_mcp_test-abc123-DEFAULT"
  lambda_function_name   = "agentcore-mcp-test-home"
  lambda_log_group_name  = "/aws/lambda/agentcore-mcp-test-home"
  metric_namespace       = "AgentCoreMcp/test"
}

run "defaults_manage_runtime_retention_and_alarm_on_both_paths" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.runtime[0].retention_in_days == 30
    error_message = "the runtime group gets 30 days of retention by default"
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.tool_errors)) == toset(["runtime", "gateway"])
    error_message = "one tool-error alarm per path"
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.errors["runtime"].pattern == "{ $.event = \"mcp_tool_call\" && ($.outcome = \"error\" || $.outcome = \"failed\") }"
    error_message = "runtime errors are mcp_tool_call lines with outcome error or failed"
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.latency["runtime"].metric_transformation[0].value == "$.latency_ms"
    error_message = "latency comes from the latency_ms field"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.tool_errors["gateway"].treat_missing_data == "notBreaching"
    error_message = "no log lines must not raise the error alarm"
  }

  assert {
    condition     = length(aws_iot_topic_rule.heartbeat) == 0 && length(aws_cloudwatch_metric_alarm.bridge_offline) == 0
    error_message = "no bridges, no heartbeat rule or offline alarm"
  }

  assert {
    condition     = length(aws_cloudwatch_query_definition.this) == 3 && length(aws_budgets_budget.monthly) == 0
    error_message = "three saved queries and no budget by default"
  }
}

# moto has no iot:ListTagsForResource, so the heartbeat rule is checked here, on the plan.
run "bridge_heartbeat_rule_and_alarms_on_plan_moto_lacks_iot_tagging" {
  command = plan

  variables {
    bridge_thing_names = ["agentcore-mcp-test-home", "agentcore-mcp-test-cabin"]
  }

  assert {
    condition     = aws_iot_topic_rule.heartbeat[0].sql == "SELECT connected FROM 'home/+/presence' WHERE connected = true AND startswith(topic(2), 'agentcore-mcp-test-')"
    error_message = "only heartbeats (connected = true) of this environment's things are counted"
  }

  assert {
    condition     = one(aws_iot_topic_rule.heartbeat[0].cloudwatch_metric).metric_name == "BridgeHeartbeat-$${topic(2)}"
    error_message = "the metric is named after the thing (topic level 2)"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.bridge_offline["agentcore-mcp-test-cabin"].metric_name == "BridgeHeartbeat-agentcore-mcp-test-cabin"
    error_message = "each home's alarm watches its own thing's heartbeat metric"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.bridge_offline["agentcore-mcp-test-home"].period == 60 && aws_cloudwatch_metric_alarm.bridge_offline["agentcore-mcp-test-home"].evaluation_periods == 5
    error_message = "30 s heartbeats: 60 s periods (two heartbeats each), five silent periods fire the alarm"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.bridge_offline["agentcore-mcp-test-home"].treat_missing_data == "breaching"
    error_message = "missing heartbeats must count as offline"
  }

  assert {
    condition     = aws_iot_topic_rule.heartbeat[0].name == "agentcore_mcp_test_bridge_heartbeat"
    error_message = "IoT rule names allow no hyphens"
  }
}

run "heartbeat_interval_sets_the_alarm_period" {
  command = plan

  variables {
    bridge_thing_names = ["agentcore-mcp-test-home"]
    heartbeat_seconds  = 90
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.bridge_offline["agentcore-mcp-test-home"].period == 180 && aws_cloudwatch_metric_alarm.bridge_offline["agentcore-mcp-test-home"].evaluation_periods == 2
    error_message = "two 90 s heartbeats make a 180 s period; 300 s of silence round up to two periods"
  }
}

run "every_alarm_notifies_the_topic" {
  command = plan

  variables {
    bridge_thing_names = ["agentcore-mcp-test-home"]
    alarm_emails       = ["ops@example.com"]
  }

  override_resource {
    target          = aws_sns_topic.alarms
    override_during = plan
    values          = { arn = "arn:aws:sns:eu-central-1:123456789012:agentcore-mcp-test-alarms" }
  }

  assert {
    condition     = aws_sns_topic.alarms.name == "agentcore-mcp-test-alarms" && aws_sns_topic_subscription.alarm_emails["ops@example.com"].protocol == "email"
    error_message = "one topic per environment, e-mail subscriptions optional"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.tool_errors["runtime"].alarm_actions == toset(["arn:aws:sns:eu-central-1:123456789012:agentcore-mcp-test-alarms"]) && aws_cloudwatch_metric_alarm.bridge_offline["agentcore-mcp-test-home"].ok_actions == toset(["arn:aws:sns:eu-central-1:123456789012:agentcore-mcp-test-alarms"])
    error_message = "every alarm notifies the topic when it fires and clears"
  }
}

run "rejects_offline_threshold_below_two_heartbeats" {
  command = plan

  variables {
    heartbeat_seconds            = 60
    bridge_offline_after_seconds = 90
  }

  expect_failures = [var.bridge_offline_after_seconds]
}

# moto has no logs:PutQueryDefinition: the saved queries are checked on the plan.
run "saved_queries_on_plan_moto_lacks_query_definitions" {
  command = plan

  assert {
    condition     = toset([for q in aws_cloudwatch_query_definition.this : q.name]) == toset(["agentcore-mcp-test/tool-calls-by-outcome", "agentcore-mcp-test/slowest-tool-calls", "agentcore-mcp-test/tool-errors"])
    error_message = "three saved queries in the environment's folder"
  }

  assert {
    condition     = alltrue([for q in aws_cloudwatch_query_definition.this : contains(q.log_group_names, var.lambda_log_group_name) && contains(q.log_group_names, var.runtime_log_group_name)])
    error_message = "every saved query spans both paths' log groups"
  }
}

run "existing_runtime_group_is_only_read" {
  command = plan

  variables {
    manage_runtime_log_group = false
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.runtime) == 0
    error_message = "with manage_runtime_log_group = false the group is AgentCore's"
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.calls["runtime"].log_group_name == var.runtime_log_group_name
    error_message = "the filters still attach to the runtime group"
  }
}

# moto has no budgets tagging for the 5.100 provider's reads: the budget is checked on the plan.
run "budget_on_plan_moto_lacks_budget_tagging" {
  command = plan

  variables {
    budget = {
      monthly_limit_usd = 25
      emails            = ["ops@example.com"]
      cost_tag          = "project=agentcore-mcp-platform"
    }
  }

  assert {
    condition     = aws_budgets_budget.monthly[0].limit_amount == "25.00" && length(aws_budgets_budget.monthly[0].notification) == 2
    error_message = "a USD 25 budget with two notifications"
  }

  assert {
    condition     = one(aws_budgets_budget.monthly[0].cost_filter).values == tolist(["user:project$agentcore-mcp-platform"])
    error_message = "the tag filter uses Budgets' user:<key>$<value> form"
  }
}

run "rejects_invalid_name" {
  command = plan
  variables {
    name = "agentcore mcp"
  }
  expect_failures = [var.name]
}

run "rejects_unsupported_retention" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_foreign_runtime_log_group" {
  command = plan
  variables {
    runtime_log_group_name = "/aws/lambda/something"
  }
  expect_failures = [var.runtime_log_group_name]
}

run "rejects_aws_namespace" {
  command = plan
  variables {
    metric_namespace = "AWS/Lambda"
  }
  expect_failures = [var.metric_namespace]
}

run "rejects_period_not_multiple_of_60" {
  command = plan
  variables {
    alarm_period_seconds = 90
  }
  expect_failures = [var.alarm_period_seconds]
}

run "rejects_offline_threshold_below_a_minute" {
  command = plan
  variables {
    bridge_offline_after_seconds = 30
  }
  expect_failures = [var.bridge_offline_after_seconds]
}

run "rejects_non_arn_alarm_action" {
  command = plan
  variables {
    alarm_actions = ["ops@example.com"]
  }
  expect_failures = [var.alarm_actions]
}

run "rejects_zero_error_threshold" {
  command = plan
  variables {
    tool_error_threshold = 0
  }
  expect_failures = [var.tool_error_threshold]
}

run "rejects_wildcard_presence_prefix" {
  command = plan
  variables {
    presence_topic_prefix = "home/+"
  }
  expect_failures = [var.presence_topic_prefix]
}

run "rejects_invalid_thing_name" {
  command = plan
  variables {
    bridge_thing_names = ["home/1"]
  }
  expect_failures = [var.bridge_thing_names]
}

run "rejects_budget_without_recipients" {
  command = plan
  variables {
    budget = { monthly_limit_usd = 10, emails = [] }
  }
  expect_failures = [var.budget]
}

run "rejects_budget_tag_without_value" {
  command = plan
  variables {
    budget = { monthly_limit_usd = 10, emails = ["ops@example.com"], cost_tag = "project" }
  }
  expect_failures = [var.budget]
}
