"""The device shadow document: one named shadow per device, plus the bridge's presence shadow.

Each device's state lives in a named shadow whose name is the device id (see ``naming``):

* ``state.desired`` holds only the keys of :class:`DesiredState` a command asks for; the bridge sets
  them back to ``null`` once applied, so a stale wish never fights a wall switch later.
* ``state.reported`` is a full :class:`ReportedState` written by the bridge.

Timestamps are epoch seconds (``naming.json`` ``presence.timestamp_unit``), parsed into aware
datetimes. Models ignore unknown keys so an older reader keeps working
when a newer bridge reports more.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from smarthome_contract.tools import BRIGHTNESS_MAX, BRIGHTNESS_MIN

# Keys a command may set; the same names in desired and reported so "reported == desired" is a
# key-by-key comparison.
COMMAND_KEYS = ("on", "brightness", "color_temp")


def utc_now() -> datetime:
    """Now, timezone-aware, in UTC (what every timestamp in a shadow is)."""
    return datetime.now(UTC)


def epoch_seconds(ts: datetime) -> int:
    """A timestamp as a shadow stores it: whole seconds since the epoch."""
    return int(ts.timestamp())


def iso(ts: datetime) -> str:
    """A timestamp as answers show it: ISO-8601, UTC, whole seconds."""
    return ts.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ColorTempRange(_Lenient):
    """The colour-temperature range a light accepts, in Kelvin."""

    min_kelvin: int = Field(gt=0)
    max_kelvin: int = Field(gt=0)

    def contains(self, kelvin: int) -> bool:
        """True when ``kelvin`` is within the range (inclusive)."""
        return self.min_kelvin <= kelvin <= self.max_kelvin


class Capabilities(_Lenient):
    """What a device can do; ``list_devices`` shows it and commands are checked against it."""

    on_off: bool = True
    brightness: bool = False
    color_temp: ColorTempRange | None = None


class DesiredState(_Lenient):
    """What a command asks for; ``None`` means "not part of this command"."""

    on: bool | None = None
    brightness: int | None = Field(default=None, ge=BRIGHTNESS_MIN, le=BRIGHTNESS_MAX)
    color_temp: int | None = Field(default=None, gt=0)

    def changes(self) -> dict[str, Any]:
        """Only the keys this command sets (what goes into ``state.desired``)."""
        return self.model_dump(exclude_none=True)


class ReportedState(_Lenient):
    """What the bridge last saw on the device (written in full on every report)."""

    name: str | None = None
    kind: str = "light"
    model: str | None = None
    capabilities: Capabilities = Field(default_factory=Capabilities)
    reachable: bool = False
    on: bool | None = None
    brightness: int | None = None
    color_temp: int | None = None
    updated_at: datetime | None = None
    error: str | None = None

    def shadow_json(self) -> dict[str, Any]:
        """The reported section as JSON-ready data (timestamps as epoch seconds)."""
        data = self.model_dump(mode="json")
        if self.updated_at is not None:
            data["updated_at"] = epoch_seconds(self.updated_at)
        return data

    def matches(self, desired: dict[str, Any]) -> bool:
        """True when every key of ``desired`` has the same value in this report."""
        current = self.model_dump()
        return all(current.get(key) == value for key, value in desired.items())


class DeviceShadowState(_Lenient):
    """``state`` of a device shadow as returned by GetThingShadow."""

    desired: dict[str, Any] | None = None
    reported: ReportedState | None = None
    delta: dict[str, Any] | None = None


class DeviceShadow(_Lenient):
    """A device's named shadow document."""

    state: DeviceShadowState = Field(default_factory=DeviceShadowState)
    version: int | None = None
    timestamp: int | None = None

    def pending(self) -> dict[str, Any]:
        """Command keys still waiting for the device (the shadow's delta, command keys only)."""
        delta = self.state.delta or {}
        return {key: value for key, value in delta.items() if key in COMMAND_KEYS}


class BridgePresence(_Lenient):
    """``state.reported`` of the bridge's presence shadow."""

    connected: bool | None = None
    connected_at: datetime | None = None
    disconnected_at: datetime | None = None
    heartbeat_at: datetime | None = None


class PresenceShadowState(_Lenient):
    """``state`` of the presence shadow."""

    reported: BridgePresence = Field(default_factory=BridgePresence)


class PresenceShadow(_Lenient):
    """The bridge's presence shadow document."""

    state: PresenceShadowState = Field(default_factory=PresenceShadowState)
