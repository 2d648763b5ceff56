"""Small pure pieces: wire models, paging, vocabulary, settings, secrets, logs, Retry-After."""

from __future__ import annotations

import io
import json
import logging
from decimal import Decimal

import httpx2
import pytest
from mcp_runtime.api.client import _retry_after_seconds
from mcp_runtime.api.models import Contact, Invoice, Page
from mcp_runtime.logs import TOOL_CALL_EVENT, configure_logging
from mcp_runtime.settings import CredentialsMode, RuntimeSettings
from mcp_runtime.token_store import token_from_secret_string
from mcp_runtime.vocabulary import INVOICE_STATUS, code_for, word
from pydantic import ValidationError


def test_string_typed_wire_values_become_numbers() -> None:
    invoice = Invoice.model_validate(
        {
            "id": "12",
            "objectName": "Invoice",
            "status": "750",
            "sumGross": "119.00",
            "sumNet": "",
            "contact": {"id": "5", "objectName": "Contact"},
            "invoiceDate": "2025-03-01T00:00:00+01:00",
            "unknownField": "ignored",
        }
    )
    assert invoice.id == 12
    assert invoice.status == 750
    assert invoice.sum_gross == Decimal("119.00")
    assert invoice.sum_net is None
    assert invoice.contact is not None
    assert invoice.contact.id == 5


def test_non_numeric_id_is_refused() -> None:
    with pytest.raises(ValidationError):
        Contact.model_validate({"id": "abc"})


@pytest.mark.parametrize(
    ("offset", "count", "limit", "total", "expected"),
    [(0, 10, 10, 25, 10), (20, 5, 10, 25, None), (0, 10, 10, None, 10), (0, 3, 10, None, None)],
)
def test_next_offset(
    offset: int, count: int, limit: int, total: int | None, expected: int | None
) -> None:
    page = Page[Contact](
        items=[Contact(id=i + 1) for i in range(count)], offset=offset, limit=limit, total=total
    )
    assert page.next_offset == expected


def test_status_words_both_ways() -> None:
    assert word(INVOICE_STATUS, 100) == "draft"
    assert word(INVOICE_STATUS, 1) == "status 1"
    assert word(INVOICE_STATUS, None) == "unknown"
    assert code_for(INVOICE_STATUS, "partially_paid") == 750


def test_retry_after_seconds_and_http_date() -> None:
    def response(**headers: str) -> httpx2.Response:
        return httpx2.Response(429, headers=headers)

    assert _retry_after_seconds(response(**{"Retry-After": "3"})) == 3.0
    assert _retry_after_seconds(response()) is None
    dated = response(
        **{"Retry-After": "Wed, 21 Oct 2026 07:28:02 GMT", "Date": "Wed, 21 Oct 2026 07:28:00 GMT"}
    )
    assert _retry_after_seconds(dated) == 2.0
    assert _retry_after_seconds(response(**{"Retry-After": "soon"})) is None


def test_secret_string_shapes() -> None:
    assert token_from_secret_string('{"api_token": " t0k "}') == "t0k"
    assert token_from_secret_string("rawtoken\n") == "rawtoken"
    assert token_from_secret_string('{"other": 1}') is None
    assert token_from_secret_string("{not json") is None


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MCP_RUNTIME_CREDENTIALS_MODE", "per_user")
    monkeypatch.setenv("MCP_RUNTIME_COGNITO_ISSUER", "https://issuer.example/pool")
    monkeypatch.setenv("MCP_RUNTIME_ALLOWED_CLIENT_IDS", "a, b,")
    monkeypatch.setenv("MCP_RUNTIME_GATEWAY_CLIENT_IDS", "gw")
    settings = RuntimeSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.credentials_mode is CredentialsMode.PER_USER
    assert settings.allowed_client_ids == ("a", "b")
    assert settings.gateway_client_ids == ("gw",)
    assert settings.jwks_uri == "https://issuer.example/pool/.well-known/jwks.json"


def test_per_user_mode_needs_issuer_and_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MCP_RUNTIME_CREDENTIALS_MODE", "per_user")
    with pytest.raises(ValidationError, match="COGNITO_ISSUER"):
        RuntimeSettings(_env_file=None)  # type: ignore[call-arg]


def test_a_gateway_client_cannot_also_be_an_interactive_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Such a client could forward any identity it likes and have it count as a user.
    monkeypatch.setenv("MCP_RUNTIME_CREDENTIALS_MODE", "per_user")
    monkeypatch.setenv("MCP_RUNTIME_COGNITO_ISSUER", "https://issuer.example/pool")
    monkeypatch.setenv("MCP_RUNTIME_ALLOWED_CLIENT_IDS", "a,gw")
    monkeypatch.setenv("MCP_RUNTIME_GATEWAY_CLIENT_IDS", "gw")
    with pytest.raises(ValidationError, match="GATEWAY_CLIENT_IDS"):
        RuntimeSettings(_env_file=None)  # type: ignore[call-arg]


def test_static_token_is_not_printed() -> None:
    settings = RuntimeSettings(_env_file=None, static_token="s3cr3t")  # type: ignore[call-arg]
    assert "s3cr3t" not in repr(settings)


def test_logs_are_one_json_object_per_line() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("INFO", stream=stream)
        logging.getLogger("mcp_runtime.toolcall").info(
            TOOL_CALL_EVENT,
            extra={"event": TOOL_CALL_EVENT, "tool": "get_contact", "latency_ms": 1.5},
        )
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
    line = json.loads(stream.getvalue().strip())
    assert line["event"] == "mcp_tool_call"
    assert line["tool"] == "get_contact"
    assert line["level"] == "INFO"
    assert "time" in line
