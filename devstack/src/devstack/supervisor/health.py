"""Readiness checks the supervisor polls."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable


def http_ok(url: str, timeout_s: float = 1.0) -> Callable[[], bool]:
    """A check that is true once ``GET url`` answers 2xx."""

    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=timeout_s) as resp:  # noqa: S310 - local URL
                return 200 <= int(resp.status) < 300
        except OSError:
            return False

    return check
