"""What can go wrong talking to the accounting API, as exceptions that carry words for people.

Each message is safe to show to the caller: no token, no URL with secrets, no stack trace.
"""

from __future__ import annotations


class ApiError(Exception):
    """Root of every accounting-API failure; ``status`` is the upstream HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class ApiAuthError(ApiError):
    """401/403: the token is wrong, revoked or lacks rights."""


class ApiNotFound(ApiError):
    """404, or the API's 400 "… was not found"."""


class ApiRejected(ApiError):
    """400/409/422: the API refused the request and said why."""


class ApiUnavailable(ApiError):
    """5xx, timeouts, connection failures, rate limiting that outlasted the retries, bad JSON."""


class ApiNoAnswer(ApiUnavailable):
    """No answer arrived: a timeout or a broken connection. ``sent`` is False only when the
    request certainly never left (the connection was not even made)."""

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message)
        self.sent = sent


class ApiPaused(ApiUnavailable):
    """Not sent: calls with this token are held back (error burst or a long Retry-After)."""


class WriteOutcomeUnknown(ApiError):
    """A write that may or may not have happened. ``settled`` is True when the API finished
    handling it (it answered, e.g. a 5xx or an unreadable success), False when it may still be
    in progress (a timeout): a lookup that finds nothing proves nothing then."""

    def __init__(self, message: str, status: int | None, *, settled: bool) -> None:
        super().__init__(message, status)
        self.settled = settled
