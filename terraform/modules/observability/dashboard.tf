locals {
  ns = var.metric_namespace

  widgets = concat(
    [
      {
        type = "metric", x = 0, y = 0, width = 8, height = 6
        properties = {
          title = "Tool calls", region = local.region, view = "timeSeries", stat = "Sum", period = 300
          metrics = [
            [local.ns, "RuntimeToolCalls", { label = "Runtime (accounting)" }],
            [local.ns, "GatewayToolCalls", { label = "Gateway → Lambda (smart home)" }],
            ["AWS/Lambda", "Invocations", "FunctionName", var.lambda_function_name, { label = "Lambda invocations" }],
          ]
        }
      },
      {
        type = "metric", x = 8, y = 0, width = 8, height = 6
        properties = {
          title = "Tool errors", region = local.region, view = "timeSeries", stat = "Sum", period = 300
          metrics = [
            [local.ns, "RuntimeToolErrors", { label = "Runtime" }],
            [local.ns, "GatewayToolErrors", { label = "Gateway → Lambda" }],
            ["AWS/Lambda", "Errors", "FunctionName", var.lambda_function_name, { label = "Lambda crashes" }],
          ]
          annotations = { horizontal = [{ value = var.tool_error_threshold, label = "alarm" }] }
        }
      },
      {
        type = "metric", x = 16, y = 0, width = 8, height = 6
        properties = {
          title = "Tool latency (ms)", region = local.region, view = "timeSeries", period = 300
          metrics = [
            [local.ns, "RuntimeToolLatency", { stat = "p50", label = "Runtime p50" }],
            [local.ns, "RuntimeToolLatency", { stat = "p99", label = "Runtime p99" }],
            [local.ns, "GatewayToolLatency", { stat = "p50", label = "Gateway p50" }],
            [local.ns, "GatewayToolLatency", { stat = "p99", label = "Gateway p99" }],
          ]
        }
      },
      {
        type = "log", x = 0, y = 6, width = 24, height = 6
        properties = {
          title = "Latest tool errors", region = local.region, view = "table"
          query = "SOURCE '${local.runtime_log_group}' | SOURCE '${var.lambda_log_group_name}' | filter outcome in [\"error\", \"failed\"] or level = \"ERROR\" | fields @timestamp, tool, outcome, error, message | sort @timestamp desc | limit 20"
        }
      },
    ],
    local.bridges ? [
      {
        type = "metric", x = 0, y = 12, width = 24, height = 6
        properties = {
          title = "Bridge heartbeats per period (0 = offline)", region = local.region, view = "timeSeries"
          stat  = "SampleCount", period = local.heartbeat_period
          metrics = [
            for thing in var.bridge_thing_names : [local.ns, "${local.heartbeat_metric}${thing}", { label = thing }]
          ]
        }
      },
    ] : [],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.widgets })
}
