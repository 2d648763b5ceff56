"""Queries over the sandbox database; every filter of the contract becomes a SQL condition."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devstack.sandbox.db import connect
from devstack.sandbox.params import Page


@dataclass
class Query:
    """A WHERE clause built one condition at a time (values always bound, never formatted in)."""

    conditions: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)

    def add(self, condition: str, *values: Any) -> None:
        self.conditions.append(condition)
        self.values.extend(values)

    def where(self) -> str:
        return f" WHERE {' AND '.join(self.conditions)}" if self.conditions else ""


@dataclass(frozen=True)
class Listing:
    """One page of rows and, when asked for, the number of all matching rows."""

    rows: list[sqlite3.Row]
    total: int | None


@dataclass(frozen=True)
class NewContact:
    """Validated input of createContact."""

    category_id: int
    name: str | None = None
    surename: str | None = None
    familyname: str | None = None
    name2: str | None = None
    titel: str | None = None
    gender: str | None = None
    customer_number: str | None = None
    status: int = 100
    parent_id: int | None = None
    description: str | None = None
    vat_number: str | None = None
    tax_number: str | None = None
    bank_account: str | None = None
    birthday: str | None = None
    default_time_to_pay: int | None = None
    exempt_vat: bool = False
    buyer_reference: str | None = None


_BALANCE = (
    "SELECT a.*, COALESCE((SELECT SUM(amount_cents) FROM check_account_transaction t"
    " WHERE t.check_account_id = a.id), 0) AS balance_cents FROM check_account a"
)


def _next_customer_number(db: sqlite3.Connection) -> str:
    # Non-numeric numbers ("KD-7") cast to 0 in SQLite, so they never win the maximum.
    row = db.execute(
        "SELECT COALESCE(MAX(CAST(customer_number AS INTEGER)), 10000) + 1 FROM contact"
    ).fetchone()
    return str(row[0])


class Store:
    """All reads and writes of the sandbox; one short-lived connection per call."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        connection = connect(self._db_path)
        try:
            yield connection
        finally:
            connection.close()

    # The SQL below is assembled from fixed fragments of this module; values are always bound.
    def _list(self, select: str, query: Query, page: Page) -> Listing:
        matching = f"{select}{query.where()}"
        with self._connection() as db:
            rows = db.execute(
                f"{matching} ORDER BY id LIMIT ? OFFSET ?", [*query.values, page.limit, page.offset]
            ).fetchall()
            total = None
            if page.count_all:
                count_sql = f"SELECT COUNT(*) FROM ({matching})"  # noqa: S608
                total = db.execute(count_sql, query.values).fetchone()[0]
        return Listing(rows=rows, total=total)

    def _one(self, select: str, object_id: int) -> sqlite3.Row | None:
        with self._connection() as db:
            row: sqlite3.Row | None = db.execute(f"{select} WHERE id = ?", (object_id,)).fetchone()
        return row

    def contacts(
        self,
        page: Page,
        *,
        with_persons: bool,
        customer_number: str | None,
        name: str | None,
        category_id: int | None,
    ) -> Listing:
        query = Query()
        if not with_persons:
            query.add("name IS NOT NULL")
        if customer_number is not None:
            query.add("customer_number = ?", customer_number)
        if name is not None:
            pattern = f"%{name.lower()}%"
            query.add(
                "(lower(name) LIKE ? OR lower(surename) LIKE ? OR lower(familyname) LIKE ?)",
                pattern,
                pattern,
                pattern,
            )
        if category_id is not None:
            query.add("category_id = ?", category_id)
        return self._list("SELECT * FROM contact", query, page)

    def contact(self, contact_id: int) -> sqlite3.Row | None:
        return self._one("SELECT * FROM contact", contact_id)

    def next_customer_number(self) -> str:
        """The number the API would give the next contact (getNextCustomerNumber)."""
        with self._connection() as db:
            return _next_customer_number(db)

    def create_contact(self, new: NewContact) -> sqlite3.Row:
        now = int(time.time())
        with self._connection() as db:
            number = new.customer_number or _next_customer_number(db)
            cursor = db.execute(
                "INSERT INTO contact (created, updated, name, surename, familyname, name2, titel,"
                " gender, customer_number, category_id, status, parent_id, description, vat_number,"
                " tax_number, bank_account, birthday, default_time_to_pay, exempt_vat,"
                " buyer_reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?)",
                (
                    now,
                    now,
                    new.name,
                    new.surename,
                    new.familyname,
                    new.name2,
                    new.titel,
                    new.gender,
                    number,
                    new.category_id,
                    new.status,
                    new.parent_id,
                    new.description,
                    new.vat_number,
                    new.tax_number,
                    new.bank_account,
                    new.birthday,
                    new.default_time_to_pay,
                    int(new.exempt_vat),
                    new.buyer_reference,
                ),
            )
            db.commit()
            row: sqlite3.Row = db.execute(
                "SELECT * FROM contact WHERE id = ?", (cursor.lastrowid,)
            ).fetchone()
        return row

    def invoices(
        self,
        page: Page,
        *,
        status: int | None,
        invoice_number: str | None,
        start: int | None,
        end: int | None,
        contact_id: int | None,
    ) -> Listing:
        query = Query()
        if status is not None:
            query.add("status = ?", status)
        if invoice_number is not None:
            query.add("invoice_number = ?", invoice_number)
        if start is not None:
            query.add("invoice_date >= ?", start)
        if end is not None:
            query.add("invoice_date <= ?", end)
        if contact_id is not None:
            query.add("contact_id = ?", contact_id)
        return self._list("SELECT * FROM invoice", query, page)

    def invoice(self, invoice_id: int) -> sqlite3.Row | None:
        return self._one("SELECT * FROM invoice", invoice_id)

    def vouchers(
        self,
        page: Page,
        *,
        status: int | None,
        credit_debit: str | None,
        description_like: str | None,
        start: int | None,
        end: int | None,
        contact_id: int | None,
    ) -> Listing:
        query = Query()
        if status is not None:
            query.add("status = ?", status)
        if credit_debit is not None:
            query.add("credit_debit = ?", credit_debit)
        if description_like is not None:
            query.add("lower(description) LIKE ?", f"%{description_like.lower()}%")
        if start is not None:
            query.add("voucher_date >= ?", start)
        if end is not None:
            query.add("voucher_date <= ?", end)
        if contact_id is not None:
            query.add("supplier_id = ?", contact_id)
        return self._list("SELECT * FROM voucher", query, page)

    def check_accounts(self, page: Page) -> Listing:
        return self._list(f"SELECT * FROM ({_BALANCE})", Query(), page)  # noqa: S608

    def transactions(
        self,
        page: Page,
        *,
        account_id: int | None,
        is_booked: bool | None,
        purpose: str | None,
        start: int | None,
        end: int | None,
        payee_payer: str | None,
        only_credit: bool,
        only_debit: bool,
    ) -> Listing:
        query = Query()
        if account_id is not None:
            query.add("check_account_id = ?", account_id)
        if is_booked is not None:
            # 400 booked and 350 auto-booked are booked; the rest are not (yet).
            query.add("status IN (350, 400)" if is_booked else "status NOT IN (350, 400)")
        if purpose is not None:
            query.add("lower(paymt_purpose) LIKE ?", f"%{purpose.lower()}%")
        if start is not None:
            query.add("value_date >= ?", start)
        if end is not None:
            query.add("value_date <= ?", end)
        if payee_payer is not None:
            query.add("lower(payee_payer_name) LIKE ?", f"%{payee_payer.lower()}%")
        if only_credit:
            query.add("amount_cents > 0")
        if only_debit:
            query.add("amount_cents < 0")
        return self._list("SELECT * FROM check_account_transaction", query, page)
