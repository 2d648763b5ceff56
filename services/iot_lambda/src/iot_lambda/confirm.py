"""When is a command done? The poll schedule and the verdict on one read (shadow protocol v2).

Verdict: a command writes ``desired`` = target + a fresh ``command_id``; the write's ``version``
is the command's version ``Vc``. A later read proves it applied when ``reported.command_id`` is
this id or ``reported.applied_version >= Vc``; then it is *done* if every target key matches and
the device is reachable, or *superseded* if a newer command's id is reported and a target key
differs. A report that merely equals the target proves nothing (it may be stale).

Schedule: polls at offsets from the write, dense while a report is likely, then spaced by a
fixed share of the time already waited, so the wait added after the report lands stays within
``max(min_gap, growth x latency)`` and a long wait costs few reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from iot_lambda.shadows import DeviceRead


class Verdict(StrEnum):
    """What one read says about a command."""

    DONE = "done"
    SUPERSEDED = "superseded"
    WAITING = "waiting"


@dataclass(frozen=True)
class Command:
    """A written command: its target keys, its id and the version its write produced."""

    target: Mapping[str, Any]
    command_id: str
    version: int | None


def verdict(read: DeviceRead, command: Command) -> Verdict:
    """The verdict of one read of the device's shadow on ``command``."""
    reported = read.reported
    if reported is None:
        return Verdict.WAITING
    matches = reported.matches(dict(command.target))
    if read.speaks_v2:
        ours = read.command_id == command.command_id
        later = (
            command.version is not None
            and read.applied_version is not None
            and read.applied_version >= command.version
        )
        if (ours or later) and matches and reported.reachable:
            return Verdict.DONE
        if later and not ours and not matches:
            return Verdict.SUPERSEDED
        return Verdict.WAITING
    return Verdict.DONE if _legacy_done(read, command, matches) else Verdict.WAITING


def _legacy_done(read: DeviceRead, command: Command, matches: bool) -> bool:
    # A bridge from before protocol v2 echoes no id. It clears the desired keys it applied, so
    # "a newer document, our keys cleared from desired, the report matching" is still a report
    # made after our write. Remove once every bridge speaks v2.
    newer = (
        command.version is not None and read.version is not None and read.version > command.version
    )
    cleared = not any(key in read.pending() for key in command.target)
    reachable = read.reported is not None and read.reported.reachable
    return newer and cleared and matches and reachable


def poll_offsets(
    wait: float, *, first: float, min_gap: float, growth: float, max_gap: float
) -> Iterator[float]:
    """Seconds after the write at which to read, ending with one read at ``wait``."""
    if wait <= 0:
        return
    offset = first
    while offset < wait:
        yield offset
        offset += min(max(growth * offset, min_gap), max_gap)
    yield wait
