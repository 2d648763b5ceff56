"""Check accounts (bank, cash, clearing) and their transactions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastmcp import FastMCP
from fastmcp.tools import Tool, ToolResult
from pydantic import Field

from mcp_runtime.api.client import CallerApi
from mcp_runtime.api.models import CheckAccount, CheckAccountTransaction
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
from mcp_runtime.views import (
    CheckAccountView,
    PageView,
    TransactionView,
    output_schema,
    page_result,
)


async def list_check_accounts(
    limit: Limit = 20, offset: Offset = 0, api: CallerApi = CALLER_API
) -> ToolResult:
    """List the check accounts: bank accounts, cash registers and clearing accounts."""
    with answers(not_found="No check accounts found."):
        page = await api.fetch_page("CheckAccount", CheckAccount, limit=limit, offset=offset)
    return page_result(page, CheckAccountView.of, noun="check accounts", heading="Check accounts")


async def list_check_account_transactions(
    check_account_id: Annotated[
        ObjectId | None, Field(description="Only transactions on this check account.")
    ] = None,
    start_date: Annotated[
        date | None, Field(description="Only transactions on or after this day (YYYY-MM-DD).")
    ] = None,
    end_date: Annotated[
        date | None, Field(description="Only transactions on or before this day (YYYY-MM-DD).")
    ] = None,
    counterparty: Annotated[
        ShortText | None, Field(description="Only transactions with this payee or payer.")
    ] = None,
    purpose: Annotated[
        ShortText | None, Field(description="Only transactions with this payment purpose.")
    ] = None,
    direction: Annotated[
        Literal["incoming", "outgoing"] | None,
        Field(description="Only money in, or only money out."),
    ] = None,
    only_booked: Annotated[bool, Field(description="Only transactions already booked.")] = False,
    limit: Limit = 20,
    offset: Offset = 0,
    api: CallerApi = CALLER_API,
) -> ToolResult:
    """List bank transactions, optionally for one check account, a date range or a counterparty."""
    params: dict[str, str | int] = {
        **date_range(start_date, end_date, unix_seconds=False),
        **reference("checkAccount", "CheckAccount", check_account_id),
    }
    if counterparty:
        params["payeePayerName"] = counterparty
    if purpose:
        params["paymtPurpose"] = purpose
    if direction == "incoming":
        params["onlyCredit"] = "true"
    elif direction == "outgoing":
        params["onlyDebit"] = "true"
    if only_booked:
        params["isBooked"] = "true"
    not_found = (
        f"No check account with id {check_account_id} exists."
        if check_account_id
        else "No transactions found."
    )
    with answers(not_found=not_found):
        page = await api.fetch_page(
            "CheckAccountTransaction",
            CheckAccountTransaction,
            limit=limit,
            offset=offset,
            params=params,
        )
    return page_result(page, TransactionView.of, noun="transactions", heading="Transactions")


def register(mcp: FastMCP) -> list[Tool]:
    """Add the check-account tools."""
    return [
        mcp.add_tool(
            Tool.from_function(
                list_check_accounts,
                annotations=READ_ONLY.model_copy(update={"title": "List check accounts"}),
                output_schema=output_schema(PageView[CheckAccountView]),
            )
        ),
        mcp.add_tool(
            Tool.from_function(
                list_check_account_transactions,
                annotations=READ_ONLY.model_copy(
                    update={"title": "List check-account transactions"}
                ),
                output_schema=output_schema(PageView[TransactionView]),
            )
        ),
    ]
