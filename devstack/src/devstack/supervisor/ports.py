"""Ports: check the configured ones before anything starts, pick free ones for ``0``."""

from __future__ import annotations

import socket

from devstack.supervisor.settings import PORT_ENV_VARS


class PortInUse(RuntimeError):
    """A configured port is taken; the message names the port and the variable to change."""


def is_free(host: str, port: int) -> bool:
    """True when a listener could bind ``host:port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Same option as uvicorn and mosquitto use, so a port in TIME_WAIT counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str) -> int:
    """A port the OS says is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


def resolve_ports(host: str, wanted: dict[str, int]) -> dict[str, int]:
    """Configured ports checked (all problems in one message), ``0`` replaced by a free port."""
    taken = [name for name, port in wanted.items() if port and not is_free(host, port)]
    if taken:
        lines = [
            f"port {wanted[name]} ({name}) on {host} is already in use: stop what holds it "
            f"(`ss -ltnp 'sport = :{wanted[name]}'`) or set {PORT_ENV_VARS[name]}=<another port>"
            for name in taken
        ]
        raise PortInUse("\n".join(lines))
    chosen: dict[str, int] = {}
    for name, port in wanted.items():
        candidate = port or free_port(host)
        while candidate in chosen.values():
            candidate = free_port(host)
        chosen[name] = candidate
    return chosen
