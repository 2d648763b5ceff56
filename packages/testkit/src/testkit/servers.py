"""An ASGI app served by uvicorn in a thread of the current process."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

import uvicorn

from testkit.net import listening_socket
from testkit.waiting import wait_until

START_TIMEOUT_S = 30.0


class ServerThread:
    """``with ServerThread(app) as server: server.url`` — stopped and joined on exit.

    The socket is bound before the thread starts, so the port is known and nothing else can take
    it in between.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, **config: Any) -> None:
        self._socket = listening_socket(host, port)
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        options: dict[str, Any] = {"log_level": "warning", "access_log": False, **config}
        self._server = uvicorn.Server(uvicorn.Config(app, **options))
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"uvicorn-{self.port}",
            daemon=True,
        )

    def start(self) -> ServerThread:
        """Serve; returns once uvicorn has started (lifespan done), or raises."""
        self._thread.start()
        started = wait_until(
            lambda: self._server.started or not self._thread.is_alive(), START_TIMEOUT_S
        )
        if not (started and self._server.started):
            self.stop()
            raise RuntimeError(f"the server on {self.url} did not start")
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit, join the thread, close the socket (safe to call twice)."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(START_TIMEOUT_S)
        self._socket.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
