"""``LocalIotCore``: mosquitto + the Device Shadow service + the iot-data REST API, as one object.

Layout under ``state_dir``::

    pki/      ca.pem, ca.key, the broker's server certificate
    certs/    client certificates (things, and the shadow service's own)
    broker/   mosquitto.conf, acl, persistence, mosquitto.log
    shadows.json

Start order is CA → broker → the service's MQTT link → REST; whatever started is stopped again
when a later step fails, so a failed start leaves no process behind.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from types import TracebackType

from smarthome_contract import naming

from devstack.iot_core import presence
from devstack.iot_core.acl import SERVICE_IDENTITY
from devstack.iot_core.broker import Broker, BrokerFiles, free_port
from devstack.iot_core.mqtt_link import LinkSettings, ServiceLink
from devstack.iot_core.pki import LocalCA
from devstack.iot_core.rest import RestServer, create_app
from devstack.iot_core.service import ShadowService
from devstack.iot_core.store import ShadowStore
from devstack.iot_core.topics import request_filters

log = logging.getLogger(__name__)

_START_TIMEOUT_S = 5.0


class LocalIotCore:
    """A local stand-in for AWS IoT Core's broker, Device Shadow service and iot-data API."""

    def __init__(
        self,
        state_dir: Path,
        *,
        host: str = "127.0.0.1",
        mqtt_tls_port: int = 0,
        rest_port: int = 0,
        persist_shadows: bool = True,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.host = host
        self.mqtt_tls_port = mqtt_tls_port
        self._rest_port = rest_port
        self.ca_file = self.state_dir / "pki" / "ca.pem"
        self.certs_dir = self.state_dir / "certs"
        self._persist = persist_shadows
        self._ca: LocalCA | None = None
        self._broker: Broker | None = None
        self._link: ServiceLink | None = None
        self._rest: RestServer | None = None
        self.shadows = ShadowService(ShadowStore())

    # --- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> LocalIotCore:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def rest_endpoint(self) -> str:
        """``http://127.0.0.1:<port>``: pass as ``boto3.client("iot-data", endpoint_url=...)``."""
        if self._rest is None:
            raise RuntimeError("LocalIotCore is not started")
        return self._rest.endpoint

    def start(self) -> None:
        """Start broker, shadow service and REST API; returns when all three answer."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        began = time.monotonic()
        ca = LocalCA(self.ca_file.parent)
        self._ca = ca
        server = ca.issue("localhost", self.ca_file.parent, server=True)
        if self.mqtt_tls_port == 0:
            self.mqtt_tls_port = free_port(self.host)
        self._broker = Broker(
            self.host,
            self.mqtt_tls_port,
            BrokerFiles(self.ca_file, server.cert, server.key),
            self.state_dir / "broker",
        )
        self._broker.start(_START_TIMEOUT_S)

        store = ShadowStore(self.state_dir / "shadows.json" if self._persist else None)
        self.shadows = ShadowService(store)
        rule = presence.PresenceRule(self.shadows, time.time)
        identity = ca.issue(SERVICE_IDENTITY, self.certs_dir)

        def on_message(topic: str, payload: bytes) -> None:
            if rule.matches(topic):
                rule.handle(topic, payload)
            else:
                self.shadows.handle_mqtt(topic, payload)

        self._link = ServiceLink(
            LinkSettings(
                host=self.host,
                port=self.mqtt_tls_port,
                ca_file=self.ca_file,
                cert_file=identity.cert,
                key_file=identity.key,
                client_id=SERVICE_IDENTITY,
                subscriptions=[*request_filters(), presence.topic_filter()],
            ),
            on_message,
        )
        self.shadows.attach(self._link)
        self._link.start(_START_TIMEOUT_S)

        self._rest = RestServer(
            create_app(self.shadows, self._link, time.time), self.host, self._rest_port
        )
        self._rest.start(_START_TIMEOUT_S)
        log.info(
            "local IoT Core up in %.2fs: mqtts://%s:%d, %s",
            time.monotonic() - began,
            self.host,
            self.mqtt_tls_port,
            self._rest.endpoint,
        )

    def stop(self) -> None:
        """Stop REST, the service's link and mosquitto (each only if it started)."""
        rest, self._rest = self._rest, None
        link, self._link = self._link, None
        broker, self._broker = self._broker, None
        if rest is not None:
            rest.stop()
        if link is not None:
            link.stop()
        if broker is not None:
            broker.stop()

    # --- broker faults ------------------------------------------------------------------------

    def stop_broker(self) -> None:
        """Stop mosquitto only (clients lose their connection; REST keeps answering).

        A clean stop: mosquitto sends the last wills of its clients on the way down.
        """
        self._require_broker().stop()

    def kill_broker(self) -> None:
        """Kill mosquitto (SIGKILL): as a crash or a cut line, no last will reaches anyone."""
        self._require_broker().kill()

    def start_broker(self) -> None:
        """Start mosquitto again on the same port; returns once the shadow service is back."""
        self._require_broker().start(_START_TIMEOUT_S)
        if self._link is not None:
            # paho retries once a second; allow a few attempts.
            self._link.wait_ready(_START_TIMEOUT_S)

    def restart_broker(self) -> None:
        """Stop and start mosquitto on the same port (for fault tests: clients must reconnect)."""
        self.stop_broker()
        self.start_broker()

    def _require_broker(self) -> Broker:
        if self._broker is None:
            raise RuntimeError("LocalIotCore is not started")
        return self._broker

    # --- certificates -------------------------------------------------------------------------

    def _require_ca(self) -> LocalCA:
        if self._ca is None:
            self._ca = LocalCA(self.ca_file.parent)
        return self._ca

    def issue_thing_certificate(self, thing_name: str) -> tuple[Path, Path]:
        """A new key and certificate for ``thing_name`` (CN = thing name): ``(cert, key)``."""
        issued = self._require_ca().issue(naming.check_thing_name(thing_name), self.certs_dir)
        return issued.cert, issued.key

    def sign_csr(self, thing_name: str, csr_pem: bytes) -> bytes:
        """A certificate (PEM) for the CSR's key; the private key never leaves the caller."""
        return self._require_ca().sign_csr(naming.check_thing_name(thing_name), csr_pem)
