"""The API's token check: `Authorization: <raw token>`, no Bearer prefix."""

from __future__ import annotations

import hmac
from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from devstack.sandbox.wire import error_body


class TokenAuth:
    """ASGI middleware answering 401 in the API's shape unless the header holds a known token."""

    def __init__(self, app: ASGIApp, tokens: Collection[str]) -> None:
        self._app = app
        self._tokens = [token.encode() for token in tokens]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._allowed(Headers(scope=scope).get("authorization")):
            response = JSONResponse(error_body("Authentication required"), status_code=401)
            await response(scope, receive, send)
            return
        await self._app(scope, receive, send)

    def _allowed(self, presented: str | None) -> bool:
        if not presented:
            return False
        candidate = presented.encode()
        # compare_digest on every token: the answer time does not reveal which one nearly matched.
        return any([hmac.compare_digest(candidate, token) for token in self._tokens])  # noqa: C419
