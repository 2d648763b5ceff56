"""The API's token check: `Authorization: <raw token>`, no Bearer prefix; the token picks the
organisation whose data the request sees."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from devstack.sandbox.store import Store
from devstack.sandbox.wire import error_body

# Where the organisation's store is put for the routes (`request.state.store`).
STORE_KEY = "store"


class TokenAuth:
    """ASGI middleware answering 401 in the API's shape unless the header holds a known token;
    otherwise the request carries that token's organisation store in its state."""

    def __init__(self, app: ASGIApp, stores: Mapping[str, Store]) -> None:
        self._app = app
        self._stores = [(token.encode(), store) for token, store in stores.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        store = self._store_for(Headers(scope=scope).get("authorization"))
        if store is None:
            response = JSONResponse(error_body("Authentication required"), status_code=401)
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})[STORE_KEY] = store
        await self._app(scope, receive, send)

    def _store_for(self, presented: str | None) -> Store | None:
        if not presented:
            return None
        candidate = presented.encode()
        found = None
        # compare_digest on every token: the answer time does not reveal which one nearly matched.
        for token, store in self._stores:
            if hmac.compare_digest(candidate, token):
                found = store
        return found
