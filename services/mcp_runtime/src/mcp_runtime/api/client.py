"""The accounting API client: pacing, timeouts, retries, auth header, envelope and status mapping.

One ``AccountingClient`` per process wraps one pooled ``httpx2.AsyncClient`` (made in the
server's lifespan) and the per-token pacers. A tool gets a ``CallerApi``: that client bound to
the caller's own token (``AccountingClient.bind``), so a tool reads as "ask the API for X".
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx2
from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from mcp_runtime.api.errors import (
    ApiAuthError,
    ApiError,
    ApiNoAnswer,
    ApiNotFound,
    ApiPaused,
    ApiRejected,
    ApiUnavailable,
    WriteOutcomeUnknown,
)
from mcp_runtime.api.models import ApiModel, Page
from mcp_runtime.api.pacing import (
    RATE_LIMITED_LONG,
    Clock,
    Pacers,
    PacingPolicy,
    Sleep,
    TokenPaused,
)
from mcp_runtime.callinfo import current_call
from mcp_runtime.settings import RuntimeSettings

M = TypeVar("M", bound=ApiModel)

USER_AGENT = "agentcore-mcp-runtime/0.1 (+accounting MCP server)"
UNAVAILABLE = "The accounting API is unavailable right now; try again in a minute."
NO_ANSWER = "The accounting API did not answer in time"
UNREACHABLE = "The accounting API is unavailable: it could not be reached"
# Statuses worth another try for a read: the request was not processed, or a proxy hiccupped.
# 500 is not among them: the API uses it for some bad requests, and repeated errors get tokens
# blocked.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class _Retryable(Exception):
    """Internal: a read that may succeed if tried again; carries the error and a wait hint."""

    def __init__(self, error: ApiError, retry_after: float | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


def build_http_client(
    settings: RuntimeSettings, transport: httpx2.AsyncBaseTransport | None = None
) -> httpx2.AsyncClient:
    """The pooled HTTP client with the settings' timeouts; the caller owns (and closes) it."""
    timeout = httpx2.Timeout(
        settings.read_timeout_seconds,
        connect=settings.connect_timeout_seconds,
        pool=settings.connect_timeout_seconds,
    )
    return httpx2.AsyncClient(
        base_url=settings.base_url + "/",
        timeout=timeout,
        # Room for every token's concurrent requests; connections are reused (keep-alive).
        limits=httpx2.Limits(max_connections=100, max_keepalive_connections=50),
        headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        transport=transport,
    )


def pacing_policy(settings: RuntimeSettings) -> PacingPolicy:
    """The pacing knobs from the settings."""
    return PacingPolicy(
        max_concurrent=settings.max_concurrent_requests_per_token,
        error_burst=settings.error_burst,
        error_window=settings.error_burst_window_seconds,
        pause=settings.error_pause_seconds,
        max_wait=settings.retry_max_wait_seconds,
    )


