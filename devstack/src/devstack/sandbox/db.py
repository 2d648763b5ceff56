"""The sandbox's SQLite schema and connections.

Money is stored in cents and dates as Unix seconds, so filters compare numbers; the wire module
turns them into the API's strings.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from devstack.sandbox.organisations import DEFAULT_ORGANISATION

SCHEMA = """
CREATE TABLE contact (
    id                  INTEGER PRIMARY KEY,
    created             INTEGER NOT NULL,
    updated             INTEGER NOT NULL,
    name                TEXT,
    surename            TEXT,
    familyname          TEXT,
    name2               TEXT,
    titel               TEXT,
    gender              TEXT,
    customer_number     TEXT,
    category_id         INTEGER NOT NULL,
    status              INTEGER NOT NULL DEFAULT 100,
    parent_id           INTEGER REFERENCES contact(id),
    description         TEXT,
    vat_number          TEXT,
    tax_number          TEXT,
    bank_account        TEXT,
    birthday            TEXT,
    default_time_to_pay INTEGER,
    exempt_vat          INTEGER NOT NULL DEFAULT 0,
    buyer_reference     TEXT
);
CREATE INDEX contact_customer_number ON contact(customer_number);

CREATE TABLE invoice (
    id             INTEGER PRIMARY KEY,
    created        INTEGER NOT NULL,
    updated        INTEGER NOT NULL,
    invoice_number TEXT NOT NULL,
    contact_id     INTEGER NOT NULL REFERENCES contact(id),
    invoice_date   INTEGER NOT NULL,
    delivery_date  INTEGER NOT NULL,
    status         INTEGER NOT NULL,
    invoice_type   TEXT NOT NULL,
    header         TEXT NOT NULL,
    address        TEXT,
    time_to_pay    INTEGER NOT NULL,
    tax_rate       INTEGER NOT NULL,
    sum_net        INTEGER NOT NULL,
    sum_tax        INTEGER NOT NULL,
    paid_cents     INTEGER NOT NULL DEFAULT 0,
    pay_date       INTEGER,
    send_date      INTEGER,
    send_type      TEXT,
    enshrined      INTEGER
);
CREATE INDEX invoice_contact ON invoice(contact_id);

CREATE TABLE voucher (
    id               INTEGER PRIMARY KEY,
    created          INTEGER NOT NULL,
    updated          INTEGER NOT NULL,
    voucher_date     INTEGER NOT NULL,
    supplier_id      INTEGER REFERENCES contact(id),
    supplier_name    TEXT,
    description      TEXT NOT NULL,
    status           INTEGER NOT NULL,
    credit_debit     TEXT NOT NULL,
    voucher_type     TEXT NOT NULL,
    tax_rate         INTEGER NOT NULL,
    sum_net          INTEGER NOT NULL,
    sum_tax          INTEGER NOT NULL,
    paid_cents       INTEGER NOT NULL DEFAULT 0,
    pay_date         INTEGER,
    payment_deadline INTEGER
);

CREATE TABLE check_account (
    id                INTEGER PRIMARY KEY,
    created           INTEGER NOT NULL,
    updated           INTEGER NOT NULL,
    name              TEXT NOT NULL,
    iban              TEXT,
    bic               TEXT,
    type              TEXT NOT NULL,
    import_type       TEXT,
    default_account   INTEGER NOT NULL,
    status            INTEGER NOT NULL,
    accounting_number TEXT NOT NULL
);

CREATE TABLE check_account_transaction (
    id                  INTEGER PRIMARY KEY,
    created             INTEGER NOT NULL,
    updated             INTEGER NOT NULL,
    check_account_id    INTEGER NOT NULL REFERENCES check_account(id),
    value_date          INTEGER NOT NULL,
    entry_date          INTEGER,
    paymt_purpose       TEXT,
    amount_cents        INTEGER NOT NULL,
    payee_payer_name    TEXT,
    payee_payer_acct_no TEXT,
    status              INTEGER NOT NULL
);
CREATE INDEX transaction_account ON check_account_transaction(check_account_id);
"""


def connect(db_path: Path) -> sqlite3.Connection:
    """Open a connection; callers open one per unit of work and close it (threads never share)."""
    connection = sqlite3.connect(db_path, timeout=5.0)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def create_database(db_path: Path) -> None:
    """Create the schema in a new file (WAL, so readers never wait for the writer)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    connection = connect(db_path)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.executescript(SCHEMA)
        connection.commit()
    finally:
        connection.close()


def ensure_database(db_path: Path, organisation: str = DEFAULT_ORGANISATION) -> None:
    """Create and seed the database unless it exists; a half-written file is never left behind."""
    if db_path.exists():
        return
    # Imported here: seeding is only needed on first start, and seed imports nothing from here.
    from devstack.sandbox.seed import seed

    scratch = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    scratch.unlink(missing_ok=True)
    create_database(scratch)
    connection = connect(scratch)
    try:
        named = organisation if organisation != DEFAULT_ORGANISATION else None
        seed(connection, organisation=named)
    finally:
        connection.close()
    # An atomic rename: a concurrent starter sees either no database or a complete one.
    scratch.replace(db_path)
