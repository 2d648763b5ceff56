"""Vouchers (receipts): list with filters."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastmcp import FastMCP
from fastmcp.tools import Tool, ToolResult
from pydantic import Field

from mcp_runtime.api.client import CallerApi
from mcp_runtime.api.models import Voucher
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
from mcp_runtime.views import PageView, VoucherView, output_schema, page_result
from mcp_runtime.vocabulary import (
    CREDIT_DEBIT,
    VOUCHER_STATUS,
    VoucherKindName,
    VoucherStatusName,
    code_for,
    key_for,
)


async def list_vouchers(
    status: Annotated[
        VoucherStatusName | None, Field(description="Only vouchers in this state.")
    ] = None,
    kind: Annotated[
        VoucherKindName | None, Field(description="expense (money out) or revenue (money in).")
    ] = None,
    start_date: Annotated[
        date | None, Field(description="Only vouchers dated on or after this day (YYYY-MM-DD).")
    ] = None,
    end_date: Annotated[
        date | None, Field(description="Only vouchers dated on or before this day (YYYY-MM-DD).")
    ] = None,
    contact_id: Annotated[
        ObjectId | None, Field(description="Only vouchers of this contact.")
    ] = None,
    description: Annotated[
        ShortText | None, Field(description="Only vouchers whose description contains this text.")
    ] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    api: CallerApi = CALLER_API,
) -> ToolResult:
    """List vouchers (receipts for expenses and revenue)."""
    params: dict[str, str | int] = {
        **date_range(start_date, end_date, unix_seconds=True),
        **reference("contact", "Contact", contact_id),
    }
    if status:
        params["status"] = code_for(VOUCHER_STATUS, status)
    if kind:
        params["creditDebit"] = key_for(CREDIT_DEBIT, kind)
    if description:
        params["descriptionLike"] = description
    with answers(not_found="No vouchers found."):
        page = await api.fetch_page("Voucher", Voucher, limit=limit, offset=offset, params=params)
    return page_result(page, VoucherView.of, noun="vouchers", heading="Vouchers")


def register(mcp: FastMCP) -> list[Tool]:
    """Add the voucher tools."""
    return [
        mcp.add_tool(
            Tool.from_function(
                list_vouchers,
                annotations=READ_ONLY.model_copy(update={"title": "List vouchers"}),
                output_schema=output_schema(PageView[VoucherView]),
            )
        ),
    ]
