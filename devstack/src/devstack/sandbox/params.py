"""Query-string parsing with the API's strictness: a malformed filter is a 400, not ignored."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.datastructures import QueryParams

# SQLite integers are signed 64-bit; anything wider cannot name a row or a date.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})


class BadRequest(Exception):
    """A request the API answers with 400 and the message as error text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Page:
    """limit/offset/countAll, shared by every list endpoint."""

    limit: int
    offset: int
    count_all: bool


def page(query: QueryParams) -> Page:
    """Read the paging parameters."""
    return Page(
        limit=integer(query, "limit", minimum=1, maximum=MAX_LIMIT) or DEFAULT_LIMIT,
        offset=integer(query, "offset", minimum=0) or 0,
        count_all=boolean(query, "countAll") or False,
    )


def integer(
    query: QueryParams, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """An optional integer parameter within bounds."""
    raw = query.get(name)
    return None if raw is None else parse_integer(name, raw, minimum=minimum, maximum=maximum)


def parse_integer(
    name: str, raw: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """An integer within bounds (and within SQLite's 64-bit range)."""
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {raw!r}") from None
    low = INT64_MIN if minimum is None else minimum
    high = INT64_MAX if maximum is None else maximum
    if not low <= value <= high:
        raise BadRequest(f"{name} must be in {low}..{high}, got {value}")
    return value


def number_choice(query: QueryParams, name: str, allowed: Collection[int]) -> int | None:
    """A numeric code such as a status; `100` and `100.0` both name status 100."""
    raw = query.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a number, got {raw!r}") from None
    if not value.is_integer() or int(value) not in allowed:
        raise BadRequest(f"{name} must be one of {sorted(allowed)}, got {raw!r}")
    return int(value)


def choice(query: QueryParams, name: str, allowed: Collection[str]) -> str | None:
    """An optional parameter limited to a set of strings."""
    raw = query.get(name)
    if raw is not None and raw not in allowed:
        raise BadRequest(f"{name} must be one of {sorted(allowed)}, got {raw!r}")
    return raw


def boolean(query: QueryParams, name: str) -> bool | None:
    """An optional boolean given as true/false or 1/0."""
    raw = query.get(name)
    if raw is None:
        return None
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise BadRequest(f"{name} must be true or false, got {raw!r}")


def date_time(query: QueryParams, name: str) -> int | None:
    """An optional ISO-8601 date-time, as Unix seconds (naive values count as UTC)."""
    raw = query.get(name)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an ISO-8601 date-time, got {raw!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def text(query: QueryParams, name: str) -> str | None:
    """An optional free-text parameter."""
    return query.get(name)


def object_reference(query: QueryParams, prefix: str, object_name: str) -> int | None:
    """A `prefix[id]`/`prefix[objectName]` filter; the objectName, when given, must match."""
    given_name = query.get(f"{prefix}[objectName]")
    if given_name is not None and given_name != object_name:
        raise BadRequest(f"{prefix}[objectName] must be {object_name!r}, got {given_name!r}")
    return integer(query, f"{prefix}[id]")
