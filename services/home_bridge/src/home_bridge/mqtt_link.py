"""The bridge's one outbound MQTT 5 connection to IoT Core, and the shadow port over it.

* Mutual TLS, client id = thing name, persistent session (``REJOIN_ALWAYS`` + session expiry) so
  QoS 1 deltas sent while the bridge was away are delivered when it is back.
* Reconnects are the SDK's: capped exponential backoff with full jitter.
* The last will is the presence rule's "disconnected" message.
* Shadow traffic goes through the SDK's ``IotShadowClientV2`` (typed requests, delta streams).

CRT callbacks run on CRT threads; everything is handed to the asyncio loop with
``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import awsiot  # type: ignore[import-untyped]
from awscrt import mqtt5, mqtt_request_response  # type: ignore[import-untyped]
from awsiot import iotshadow, mqtt5_client_builder
from smarthome_contract import naming

from home_bridge.bridge import Connected, Delta, Event, ShadowConflict, ShadowSnapshot
from home_bridge.settings import BridgeSettings

log = logging.getLogger(__name__)

NOT_FOUND = 404
CONFLICT = 409
# Each shadow operation holds two subscriptions (accepted, rejected) while it runs; IoT Core
# allows 50 per connection.
_SUBSCRIPTIONS_PER_DEVICE = 4
_MAX_REQUEST_SUBSCRIPTIONS = 40


class MqttLink:
    """Owns the MQTT 5 client and the shadow client; emits :class:`Connected`/:class:`Delta`."""

    def __init__(
        self,
        settings: BridgeSettings,
        device_ids: list[str],
        emit: Callable[[Event], None],
    ) -> None:
        self._settings = settings
        self._device_ids = device_ids
        self._emit = emit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Any = None
        self._shadow: Any = None
        self._streams: list[Any] = []
        self._stopped: asyncio.Future[None] | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        """Connect (in the background; :class:`Connected` is emitted on every success)."""
        self._loop = asyncio.get_running_loop()
        self._stopped = self._loop.create_future()
        s = self._settings
        will = mqtt5.PublishPacket(
            topic=naming.presence_topic(s.thing_name),
            payload=json.dumps(naming.rules().presence.last_will_payload).encode(),
            qos=mqtt5.QoS.AT_LEAST_ONCE,
        )
        tls_files: dict[str, str] = {
            "cert_filepath": str(s.cert_file),
            "pri_key_filepath": str(s.key_file),
        }
        if s.ca_file is not None:
            tls_files["ca_filepath"] = str(s.ca_file)
        self._client = mqtt5_client_builder.mtls_from_path(
            endpoint=s.endpoint,
            port=s.port,
            client_id=naming.client_id(s.thing_name),
            session_expiry_interval_sec=s.session_expiry_seconds,
            session_behavior=mqtt5.ClientSessionBehaviorType.REJOIN_ALWAYS,
            will=will,
            keep_alive_interval_sec=s.keep_alive_seconds,
            retry_jitter_mode=mqtt5.ExponentialBackoffJitterMode.FULL,
            min_reconnect_delay_ms=int(s.min_reconnect_seconds * 1000),
            max_reconnect_delay_ms=int(s.max_reconnect_seconds * 1000),
            enable_metrics_collection=False,
            on_lifecycle_connection_success=self._on_connected,
            on_lifecycle_connection_failure=self._on_connection_failure,
            on_lifecycle_disconnection=self._on_disconnected,
            on_lifecycle_stopped=self._on_stopped,
            **tls_files,
        )
        self._client.start()
        self._shadow = iotshadow.IotShadowClientV2(
            self._client,
            mqtt_request_response.ClientOptions(
                max_request_response_subscriptions=min(
                    _MAX_REQUEST_SUBSCRIPTIONS,
                    _SUBSCRIPTIONS_PER_DEVICE * max(1, len(self._device_ids)),
                ),
                max_streaming_subscriptions=max(1, len(self._device_ids)),
                operation_timeout_in_seconds=s.operation_timeout_seconds,
            ),
        )
        for device_id in self._device_ids:
            stream = self._shadow.create_named_shadow_delta_updated_stream(
                iotshadow.NamedShadowDeltaUpdatedSubscriptionRequest(
                    thing_name=s.thing_name, shadow_name=device_id
                ),
                awsiot.ServiceStreamOptions(self._delta_listener(device_id)),
            )
            stream.open()
            self._streams.append(stream)

    async def stop(self) -> None:
        """Disconnect cleanly (no last will) and wait until the client has stopped."""
        if self._client is None or self._stopped is None:
            return
        # Streams and the request-response client are native resources released with their last
        # reference; they have no close of their own.
        self._streams.clear()
        self._shadow = None
        self._client.stop()
        await self._stopped
        self._client = None

    def port(self) -> MqttShadowPort:
        """The shadow port over this link (valid between :meth:`start` and :meth:`stop`)."""
        return MqttShadowPort(self._settings.thing_name, self)

    async def get_named_shadow(self, shadow: str) -> Any:
        request = iotshadow.GetNamedShadowRequest(
            thing_name=self._settings.thing_name, shadow_name=shadow
        )
        return await _settled(self._shadow.get_named_shadow(request))

    async def update_named_shadow(self, shadow: str, state: Any, version: int | None) -> Any:
        request = iotshadow.UpdateNamedShadowRequest(
            thing_name=self._settings.thing_name, shadow_name=shadow, state=state, version=version
        )
        return await _settled(self._shadow.update_named_shadow(request))

    async def publish(self, topic: str, payload: bytes) -> None:
        packet = mqtt5.PublishPacket(topic=topic, payload=payload, qos=mqtt5.QoS.AT_LEAST_ONCE)
        await _settled(self._client.publish(packet))

    # --- CRT thread callbacks ----------------------------------------------------------------

    def _call(self, func: Callable[..., None], *args: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(func, *args)

    def _on_connected(self, data: Any) -> None:
        connack = getattr(data, "connack_packet", None)
        log.info(
            "connected to %s:%s (session present: %s)",
            self._settings.endpoint,
            self._settings.port,
            getattr(connack, "session_present", None),
        )
        self._call(self.connected.set)
        self._call(self._emit, Connected())

    def _on_connection_failure(self, data: Any) -> None:
        log.warning("connection attempt failed: %s", getattr(data, "exception", data))

    def _on_disconnected(self, data: Any) -> None:
        log.warning("disconnected: %s", getattr(data, "exception", data))
        self._call(self.connected.clear)

    def _on_stopped(self, data: Any) -> None:
        self._call(self._resolve_stopped)

    def _resolve_stopped(self) -> None:
        if self._stopped is not None and not self._stopped.done():
            self._stopped.set_result(None)

    def _delta_listener(self, device_id: str) -> Callable[[Any], None]:
        def listener(event: Any) -> None:
            # Only the version matters: a delta is a wake-up, the bridge reads the shadow itself.
            self._call(self._emit, Delta(device_id, event.version))

        return listener


def _error_code(exc: Any) -> int | None:
    """The shadow service's error code (404, 409 ...) of a failed request, if it sent one."""
    code = getattr(exc.modeled_error, "code", None)
    return int(code) if code is not None else None


