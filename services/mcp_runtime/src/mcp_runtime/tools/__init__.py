"""The MCP tools, one module per area of the accounting API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastmcp import FastMCP

from mcp_runtime.tools import banking, contacts, invoices, vouchers

# Tools that change accounting data: only for accounting-writers, hidden from others' lists.
WRITE_TOOLS = frozenset({"create_contact"})


def register_all(mcp: FastMCP) -> Mapping[str, Mapping[str, Any]]:
    """Add every tool to ``mcp``; returns each tool's input schema by name."""
    areas = (contacts, invoices, vouchers, banking)
    tools = [tool for area in areas for tool in area.register(mcp)]
    return {tool.name: tool.parameters for tool in tools}
