"""Refuse request paths with control or line-break characters, as front-end servers do.

The API sits behind web servers that answer such URLs with 400 before any route is tried.
Without this, Starlette's route patterns (``[^/]+`` anchored with ``$``, which also matches
before a final newline) mis-split an id such as ``a%0Ab`` and the sandbox answered 404, a status
the contract does not declare.
"""

from __future__ import annotations

import json
import unicodedata

from starlette.types import ASGIApp, Receive, Scope, Send

from devstack.sandbox.wire import error_body

# Unicode line and paragraph separators are not category Cc but end lines just the same.
_LINE_BREAKS = {"\u2028", "\u2029"}


def has_control_characters(path: str) -> bool:
    """True when ``path`` holds a control character or a line break."""
    return any(unicodedata.category(ch) == "Cc" or ch in _LINE_BREAKS for ch in path)


class RejectControlCharacters:
    """ASGI middleware: 400 in the API's error shape for a path with control characters."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not has_control_characters(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        body = json.dumps(error_body("Invalid characters in the request path")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
