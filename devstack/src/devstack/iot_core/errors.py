"""Device Shadow errors in AWS IoT's shapes: an HTTP status, the botocore error name, a message.

The messages are the ones listed in the devguide's "Device Shadow error messages" page, so a client
that matches on them behaves the same locally and in AWS.
"""

from __future__ import annotations

from typing import Any

# status -> the exception name botocore maps to a modelled iot-data error
_ERROR_NAMES = {
    400: "InvalidRequestException",
    401: "UnauthorizedException",
    404: "ResourceNotFoundException",
    405: "MethodNotAllowedException",
    409: "ConflictException",
    413: "RequestEntityTooLargeException",
    415: "UnsupportedDocumentEncodingException",
    500: "InternalFailureException",
}


class ShadowError(Exception):
    """A request the Device Shadow service rejects."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message

    @property
    def error_name(self) -> str:
        """The ``x-amzn-ErrorType`` botocore turns into e.g. ``ConflictException``."""
        return _ERROR_NAMES.get(self.code, "InternalFailureException")

    def document(self, timestamp: int, client_token: str | None = None) -> dict[str, Any]:
        """The error response document (the ``/rejected`` payload and the REST error body)."""
        doc: dict[str, Any] = {"code": self.code, "message": self.message, "timestamp": timestamp}
        if client_token is not None:
            doc["clientToken"] = client_token
        return doc


def invalid(message: str) -> ShadowError:
    """400 with one of the devguide's messages."""
    return ShadowError(400, message)


def not_found(shadow_label: str) -> ShadowError:
    """404 for a shadow that does not exist (or was deleted)."""
    return ShadowError(404, f"No shadow exists with name: '{shadow_label}'")


def version_conflict() -> ShadowError:
    """409: the request's ``version`` is not the shadow's current version."""
    return ShadowError(409, "Version conflict")


def too_large() -> ShadowError:
    """413: the request, or the state it would leave, is over the size limit."""
    return ShadowError(413, "The payload exceeds the maximum size allowed")


def not_utf8() -> ShadowError:
    """415: the payload is not UTF-8."""
    return ShadowError(415, "Unsupported documented encoding; supported encoding is UTF-8")
