"""What every tool shares: its dependencies, the error translation, and common parameter types.

A tool declares ``api: CallerApi = CALLER_API`` (or ``WRITER_API``); FastMCP's dependency
injection (``Depends``) resolves it per call to the API client bound to the caller's own token,
so a tool body reads as the API calls it makes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated

from fastmcp import Context
from fastmcp.dependencies import CurrentContext, Depends
from fastmcp.exceptions import ToolError
from fastmcp.server.auth import AuthContext
from fastmcp.server.dependencies import get_context
from mcp.types import ToolAnnotations
from pydantic import Field, StringConstraints

from mcp_runtime.api.client import AccountingClient, CallerApi
from mcp_runtime.api.errors import ApiAuthError, ApiError, ApiNotFound, ApiRejected
from mcp_runtime.callinfo import current_call
from mcp_runtime.credentials import CredentialError, Credentials
from mcp_runtime.identity import CallerRefused, Identity, caller_of
from mcp_runtime.refusals import InvalidInput

log = logging.getLogger(__name__)

LIFESPAN_KEY = "mcp_runtime"
WRITERS_ONLY = (
    "Creating or changing accounting data needs membership in the accounting-writers group; "
    "ask an administrator (make user-add … WRITER=1), then sign in again."
)

Limit = Annotated[int, Field(ge=1, le=100, description="How many items to return (1-100).")]
Offset = Annotated[
    int,
    Field(
        ge=0,
        le=100_000,
        description="How many items to skip; use the next_offset of the previous answer.",
    ),
]
ObjectId = Annotated[int, Field(ge=1, le=2**31 - 1)]
# Trimmed, and blank text is refused: "   " names nothing and filters nothing. The pattern puts
# the rule into the schema clients see (search semantics: some non-space character).
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=r"\S")
]

READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)


@dataclass(frozen=True)
class Runtime:
    """The per-process collaborators a tool needs, made in the server's lifespan."""

    api: AccountingClient
    credentials: Credentials
    identity: Identity


def runtime(ctx: Context) -> Runtime:
    """The ``Runtime`` the lifespan put into the context."""
    value = ctx.lifespan_context.get(LIFESPAN_KEY)
    if not isinstance(value, Runtime):
        raise ToolError(
            "The server is still starting; try again in a moment.", log_level=logging.WARNING
        )
    return value


async def caller_api(ctx: Context = CurrentContext()) -> CallerApi:  # noqa: B008 - FastMCP DI
    """The API bound to the current caller's own token (a FastMCP dependency)."""
    rt = runtime(ctx)
    identified = await rt.identity.identify()
    info = current_call()
    info.via = identified.via
    try:
        caller = caller_of(identified)
        info.subject = caller.sub if caller else None
        token = await rt.credentials.api_token(caller)
    except (CallerRefused, CredentialError) as exc:
        raise ToolError(str(exc), log_level=logging.INFO) from None
    return rt.api.bind(token)


async def writer_api(
    api: CallerApi = Depends(caller_api),  # noqa: B008 - FastMCP DI
    ctx: Context = CurrentContext(),  # noqa: B008 - FastMCP DI
) -> CallerApi:
    """``caller_api`` for the write tools: only for members of accounting-writers."""
    if not await runtime(ctx).identity.may_write():
        raise ToolError(WRITERS_ONLY, log_level=logging.INFO)
    return api


CALLER_API: CallerApi = Depends(caller_api)
WRITER_API: CallerApi = Depends(writer_api)


async def writers_see_it(ctx: AuthContext) -> bool:
    """Component auth check of the write tools: hides them from a non-writer's ``tools/list``
    (FastMCP runs it on list and on lookup; ``WriterGate`` answers a call in words first)."""
    return await runtime(get_context()).identity.lists_writes()


@contextmanager
def answers(*, not_found: str) -> Iterator[None]:
    """Turn API failures into messages for the caller (``ToolError``)."""
    try:
        yield
    except ApiAuthError:
        raise ToolError(
            "The accounting API rejected your credentials: the stored API token is wrong or was "
            "revoked. Create a new token in the accounting app and have it stored again.",
            log_level=logging.WARNING,
        ) from None
    except ApiNotFound:
        raise ToolError(not_found, log_level=logging.INFO) from None
    except ApiRejected as exc:
        raise ToolError(
            f"The accounting API refused this: {exc.message}", log_level=logging.INFO
        ) from None
    except ApiError as exc:
        raise ToolError(exc.message, log_level=logging.WARNING) from None


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def day_end(day: date) -> datetime:
    """The last second of ``day`` in UTC (date filters are inclusive)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def date_range(start: date | None, end: date | None, *, unix_seconds: bool) -> dict[str, str | int]:
    """``startDate``/``endDate``, inclusive, in the form the endpoint takes: Unix seconds
    (Invoice, Voucher) or ISO date-times (CheckAccountTransaction). An empty range is refused
    before asking the API."""
    if start and end and start > end:
        raise InvalidInput(
            f"start_date {start} is after end_date {end}; swap them or widen the range."
        )

    def encode(moment: datetime) -> str | int:
        return int(moment.timestamp()) if unix_seconds else moment.isoformat()

    params: dict[str, str | int] = {}
    if start:
        params["startDate"] = encode(day_start(start))
    if end:
        params["endDate"] = encode(day_end(end))
    return params


def reference(field: str, object_name: str, object_id: int | None) -> dict[str, str | int]:
    """The API's bracket filter for a reference, e.g. ``contact[id]`` + ``contact[objectName]``
    (the runtime sends these; the Gateway view cannot carry them)."""
    if object_id is None:
        return {}
    return {f"{field}[id]": object_id, f"{field}[objectName]": object_name}
