"""``python -m devstack.iot_core``: run the local IoT Core until Ctrl-C or SIGTERM.

Prints the endpoints, then one ``ready {json}`` line that scripts (and the startup benchmark)
wait for.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import time
from types import FrameType

from pydantic_settings import CliApp
from smarthome_contract.naming import InvalidName

from devstack.iot_core.broker import BrokerError
from devstack.iot_core.core import LocalIotCore
from devstack.iot_core.settings import IotCoreSettings


def _ready_document(core: LocalIotCore, things: list[str], began: float) -> dict[str, object]:
    certs = {
        thing: [str(path.resolve()) for path in core.issue_thing_certificate(thing)]
        for thing in things
    }
    return {
        "mqtt_host": core.host,
        "mqtt_tls_port": core.mqtt_tls_port,
        "ca_file": str(core.ca_file.resolve()),
        "rest_endpoint": core.rest_endpoint,
        "thing_certificates": certs,
        "startup_s": round(time.monotonic() - began, 3),
    }


def main(argv: list[str] | None = None) -> int:
    """Parse flags, start, print the endpoints, wait for a signal, stop."""
    settings = CliApp.run(IotCoreSettings, cli_args=sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    began = time.monotonic()
    core = LocalIotCore(
        settings.state_dir,
        host=settings.host,
        mqtt_tls_port=settings.mqtt_port,
        rest_port=settings.rest_port,
        persist_shadows=settings.persist_shadows,
    )
    try:
        with core:
            ready = _ready_document(core, settings.thing, began)
            print(f"MQTT (mutual TLS): {core.host}:{core.mqtt_tls_port}  CA: {ready['ca_file']}")
            print(f"iot-data REST:     {core.rest_endpoint}  (boto3 endpoint_url)")
            print("ready " + json.dumps(ready), flush=True)
            stop.wait()
    except (BrokerError, InvalidName) as error:
        # Expected setup problems get one line, not a traceback.
        print(f"local IoT Core: {error}", file=sys.stderr)
        return 1
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
