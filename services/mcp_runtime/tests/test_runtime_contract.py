"""Every request the tools make is in the API contract (openapi/accounting.json)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx2
from fastmcp import Client
from mcp_runtime.server import create_server

CONTRACT = Path(__file__).resolve().parents[3] / "openapi" / "accounting.json"


# Every tool with every filter it has, so that each query parameter the client can send is sent.
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("list_contacts", {"name": "a", "customer_number": "1", "include_persons": True}),
    ("get_contact", {"contact_id": 1}),
    ("create_contact", {"category": "prospect", "first_name": "Contract", "last_name": "Test"}),
    (
        "list_invoices",
        {
            "status": "open",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "contact_id": 1,
            "invoice_number": "RE-1",
        },
    ),
    ("get_invoice", {"invoice_id": 1}),
    (
        "list_vouchers",
        {
            "status": "paid",
            "kind": "revenue",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "contact_id": 1,
            "description": "a",
        },
    ),
    ("list_check_accounts", {}),
    (
        "list_check_account_transactions",
        {
            "check_account_id": 1,
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "counterparty": "a",
            "purpose": "a",
            "direction": "incoming",
            "only_booked": True,
        },
    ),
    ("list_check_account_transactions", {"direction": "outgoing"}),
]


class RecordingTransport(httpx2.AsyncHTTPTransport):
    """A real HTTP transport that remembers each request's method, path and query keys."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, set[str]]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        keys = {key for key, _ in request.url.params.multi_items()}
        self.seen.append((request.method, request.url.path, keys))
        return await super().handle_async_request(request)


def _operations() -> list[tuple[str, re.Pattern[str], set[str]]]:
    spec = json.loads(CONTRACT.read_text())
    ops = []
    for path, item in spec["paths"].items():
        pattern = re.compile("^/api/v1" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method, op in item.items():
            if method == "parameters":
                continue
            names = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
            ops.append((method.upper(), pattern, names))
    return ops


async def test_every_request_is_in_the_contract(sandbox_url: str, make_settings: Any) -> None:
    transport = RecordingTransport()
    server = create_server(make_settings(sandbox_url), api_transport=transport)
    async with Client(server) as client:
        for tool, args in CALLS:
            result = await client.call_tool(tool, args, raise_on_error=False)
            assert not result.is_error, (tool, result.content)
    operations = _operations()
    # Each call is one request, and create_contact also asks for the next customer number.
    assert len(transport.seen) == len(CALLS) + 1
    for method, path, keys in transport.seen:
        matches = [names for m, pattern, names in operations if m == method and pattern.match(path)]
        assert matches, f"{method} {path} is not in {CONTRACT.name}"
        assert keys <= matches[0], f"{method} {path} sends undeclared {keys - matches[0]}"
