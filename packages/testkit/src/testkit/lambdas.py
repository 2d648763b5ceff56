"""Stand-in Lambda handlers for tests of whatever invokes a function (e.g. a local gateway).

Importable by reference (``testkit.lambdas:echo``) from a spawned worker process.
"""

from __future__ import annotations

from typing import Any


def echo(event: Any, context: Any) -> dict[str, Any]:
    """The event and the client context's custom keys, as received."""
    client_context = getattr(context, "client_context", None)
    custom = getattr(client_context, "custom", None) or {}
    return {"event": event, "custom": dict(custom)}
