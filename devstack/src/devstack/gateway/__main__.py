"""``python -m devstack.gateway``: serve the local gateway (settings: ``DEVSTACK_GATEWAY_*``)."""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError


def main() -> int:
    """Read settings, serve until SIGINT/SIGTERM."""
    from devstack.gateway.server import create_gateway
    from devstack.gateway.settings import GatewaySettings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s gateway %(levelname)s %(message)s")
    try:
        settings = GatewaySettings()
    except ValidationError as exc:
        print(f"devstack gateway: invalid settings: {exc}", file=sys.stderr)
        return 2
    create_gateway(settings).run(
        transport="http",
        host=settings.host,
        port=settings.port,
        path=settings.path,
        stateless_http=True,
        show_banner=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
