"""The ``iot-data`` REST API boto3 calls, over the shadow service and the service's MQTT link.

Paths and parameters are botocore's service model (``iot-data`` 2015-05-28). Errors carry the
``x-amzn-ErrorType`` header botocore maps to its modelled exceptions (``ConflictException``,
``RequestEntityTooLargeException`` ...) and AWS's error document as the body. Requests may be
SigV4-signed (boto3 always signs) but the signature is not checked: this is a local stand-in.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import uvicorn
from smarthome_contract import naming
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from devstack.iot_core.errors import ShadowError, invalid
from devstack.iot_core.mqtt_link import PublishProperties
from devstack.iot_core.service import ShadowService
from devstack.iot_core.topics import ShadowAddress
from devstack.tcp import tcp_listen_socket

Handler = Callable[[Request], Awaitable[Response]]


class TopicPublisher(Protocol):
    """What ``Publish`` needs: the service's MQTT link."""

    def publish(
        self,
        topic: str,
        payload: bytes,
        qos: int = 1,
        retain: bool = False,
        properties: PublishProperties | None = None,
    ) -> None:
        """Publish one message."""


def _error_response(error: ShadowError, timestamp: int) -> Response:
    return JSONResponse(
        error.document(timestamp),
        status_code=error.code,
        headers={"x-amzn-ErrorType": error.error_name},
    )


def _address(request: Request) -> ShadowAddress:
    thing = request.path_params["thing"]
    if not naming.is_valid_thing_name(thing):
        raise invalid(f"Invalid thing name: {thing}")
    shadow = request.query_params.get("name")
    if shadow is not None and not naming.is_valid_device_id(shadow):
        raise invalid(f"Invalid shadow name: {shadow}")
    return ShadowAddress(thing, shadow)


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise invalid(f"Invalid {name}: {raw}") from None


def _b64_header(request: Request, name: str) -> bytes | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    try:
        return base64.b64decode(raw, validate=True)
    except binascii.Error:
        raise invalid(f"{name} must be base64") from None


def _publish_properties(request: Request) -> PublishProperties:
    user_properties: list[tuple[str, str]] = []
    encoded = _b64_header(request, "x-amz-mqtt5-user-properties")
    if encoded is not None:
        try:
            pairs = json.loads(encoded)
            user_properties = [(str(k), str(v)) for pair in pairs for k, v in pair.items()]
        except (ValueError, AttributeError, TypeError):
            raise invalid("userProperties must be a JSON array of objects") from None
    indicator = request.headers.get("x-amz-mqtt5-payload-format-indicator")
    return PublishProperties(
        content_type=request.query_params.get("contentType"),
        response_topic=request.query_params.get("responseTopic"),
        correlation_data=_b64_header(request, "x-amz-mqtt5-correlation-data"),
        message_expiry=_int_param(request, "messageExpiry"),
        payload_format_utf8=None if indicator is None else indicator == "UTF8_DATA",
        user_properties=user_properties,
    )


def create_app(
    shadows: ShadowService, publisher: TopicPublisher, clock: Callable[[], float]
) -> Starlette:
    """The REST app; ``clock`` stamps error documents."""

    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except ShadowError as error:
                return _error_response(error, int(clock()))

        return run

    async def shadow(request: Request) -> Response:
        address = _address(request)
        if request.method == "GET":
            body = shadows.get(address)
        elif request.method == "POST":
            body = shadows.update(address, await request.body())
        else:
            body = shadows.delete(address)
        return JSONResponse(body)

    async def list_named(request: Request) -> Response:
        thing = request.path_params["thing"]
        if not naming.is_valid_thing_name(thing):
            raise invalid(f"Invalid thing name: {thing}")
        return JSONResponse(
            shadows.list_named(
                thing, _int_param(request, "pageSize"), request.query_params.get("nextToken")
            )
        )

    async def publish(request: Request) -> Response:
        topic = request.path_params["topic"]
        qos = _int_param(request, "qos") or 0
        if qos not in (0, 1):
            raise invalid("qos must be 0 or 1")
        retain = request.query_params.get("retain", "false").lower() == "true"
        properties = _publish_properties(request)
        publisher.publish(
            topic, await request.body(), qos=qos, retain=retain, properties=properties
        )
        return JSONResponse({"message": "OK"})

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = {404: "Not Found", 405: "Method Not Allowed"}.get(status, "Internal failure")
        return _error_response(ShadowError(status, message), int(clock()))

    return Starlette(
        routes=[
            Route("/things/{thing}/shadow", guarded(shadow), methods=["GET", "POST", "DELETE"]),
            Route(
                "/api/things/shadow/ListNamedShadowsForThing/{thing}",
                guarded(list_named),
                methods=["GET"],
            ),
            # botocore percent-encodes the '/' of a topic; the server decodes it, hence :path.
            Route("/topics/{topic:path}", guarded(publish), methods=["POST"]),
        ],
        exception_handlers={HTTPException: http_error},
    )


class RestServer:
    """uvicorn serving the app from its own thread, on a socket bound before start returns."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        # Replies must not wait for a delayed ACK on kept-alive connections (devstack.tcp).
        self._socket = tcp_listen_socket(host, port)
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def endpoint(self) -> str:
        """``http://host:port`` for boto3's ``endpoint_url``."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 5.0) -> None:
        """Serve, and return once uvicorn says it has started."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        # uvicorn exposes a flag, not an event: poll it against a deadline.
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("REST server thread exited at start")
            if time.monotonic() > deadline:
                raise RuntimeError(f"REST server did not start within {timeout}s")
            time.sleep(0.005)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask uvicorn to exit and wait for its thread."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._socket.close()
