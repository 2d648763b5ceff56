"""The API's numeric codes and the words people use for them, both ways."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

INVOICE_STATUS: Mapping[int, str] = {
    50: "deactivated recurring",
    100: "draft",
    200: "open",
    750: "partially paid",
    1000: "paid",
}
InvoiceStatusName = Literal["deactivated_recurring", "draft", "open", "partially_paid", "paid"]

VOUCHER_STATUS: Mapping[int, str] = {50: "draft", 100: "open", 750: "partially paid", 1000: "paid"}
VoucherStatusName = Literal["draft", "open", "paid"]

CONTACT_STATUS: Mapping[int, str] = {100: "lead", 500: "pending", 1000: "active"}

CONTACT_CATEGORY: Mapping[int, str] = {2: "supplier", 3: "customer", 4: "partner", 28: "prospect"}
ContactCategoryName = Literal["supplier", "customer", "partner", "prospect"]

CHECK_ACCOUNT_STATUS: Mapping[int, str] = {0: "archived", 100: "active"}
CHECK_ACCOUNT_TYPE: Mapping[str, str] = {
    "online": "bank account",
    "offline": "clearing account",
    "register": "cash register",
}

TRANSACTION_STATUS: Mapping[int, str] = {
    100: "created",
    200: "linked",
    300: "private",
    350: "auto-booked",
    400: "booked",
}

CREDIT_DEBIT: Mapping[str, str] = {"C": "expense", "D": "revenue"}
VoucherKindName = Literal["expense", "revenue"]


def word(table: Mapping[int, str], code: int | None) -> str:
    """The word for a code; an unknown code stays visible rather than vanishing."""
    if code is None:
        return "unknown"
    return table.get(code, f"status {code}")


def code_for(table: Mapping[int, str], name: str) -> int:
    """The code for a word given as a tool argument (``partially_paid`` → 750)."""
    wanted = name.replace("_", " ")
    for code, label in table.items():
        if label == wanted:
            return code
    raise KeyError(name)


def key_for(table: Mapping[str, str], name: str) -> str:
    """The API key for a word (``expense`` → ``C``)."""
    for key, label in table.items():
        if label == name:
            return key
    raise KeyError(name)
