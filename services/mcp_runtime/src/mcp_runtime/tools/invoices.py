"""Invoices: list with filters, get one."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools import Tool, ToolResult
from pydantic import Field

from mcp_runtime.api.client import CallerApi
from mcp_runtime.api.models import Invoice
from mcp_runtime.tools.common import (
    CALLER_API,
    READ_ONLY,
    Limit,
    ObjectId,
    Offset,
    ShortText,
    answers,
    date_range,
    reference,
)
from mcp_runtime.views import InvoiceView, PageView, one_result, output_schema, page_result
from mcp_runtime.vocabulary import INVOICE_STATUS, InvoiceStatusName, code_for


async def list_invoices(
    status: Annotated[
        InvoiceStatusName | None, Field(description="Only invoices in this state.")
    ] = None,
    start_date: Annotated[
        date | None, Field(description="Only invoices dated on or after this day (YYYY-MM-DD).")
    ] = None,
    end_date: Annotated[
        date | None, Field(description="Only invoices dated on or before this day (YYYY-MM-DD).")
    ] = None,
    contact_id: Annotated[
        ObjectId | None, Field(description="Only invoices to this contact.")
    ] = None,
    invoice_number: Annotated[
        ShortText | None, Field(description="Only the invoice with this number.")
    ] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    api: CallerApi = CALLER_API,
) -> ToolResult:
    """List invoices, optionally by status, date range, contact or number."""
    params: dict[str, str | int] = {
        **date_range(start_date, end_date, unix_seconds=True),
        **reference("contact", "Contact", contact_id),
    }
    if status:
        params["status"] = code_for(INVOICE_STATUS, status)
    if invoice_number:
        params["invoiceNumber"] = invoice_number
    with answers(not_found="No invoices found."):
        page = await api.fetch_page("Invoice", Invoice, limit=limit, offset=offset, params=params)
    return page_result(page, InvoiceView.of, noun="invoices", heading="Invoices")


async def get_invoice(
    invoice_id: Annotated[ObjectId, Field(description="The invoice's id (not its number).")],
    api: CallerApi = CALLER_API,
) -> ToolResult:
    """Get one invoice by its id."""
    with answers(not_found=f"No invoice with id {invoice_id} exists."):
        invoice = await api.fetch_one(f"Invoice/{invoice_id}", Invoice)
    return one_result(InvoiceView.of(invoice))


def register(mcp: FastMCP) -> list[Tool]:
    """Add the invoice tools."""
    return [
        mcp.add_tool(
            Tool.from_function(
                list_invoices,
                annotations=READ_ONLY.model_copy(update={"title": "List invoices"}),
                output_schema=output_schema(PageView[InvoiceView]),
            )
        ),
        mcp.add_tool(
            Tool.from_function(
                get_invoice,
                annotations=READ_ONLY.model_copy(update={"title": "Get an invoice"}),
                output_schema=output_schema(InvoiceView),
            )
        ),
    ]
