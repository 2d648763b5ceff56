"""Deterministic demo data: the same seed gives the same database on every machine.

Dozens of contacts in every category, invoices in every status, vouchers in every status, and two
check accounts (a bank account and a cash register) with transactions in every status. Each
organisation other than the default gets its own seed (other names, amounts and dates) and its
name on the bank account, so two organisations' data is told apart at a glance.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

SEED = 20250101
CATEGORY_SUPPLIER, CATEGORY_CUSTOMER, CATEGORY_PARTNER, CATEGORY_PROSPECT = 2, 3, 4, 28
INVOICE_STATUSES = (50, 100, 200, 750, 1000)
VOUCHER_STATUSES = (50, 100, 1000)
TRANSACTION_STATUSES = (100, 200, 300, 350, 400)
_YEAR_START = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
_DAY = 86_400

_FAMILY_NAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
)
_FIRST_NAMES = ("Anna", "Lukas", "Mia", "Jonas", "Lea", "Felix", "Emma", "Paul", "Hannah", "Ben")
_TRADES = (
    "Bau",
    "Logistik",
    "Software",
    "Druck",
    "Elektro",
    "Consulting",
    "Gartenbau",
    "Catering",
    "Metallbau",
    "Immobilien",
    "Medien",
    "Reisen",
)
_FORMS = ("GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "UG (haftungsbeschränkt)")
_CITIES = ("Berlin", "Hamburg", "München", "Köln", "Leipzig", "Freiburg", "Kassel", "Bremen")
_EXPENSES = (
    ("Büromaterial", 7),
    ("Bahnticket", 7),
    ("Hosting", 19),
    ("Software-Abo", 19),
    ("Bewirtung", 19),
    ("Telefon und Internet", 19),
    ("Fachliteratur", 7),
    ("Miete Lager", 19),
)


@dataclass(frozen=True)
class SeedCounts:
    """How much demo data `seed` writes (tests assert against these)."""

    organisations: int = 36
    persons: int = 12
    invoices: int = 60
    vouchers: int = 30
    bank_transactions: int = 45
    cash_transactions: int = 15


DEFAULT_COUNTS = SeedCounts()


def seed(
    connection: sqlite3.Connection,
    counts: SeedCounts = DEFAULT_COUNTS,
    organisation: str | None = None,
) -> None:
    """Fill an empty database with demo data (``organisation`` None: the default data set)."""
    # A str seed is hashed with SHA-512 by `random`, so it is stable across runs and machines.
    rng = random.Random(SEED if organisation is None else f"{SEED}:{organisation}")  # noqa: S311 - demo data must be reproducible, not secret
    org_ids = _contacts(connection, rng, counts)
    customers = [
        row[0]
        for row in connection.execute(
            "SELECT id FROM contact WHERE category_id = ? AND parent_id IS NULL",
            (CATEGORY_CUSTOMER,),
        )
    ]
    suppliers = [
        row[0]
        for row in connection.execute(
            "SELECT id FROM contact WHERE category_id = ?", (CATEGORY_SUPPLIER,)
        )
    ]
    _invoices(connection, rng, customers or org_ids, counts.invoices)
    _vouchers(connection, rng, suppliers or org_ids, counts.vouchers)
    _accounts_and_transactions(connection, rng, counts, organisation)
    connection.commit()


def _day(rng: random.Random, first: int = 0, last: int = 330) -> int:
    return _YEAR_START + rng.randint(first, last) * _DAY + 9 * 3600


def _contacts(connection: sqlite3.Connection, rng: random.Random, counts: SeedCounts) -> list[int]:
    # Most contacts are customers, as in a real small business; every category occurs.
    categories = [CATEGORY_CUSTOMER] * 20 + [CATEGORY_SUPPLIER] * 8 + [CATEGORY_PARTNER] * 4
    categories += [CATEGORY_PROSPECT] * (counts.organisations - len(categories))
    names: set[str] = set()
    org_ids: list[int] = []
    for index, category in enumerate(categories[: counts.organisations]):
        name = f"{rng.choice(_FAMILY_NAMES)} {rng.choice(_TRADES)} {rng.choice(_FORMS)}"
        while name in names:
            name = f"{rng.choice(_FAMILY_NAMES)} {rng.choice(_TRADES)} {rng.choice(_FORMS)}"
        names.add(name)
        created = _day(rng, 0, 120)
        cursor = connection.execute(
            "INSERT INTO contact (created, updated, name, customer_number, category_id, status,"
            " description, vat_number, default_time_to_pay)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                created,
                created,
                name,
                str(10001 + index),
                category,
                1000 if category != CATEGORY_PROSPECT else 100,
                f"Sitz in {rng.choice(_CITIES)}",
                f"DE{rng.randint(100_000_000, 999_999_999)}",
                rng.choice((14, 30, None)),
            ),
        )
        org_ids.append(int(cursor.lastrowid or 0))
    for index in range(counts.persons):
        parent = rng.choice(org_ids)
        created = _day(rng, 0, 200)
        connection.execute(
            "INSERT INTO contact (created, updated, surename, familyname, gender, customer_number,"
            " category_id, status, parent_id) SELECT ?, ?, ?, ?, ?, ?, category_id, 1000, id"
            " FROM contact WHERE id = ?",
            (
                created,
                created,
                rng.choice(_FIRST_NAMES),
                rng.choice(_FAMILY_NAMES),
                rng.choice(("m", "w")),
                str(10001 + counts.organisations + index),
                parent,
            ),
        )
    return org_ids


def _invoices(
    connection: sqlite3.Connection, rng: random.Random, customers: list[int], count: int
) -> None:
    for index in range(count):
        # Cycle through the statuses first so every one of them is present.
        status = (
            INVOICE_STATUSES[index]
            if index < len(INVOICE_STATUSES)
            else rng.choice((100, 200, 200, 1000, 1000, 1000, 750))
        )
        invoice_date = _day(rng)
        net = rng.randint(80, 6000) * 100 + rng.choice((0, 50, 90))
        tax_rate = rng.choice((19, 19, 19, 7))
        tax = round(net * tax_rate / 100)
        gross = net + tax
        paid = {1000: gross, 750: gross // 2}.get(status, 0)
        sent = status not in (100,)
        connection.execute(
            "INSERT INTO invoice (created, updated, invoice_number, contact_id, invoice_date,"
            " delivery_date, status, invoice_type, header, address, time_to_pay, tax_rate, sum_net,"
            " sum_tax, paid_cents, pay_date, send_date, send_type, enshrined)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                invoice_date,
                invoice_date,
                f"RE-{1001 + index}",
                rng.choice(customers),
                invoice_date,
                invoice_date,
                status,
                "WKR" if status == 50 else "RE",
                f"Rechnung RE-{1001 + index}",
                f"Musterstraße {rng.randint(1, 99)}\n"
                f"{rng.randint(10000, 99999)} {rng.choice(_CITIES)}",
                rng.choice((14, 30)),
                tax_rate,
                net,
                tax,
                paid,
                invoice_date + rng.randint(3, 40) * _DAY if status == 1000 else None,
                invoice_date if sent else None,
                "VM" if sent else None,
                invoice_date if status == 1000 else None,
            ),
        )


def _vouchers(
    connection: sqlite3.Connection, rng: random.Random, suppliers: list[int], count: int
) -> None:
    for index in range(count):
        status = (
            VOUCHER_STATUSES[index]
            if index < len(VOUCHER_STATUSES)
            else rng.choice((50, 100, 1000, 1000))
        )
        purpose, tax_rate = rng.choice(_EXPENSES)
        credit_debit = "D" if index % 7 == 6 else "C"
        supplier = rng.choice(suppliers) if credit_debit == "C" else None
        net = rng.randint(5, 900) * 100 + rng.choice((0, 40, 99))
        tax = round(net * tax_rate / 100)
        voucher_date = _day(rng)
        connection.execute(
            "INSERT INTO voucher (created, updated, voucher_date, supplier_id, supplier_name,"
            " description, status, credit_debit, voucher_type, tax_rate, sum_net, sum_tax,"
            " paid_cents, pay_date, payment_deadline) VALUES (?, ?, ?, ?,"
            " (SELECT name FROM contact WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                voucher_date,
                voucher_date,
                voucher_date,
                supplier,
                supplier,
                f"BE-{2001 + index} {purpose}",
                status,
                credit_debit,
                "VOU",
                tax_rate,
                net,
                tax,
                net + tax if status == 1000 else 0,
                voucher_date + 5 * _DAY if status == 1000 else None,
                voucher_date + 14 * _DAY,
            ),
        )


def _accounts_and_transactions(
    connection: sqlite3.Connection,
    rng: random.Random,
    counts: SeedCounts,
    organisation: str | None,
) -> None:
    opened = _YEAR_START
    bank = "Geschäftskonto Sparkasse" + (f" ({organisation})" if organisation else "")
    connection.executemany(
        "INSERT INTO check_account (id, created, updated, name, iban, bic, type, import_type,"
        " default_account, status, accounting_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                1,
                opened,
                opened,
                bank,
                "DE02120300000000202051",
                "BYLADEM1001",
                "online",
                "CSV",
                1,
                100,
                "1800",
            ),
            (2, opened, opened, "Kasse", None, None, "register", None, 0, 100, "1600"),
        ],
    )
    payers = [
        row[0] for row in connection.execute("SELECT name FROM contact WHERE name IS NOT NULL")
    ]
    # An opening balance first, so the accounts read like a solvent business.
    connection.executemany(
        "INSERT INTO check_account_transaction (created, updated, check_account_id, value_date,"
        " entry_date, paymt_purpose, amount_cents, payee_payer_name, status)"
        " VALUES (?, ?, ?, ?, ?, 'Saldovortrag', ?, NULL, 400)",
        [
            (opened, opened, 1, opened, opened, 4_250_000),
            (opened, opened, 2, opened, opened, 1_200_000),
        ],
    )
    plan = [(1, counts.bank_transactions), (2, counts.cash_transactions)]
    for account_id, count in plan:
        for index in range(count):
            status = (
                TRANSACTION_STATUSES[index]
                if index < len(TRANSACTION_STATUSES)
                else rng.choice(TRANSACTION_STATUSES)
            )
            incoming = account_id == 1 and rng.random() < 0.55
            amount = rng.randint(10, 4000) * 100 + rng.choice((0, 25, 99))
            purpose, _ = rng.choice(_EXPENSES)
            value_date = _day(rng)
            connection.execute(
                "INSERT INTO check_account_transaction (created, updated, check_account_id,"
                " value_date, entry_date, paymt_purpose, amount_cents, payee_payer_name,"
                " payee_payer_acct_no, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    value_date,
                    value_date,
                    account_id,
                    value_date,
                    value_date,
                    f"RE-{rng.randint(1001, 1060)}" if incoming else purpose,
                    amount if incoming else -amount // (4 if account_id == 2 else 1),
                    rng.choice(payers),
                    f"DE{rng.randint(10**19, 10**20 - 1)}" if account_id == 1 else None,
                    status,
                ),
            )
