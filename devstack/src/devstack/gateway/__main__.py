"""``python -m devstack.gateway``: serve the local gateway (settings: ``DEVSTACK_GATEWAY_*``)."""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError


def main() -> int:
    """Read settings, serve until SIGINT/SIGTERM."""
    import uvicorn
    from testkit.net import listening_socket

    from devstack.gateway.server import create_gateway
    from devstack.gateway.settings import GatewaySettings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s gateway %(levelname)s %(message)s")
    try:
        settings = GatewaySettings()
    except ValidationError as exc:
        print(f"devstack gateway: invalid settings: {exc}", file=sys.stderr)
        return 2
    app = create_gateway(settings).app()
    # A listener made with IPPROTO_TCP, so answers on kept-alive connections get TCP_NODELAY
    # (uvicorn's own host/port listener left them waiting ~40 ms for a delayed ACK here).
    sock = listening_socket(settings.host, settings.port)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
