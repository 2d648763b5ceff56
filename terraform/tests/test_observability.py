"""The observability module: applied with the real aws provider against moto's server.

moto 5.2.5 lacks iot:ListTagsForResource, logs:PutQueryDefinition and the Budgets tagging calls
the provider makes, so the heartbeat rule, the saved queries and the budget are asserted on the
plan instead, with both providers, in modules/observability/tests/observability.tftest.hcl (runs
named `*_on_plan_moto_lacks_*`).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from tfharness import REGION, Toolchain

pytestmark = pytest.mark.terraform


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _inputs(name: str) -> dict[str, Any]:
    runtime_id = f"{name.replace('-', '_')}-a1b2c3"
    return {
        "name": name,
        "runtime_log_group_name": f"/aws/bedrock-agentcore/runtimes/{runtime_id}-DEFAULT",
        "lambda_function_name": f"{name}-home",
        "lambda_log_group_name": f"/aws/lambda/{name}-home",
        "metric_namespace": "AgentCoreMcp/test",
    }


def test_apply_creates_retention_filters_alarms_and_dashboard(
    real_provider: Toolchain, moto_endpoint: str, scratch_root
) -> None:
    name = f"agentcore-mcp-t{uuid.uuid4().hex[:6]}"
    inputs = _inputs(name)
    logs = _client("logs", moto_endpoint)
    # smart_home owns the Lambda's group; it exists before observability is applied.
    logs.create_log_group(logGroupName=inputs["lambda_log_group_name"])
    # moto has no logs:PutQueryDefinition: the saved queries are checked on the plan below.
    root = scratch_root(
        real_provider,
        "observability",
        {**inputs, "log_retention_days": 14, "create_saved_queries": False},
        moto_endpoint,
    )

    outputs = root.apply()

    (group,) = logs.describe_log_groups(logGroupNamePrefix=inputs["runtime_log_group_name"])[
        "logGroups"
    ]
    assert group["retentionInDays"] == 14
    assert outputs["runtime_log_group_name"] == inputs["runtime_log_group_name"]

    filters = {
        f["filterName"]: f
        for group_name in (inputs["runtime_log_group_name"], inputs["lambda_log_group_name"])
        for f in logs.describe_metric_filters(logGroupName=group_name)["metricFilters"]
    }
    runtime_errors = filters[f"{name}-runtime-tool-errors"]
    assert runtime_errors["logGroupName"] == inputs["runtime_log_group_name"]
    assert '$.event = "mcp_tool_call"' in runtime_errors["filterPattern"]
    assert runtime_errors["metricTransformations"][0]["metricName"] == "RuntimeToolErrors"
    latency = filters[f"{name}-gateway-tool-latency"]["metricTransformations"][0]
    assert (latency["metricName"], latency["metricValue"]) == ("GatewayToolLatency", "$.latency_ms")

    cloudwatch = _client("cloudwatch", moto_endpoint)
    alarms = {
        a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNamePrefix=name)["MetricAlarms"]
    }
    assert set(alarms) == {f"{name}-runtime-tool-errors", f"{name}-gateway-tool-errors"}
    runtime_alarm = alarms[f"{name}-runtime-tool-errors"]
    assert runtime_alarm["Namespace"] == "AgentCoreMcp/test"
    (topic,) = runtime_alarm["AlarmActions"]
    assert topic.endswith(f":{name}-alarms")
    assert runtime_alarm["MetricName"] == "RuntimeToolErrors"
    assert runtime_alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert runtime_alarm["TreatMissingData"] == "notBreaching"

    body = json.loads(cloudwatch.get_dashboard(DashboardName=name)["DashboardBody"])
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert titles[:3] == ["Tool calls", "Tool errors", "Tool latency (ms)"]
    assert outputs["tool_error_alarm_names"] == {
        "runtime": f"{name}-runtime-tool-errors",
        "gateway": f"{name}-gateway-tool-errors",
    }
