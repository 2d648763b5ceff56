"""Validation of createContact bodies, mirroring Model_Contact of the contract."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from devstack.sandbox.store import NewContact

CATEGORIES = frozenset({2, 3, 4, 28})  # Supplier, Customer, Partner, Prospect
CONTACT_STATUSES = frozenset({100, 500, 1000})  # Lead, Pending, Active


class InvalidContact(Exception):
    """The body is JSON but not a valid contact (the API answers 422)."""


class MalformedBody(Exception):
    """The body is not JSON at all (the API answers 400)."""


class _Reference(BaseModel):
    model_config = ConfigDict(strict=True)
    id: int
    objectName: str


class _CategoryReference(_Reference):
    objectName: Literal["Category"]


class _ParentReference(_Reference):
    objectName: Literal["Contact"]


class ContactBody(BaseModel):
    """Model_Contact: only category is required; unknown fields are ignored like the API does."""

    model_config = ConfigDict(strict=True, extra="ignore")

    category: _CategoryReference
    name: str | None = None
    status: int | None = None
    customerNumber: str | None = Field(default=None, max_length=255)
    parent: _ParentReference | None = None
    surename: str | None = None
    familyname: str | None = None
    titel: str | None = None
    description: str | None = None
    academicTitle: str | None = None
    gender: str | None = None
    name2: str | None = None
    birthday: date | None = None
    vatNumber: str | None = None
    bankAccount: str | None = None
    bankNumber: str | None = None
    defaultCashbackTime: int | None = None
    defaultCashbackPercent: float | None = None
    defaultTimeToPay: int | None = None
    taxNumber: str | None = None
    taxOffice: str | None = None
    exemptVat: bool | None = None
    defaultDiscountAmount: float | None = None
    defaultDiscountPercentage: bool | None = None
    buyerReference: str | None = None
    governmentAgency: bool | None = None


def parse_contact(raw: bytes) -> NewContact:
    """Turn a request body into a NewContact or raise MalformedBody/InvalidContact."""
    try:
        body = ContactBody.model_validate_json(raw or b"null")
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise MalformedBody("the body is not valid JSON") from exc
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidContact(f"{where}: {first['msg']}") from exc
    if body.category.id not in CATEGORIES:
        raise InvalidContact(f"category.id {body.category.id} does not exist (2, 3, 4 or 28)")
    if body.status is not None and body.status not in CONTACT_STATUSES:
        raise InvalidContact(f"status must be one of {sorted(CONTACT_STATUSES)}")
    return NewContact(
        category_id=body.category.id,
        name=body.name,
        surename=body.surename,
        familyname=body.familyname,
        name2=body.name2,
        titel=body.titel,
        gender=body.gender,
        customer_number=body.customerNumber,
        status=body.status or 100,
        parent_id=body.parent.id if body.parent else None,
        description=body.description,
        vat_number=body.vatNumber,
        tax_number=body.taxNumber,
        bank_account=body.bankAccount,
        birthday=body.birthday.isoformat() if body.birthday else None,
        default_time_to_pay=body.defaultTimeToPay,
        exempt_vat=bool(body.exemptVat),
        buyer_reference=body.buyerReference,
    )
