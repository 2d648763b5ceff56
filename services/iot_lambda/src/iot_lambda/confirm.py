"""When to look whether a command is done: the poll schedule.

Whether a read proves the command done is the contract's rule, ``shadow.command_outcome``
(by the command's id and version, never by a stale state that happens to match). This module
says when to read: at offsets from the write, dense while a report is likely, then spaced by a
fixed share of the time already waited, so the wait added after a report lands stays within
``max(min_gap, growth x time waited)`` (capped) and a long wait costs few reads.
"""

from __future__ import annotations

from collections.abc import Iterator


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