def _retry_after_seconds(response: httpx2.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    date = response.headers.get("Date")
    now = parsedate_to_datetime(date) if date else None
    if now is None:
        return None
    return max(0.0, (moment - now).total_seconds())


def _error_message(response: httpx2.Response) -> str | None:
    """The API's own explanation, from ``{"error": {"message": …}}`` (or a bare string)."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        if isinstance(error, str):
            return error
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return None


def _is_not_found(status: int, detail: str | None) -> bool:
    return status == 404 or (status == 400 and detail is not None and "not found" in detail.lower())


def _error_for(response: httpx2.Response) -> ApiError:
    status = response.status_code
    detail = _error_message(response)
    if status in (401, 403):
        return ApiAuthError("The accounting API rejected the credentials.", status)
    if _is_not_found(status, detail):
        return ApiNotFound(detail or "Not found.", status)
    if status in (400, 409, 422):
        return ApiRejected(detail or "The accounting API rejected the request.", status)
    if status == 429:
        return ApiUnavailable(
            "The accounting API is rate limiting requests; try again in a minute.", status
        )
    return ApiUnavailable(UNAVAILABLE, status)


def _counts_as_error(response: httpx2.Response) -> bool:
    """Whether an answer counts toward the token's error burst. "Not found" is an ordinary
    answer to a question about an id, not misbehaviour."""
    if not response.is_error:
        return False
    return not _is_not_found(response.status_code, _error_message(response))


def _objects(response: httpx2.Response) -> Any:
    """Unwrap ``{"objects": …}``; anything else is an unreadable answer."""
    try:
        body = response.json()
    except ValueError as exc:
        raise ApiUnavailable(
            "The accounting API sent an answer that could not be read; try again later.",
            response.status_code,
        ) from exc
    if not isinstance(body, dict) or "objects" not in body:
        raise ApiUnavailable(
            "The accounting API sent an answer in an unexpected shape.", response.status_code
        )
    return body


def _model(model: type[M], objects: Any) -> M:
    if isinstance(objects, list):
        if not objects:
            raise ApiNotFound("Not found.", 200)
        objects = objects[0]
    return model.model_validate(objects)


class AccountingClient:
    """Sends requests for any token: pacing per token, retries for reads, errors as ``ApiError``
    subclasses whose messages are safe to show. Tools use ``bind(token)``."""

    def __init__(
        self,
        http: httpx2.AsyncClient,
        settings: RuntimeSettings,
        *,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self._http = http
        self._max_retries = settings.max_retries
        self._max_wait = settings.retry_max_wait_seconds
        extras: dict[str, Any] = {k: v for k, v in (("clock", clock), ("sleep", sleep)) if v}
        self.pacers = Pacers(pacing_policy(settings), **extras)

    def bind(self, token: str) -> CallerApi:
        """This client as the owner of ``token`` sees the API."""
        return CallerApi(self, token)

    async def send(
        self,
        token: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> httpx2.Response:
        """One request, paced for its token and accounted in the call's log line."""
        pacer = self.pacers.for_token(token)
        info = current_call()
        try:
            async with pacer.turn() as waited:
                info.pacing_wait_ms += round(waited * 1000, 1)
                attempt = info.attempt(method, path)
                try:
                    response = await self._http.request(
                        method,
                        path.lstrip("/"),
                        params=dict(params) if params else None,
                        json=dict(body) if body is not None else None,
                        # The API wants the raw token, without "Bearer ".
                        headers={"Authorization": token},
                    )
                except httpx2.TimeoutException as exc:
                    attempt.end("timeout")
                    pacer.failed()
                    sent = not isinstance(exc, httpx2.ConnectTimeout | httpx2.PoolTimeout)
                    raise ApiNoAnswer(NO_ANSWER, sent=sent) from exc
                except httpx2.TransportError as exc:
                    attempt.end("no_connection")
                    pacer.failed()
                    sent = not isinstance(exc, httpx2.ConnectError)
                    raise ApiNoAnswer(UNREACHABLE, sent=sent) from exc
        except TokenPaused as exc:
            raise ApiPaused(str(exc)) from None
        attempt.end(response.status_code)
        if _counts_as_error(response):
            pacer.failed(
                retry_after=_retry_after_seconds(response),
                rate_limited=response.status_code == 429,
            )
        else:
            pacer.succeeded()
        return response

    async def read(
        self, token: str, path: str, params: Mapping[str, str | int] | None
    ) -> dict[str, Any]:
        """GET with bounded retries on 429/502/503/504 and timeouts, honouring Retry-After."""

        async def attempt() -> dict[str, Any]:
            try:
                response = await self.send(token, "GET", path, params=params)
            except ApiNoAnswer as exc:
                raise _Retryable(ApiUnavailable(f"{exc.message}; try again later."), None) from exc
            if response.status_code in RETRYABLE_STATUSES:
                retry_after = _retry_after_seconds(response)
                if retry_after is not None and retry_after > self._max_wait:
                    # Waiting the capped time would only end in the same answer: say it now.
                    raise ApiPaused(str(TokenPaused(retry_after, RATE_LIMITED_LONG)))
                raise _Retryable(_error_for(response), retry_after)
            if response.is_error:
                raise _error_for(response)
            body: dict[str, Any] = _objects(response)
            return body

        backoff = wait_exponential_jitter(multiplier=0.5, max=self._max_wait)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                # The pacer holds the token until the same moment; waiting here too is free.
                return min(exc.retry_after, self._max_wait)
            return float(backoff(state))

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._max_retries + 1),
            wait=wait,
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            result: dict[str, Any] = await retrying(attempt)
        except _Retryable as exc:
            raise exc.error from None
        return result

    async def write(self, token: str, path: str, body: Mapping[str, Any], model: type[M]) -> M:
        """POST once. Never retried: a replayed write could create the object twice. When the
        outcome cannot be known, ``WriteOutcomeUnknown`` says so instead of guessing."""
        try:
            response = await self.send(token, "POST", path, body=body)
        except ApiNoAnswer as exc:
            if not exc.sent:
                raise ApiUnavailable(f"{exc.message}; nothing was sent.") from exc
            raise WriteOutcomeUnknown(exc.message, None, settled=False) from exc
        status = response.status_code
        if status >= 500:
            message = f"The accounting API was unavailable (HTTP {status})"
            raise WriteOutcomeUnknown(message, status, settled=True)
        if response.is_error:
            # 4xx: the API refused it and stored nothing (429: it did not even look at it).
            raise _error_for(response)
        try:
            return _model(model, _objects(response)["objects"])
        except (ApiError, ValidationError) as exc:
            raise WriteOutcomeUnknown(
                "The accounting API accepted the request but its answer could not be read",
                status,
                settled=True,
            ) from exc


