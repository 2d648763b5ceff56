"""What a tool answers: structured views (codes turned into words) and the same thing as text.

The structured view is the tool's ``structuredContent`` (its JSON schema is the tool's output
schema); the text is for the person reading the conversation. Amounts stay decimal strings so
no cent is lost to floating point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from fastmcp.tools import ToolResult
from pydantic import BaseModel, ConfigDict

from mcp_runtime.api.models import (
    CheckAccount,
    CheckAccountTransaction,
    Contact,
    Invoice,
    Page,
    Voucher,
)
from mcp_runtime.vocabulary import (
    CHECK_ACCOUNT_STATUS,
    CHECK_ACCOUNT_TYPE,
    CONTACT_CATEGORY,
    CONTACT_STATUS,
    CREDIT_DEBIT,
    INVOICE_STATUS,
    TRANSACTION_STATUS,
    VOUCHER_STATUS,
    word,
)


class View(BaseModel):
    """Base for answers: frozen, serialised as JSON-ready values."""

    model_config = ConfigDict(frozen=True)

    def line(self) -> str:
        """One line for people, starting with "- "."""
        raise NotImplementedError


def _day(moment: datetime | None) -> str | None:
    return moment.date().isoformat() if moment else None


def _money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:,.2f} {currency or ''}".strip()


class ContactView(View):
    """A contact as people name it."""

    id: int
    name: str
    customer_number: str | None
    category: str | None
    status: str
    vat_number: str | None

    @classmethod
    def of(cls, c: Contact) -> ContactView:
        person = " ".join(p for p in (c.surename, c.familyname) if p)
        return cls(
            id=c.id,
            name=c.name or person or f"contact {c.id}",
            customer_number=c.customer_number,
            category=word(CONTACT_CATEGORY, c.category.id) if c.category else None,
            status=word(CONTACT_STATUS, c.status),
            vat_number=c.vat_number,
        )

    def line(self) -> str:
        extras = ", ".join(
            x
            for x in (
                self.category,
                f"customer no. {self.customer_number}" if self.customer_number else None,
                self.status,
                f"VAT {self.vat_number}" if self.vat_number else None,
            )
            if x
        )
        return f"- {self.name} (id {self.id}): {extras}"


class InvoiceView(View):
    """An invoice header."""

    id: int
    invoice_number: str | None
    date: str | None
    contact_id: int | None
    status: str
    status_code: int | None
    net: Decimal | None
    tax: Decimal | None
    gross: Decimal | None
    currency: str | None
    invoice_type: str | None
    paid_on: str | None

    @classmethod
    def of(cls, i: Invoice) -> InvoiceView:
        return cls(
            id=i.id,
            invoice_number=i.invoice_number,
            date=_day(i.invoice_date),
            contact_id=i.contact.id if i.contact else None,
            status=word(INVOICE_STATUS, i.status),
            status_code=i.status,
            net=i.sum_net,
            tax=i.sum_tax,
            gross=i.sum_gross,
            currency=i.currency,
            invoice_type=i.invoice_type,
            paid_on=_day(i.pay_date),
        )

    def line(self) -> str:
        number = self.invoice_number or f"id {self.id}"
        contact = f", contact {self.contact_id}" if self.contact_id else ""
        return (
            f"- Invoice {number} (id {self.id}) of {self.date or 'no date'}: "
            f"{_money(self.gross, self.currency)} gross, {self.status}{contact}"
        )


class VoucherView(View):
    """A receipt."""

    id: int
    date: str | None
    kind: str | None
    supplier: str | None
    description: str | None
    status: str
    net: Decimal | None
    gross: Decimal | None
    currency: str | None
    payment_deadline: str | None

    @classmethod
    def of(cls, v: Voucher) -> VoucherView:
        return cls(
            id=v.id,
            date=_day(v.voucher_date),
            kind=CREDIT_DEBIT.get(v.credit_debit, v.credit_debit) if v.credit_debit else None,
            supplier=v.supplier_name,
            description=v.description,
            status=word(VOUCHER_STATUS, v.status),
            net=v.sum_net,
            gross=v.sum_gross,
            currency=v.currency,
            payment_deadline=_day(v.payment_deadline),
        )

    def line(self) -> str:
        who = f" from {self.supplier}" if self.supplier else ""
        what = f" «{self.description}»" if self.description else ""
        return (
            f"- Voucher {self.id}{what}{who} of {self.date or 'no date'}: "
            f"{_money(self.gross, self.currency)} gross, "
            f"{self.kind or 'kind unknown'}, {self.status}"
        )


class CheckAccountView(View):
    """A bank, cash or clearing account."""

    id: int
    name: str
    kind: str | None
    iban: str | None
    currency: str | None
    status: str
    is_default: bool

    @classmethod
    def of(cls, a: CheckAccount) -> CheckAccountView:
        return cls(
            id=a.id,
            name=a.name or f"account {a.id}",
            kind=CHECK_ACCOUNT_TYPE.get(a.type, a.type) if a.type else None,
            iban=a.iban,
            currency=a.currency,
            status=word(CHECK_ACCOUNT_STATUS, a.status),
            is_default=a.default_account == 1,
        )

    def line(self) -> str:
        iban = f", IBAN {self.iban}" if self.iban else ""
        default = ", default" if self.is_default else ""
        return (
            f"- {self.name} (id {self.id}): {self.kind or 'account'}{iban}, {self.status}{default}"
        )


class TransactionView(View):
    """One line of a bank statement."""

    id: int
    value_date: str | None
    amount: Decimal | None
    direction: str | None
    counterparty: str | None
    purpose: str | None
    check_account_id: int | None
    status: str

    @classmethod
    def of(cls, t: CheckAccountTransaction) -> TransactionView:
        direction = None
        if t.amount is not None:
            direction = "outgoing" if t.amount < 0 else "incoming"
        return cls(
            id=t.id,
            value_date=_day(t.value_date),
            amount=t.amount,
            direction=direction,
            counterparty=t.payee_payer_name,
            purpose=t.paymt_purpose,
            check_account_id=t.check_account.id if t.check_account else None,
            status=word(TRANSACTION_STATUS, t.status),
        )

    def line(self) -> str:
        who = f" {self.counterparty}" if self.counterparty else ""
        why = f" «{self.purpose}»" if self.purpose else ""
        return (
            f"- {self.value_date or 'no date'}: {_money(self.amount, None)}{who}{why} "
            f"(id {self.id}, {self.status})"
        )


class CreateContactAnswer(BaseModel):
    """What create_contact knows: created (with the contact), or unknown (with what to check)."""

    model_config = ConfigDict(frozen=True)

    outcome: Literal["created", "unknown"]
    contact: ContactView | None
    customer_number: str | None
    note: str | None


V = TypeVar("V", bound=View)


class PageView(BaseModel, Generic[V]):
    """A page of results and how to get the next one."""

    model_config = ConfigDict(frozen=True)

    items: list[V]
    offset: int
    limit: int
    total: int | None
    next_offset: int | None


def output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema clients see as the tool's output schema."""
    return model.model_json_schema(mode="serialization")


