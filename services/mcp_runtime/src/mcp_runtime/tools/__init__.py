"""The MCP tools, one module per area of the accounting API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastmcp import FastMCP
from gateway_contract.rules import rules

from mcp_runtime.tools import banking, contacts, invoices, vouchers


def write_tools() -> frozenset[str]:
    """Tools that change accounting data: only for accounting-writers, hidden from others' lists.
    The list the Gateway interceptor guards too (gateway.json), so the two cannot drift."""
    return frozenset(rules().accounting_write_tools)


def register_all(mcp: FastMCP) -> Mapping[str, Mapping[str, Any]]:
    """Add every tool to ``mcp``; returns each tool's input schema by name."""
    areas = (contacts, invoices, vouchers, banking)
    tools = [tool for area in areas for tool in area.register(mcp)]
    return {tool.name: tool.parameters for tool in tools}