async def _settled(future: Any) -> Any:
    """Await an SDK future without cancelling it: the SDK completes it later from its own
    thread and fails loudly on a future someone else cancelled."""
    return await asyncio.shield(asyncio.wrap_future(future))


class MqttShadowPort:
    """:class:`home_bridge.bridge.ShadowPort` over an :class:`MqttLink`."""

    def __init__(self, thing: str, link: MqttLink) -> None:
        self._thing = thing
        self._link = link

    async def get(self, shadow: str) -> ShadowSnapshot | None:
        try:
            response = await self._link.get_named_shadow(shadow)
        except awsiot.V2ServiceException as exc:
            if _error_code(exc) == NOT_FOUND:
                return None
            raise
        state = response.state
        return ShadowSnapshot(
            version=int(response.version),
            desired=dict(state.desired or {}) if state is not None else {},
            reported=dict(state.reported or {}) if state is not None else {},
        )

    async def update(
        self,
        shadow: str,
        *,
        reported: dict[str, Any],
        desired: dict[str, Any] | None = None,
        version: int | None = None,
    ) -> int:
        try:
            response = await self._link.update_named_shadow(
                shadow, iotshadow.ShadowState(reported=reported, desired=desired), version
            )
        except awsiot.V2ServiceException as exc:
            if _error_code(exc) == CONFLICT:
                raise ShadowConflict(f"{shadow} is past version {version}") from exc
            raise
        return int(response.version)

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        await self._link.publish(topic, json.dumps(payload).encode())
