"""Child processes that do not outlive their parent."""

from __future__ import annotations

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


def exit_with_parent() -> None:
    """Have the kernel send SIGTERM to this process when its parent dies (Linux; no-op elsewhere).

    A process pool's workers and a supervisor's children would otherwise outlive a parent that
    is killed outright, or that a server's signal handling ends before its clean-up code runs.
    Safe as a ``preexec_fn`` (only a prctl call) and as a pool initializer.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
