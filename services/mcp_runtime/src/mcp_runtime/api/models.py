"""The API's objects as typed models: string ids, amounts and statuses become numbers here, once.

The API sends ``"id": "123"``, ``"sumGross": "119.00"``, ``"status": "200"`` and ``null`` or ``""``
for empty fields; pydantic's lax mode turns the strings into ``int``/``Decimal`` and the
``_blank`` validator maps empty strings to ``None``. Unknown fields are ignored so additions to the
API do not break the server. Python names are snake_case; the wire names are their camelCase.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel


def _blank(value: Any) -> Any:
    return None if value == "" else value


Int = Annotated[int | None, BeforeValidator(_blank)]
Money = Annotated[Decimal | None, BeforeValidator(_blank)]
Text = Annotated[str | None, BeforeValidator(_blank)]
Timestamp = Annotated[datetime | None, BeforeValidator(_blank)]


class ApiModel(BaseModel):
    """Base for wire objects: camelCase aliases in, snake_case names out, extras ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class Ref(ApiModel):
    """A reference to another object: ``{"id": "5", "objectName": "Contact"}``."""

    id: int
    object_name: Text = None


class Contact(ApiModel):
    """An organisation (``name``) or a person (``surename``/``familyname``)."""

    id: int
    name: Text = None
    surename: Text = None
    familyname: Text = None
    customer_number: Text = None
    status: Int = None
    category: Ref | None = None
    vat_number: Text = None
    description: Text = None
    create: Timestamp = None


class Invoice(ApiModel):
    """An invoice header (positions are not fetched)."""

    id: int
    invoice_number: Text = None
    invoice_date: Timestamp = None
    contact: Ref | None = None
    status: Int = None
    sum_net: Money = None
    sum_tax: Money = None
    sum_gross: Money = None
    currency: Text = None
    invoice_type: Text = None
    pay_date: Timestamp = None
    header: Text = None


class Voucher(ApiModel):
    """A receipt (expense or revenue)."""

    id: int
    voucher_date: Timestamp = None
    supplier: Ref | None = None
    supplier_name: Text = None
    description: Text = None
    status: Int = None
    sum_net: Money = None
    sum_gross: Money = None
    credit_debit: Text = None
    currency: Text = None
    pay_date: Timestamp = None
    payment_deadline: Timestamp = None


class CheckAccount(ApiModel):
    """A bank, cash or clearing account."""

    id: int
    name: Text = None
    iban: Text = None
    type: Text = None
    currency: Text = None
    status: Int = None
    default_account: Int = None


class CheckAccountTransaction(ApiModel):
    """One booking line on a check account; a negative amount is outgoing."""

    id: int
    value_date: Timestamp = None
    entry_date: Timestamp = None
    paymt_purpose: Text = None
    amount: Money = None
    payee_payer_name: Text = None
    check_account: Ref | None = None
    status: Int = None


M = TypeVar("M", bound=ApiModel)


class Page(BaseModel, Generic[M]):
    """One page of a list: the items, where it starts, and the total when the API counted it."""

    model_config = ConfigDict(frozen=True)

    items: list[M]
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)
    total: int | None = None

    @property
    def next_offset(self) -> int | None:
        """Offset of the next page, or None when this is the last one."""
        end = self.offset + len(self.items)
        if self.total is not None:
            return end if end < self.total else None
        # Without a total, a full page means there may be more.
        return end if len(self.items) >= self.limit else None
