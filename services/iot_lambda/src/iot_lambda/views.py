"""What a smart-home tool answers: a ``message`` for people plus the facts behind it, as JSON.

Every answer of a finished call is ``{"message": ..., ...facts}``, with ``status`` for commands;
a refusal is ``{"error": ...}`` (the Gateway passes either to the model as the tool's result).
Text the caller sent (a device reference) is shown cut short and without control characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from smarthome_contract.shadow import PresenceStatus, ReportedState, iso, utc_now

from iot_lambda.presence import BridgeStatus
from iot_lambda.service import (
    AmbiguousDevice,
    CommandResult,
    Device,
    DeviceList,
    NoDevices,
    NoHomes,
    NoSuchDevice,
    Result,
    Status,
    ToolFailure,
    Unsupported,
)

# A stored command's reason when the presence read after the wait failed.
PRESENCE_UNKNOWN = "presence_unknown"
ASSIGN = "an administrator assigns homes with `make user-add EMAIL=<your e-mail> HOMES=<home>`"
NO_CALLER = (
    "No caller identity reached the smart-home service, so it cannot tell which homes are yours. "
    "Call it through the company's MCP Gateway, signed in."
)
SHOWN_LENGTH = 60


def render(result: Result) -> dict[str, Any]:
    """The answer for a finished tool call."""
    match result:
        case DeviceList():
            return device_list(result)
        case Status():
            return status(result)
        case CommandResult():
            return command(result)


def device_list(result: DeviceList) -> dict[str, Any]:
    devices = result.devices
    message = (
        f"{len(devices)} device(s): " + ", ".join(d.name for d in devices)
        if devices
        else "No devices yet in your homes: the home bridge has not reported any."
    )
    return {
        "message": message,
        "homes": list(result.homes),
        "devices": [
            {
                **label(d),
                "kind": d.reported.kind,
                "model": d.reported.model,
                "reachable": d.reported.reachable,
                "capabilities": d.reported.capabilities.model_dump(),
            }
            for d in devices
        ],
    }


def status(result: Status) -> dict[str, Any]:
    device, reported = result.device, result.device.reported
    age = _age_seconds(reported.updated_at)
    pending = device.shadow.pending()
    words = [f"{device.name} is {describe(reported)}"]
    words.append(
        f"(reported {age} s ago)" if age is not None else "(no report from the device yet)"
    )
    if not reported.reachable:
        words.append("- the bridge cannot reach the device right now")
    if pending:
        words.append(f"- waiting to apply {_describe_target(pending)}")
    return {
        "message": " ".join(words) + ". " + describe_bridge(result.bridge),
        "device": label(device),
        "state": state(reported),
        "reachable": reported.reachable,
        "reported_at": iso(reported.updated_at) if reported.updated_at else None,
        "report_age_seconds": age,
        "pending": pending,
        "bridge": bridge_json(result.bridge),
    }


def command(result: CommandResult) -> dict[str, Any]:
    device = result.device
    base = {
        "status": result.outcome,
        "device": label(device),
        "requested": result.target,
        "command_id": result.command_id,
    }
    latest = result.latest.state.reported if result.latest else None
    if latest is not None and result.outcome in ("done", "superseded", "rejected"):
        now = describe(latest)
        message = {
            "done": f"Done: {device.name} is {now}.",
            "superseded": (
                f"A newer command for {device.name} replaced this one before it applied; "
                f"{device.name} is now {now}."
            ),
            "rejected": (
                f"{device.name} refused the command: {_shown(latest.error or 'no reason given')}. "
                f"It is {now}."
            ),
        }[result.outcome]
        return {**base, "message": message, "state": state(latest)}
    if result.outcome == "unknown":
        return {
            **base,
            "message": (
                f"AWS IoT did not answer in time, so it is unknown whether the command for "
                f"{device.name} was stored. Ask for its status before repeating it."
            ),
        }
    return {
        **base,
        "message": stored_message(result),
        "reason": stored_reason(result),
        "bridge": bridge_json(result.bridge) if result.bridge else None,
    }


def stored_reason(result: CommandResult) -> str:
    """Why a command is only stored: the bridge's presence (``offline``, ``not_heard``,
    ``never``; ``presence_unknown`` when it could not be read), else ``device_unreachable`` or
    ``not_confirmed``."""
    bridge = result.bridge
    if bridge is None:
        return PRESENCE_UNKNOWN
    if not bridge.connected:
        return bridge.status.value
    if not _latest(result).reachable:
        return "device_unreachable"
    return "not_confirmed"


def _latest(result: CommandResult) -> ReportedState:
    reported = result.latest.state.reported if result.latest else None
    return reported or result.device.reported


def stored_message(result: CommandResult) -> str:
    device, bridge = result.device, result.bridge
    stored = f"The command for {device.name} is stored"
    reason = stored_reason(result)
    if reason == PRESENCE_UNKNOWN:
        text = (
            f"{stored}; whether the home bridge is online could not be read just now. "
            "It applies the command as soon as it has it; check with get_status."
        )
    elif reason == PresenceStatus.NEVER:
        text = f"{stored}; the home bridge has never connected, so it applies once it does."
    elif reason == PresenceStatus.OFFLINE:
        text = (
            f"{stored} and will apply when the home bridge reconnects "
            f"(offline since {_when(bridge.since if bridge else None)})."
        )
    elif reason == PresenceStatus.NOT_HEARD:
        text = (
            f"{stored}: the home bridge has not been heard from since "
            f"{_when(bridge.since if bridge else None)}, so it applies when the bridge is back."
        )
    elif reason == "device_unreachable":
        text = (
            f"{stored}: the bridge is online but cannot reach {device.name}; "
            "it keeps retrying and applies the command when the device answers."
        )
    else:
        waited = f"{result.waited_seconds:.1f}".rstrip("0").rstrip(".")
        text = (
            f"{stored}: the bridge is online but did not confirm within {waited} s; "
            "it applies the command as soon as it can. Ask for the status to check."
        )
        error = _latest(result).error
        if error:
            text += f" The device last reported: {_shown(error)}."
    if result.failed_reads and not result.reads:
        text += " (The service could not read the device's state to confirm.)"
    return text


def failure(exc: ToolFailure) -> str:
    """The answer for a problem the caller can fix."""
    match exc:
        case NoHomes():
            return f"You have no homes assigned, so there is nothing to show or control; {ASSIGN}."
        case NoDevices():
            return "No devices yet in your homes: the home bridge has not reported any."
        case NoSuchDevice(ref=ref, choices=choices):
            return f"No device called '{_shown(ref)}' in your homes. Choices: {_choices(choices)}"
        case AmbiguousDevice(ref=None, choices=choices):
            return f"Several devices: say which one with 'device'. Choices: {_choices(choices)}"
        case AmbiguousDevice(ref=ref, choices=choices):
            return f"'{_shown(ref or '')}' is ambiguous; use the id. Choices: {_choices(choices)}"
        case Unsupported(device=device, desired=desired):
            caps = device.reported.capabilities
            if desired.brightness is not None:
                return f"{device.name} cannot dim (no brightness control)."
            if caps.color_temp is None:
                return f"{device.name} has no colour-temperature control."
            return (
                f"{desired.color_temp} K is outside {device.name}'s range "
                f"{caps.color_temp.min_kelvin}-{caps.color_temp.max_kelvin} K."
            )
    return str(exc)


# --- pieces ----------------------------------------------------------------------------------


def label(device: Device) -> dict[str, str]:
    return {"id": device.device_id, "name": device.name, "home": device.thing}


def state(reported: ReportedState) -> dict[str, Any]:
    return {"on": reported.on, "brightness": reported.brightness, "color_temp": reported.color_temp}


def describe(reported: ReportedState) -> str:
    if reported.on is None:
        return "in an unknown state"
    if not reported.on:
        return "off"
    extras = []
    if reported.brightness is not None:
        extras.append(f"{reported.brightness}%")
    if reported.color_temp:
        extras.append(f"{reported.color_temp} K")
    return "on" + (f" ({', '.join(extras)})" if extras else "")


def describe_bridge(bridge: BridgeStatus) -> str:
    match bridge.status:
        case PresenceStatus.NEVER:
            return f"The home bridge '{bridge.thing}' has never connected."
        case PresenceStatus.OFFLINE:
            return f"The home bridge is offline since {_when(bridge.since)}."
        case PresenceStatus.NOT_HEARD:
            return (
                f"The home bridge has not been heard from since {_when(bridge.since)}; "
                "it may be offline."
            )
    return f"The home bridge is connected (last heard {_age_seconds(bridge.since)} s ago)."


def bridge_json(bridge: BridgeStatus) -> dict[str, Any]:
    shadow = bridge.shadow
    return {
        "presence": bridge.status.value,
        # "connected" only for a bridge heard from recently, whatever its last will said.
        "connected": bridge.connected,
        "since": _iso(bridge.since),
        "connected_at": _iso(shadow.connected_at) if shadow else None,
        "disconnected_at": _iso(shadow.disconnected_at) if shadow else None,
        "heartbeat_at": _iso(shadow.heartbeat_at) if shadow else None,
    }


def _describe_target(target: dict[str, Any]) -> str:
    words = []
    if "on" in target:
        words.append("on" if target["on"] else "off")
    if "brightness" in target:
        words.append(f"brightness {target['brightness']}%")
    if "color_temp" in target:
        words.append(f"{target['color_temp']} K")
    return ", ".join(words)


def _choices(devices: Sequence[Device]) -> str:
    return ", ".join(f"'{d.name}' (id {d.device_id})" for d in devices) + "."


def _shown(text: str) -> str:
    """Caller or device text, safe to quote: control characters out, at most 60 characters."""
    clean = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    return clean if len(clean) <= SHOWN_LENGTH else clean[:SHOWN_LENGTH] + "…"


def _age_seconds(ts: datetime | None) -> int | None:
    return None if ts is None else max(0, round((utc_now() - ts).total_seconds()))


def _iso(ts: datetime | None) -> str | None:
    return iso(ts) if ts else None


def _when(ts: datetime | None) -> str:
    return iso(ts) if ts else "an unknown time"
