"""Run the sandbox in a background thread for tests and tools (`running_sandbox`)."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Collection, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from devstack.sandbox.app import API_PREFIX, create_app
from devstack.tcp import tcp_listen_socket

STARTUP_TIMEOUT_SECONDS = 10.0
_POLL_SECONDS = 0.02


@dataclass(frozen=True)
class ServedSandbox:
    """A sandbox being served: its API base URL and the uvicorn server (for its connections)."""

    api_url: str
    server: uvicorn.Server


@contextmanager
def serving_sandbox(
    db_path: Path, tokens: Collection[str], *, faults: bool = False
) -> Iterator[ServedSandbox]:
    """Serve the sandbox on an ephemeral 127.0.0.1 port until the block ends.

    The server is stopped and its thread joined on exit, also when the body raises.
    """
    app = create_app(db_path, tokens, faults=faults)
    sock = tcp_listen_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox-{port}", daemon=True
    )
    thread.start()
    try:
        _wait_until_healthy(f"http://127.0.0.1:{port}/health", thread)
        yield ServedSandbox(f"http://127.0.0.1:{port}{API_PREFIX}", server)
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        sock.close()


@contextmanager
def running_sandbox(
    db_path: Path, tokens: Collection[str], *, faults: bool = False
) -> Iterator[str]:
    """Serve the sandbox on an ephemeral 127.0.0.1 port; yields the API base URL.

    ``tokens`` are ``"<token>"`` (the default organisation) or ``"<token>=<organisation>"``.
    """
    with serving_sandbox(db_path, tokens, faults=faults) as served:
        yield served.api_url


def _wait_until_healthy(url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server thread exited during startup")
        try:
            with closing(urllib.request.urlopen(url, timeout=1)) as response:  # noqa: S310 - fixed http URL
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(_POLL_SECONDS)
    raise TimeoutError(f"the sandbox did not answer {url} within {STARTUP_TIMEOUT_SECONDS} s")
