"""Ports: check the configured ones before anything starts, pick free ones for ``0``."""

from __future__ import annotations

from testkit.net import free_port, is_free

from devstack.supervisor.settings import PORT_ENV_VARS

__all__ = ["PortInUse", "free_port", "is_free", "resolve_ports"]


class PortInUse(RuntimeError):
    """A configured port is taken; the message names the port and the variable to change."""


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
