"""AgentCore Gateway Lambda target: caller + arguments -> the tool's work -> a plain JSON answer.

The Gateway sends the tool's arguments as the event and names the tool in the client context
(``gateway_contract.rules``: key and ``<target>___<tool>`` separator). The request interceptor
adds the verified caller as the ``_caller`` argument; it is taken out before the arguments are
validated, and a call without one is refused. Refusals and domain errors come back as
``{"error": "..."}``, so the caller reads a clear message, never a trace.
"""

from __future__ import annotations

import time
from functools import cache, partial
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError
from gateway_contract.caller import Caller, InvalidCaller, pop_caller
from gateway_contract.rules import rules, split_tool_name
from pydantic import ValidationError
from smarthome_contract.tools import (
    TOOLS,
    InvalidArgumentsError,
    UnknownToolError,
    parse_arguments,
)

from iot_lambda import views
from iot_lambda.client import iot_data_client
from iot_lambda.service import SmartHome, ToolFailure
from iot_lambda.settings import LambdaSettings
from iot_lambda.shadows import ShadowStore

# Module scope as Powertools intends: service and metric namespace come from POWERTOOLS_*.
logger = Logger()
metrics = Metrics()
# Left of the invocation's time when the wait for a confirmation must stop, to answer in time.
ANSWER_MARGIN_SECONDS = 2.0


class NoCaller(Exception):
    """No (valid) caller identity came with the call."""


@cache
def smart_home() -> SmartHome:
    """Settings and the iot-data client, built on the first call and reused while warm."""
    settings = LambdaSettings()  # type: ignore[call-arg]  # values come from the environment
    store = ShadowStore(
        iot_data_client(settings),
        max_parallel=settings.max_parallel_reads,
        writer=partial(iot_data_client, settings, attempts=1),
    )
    return SmartHome(store, settings)


def _custom(context: Any) -> dict[str, Any]:
    custom = getattr(getattr(context, "client_context", None), "custom", None)
    return custom if isinstance(custom, dict) else {}


def tool_name(context: Any) -> str:
    """The tool name without the Gateway target prefix (``home___turn_on`` -> ``turn_on``)."""
    full = _custom(context).get(rules().lambda_context_keys.tool_name)
    return split_tool_name(full)[1] if isinstance(full, str) else ""


def split_event(event: object) -> tuple[dict[str, Any], Caller]:
    """The tool's own arguments and the verified caller the interceptor added."""
    if event is None:
        raise NoCaller("the call carried no arguments at all")
    if not isinstance(event, dict):
        raise NoCaller("the arguments are not a JSON object")
    arguments = dict(event)
    try:
        caller = Caller.from_argument(pop_caller(arguments))
    except InvalidCaller as exc:
        raise NoCaller(str(exc)) from exc
    return arguments, caller


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point (the local gateway calls it with the same event and context shape)."""
    started = time.perf_counter()
    tool = tool_name(context)
    known = tool if tool in TOOLS else "unknown"  # metric dimensions stay a fixed set
    logger.set_correlation_id(_custom(context).get(rules().lambda_context_keys.mcp_message_id))
    logger.append_keys(tool=known)
    home: SmartHome | None = None
    try:
        home = smart_home()
        home.store.take_calls()
        arguments, caller = split_event(event)
        logger.append_keys(caller_sub=caller.sub)
        args = parse_arguments(tool, arguments)
        result = home.run(args, caller, budget_seconds=_budget(context))
    except NoCaller as exc:
        return _finish(started, known, home, "rejected", {"error": views.NO_CALLER}, str(exc))
    except (UnknownToolError, InvalidArgumentsError) as exc:
        # The caller's mistake: an answer, logged at INFO, counted as rejected, no alarm.
        return _finish(started, known, home, "rejected", {"error": str(exc)}, str(exc))
    except ToolFailure as exc:
        message = views.failure(exc)
        return _finish(started, known, home, "rejected", {"error": message}, type(exc).__name__)
    except (ClientError, BotoCoreError):
        logger.exception("shadow service call failed")
        answer = {"error": "The smart-home service could not reach AWS IoT; try again shortly."}
        return _finish(started, known, home, "error", answer)
    except ValidationError:
        # Settings or a shadow document that does not fit the contract: ours to fix.
        logger.exception("configuration or shadow document invalid")
        answer = {"error": "The smart-home service is misconfigured; its operators have been told."}
        return _finish(started, known, home, "error", answer)
    answer = views.render(result)
    status = str(answer.get("status", "ok"))
    # A device refusing a command is neither the caller's mistake nor ours.
    outcome = "device_rejected" if status == "rejected" else status
    return _finish(started, known, home, outcome, answer)


def _budget(context: Any) -> float | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining() / 1000 - ANSWER_MARGIN_SECONDS if callable(remaining) else None


def _finish(
    started: float,
    tool: str,
    home: SmartHome | None,
    outcome: str,
    answer: dict[str, Any],
    reason: str | None = None,
) -> dict[str, Any]:
    """One log line and the metrics of a finished call; the observability module filters on them."""
    elapsed_ms = (time.perf_counter() - started) * 1000
    calls = home.store.take_calls() if home else {}
    extra: dict[str, Any] = {
        "outcome": outcome,
        "latency_ms": round(elapsed_ms, 1),
        "shadow_calls": calls,
    }
    if reason:
        extra["reason"] = reason[:300]
    logger.info("tool call finished", extra=extra)
    if _metrics_enabled():
        metrics.add_dimension(name="tool", value=tool)
        metrics.add_metric(name="ToolCalls", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="ShadowCalls", unit=MetricUnit.Count, value=sum(calls.values()))
        if outcome == "rejected":
            metrics.add_metric(name="ToolRejected", unit=MetricUnit.Count, value=1)
        elif outcome in ("error", "unknown"):
            metrics.add_metric(name="ToolErrors", unit=MetricUnit.Count, value=1)
        elif outcome == "done":
            metrics.add_metric(
                name="ConfirmLatency", unit=MetricUnit.Milliseconds, value=elapsed_ms
            )
    return answer


def _metrics_enabled() -> bool:
    # Terraform and the devstack set POWERTOOLS_METRICS_NAMESPACE; without it Powertools would
    # fail the call at flush time, so the tool still answers and says once why there are no metrics.
    if metrics.namespace:
        return True
    _warn_no_namespace()
    return False


@cache
def _warn_no_namespace() -> None:
    logger.warning("POWERTOOLS_METRICS_NAMESPACE is not set: no metrics are emitted")
