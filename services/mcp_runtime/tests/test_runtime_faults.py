"""API failures become answers: the sandbox injects each fault, the real client meets it."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import pytest
from fastmcp import Client
from mcp_runtime.logs import TOOL_CALL_LOGGER
from mcp_runtime.server import create_server


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


@pytest.fixture
def call(make_settings: Any) -> Any:
    """``await call(api_url, tool, args, **settings)``: one call through an in-memory client."""

    async def run(api_url: str, tool: str, args: dict[str, Any], **settings: Any) -> Any:
        server = create_server(make_settings(api_url, **settings))
        async with Client(server) as client:
            return await client.call_tool(tool, args, raise_on_error=False)

    return run


def _assert_clean(result: Any, token: str) -> None:
    text = _text(result)
    assert token not in text
    assert "Traceback" not in text
    assert "httpx" not in text.lower()


async def test_401_says_credentials_were_rejected(
    call: Any, sandbox_url: str, faults: Any, api_token: str
) -> None:
    faults.add("Contact", status=401)
    result = await call(sandbox_url, "list_contacts", {})
    assert result.is_error
    assert "rejected your credentials" in _text(result)
    _assert_clean(result, api_token)


async def test_wrong_token_is_rejected_by_the_api(call: Any, sandbox_url: str) -> None:
    result = await call(sandbox_url, "list_invoices", {}, static_token="not-the-token")
    assert result.is_error
    assert "rejected your credentials" in _text(result)
    assert "not-the-token" not in _text(result)


async def test_404_names_the_missing_contact(call: Any, sandbox_url: str, faults: Any) -> None:
    faults.add("Contact/7", status=404)
    result = await call(sandbox_url, "get_contact", {"contact_id": 7})
    assert result.is_error
    assert _text(result) == "No contact with id 7 exists."


async def test_422_passes_the_api_validation_message(
    call: Any, sandbox_url: str, faults: Any
) -> None:
    body = json.dumps({"error": {"message": "customerNumber 10001 is already taken"}})
    faults.add("Contact", method="POST", status=422, body=body)
    result = await call(
        sandbox_url, "create_contact", {"category": "customer", "organisation_name": "Dup GmbH"}
    )
    assert result.is_error
    assert "customerNumber 10001 is already taken" in _text(result)


async def test_429_then_200_is_retried_after_retry_after(
    call: Any, sandbox_url: str, faults: Any
) -> None:
    faults.add("Invoice", status=429, headers={"Retry-After": "1"}, times=1)
    started = time.monotonic()
    result = await call(sandbox_url, "list_invoices", {"limit": 5})
    assert not result.is_error, _text(result)
    assert len(result.structured_content["items"]) == 5
    # Retry-After: 1 was honoured (the backoff alone would have waited far less).
    assert time.monotonic() - started >= 0.9


async def test_503_retries_are_bounded(call: Any, sandbox_url: str, faults: Any) -> None:
    faults.add("Voucher", status=503, headers={"Retry-After": "0"}, times=3)
    result = await call(sandbox_url, "list_vouchers", {}, max_retries=2)
    assert result.is_error
    assert "unavailable" in _text(result)
    # Three attempts used the three queued faults: the next call gets through.
    assert not (await call(sandbox_url, "list_vouchers", {})).is_error


async def test_500_is_unavailable_and_not_retried(call: Any, sandbox_url: str, faults: Any) -> None:
    faults.add("CheckAccount", status=500, times=1)
    result = await call(sandbox_url, "list_check_accounts", {})
    assert result.is_error
    assert _text(result) == "The accounting API is unavailable right now; try again in a minute."


async def test_write_is_never_replayed(call: Any, sandbox_url: str, faults: Any) -> None:
    faults.add("Contact", method="POST", status=503, times=2)
    result = await call(
        sandbox_url, "create_contact", {"category": "partner", "organisation_name": "Once Only AG"}
    )
    assert result.is_error
    assert "unavailable" in _text(result)
    # Settled by its customer number: the API finished with an error and nothing has it.
    assert "was not created" in _text(result)
    assert [f["remaining"] for f in faults.pending()] == [1]  # one POST, not retried
    listing = await call(sandbox_url, "list_contacts", {"name": "Once Only", "limit": 100})
    assert listing.structured_content["items"] == []


async def test_slow_answer_past_the_read_timeout(call: Any, sandbox_url: str, faults: Any) -> None:
    faults.add("CheckAccountTransaction", delay_seconds=2, times=1)
    result = await call(
        sandbox_url,
        "list_check_account_transactions",
        {},
        read_timeout_seconds=0.3,
        max_retries=0,
    )
    assert result.is_error
    assert "did not answer in time" in _text(result)


async def test_slow_answer_is_retried_for_reads_and_every_attempt_is_logged(
    call: Any, sandbox_url: str, faults: Any, caplog: pytest.LogCaptureFixture
) -> None:
    faults.add("CheckAccountTransaction", delay_seconds=2, times=1)
    caplog.set_level(logging.INFO, logger=TOOL_CALL_LOGGER)
    result = await call(
        sandbox_url, "list_check_account_transactions", {"limit": 3}, read_timeout_seconds=0.3
    )
    assert not result.is_error, _text(result)
    (line,) = [r for r in caplog.records if r.name == TOOL_CALL_LOGGER]
    # The attempt that timed out is counted too (issue 18: it used to be left out).
    assert line.upstream_calls == 2  # type: ignore[attr-defined]
    statuses = [a["status"] for a in line.upstream]  # type: ignore[attr-defined]
    assert statuses == ["timeout", 200]
    assert line.upstream[0]["ms"] >= 300  # type: ignore[attr-defined]


async def test_malformed_json_is_an_unreadable_answer(
    call: Any, sandbox_url: str, faults: Any, api_token: str
) -> None:
    faults.add(
        "Invoice/1", status=200, body="{objects: [", headers={"Content-Type": "application/json"}
    )
    result = await call(sandbox_url, "get_invoice", {"invoice_id": 1})
    assert result.is_error
    assert "could not be read" in _text(result)
    _assert_clean(result, api_token)


async def test_unreachable_api_is_unavailable(call: Any) -> None:
    result = await call("http://127.0.0.1:9/api/v1", "list_contacts", {}, max_retries=0)
    assert result.is_error
    assert "unavailable" in _text(result)


async def test_each_call_logs_one_line_without_the_token(
    sandbox_url: str,
    faults: Any,
    caplog: pytest.LogCaptureFixture,
    make_settings: Any,
    api_token: str,
) -> None:
    faults.add("Contact/3", status=404)
    caplog.set_level(logging.INFO, logger=TOOL_CALL_LOGGER)
    server = create_server(make_settings(sandbox_url))
    async with Client(server) as client:
        await client.call_tool("get_contact", {"contact_id": 2})
        await client.call_tool("get_contact", {"contact_id": 3}, raise_on_error=False)
        await client.call_tool("list_contacts", {"limit": 500}, raise_on_error=False)
    records = [r for r in caplog.records if r.name == TOOL_CALL_LOGGER]
    assert [(r.tool, r.outcome, r.upstream_status) for r in records] == [  # type: ignore[attr-defined]
        ("get_contact", "ok", 200),
        ("get_contact", "error", 404),
        ("list_contacts", "invalid_input", None),
    ]
    for record in records:
        assert record.event == "mcp_tool_call"  # type: ignore[attr-defined]
        assert record.latency_ms >= 0  # type: ignore[attr-defined]
        assert len(record.request_id) == 32  # type: ignore[attr-defined]
        assert api_token not in json.dumps(record.__dict__, default=str)
    # Invalid input never reached the API.
    assert records[2].upstream_calls == 0  # type: ignore[attr-defined]


# --- adaptive pacing per token (issue 17) ----------------------------------------------------


def _lines(caplog: pytest.LogCaptureFixture) -> list[Any]:
    return [r for r in caplog.records if r.name == TOOL_CALL_LOGGER]


async def test_a_healthy_api_gets_calls_without_any_pacing_delay(
    sandbox_url: str, make_settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=TOOL_CALL_LOGGER)
    async with Client(create_server(make_settings(sandbox_url))) as client:
        for _ in range(30):
            await client.call_tool("list_check_accounts", {"limit": 1})
    lines = _lines(caplog)
    assert len(lines) == 30
    # The old fixed 4/s bucket made every call after the fourth wait ~250 ms.
    assert [line.pacing_wait_ms for line in lines] == [0.0] * 30  # type: ignore[attr-defined]


async def test_429_slows_the_token_for_the_calls_after_it(
    sandbox_url: str, faults: Any, make_settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    faults.add("Invoice", status=429, headers={"Retry-After": "1"}, times=1)
    caplog.set_level(logging.INFO, logger=TOOL_CALL_LOGGER)
    async with Client(create_server(make_settings(sandbox_url))) as client:
        await client.call_tool("list_invoices", {"limit": 1})
        await client.call_tool("list_vouchers", {"limit": 1})
    first, second = _lines(caplog)
    assert [a["status"] for a in first.upstream] == [429, 200]  # type: ignore[attr-defined]
    # The next call on the same token is spaced (slowed after the 429), though it is healthy.
    assert second.pacing_wait_ms > 0  # type: ignore[attr-defined]


async def test_a_retry_after_longer_than_a_call_waits_is_answered_at_once(
    sandbox_url: str, faults: Any, make_settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    faults.add("Voucher", status=429, headers={"Retry-After": "120"}, times=1)
    caplog.set_level(logging.INFO, logger=TOOL_CALL_LOGGER)
    async with Client(create_server(make_settings(sandbox_url))) as client:
        first = await client.call_tool("list_vouchers", {}, raise_on_error=False)
        second = await client.call_tool("list_invoices", {}, raise_on_error=False)
    assert first.is_error
    assert "rate limited" in _text(first)
    assert "try again after" in _text(first)
    # No retry was attempted, and the token stays held back: the next call is answered too,
    # without a request.
    assert second.is_error
    assert "rate limited" in _text(second)
    assert [len(line.upstream) for line in _lines(caplog)] == [1, 0]  # type: ignore[attr-defined]


async def test_a_burst_of_errors_pauses_the_token_with_a_clear_answer(
    sandbox_url: str, faults: Any, make_settings: Any
) -> None:
    faults.add("CheckAccount", status=500, times=20)
    settings = make_settings(sandbox_url, error_burst=3, error_pause_seconds=60)
    async with Client(create_server(settings)) as client:
        for _ in range(3):
            answer = await client.call_tool("list_check_accounts", {}, raise_on_error=False)
            assert "unavailable" in _text(answer)
        paused = await client.call_tool("list_check_accounts", {}, raise_on_error=False)
        other_tool = await client.call_tool("list_invoices", {}, raise_on_error=False)
    assert paused.is_error
    assert "paused" in _text(paused)
    assert "try again after" in _text(paused)
    assert other_tool.is_error  # the token is paused, not the tool
    assert "paused" in _text(other_tool)
    # Neither paused call reached the API: 3 of the 20 queued errors were used.
    assert [f["remaining"] for f in faults.pending()] == [17]


async def test_requests_in_flight_per_token_are_capped(
    sandbox_url: str, faults: Any, make_settings: Any
) -> None:
    faults.add("CheckAccount", delay_seconds=0.3, times=10)
    faults.reset_stats()
    settings = make_settings(sandbox_url, max_concurrent_requests_per_token=3)
    async with Client(create_server(settings)) as client:
        results = await asyncio.gather(
            *(client.call_tool("list_check_accounts", {}) for _ in range(10))
        )
    assert all(not r.is_error for r in results)
    assert faults.stats()["requests"] == 10
    assert faults.stats()["max_in_flight"] == 3
