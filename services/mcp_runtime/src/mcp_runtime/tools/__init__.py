"""The MCP tools, one module per area of the accounting API."""

from __future__ import annotations

from fastmcp import FastMCP

from mcp_runtime.tools import banking, contacts, invoices, vouchers

# Tools that change accounting data: only for accounting-writers, hidden from others' lists.
WRITE_TOOLS = frozenset({"create_contact"})


def register_all(mcp: FastMCP) -> None:
    """Add every tool to ``mcp``."""
    for area in (contacts, invoices, vouchers, banking):
        area.register(mcp)
