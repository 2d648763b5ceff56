"""Accepted connections of the sandbox have TCP_NODELAY set (issue 17: the 40 ms Nagle stall).

Deterministic: the option is read from the server side's accepted socket, not inferred from
timings. The control case shows the test would fail if the listener were made with protocol 0
again (asyncio then leaves Nagle's algorithm on).
"""

from __future__ import annotations

import asyncio
import http.client
import socket
import time
from pathlib import Path

from devstack.sandbox.server import serving_sandbox
from devstack.tcp import tcp_listen_socket

TOKEN = "0123456789abcdef0123456789abcdef"


async def _accepted_nodelay(listener: socket.socket) -> int:
    """Serve ``listener`` with asyncio, connect once, return TCP_NODELAY of the accepted side."""
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    try:
        host, port = listener.getsockname()
        _, writer = await asyncio.open_connection(host, port)
        try:
            return await asyncio.wait_for(accepted, timeout=10)
        finally:
            writer.close()
    finally:
        server.close()
        await server.wait_closed()


async def test_listener_from_the_helper_gives_accepted_connections_tcp_nodelay() -> None:
    listener = tcp_listen_socket("127.0.0.1", 0)
    assert listener.proto == socket.IPPROTO_TCP
    assert await _accepted_nodelay(listener) != 0


async def test_control_a_protocol_zero_listener_leaves_nagle_on() -> None:
    # The defect issue 17 found: without the protocol number asyncio does not set TCP_NODELAY.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    assert await _accepted_nodelay(listener) == 0


def _server_side_nodelay(served: object, deadline_seconds: float = 10.0) -> list[int]:
    server = served.server  # type: ignore[attr-defined]
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        connections = list(server.server_state.connections)
        if connections:
            return [
                c.transport.get_extra_info("socket").getsockopt(
                    socket.IPPROTO_TCP, socket.TCP_NODELAY
                )
                for c in connections
            ]
        time.sleep(0.01)
    raise TimeoutError("the sandbox never reported the connection")


def test_running_sandbox_connections_have_tcp_nodelay(tmp_path: Path) -> None:
    with serving_sandbox(tmp_path / "s.db", [TOKEN]) as served:
        host, port = served.api_url.removeprefix("http://").split("/")[0].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            # A kept-alive connection, as a pooled API client holds one.
            connection.request("GET", "/api/v1/CheckAccount", headers={"Authorization": TOKEN})
            assert connection.getresponse().read()
            assert _server_side_nodelay(served) == [1]
        finally:
            connection.close()
