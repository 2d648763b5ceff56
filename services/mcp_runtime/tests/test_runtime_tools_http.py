"""Every tool over real streamable HTTP, through fastmcp's Client, against the sandbox API."""

from __future__ import annotations

from typing import Any

import pytest
from fastmcp import Client
from fastmcp.exceptions import ToolError

EXPECTED_TOOLS = {
    "list_contacts",
    "get_contact",
    "create_contact",
    "list_invoices",
    "get_invoice",
    "list_vouchers",
    "list_check_accounts",
    "list_check_account_transactions",
}


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


async def test_lists_the_tools_with_annotations_and_bounded_paging(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        tools = {tool.name: tool for tool in await client.list_tools()}
    assert set(tools) == EXPECTED_TOOLS
    for name, tool in tools.items():
        hints = tool.annotations
        assert hints is not None
        if name == "create_contact":
            assert hints.read_only_hint is False
            assert hints.idempotent_hint is False
            assert hints.destructive_hint is False
        else:
            assert hints.read_only_hint is True, name
        assert tool.output_schema is not None, name
        props = tool.input_schema["properties"]
        assert "ctx" not in props
        if name.startswith("list_"):
            assert props["limit"]["minimum"] == 1
            assert props["limit"]["maximum"] == 100
            assert props["offset"]["minimum"] == 0
        for prop in props.values():
            assert prop.get("description") or "anyOf" in prop or "$ref" in prop


async def test_list_contacts_pages_through_all_contacts(served_mcp: str) -> None:
    seen: list[int] = []
    async with Client(served_mcp) as client:
        offset: int | None = 0
        while offset is not None:
            result = await client.call_tool("list_contacts", {"limit": 10, "offset": offset})
            page = result.structured_content
            assert page is not None
            seen += [item["id"] for item in page["items"]]
            if page["next_offset"] is not None:
                assert f"offset={page['next_offset']}" in _text(result)
            offset = page["next_offset"]
    assert len(seen) == len(set(seen)) == page["total"]


async def test_list_contacts_searches_by_name(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        everyone = await client.call_tool("list_contacts", {"limit": 100, "include_persons": True})
        first = everyone.structured_content["items"][0]
        word = first["name"].split()[0]
        found = await client.call_tool("list_contacts", {"name": word, "include_persons": True})
    assert first["id"] in [c["id"] for c in found.structured_content["items"]]
    assert all(word.lower() in c["name"].lower() for c in found.structured_content["items"])
    assert {c["category"] for c in everyone.structured_content["items"]} >= {"customer", "supplier"}


async def test_get_contact_and_unknown_contact(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        contact = await client.call_tool("get_contact", {"contact_id": 1})
        missing = await client.call_tool(
            "get_contact", {"contact_id": 987654}, raise_on_error=False
        )
    assert contact.structured_content["id"] == 1
    assert contact.structured_content["status"] in {"lead", "pending", "active"}
    assert _text(contact).startswith("Contact: ")
    assert missing.is_error
    assert _text(missing) == "No contact with id 987654 exists."


async def test_create_contact_then_find_it(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        created = await client.call_tool(
            "create_contact",
            {"category": "supplier", "organisation_name": "Tool Test Papier GmbH"},
        )
        answer = created.structured_content
        assert answer["outcome"] == "created"
        fetched = await client.call_tool("get_contact", {"contact_id": answer["contact"]["id"]})
    assert _text(created).startswith("Created contact: Tool Test Papier GmbH")
    # The number was taken from the API up front, so a lost answer could be looked up by it.
    assert answer["customer_number"] == fetched.structured_content["customer_number"]
    assert fetched.structured_content["name"] == "Tool Test Papier GmbH"
    assert fetched.structured_content["category"] == "supplier"


async def test_create_contact_needs_exactly_one_kind_of_name(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        with pytest.raises(ToolError, match="organisation_name"):
            await client.call_tool("create_contact", {"category": "customer"})
        with pytest.raises(ToolError, match="either an organisation or a person"):
            await client.call_tool(
                "create_contact",
                {"category": "customer", "organisation_name": "X AG", "last_name": "Meier"},
            )


async def test_list_invoices_filters_by_status_dates_and_contact(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        paid = await client.call_tool("list_invoices", {"status": "paid", "limit": 100})
        items = paid.structured_content["items"]
        assert items
        assert {i["status"] for i in items} == {"paid"}
        sample = items[0]
        by_contact = await client.call_tool(
            "list_invoices", {"contact_id": sample["contact_id"], "limit": 100}
        )
        by_day = await client.call_tool(
            "list_invoices", {"start_date": sample["date"], "end_date": sample["date"]}
        )
        one = await client.call_tool("get_invoice", {"invoice_id": sample["id"]})
    assert {i["contact_id"] for i in by_contact.structured_content["items"]} == {
        sample["contact_id"]
    }
    assert sample["id"] in [i["id"] for i in by_day.structured_content["items"]]
    assert one.structured_content == sample
    assert "paid" in _text(one)


async def test_invoice_status_codes_become_words(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        result = await client.call_tool("list_invoices", {"limit": 100})
    words = {i["status"] for i in result.structured_content["items"]}
    assert words <= {"deactivated recurring", "draft", "open", "partially paid", "paid"}
    assert {"draft", "open", "paid"} <= words
    assert not any(w.startswith("status ") for w in words)


async def test_reversed_date_range_is_refused_without_calling_the_api(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        with pytest.raises(ToolError, match="after end_date"):
            await client.call_tool(
                "list_invoices", {"start_date": "2025-05-01", "end_date": "2025-04-01"}
            )


async def test_unknown_invoice(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        with pytest.raises(ToolError, match="No invoice with id 424242 exists"):
            await client.call_tool("get_invoice", {"invoice_id": 424242})


async def test_list_vouchers_by_kind_and_description(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        expenses = await client.call_tool("list_vouchers", {"kind": "expense", "limit": 100})
        first = expenses.structured_content["items"][0]
        term = first["description"].split()[0]
        found = await client.call_tool("list_vouchers", {"description": term})
    assert {v["kind"] for v in expenses.structured_content["items"]} == {"expense"}
    assert first["id"] in [v["id"] for v in found.structured_content["items"]]


async def test_check_accounts_and_their_transactions(served_mcp: str) -> None:
    async with Client(served_mcp) as client:
        accounts = await client.call_tool("list_check_accounts", {})
        account = accounts.structured_content["items"][0]
        txs = await client.call_tool(
            "list_check_account_transactions",
            {"check_account_id": account["id"], "direction": "outgoing", "limit": 50},
        )
    assert "Check accounts 1 to" in _text(accounts)
    items = txs.structured_content["items"]
    assert items
    assert {t["check_account_id"] for t in items} == {account["id"]}
    assert {t["direction"] for t in items} == {"outgoing"}
    assert all(float(t["amount"]) < 0 for t in items)


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("list_contacts", {"limit": 0}),
        ("list_contacts", {"limit": 101}),
        ("list_invoices", {"offset": -1}),
        ("list_invoices", {"status": "lost"}),
        ("get_contact", {"contact_id": 0}),
        ("list_check_account_transactions", {"start_date": "yesterday"}),
        ("create_contact", {"category": "friend", "organisation_name": "X"}),
    ],
)
async def test_invalid_input_is_rejected_by_the_schema(
    served_mcp: str, tool: str, arguments: dict[str, Any]
) -> None:
    async with Client(served_mcp) as client:
        result = await client.call_tool(tool, arguments, raise_on_error=False)
    assert result.is_error
    assert "Traceback" not in _text(result)


async def test_the_sdk_finds_each_tools_schema_without_listing_every_tool(
    make_settings: Any, sandbox_url: str
) -> None:
    # Without this lookup the MCP SDK runs a whole tools/list before every tools/call to check
    # Mcp-Param-* headers (issue 17: most of a call's CPU). It must answer what tools/list says.
    from mcp_runtime.server import create_server

    server = create_server(make_settings(sandbox_url))
    lookup = server._mcp_server.get_tool_input_schema
    assert lookup is not None
    async with Client(server) as client:
        listed = {tool.name: tool.input_schema for tool in await client.list_tools()}
    assert {name: lookup(name) for name in listed} == listed
    assert lookup("no_such_tool") is None
