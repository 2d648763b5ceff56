"""The device shadow document: one named shadow per device, plus the bridge's presence shadow.

Each device's state lives in a named shadow whose name is the device id (see ``naming``). The
protocol between the Lambda and the bridge ("shadow protocol v2", README) in short:

* a command writes its keys of :class:`DesiredState` into ``state.desired`` together with a fresh
  ``command_id``; the write's answer carries the shadow ``version`` of the command;
* the bridge treats the resulting delta as a wake-up, reads the shadow, drives the device to every
  desired key that differs from the device, and writes, in one update guarded by the version it
  read, the full ``state.reported`` (plus the ``command_id`` it applied and that
  ``applied_version``) and ``null`` for the desired keys it applied;
* a command is confirmed by a report, never by a stale state that happens to match:
  :func:`command_outcome` is the rule.

Timestamps are epoch seconds (``naming.json`` ``presence.timestamp_unit``), parsed into aware
datetimes. Models ignore unknown keys so an older reader keeps working when a newer bridge
reports more.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from smarthome_contract.tools import BRIGHTNESS_MAX, BRIGHTNESS_MIN

# Keys a command may set; the same names in desired and reported so "reported == desired" is a
# key-by-key comparison.
COMMAND_KEYS = ("on", "brightness", "color_temp")
# In desired: the command that wrote the keys. In reported: the command the bridge applied last.
COMMAND_ID_KEY = "command_id"
# In reported: the shadow version the bridge read when it last applied desired. Every command
# whose own version is at most this one has been applied, or overwritten by a newer command.
APPLIED_VERSION_KEY = "applied_version"
# A heartbeat older than this many intervals means the bridge is not heard, whatever the last
# will said (a broker or network outage sends no will).
STALE_AFTER_HEARTBEATS = 2

ErrorKind = Literal["unreachable", "rejected", "configuration"]


def utc_now() -> datetime:
    """Now, timezone-aware, in UTC (what every timestamp in a shadow is)."""
    return datetime.now(UTC)


def epoch_seconds(ts: datetime) -> int:
    """A timestamp as a shadow stores it: whole seconds since the epoch."""
    return int(ts.timestamp())


def iso(ts: datetime) -> str:
    """A timestamp as answers show it: ISO-8601, UTC, whole seconds."""
    return ts.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def new_command_id() -> str:
    """A fresh, opaque command id (it makes every command change the document)."""
    return uuid.uuid4().hex


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
        """Only the keys this command sets."""
        return self.model_dump(exclude_none=True)


def command_request(desired: DesiredState, command_id: str) -> dict[str, Any]:
    """The UpdateThingShadow document of one command: its keys and its id in ``desired``."""
    return {"state": {"desired": {**desired.changes(), COMMAND_ID_KEY: command_id}}}


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
    # What kind of trouble ``error`` describes; ``None`` when there is none.
    error_kind: ErrorKind | None = None
    # Set only by a report that applied desired (see the module docstring).
    command_id: str | None = None
    applied_version: int | None = None

    def shadow_json(self) -> dict[str, Any]:
        """The reported section as JSON-ready data (timestamps as epoch seconds).

        ``error``/``error_kind`` go out as ``null`` when unset, which deletes an old error; the
        command fields are left out when unset, so a report that applied nothing keeps the
        record of the last command that was applied.
        """
        data = self.model_dump(mode="json")
        if self.updated_at is not None:
            data["updated_at"] = epoch_seconds(self.updated_at)
        for key in (COMMAND_ID_KEY, APPLIED_VERSION_KEY):
            if data[key] is None:
                del data[key]
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
        """Command keys still in ``desired``: not yet applied by the bridge.

        Read from ``desired``, not ``delta``: a desired value equal to a stale report is pending
        although the delta leaves it out. ``command_id`` is never pending on its own.
        """
        desired = self.state.desired or {}
        return {key: desired[key] for key in COMMAND_KEYS if desired.get(key) is not None}


class CommandOutcome(StrEnum):
    """What a shadow says about one command (see :func:`command_outcome`)."""

    DONE = "done"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"
    PENDING = "pending"


def command_outcome(
    shadow: DeviceShadow, command_id: str, command_version: int, target: dict[str, Any]
) -> CommandOutcome:
    """Whether the bridge has applied a command, by its id and version, never by luck.

    ``command_version`` is the version UpdateThingShadow answered for the command's write.

    * ``DONE``: a report carries this ``command_id``, or an ``applied_version`` at or past the
      command's, with every target key as asked and the device reachable;
    * ``REJECTED``: the report for this command says the device refused it (``reported.error``);
    * ``SUPERSEDED``: the bridge got past this command, but the device now differs from it (a
      newer command, or a change at the device, came after it);
    * ``PENDING``: no report has dealt with the command yet.
    """
    reported = shadow.state.reported
    if reported is None:
        return CommandOutcome.PENDING
    ours = reported.command_id == command_id
    past = reported.applied_version is not None and reported.applied_version >= command_version
    if not (ours or past):
        return CommandOutcome.PENDING
    if ours and reported.error_kind == "rejected":
        return CommandOutcome.REJECTED
    if reported.reachable and reported.matches(target):
        return CommandOutcome.DONE
    return CommandOutcome.SUPERSEDED


class PresenceStatus(StrEnum):
    """What the presence shadow says about the bridge right now."""

    CONNECTED = "connected"
    NOT_HEARD = "not_heard"
    OFFLINE = "offline"
    NEVER = "never"


class BridgePresence(_Lenient):
    """``state.reported`` of the bridge's presence shadow."""

    connected: bool | None = None
    connected_at: datetime | None = None
    disconnected_at: datetime | None = None
    heartbeat_at: datetime | None = None

    @property
    def last_heard(self) -> datetime | None:
        """The latest sign of life: the last heartbeat, else the connect."""
        stamps = [ts for ts in (self.heartbeat_at, self.connected_at) if ts is not None]
        return max(stamps) if stamps else None

    def status(self, now: datetime, heartbeat_seconds: float) -> PresenceStatus:
        """Connected only while heartbeats arrive; a stale one is "not heard", not "connected"."""
        if self.connected is None:
            return PresenceStatus.NEVER
        if not self.connected:
            return PresenceStatus.OFFLINE
        heard = self.last_heard
        stale_after = timedelta(seconds=STALE_AFTER_HEARTBEATS * heartbeat_seconds)
        if heard is None or now - heard > stale_after:
            return PresenceStatus.NOT_HEARD
        return PresenceStatus.CONNECTED


class PresenceShadowState(_Lenient):
    """``state`` of the presence shadow."""

    reported: BridgePresence = Field(default_factory=BridgePresence)


class PresenceShadow(_Lenient):
    """The bridge's presence shadow document."""

    state: PresenceShadowState = Field(default_factory=PresenceShadowState)
