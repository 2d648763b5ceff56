"""Run the sandbox in a background thread for tests and tools (`running_sandbox`)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Collection, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import uvicorn

from devstack.sandbox.app import API_PREFIX, create_app

STARTUP_TIMEOUT_SECONDS = 10.0
_POLL_SECONDS = 0.02


@contextmanager
def running_sandbox(
    db_path: Path, tokens: Collection[str], *, faults: bool = False
) -> Iterator[str]:
    """Serve the sandbox on an ephemeral 127.0.0.1 port; yields the API base URL.

    The server is stopped and its thread joined on exit, also when the body raises.
    """
    app = create_app(db_path, tokens, faults=faults)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
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
        yield f"http://127.0.0.1:{port}{API_PREFIX}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        sock.close()


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
