"""The accounting API client: pacing, timeouts, retries, auth header, envelope and status mapping.

One instance per process wraps one pooled ``httpx2.AsyncClient`` (made in the server's lifespan).
The API token is passed per call, because it belongs to the caller, not to the process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx2
from aiolimiter import AsyncLimiter
from cachetools import LRUCache
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
    ApiNotFound,
    ApiRejected,
    ApiUnavailable,
)
from mcp_runtime.api.models import ApiModel, Page
from mcp_runtime.callinfo import current_call
from mcp_runtime.settings import RuntimeSettings

M = TypeVar("M", bound=ApiModel)

USER_AGENT = "agentcore-mcp-runtime/0.1 (+accounting MCP server)"
UNAVAILABLE = "The accounting API is unavailable right now; try again in a minute."
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
        limits=httpx2.Limits(max_connections=20, max_keepalive_connections=10),
        headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        transport=transport,
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


def _error_for(response: httpx2.Response) -> ApiError:
    status = response.status_code
    detail = _error_message(response)
    if status in (401, 403):
        return ApiAuthError("The accounting API rejected the credentials.", status)
    if status == 404 or (status == 400 and detail and "not found" in detail.lower()):
        return ApiNotFound(detail or "Not found.", status)
    if status in (400, 409, 422):
        return ApiRejected(detail or "The accounting API rejected the request.", status)
    if status == 429:
        return ApiUnavailable(
            "The accounting API is rate limiting requests; try again in a minute.", status
        )
    return ApiUnavailable(UNAVAILABLE, status)


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


class AccountingClient:
    """Typed calls to the API. Raises ``ApiError`` subclasses whose messages are safe to show."""

    def __init__(self, http: httpx2.AsyncClient, settings: RuntimeSettings) -> None:
        self._http = http
        self._rate = settings.requests_per_second
        self._max_retries = settings.max_retries
        self._max_wait = settings.retry_max_wait_seconds
        # One pacer per token (keyed by its hash, so the map holds no secrets); bounded so a
        # long-lived process with many users does not grow without limit.
        self._pacers: LRUCache[str, AsyncLimiter] = LRUCache(maxsize=1024)

    def _pacer(self, token: str) -> AsyncLimiter:
        key = hashlib.sha256(token.encode()).hexdigest()
        pacer = self._pacers.get(key)
        if pacer is None:
            # A rate below 1/s still needs a whole request per period.
            pacer = (
                AsyncLimiter(self._rate, 1.0)
                if self._rate >= 1
                else AsyncLimiter(1, 1.0 / self._rate)
            )
            self._pacers[key] = pacer
        return pacer

    async def _send(
        self,
        token: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> httpx2.Response:
        info = current_call()
        async with self._pacer(token):
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
                raise ApiUnavailable(
                    "The accounting API did not answer in time; try again later."
                ) from exc
            except httpx2.TransportError as exc:
                raise ApiUnavailable(UNAVAILABLE) from exc
        info.upstream_status = response.status_code
        info.upstream_calls += 1
        return response

    async def _read(
        self, token: str, path: str, params: Mapping[str, str | int] | None
    ) -> dict[str, Any]:
        """GET with bounded retries on 429/502/503/504 and timeouts, honouring Retry-After."""

        async def attempt() -> dict[str, Any]:
            try:
                response = await self._send(token, "GET", path, params=params)
            except ApiUnavailable as exc:
                raise _Retryable(exc, None) from exc
            if response.status_code in RETRYABLE_STATUSES:
                raise _Retryable(_error_for(response), _retry_after_seconds(response))
            if response.is_error:
                raise _error_for(response)
            body: dict[str, Any] = _objects(response)
            return body

        backoff = wait_exponential_jitter(multiplier=0.5, max=self._max_wait)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
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

    async def fetch_page(
        self,
        token: str,
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
        body = await self._read(token, path, query)
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

    async def fetch_one(self, token: str, path: str, model: type[M]) -> M:
        """One object by path; the API wraps it in a one-element list (or not, in some versions)."""
        objects = (await self._read(token, path, None))["objects"]
        if isinstance(objects, list):
            if not objects:
                raise ApiNotFound("Not found.", 200)
            objects = objects[0]
        try:
            return model.model_validate(objects)
        except ValidationError as exc:
            raise ApiUnavailable("The accounting API sent data that could not be read.") from exc

    async def create(self, token: str, path: str, body: Mapping[str, Any], model: type[M]) -> M:
        """POST once. Never retried: a replayed write could create the object twice."""
        response = await self._send(token, "POST", path, body=body)
        if response.is_error:
            raise _error_for(response)
        objects = _objects(response)["objects"]
        if isinstance(objects, list) and objects:
            objects = objects[0]
        try:
            return model.model_validate(objects)
        except ValidationError as exc:
            raise ApiUnavailable(
                "The accounting API accepted the request but its answer could not be read."
            ) from exc
