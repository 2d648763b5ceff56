"""Writes whose outcome is not known are answered as unknown, and settled where the natural key
(the customer number, taken from the API before the write) allows it (issue 18).

The sandbox's faults make it real: a stalled POST still creates the contact after the client gave
up, a truncated answer follows a real create, a 5xx answer follows none.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import pytest
from fastmcp import Client
from mcp_runtime.logs import TOOL_CALL_LOGGER
from mcp_runtime.server import create_server

T = TypeVar("T")


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


def _name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]} GmbH"


async def _contacts_named(client: Client[Any], name: str) -> list[dict[str, Any]]:
    found = await client.call_tool("list_contacts", {"name": name, "limit": 100})
    return list(found.structured_content["items"])


async def test_stalled_create_is_unknown_and_following_the_advice_makes_no_duplicate(
    sandbox_url: str,
    faults: Any,
    make_settings: Any,
    wait_for: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The regression of issue 18: the API stalls longer than the read timeout, then creates the
    contact. "Try again later" made a duplicate; the answer now says the outcome is unknown."""
    name = _name("Stau")
    faults.add("Contact", method="POST", delay_seconds=1.5)
    caplog.set_level(logging.INFO, logger=TOOL_CALL_LOGGER)
    settings = make_settings(sandbox_url, read_timeout_seconds=0.4)
    async with Client(create_server(settings)) as client:
        answer = await client.call_tool(
            "create_contact", {"category": "customer", "organisation_name": name}
        )
        text = _text(answer)
        assert "may or may not have been created" in text
        assert "try again later" not in text.lower()
        unknown = answer.structured_content
        assert unknown["outcome"] == "unknown"
        number = unknown["customer_number"]
        assert number
        assert f'list_contacts (customer_number "{number}")' in text

        # Following the advice: check by the customer number until the stalled write lands...
        async def landed() -> list[dict[str, Any]]:
            page = await client.call_tool("list_contacts", {"customer_number": number})
            return list(page.structured_content["items"])

        found = await _eventually(landed, what="the stalled contact to land")
        assert [c["name"] for c in found] == [name]
        # ...and creating it again with that number, as the answer suggests, creates nothing.
        again = await client.call_tool(
            "create_contact",
            {"category": "customer", "organisation_name": name, "customer_number": number},
            raise_on_error=False,
        )
        assert again.is_error
        assert "already exists" in _text(again)
        assert len(await _contacts_named(client, name)) == 1
    line = next(r for r in caplog.records if getattr(r, "tool", None) == "create_contact")
    assert line.outcome == "unknown"  # type: ignore[attr-defined]
    assert line.write_outcome == "unknown"  # type: ignore[attr-defined]
    posts = [a for a in line.upstream if a["method"] == "POST"]  # type: ignore[attr-defined]
    assert [a["status"] for a in posts] == ["timeout"]  # never retried


async def _eventually(probe: Callable[[], Awaitable[T]], *, what: str) -> T:
    """Ask ``probe`` until it answers something truthy, within a deadline (no fixed sleeps)."""
    with anyio.fail_after(15):
        while not (answer := await probe()):  # noqa: ASYNC110 - polls the sandbox, no event to wait on
            await anyio.sleep(0.02)
    return answer


async def test_an_unreadable_success_is_settled_by_the_customer_number(
    sandbox_url: str, faults: Any, make_settings: Any
) -> None:
    name = _name("Halbsatz")
    faults.add("Contact", method="POST", truncate_body=True)
    async with Client(create_server(make_settings(sandbox_url))) as client:
        answer = await client.call_tool(
            "create_contact", {"category": "supplier", "organisation_name": name}
        )
        assert answer.structured_content["outcome"] == "created"
        assert answer.structured_content["contact"]["name"] == name
        assert "could not be read" in _text(answer)
        assert "looked up by its customer number" in _text(answer)
        assert len(await _contacts_named(client, name)) == 1


async def test_a_server_error_with_nothing_stored_is_not_created(
    sandbox_url: str, faults: Any, make_settings: Any
) -> None:
    name = _name("Fehler")
    faults.add("Contact", method="POST", status=500)
    async with Client(create_server(make_settings(sandbox_url))) as client:
        answer = await client.call_tool(
            "create_contact",
            {"category": "partner", "organisation_name": name},
            raise_on_error=False,
        )
        assert answer.is_error
        assert "was not created" in _text(answer)
        assert await _contacts_named(client, name) == []


async def test_unknown_stays_unknown_when_the_lookup_fails_too(
    sandbox_url: str, faults: Any, make_settings: Any
) -> None:
    name = _name("Doppelt Stau")
    settings = make_settings(sandbox_url, read_timeout_seconds=0.3, max_retries=0)
    async with Client(create_server(settings)) as client:
        faults.add("Contact", method="POST", delay_seconds=1.0)
        faults.add("Contact", method="GET", status=503)  # the lookup after the timeout
        answer = await client.call_tool(
            "create_contact", {"category": "customer", "organisation_name": name}
        )
    assert answer.structured_content["outcome"] == "unknown"
    assert "may or may not have been created" in _text(answer)


async def test_a_taken_customer_number_is_refused_before_anything_is_written(
    sandbox_url: str, faults: Any, make_settings: Any
) -> None:
    async with Client(create_server(make_settings(sandbox_url))) as client:
        first = await client.call_tool(
            "create_contact", {"category": "customer", "organisation_name": _name("Erst")}
        )
        number = first.structured_content["customer_number"]
        faults.reset_stats()
        second = await client.call_tool(
            "create_contact",
            {
                "category": "customer",
                "organisation_name": _name("Zweit"),
                "customer_number": number,
            },
            raise_on_error=False,
        )
    assert second.is_error
    assert f"customer number {number} already exists" in _text(second)
    assert "Nothing was created" in _text(second)
    assert faults.stats()["requests"] == 1  # the lookup, no POST
