"""The shadow service's own MQTT connection (paho-mqtt, MQTT 5, mutual TLS).

It connects with the service certificate, whose identity has its own ACL block (every thing's
shadow and presence topics). paho runs the network loop in its own thread, reconnects on its own
after a broker restart, and :meth:`ServiceLink._on_connect` subscribes again each time (the
service uses a clean session, so nothing is left over from the previous connection).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions

log = logging.getLogger(__name__)

MessageHandler = Callable[[str, bytes], None]


@dataclass(frozen=True)
class PublishProperties:
    """The MQTT 5 properties the iot-data ``Publish`` call can set."""

    content_type: str | None = None
    response_topic: str | None = None
    correlation_data: bytes | None = None
    message_expiry: int | None = None
    payload_format_utf8: bool | None = None
    user_properties: list[tuple[str, str]] = field(default_factory=list)

    def to_paho(self) -> Properties | None:
        """paho's PUBLISH properties, or ``None`` when none is set."""
        props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]  # paho's own gap
        used = False
        if self.content_type is not None:
            props.ContentType, used = self.content_type, True
        if self.response_topic is not None:
            props.ResponseTopic, used = self.response_topic, True
        if self.correlation_data is not None:
            props.CorrelationData, used = self.correlation_data, True
        if self.message_expiry is not None:
            props.MessageExpiryInterval, used = self.message_expiry, True
        if self.payload_format_utf8 is not None:
            props.PayloadFormatIndicator, used = int(self.payload_format_utf8), True
        if self.user_properties:
            props.UserProperty, used = self.user_properties, True
        return props if used else None


@dataclass(frozen=True)
class LinkSettings:
    """Where and as whom the service connects."""

    host: str
    port: int
    ca_file: Path
    cert_file: Path
    key_file: Path
    client_id: str
    subscriptions: Sequence[str]


class LinkError(RuntimeError):
    """The link could not connect and subscribe in time."""


class ServiceLink:
    """A connected, subscribed MQTT client that hands every message to ``on_message``."""

    def __init__(self, settings: LinkSettings, on_message: MessageHandler) -> None:
        self._settings = settings
        self._on_message_cb = on_message
        self._ready = threading.Event()
        self._subscribe_mid: int | None = None
        self._stopping = False
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=settings.client_id,
            protocol=mqtt.MQTTv5,
        )
        client.tls_set(
            ca_certs=str(settings.ca_file),
            certfile=str(settings.cert_file),
            keyfile=str(settings.key_file),
            cert_reqs=ssl.CERT_REQUIRED,
        )
        # After a broker restart, retry every second: fast enough for tests and `make dev`.
        client.reconnect_delay_set(min_delay=1, max_delay=1)
        client.on_connect = self._on_connect
        client.on_subscribe = self._on_subscribe
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        self._client = client

    @property
    def ready(self) -> bool:
        """True while connected and subscribed."""
        return self._ready.is_set()

    def start(self, timeout: float = 5.0) -> None:
        """Connect, subscribe and return once the broker has acknowledged the subscriptions."""
        self._client.connect_async(self._settings.host, self._settings.port, keepalive=30)
        self._client.loop_start()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        """Block until connected and subscribed (e.g. after a broker restart)."""
        if not self._ready.wait(timeout):
            raise LinkError(
                f"service link not ready within {timeout}s "
                f"({self._settings.host}:{self._settings.port})"
            )

    def stop(self) -> None:
        """Disconnect and stop paho's network thread."""
        self._stopping = True
        self._client.disconnect()
        self._client.loop_stop()
        self._ready.clear()

    def publish(
        self,
        topic: str,
        payload: bytes,
        qos: int = 1,
        retain: bool = False,
        properties: PublishProperties | None = None,
    ) -> None:
        """Queue a message (paho sends it from its thread; QoS 1 is retried after a reconnect)."""
        info = self._client.publish(
            topic,
            payload,
            qos=qos,
            retain=retain,
            properties=properties.to_paho() if properties else None,
        )
        if info.rc not in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN):
            log.warning("publish to %s failed: %s", topic, mqtt.error_string(info.rc))

    # --- paho callbacks (run in paho's thread) ------------------------------------------------

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason_code.is_failure:
            log.warning("service link refused: %s", reason_code)
            return
        options = SubscribeOptions(qos=1)
        _, mid = client.subscribe([(topic, options) for topic in self._settings.subscriptions])
        self._subscribe_mid = mid

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reason_codes: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        failed = [str(code) for code in reason_codes if code.is_failure]
        if failed:
            log.error("service link: subscriptions refused: %s", failed)
            return
        if mid == self._subscribe_mid:
            self._ready.set()

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._ready.clear()
        if not self._stopping:
            log.warning("service link lost (%s); paho reconnects", reason_code)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            self._on_message_cb(message.topic, message.payload)
        except Exception:
            # One bad message must not kill paho's thread and with it the whole service.
            log.exception("handling %s failed", message.topic)