def page_result(
    page: Page[Any],
    view: Callable[[Any], V],
    *,
    noun: str,
    heading: str,
) -> ToolResult:
    """A list answer: a heading with counts, one line per item, and the next-page hint."""
    items: Sequence[V] = [view(item) for item in page.items]
    answer = PageView[V](
        items=list(items),
        offset=page.offset,
        limit=page.limit,
        total=page.total,
        next_offset=page.next_offset,
    )
    if not items:
        text = f"No {noun} found" + (f" from offset {page.offset}." if page.offset else ".")
    else:
        first, last = page.offset + 1, page.offset + len(items)
        total = f" of {page.total}" if page.total is not None else ""
        lines = [f"{heading} {first} to {last}{total}:", *(i.line() for i in items)]
        if answer.next_offset is not None:
            lines.append(f"More {noun} exist: call again with offset={answer.next_offset}.")
        else:
            lines.append(f"That is the last page of {noun}.")
        text = "\n".join(lines)
    return ToolResult(content=text, structured_content=answer.model_dump(mode="json"))


def one_result(item: V, *, prefix: str = "") -> ToolResult:
    """A single-object answer: its line (with an optional lead-in) plus the structured view."""
    text = f"{prefix}{item.line().removeprefix('- ')}"
    return ToolResult(content=text, structured_content=item.model_dump(mode="json"))