class CallerApi:
    """The accounting API as one caller sees it: typed calls made with that caller's token."""

    def __init__(self, client: AccountingClient, token: str) -> None:
        self._client = client
        self._token = token

    def __repr__(self) -> str:
        return "CallerApi(<token hidden>)"

    async def fetch_page(
        self,
        path: str,
        model: type[M],
        *,
        limit: int,
        offset: int,
        params: Mapping[str, str | int] | None = None,
    ) -> Page[M]:
        """One page of a collection, with the total count."""
        query: dict[str, str | int] = {
            **(params or {}),
            "limit": limit,
            "offset": offset,
            "countAll": "true",
        }
        body = await self._client.read(self._token, path, query)
        objects = body["objects"]
        if not isinstance(objects, list):
            raise ApiUnavailable("The accounting API sent a list in an unexpected shape.")
        total_raw = body.get("total")
        try:
            items = [model.model_validate(o) for o in objects]
            total = None if total_raw is None or total_raw == "" else int(total_raw)
        except (ValidationError, TypeError, ValueError) as exc:
            raise ApiUnavailable("The accounting API sent data that could not be read.") from exc
        return Page[M](items=items, offset=offset, limit=limit, total=total)

    async def fetch_one(self, path: str, model: type[M]) -> M:
        """One object by path; the API wraps it in a one-element list (or not, in some versions)."""
        objects = (await self._client.read(self._token, path, None))["objects"]
        try:
            return _model(model, objects)
        except ValidationError as exc:
            raise ApiUnavailable("The accounting API sent data that could not be read.") from exc

    async def fetch_text(self, path: str) -> str:
        """A scalar answer such as ``{"objects": "1001"}`` (getNextCustomerNumber)."""
        objects = (await self._client.read(self._token, path, None))["objects"]
        if isinstance(objects, str | int) and not isinstance(objects, bool) and str(objects):
            return str(objects)
        raise ApiUnavailable("The accounting API sent an answer in an unexpected shape.")

    async def create(self, path: str, body: Mapping[str, Any], model: type[M]) -> M:
        """POST once (see ``AccountingClient.write``)."""
        return await self._client.write(self._token, path, body, model)
