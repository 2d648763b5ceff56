"""AgentCore Gateway Lambda target: parse -> validate -> run -> plain JSON answer.

The Gateway sends the tool's arguments as the event and names the tool in
``context.client_context.custom["bedrockAgentCoreToolName"]`` as ``<target>___<tool>``.
Domain errors come back as ``{"error": "..."}`` so the caller reads a clear message, never a trace.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError
from smarthome_contract.tools import InvalidArgumentsError, UnknownToolError, parse_arguments

from iot_lambda.service import SmartHome, ToolFailure
from iot_lambda.settings import LambdaSettings
from iot_lambda.shadows import ShadowStore

TOOL_NAME_KEY = "bedrockAgentCoreToolName"
MESSAGE_ID_KEY = "bedrockAgentCoreMcpMessageId"
TARGET_SEPARATOR = "___"

# Module scope as Powertools intends; both read POWERTOOLS_* from the environment, no I/O here.
logger = Logger()
metrics = Metrics(namespace="SmartHome")


@cache
def smart_home() -> SmartHome:
    """Settings and the iot-data client, built on the first call and reused while warm."""
    settings = LambdaSettings()  # type: ignore[call-arg]  # values come from the environment
    client = boto3.client("iot-data", endpoint_url=settings.iot_data_endpoint)
    return SmartHome(ShadowStore(client), settings)


def _custom(context: Any) -> dict[str, Any]:
    client_context = getattr(context, "client_context", None)
    custom = getattr(client_context, "custom", None)
    return custom if isinstance(custom, dict) else {}


def tool_name(context: Any) -> str:
    """The tool name without the Gateway target prefix (``home___turn_on`` -> ``turn_on``)."""
    full = str(_custom(context).get(TOOL_NAME_KEY, ""))
    return full.rpartition(TARGET_SEPARATOR)[2]


@metrics.log_metrics
def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point (the local gateway calls it with the same event and context shape)."""
    started = time.perf_counter()
    tool = tool_name(context)
    # One id ties the Gateway's MCP message to every log line of this call.
    logger.set_correlation_id(_custom(context).get(MESSAGE_ID_KEY))
    logger.append_keys(tool=tool, request_id=getattr(context, "aws_request_id", None))
    metrics.add_dimension(name="tool", value=tool or "unknown")
    try:
        answer = smart_home().run(tool, parse_arguments(tool, event))
    except (UnknownToolError, InvalidArgumentsError, ToolFailure) as exc:
        # The caller's mistake or a known device state, not ours: logged, counted, no alarm.
        _record(started, "rejected", reason=str(exc))
        return {"error": str(exc)}
    except (ClientError, BotoCoreError):
        logger.exception("shadow service call failed")
        _record(started, "error")
        return {"error": "The smart-home service could not reach AWS IoT; try again shortly."}
    outcome = str(answer.get("status", "ok"))
    elapsed_ms = _record(started, outcome)
    if outcome == "done":
        metrics.add_metric(name="ConfirmLatency", unit=MetricUnit.Milliseconds, value=elapsed_ms)
    return answer


def _record(started: float, outcome: str, **fields: str) -> float:
    """One log line and the metrics of a finished call; the observability module filters on them."""
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.info(
        "tool call finished",
        extra={"outcome": outcome, "latency_ms": round(elapsed_ms, 1), **fields},
    )
    metrics.add_metric(name="ToolCalls", unit=MetricUnit.Count, value=1)
    if outcome in ("rejected", "error"):
        metrics.add_metric(name="ToolErrors", unit=MetricUnit.Count, value=1)
    return elapsed_ms
