"""Shared fixtures: the sandbox API (real HTTP, SQLite), fault injection, and a served MCP app."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn
from devstack.sandbox import running_sandbox
from mcp_runtime.settings import RuntimeSettings
from starlette.types import ASGIApp

API_TOKEN = "0123456789abcdef0123456789abcdef"  # the sandbox's demo token, not a real secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Any, *, timeout: float = 15.0, what: str = "condition") -> None:
    """Poll ``predicate`` until it is truthy; no fixed sleeps."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise TimeoutError(f"{what} not met within {timeout} s")


def healthy(url: str) -> bool:
    try:
        return httpx2.get(url, timeout=1.0).status_code == 200
    except httpx2.HTTPError:
        return False


class ServedApp:
    """An ASGI app served by uvicorn on an ephemeral 127.0.0.1 port in a thread."""

    def __init__(self, app: ASGIApp) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None, access_log=False)
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> ServedApp:
        self._thread.start()
        wait_until(lambda: healthy(f"{self.base}/health"), what="MCP app healthy")
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("sandbox") / "accounting.sqlite"
    with running_sandbox(db, [API_TOKEN], faults=True) as url:
        yield url


class Faults:
    """Queues canned answers on the sandbox (``POST /_sandbox/faults``)."""

    def __init__(self, sandbox_url: str) -> None:
        self._url = sandbox_url.removesuffix("/api/v1") + "/_sandbox/faults"

    def add(self, path: str, method: str = "GET", **spec: Any) -> None:
        body = {"method": method, "path": f"/api/v1/{path}", **spec}
        response = httpx2.post(self._url, json=body, timeout=5)
        assert response.status_code == 201, response.text

    def clear(self) -> None:
        httpx2.delete(self._url, timeout=5).raise_for_status()


@pytest.fixture
def faults(sandbox_url: str) -> Iterator[Faults]:
    queue = Faults(sandbox_url)
    queue.clear()
    yield queue
    queue.clear()


def _make_settings(sandbox_url: str, **overrides: Any) -> RuntimeSettings:
    values: dict[str, Any] = {
        "api_base_url": sandbox_url,
        "static_token": API_TOKEN,
        "requests_per_second": 50,
        "max_retries": 2,
        "retry_max_wait_seconds": 2,
        "read_timeout_seconds": 5,
        **overrides,
    }
    return RuntimeSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def api_token() -> str:
    return API_TOKEN


@pytest.fixture(scope="session")
def make_settings() -> Any:
    """``make_settings(api_base_url, **overrides)``: settings for a test, no .env file read."""
    return _make_settings


@pytest.fixture(scope="session")
def serve() -> Any:
    """``with serve(app) as served:`` runs an ASGI app on 127.0.0.1 until the block ends."""
    return ServedApp


@pytest.fixture(scope="session")
def wait_for() -> Any:
    """``wait_for(predicate, timeout=..., what=...)``: poll with a deadline."""
    return wait_until


@pytest.fixture(scope="module")
def served_mcp(sandbox_url: str) -> Iterator[str]:
    """The real HTTP app (static credentials) against the sandbox; yields its /mcp URL."""
    from mcp_runtime.server import create_app

    with ServedApp(create_app(_make_settings(sandbox_url))) as served:
        yield f"{served.base}/mcp"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[3]
