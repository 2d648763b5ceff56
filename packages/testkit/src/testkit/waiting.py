"""Waiting on a condition with a deadline, never a fixed sleep."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


def wait_until(check: Callable[[], bool], timeout_s: float, interval_s: float = 0.05) -> bool:
    """Poll ``check`` until it is true (``True``) or the deadline passes (``False``)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)


async def eventually(
    probe: Callable[[], Awaitable[bool]], timeout_s: float, what: str, interval_s: float = 0.1
) -> float:
    """Await ``probe`` until it is true; the seconds it took, ``TimeoutError`` naming ``what``."""
    began = time.monotonic()
    while not await probe():
        if time.monotonic() - began > timeout_s:
            raise TimeoutError(f"not within {timeout_s:g}s: {what}")
        await asyncio.sleep(interval_s)
    return time.monotonic() - began
