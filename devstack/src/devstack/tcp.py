"""Listening sockets for the devstack's HTTP servers, made so that replies are not held back.

asyncio sets ``TCP_NODELAY`` on an accepted connection only when the socket's protocol is
``IPPROTO_TCP`` (``asyncio.base_events._set_nodelay``), and an accepted socket inherits the
protocol number of the listening one. A listener made with ``socket.socket(AF_INET,
SOCK_STREAM)`` has protocol 0, so its connections keep Nagle's algorithm: a small reply written
in two parts waits for the client's delayed ACK (about 40 ms on Linux) on a kept-alive
connection. Naming the protocol explicitly is the fix at the cause.

Shared by every local server (the sandbox API, the local IoT Core REST server); it imports
nothing from the devstack, so any of them can use it without an import cycle.
"""

from __future__ import annotations

import socket


def tcp_listen_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A bound (not yet listening) IPv4 TCP socket whose accepted connections get TCP_NODELAY."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
