"""Assembles the sandbox: health, the API under /api/v1 behind the token check, optional faults."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from devstack.sandbox.auth import TokenAuth
from devstack.sandbox.db import ensure_database
from devstack.sandbox.faults import FaultInjection, FaultQueue, RequestStats, fault_routes
from devstack.sandbox.organisations import database_path, organisations, parse_tokens
from devstack.sandbox.params import BadRequest
from devstack.sandbox.paths import RejectControlCharacters
from devstack.sandbox.routes import API_ROUTES
from devstack.sandbox.store import Store
from devstack.sandbox.wire import error_body

API_PREFIX = "/api/v1"


async def health(request: Request) -> JSONResponse:
    """Unauthenticated liveness probe."""
    return JSONResponse({"status": "ok"})


async def _bad_request(request: Request, exc: Exception) -> Response:
    message = exc.message if isinstance(exc, BadRequest) else str(exc)
    return JSONResponse(error_body(message), status_code=400)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Server Error"
    return JSONResponse(
        error_body(detail), status_code=status, headers=getattr(exc, "headers", None)
    )


def create_app(db_path: Path, tokens: Collection[str], *, faults: bool = False) -> Starlette:
    """Build the sandbox app; each organisation's database is created and seeded when missing.

    ``tokens`` are ``"<token>"`` (the default organisation, stored in ``db_path``) or
    ``"<token>=<organisation>"`` (stored next to it, seeded with that organisation's own data).
    """
    grants = parse_tokens(tokens)
    if not grants:
        raise ValueError("the sandbox needs at least one API token")
    stores: dict[str, Store] = {}
    for organisation in organisations(grants):
        path = database_path(db_path, organisation)
        ensure_database(path, organisation)
        stores[organisation] = Store(path)
    queue, stats = FaultQueue(), RequestStats()
    routes: list[BaseRoute] = [
        Route("/health", health, methods=["GET"]),
        Mount(
            API_PREFIX,
            routes=API_ROUTES,
            middleware=[Middleware(TokenAuth, stores={t: stores[o] for t, o in grants.items()})],
        ),
    ]
    middleware: list[Middleware] = [Middleware(RejectControlCharacters)]
    if faults:
        routes += fault_routes(queue, stats)
        middleware.append(Middleware(FaultInjection, queue=queue, stats=stats))
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={BadRequest: _bad_request, HTTPException: _http_error},
    )
