"""Small pure pieces: wire models, paging, vocabulary, settings, secrets, logs, Retry-After."""

from __future__ import annotations

import io
import json
import logging
import time
from decimal import Decimal
from typing import Any

import httpx2
import pytest
from mcp_runtime.api.client import AccountingClient, _retry_after_seconds, build_http_client
from mcp_runtime.api.models import CheckAccount, Contact, Invoice, Page
from mcp_runtime.credentials import bearer_token
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


def test_bearer_token_parsing() -> None:
    assert bearer_token({"authorization": "Bearer abc.def.ghi"}) == "abc.def.ghi"
    assert bearer_token({"authorization": "bearer x"}) == "x"
    assert bearer_token({"authorization": "Basic x"}) is None
    assert bearer_token({}) is None


def test_secret_string_shapes() -> None:
    assert token_from_secret_string('{"api_token": " t0k "}') == "t0k"
    assert token_from_secret_string("rawtoken\n") == "rawtoken"
    assert token_from_secret_string('{"other": 1}') is None
    assert token_from_secret_string("{not json") is None


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MCP_RUNTIME_CREDENTIALS_MODE", "per_user")
    monkeypatch.setenv("MCP_RUNTIME_COGNITO_ISSUER", "https://issuer.example/pool")
    monkeypatch.setenv("MCP_RUNTIME_ALLOWED_CLIENT_IDS", "a, b,")
    settings = RuntimeSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.credentials_mode is CredentialsMode.PER_USER
    assert settings.allowed_client_ids == ("a", "b")
    assert settings.jwks_uri == "https://issuer.example/pool/.well-known/jwks.json"


def test_per_user_mode_needs_issuer_and_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MCP_RUNTIME_CREDENTIALS_MODE", "per_user")
    with pytest.raises(ValidationError, match="COGNITO_ISSUER"):
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


async def test_pacing_is_per_token(make_settings: Any, sandbox_url: str, api_token: str) -> None:
    settings = make_settings(sandbox_url, requests_per_second=4)
    async with build_http_client(settings) as http:
        client = AccountingClient(http, settings)
        assert client._pacer(api_token) is client._pacer(api_token)
        assert client._pacer(api_token) is not client._pacer("another-token")
        started = time.monotonic()
        for _ in range(8):
            await client.fetch_page(api_token, "CheckAccount", CheckAccount, limit=1, offset=0)
    # 4 per second with a burst of 4: the last 4 of 8 calls had to wait for the bucket to drain.
    assert time.monotonic() - started >= 0.9
