"""The accounting API's wire format: string ids and amounts, `{id, objectName}` references,
ISO dates with an offset, `{"objects": ...}` envelopes and the API's error bodies."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

JsonObject = dict[str, Any]

# The API answers in German local time; a fixed CET offset keeps the sandbox free of tzdata.
_LOCAL = timezone(timedelta(hours=1))
_TAX_RULE_DEFAULT = "1"  # "Umsatzsteuerpflichtige Umsätze" in bookkeeping 2.0


def envelope(objects: Any, total: int | None = None) -> JsonObject:
    """Wrap an answer; with countAll the total comes as a string, like everything else."""
    body: JsonObject = {"objects": objects}
    if total is not None:
        body["total"] = str(total)
    return body


def error_body(message: str) -> JsonObject:
    """The shape the API uses for 400/401/404/5xx answers."""
    return {"objects": None, "error": {"message": message, "code": None}}


def validation_error_body(message: str) -> JsonObject:
    """The shape the API documents for 422 answers."""
    return {"error": {"message": message, "exceptionUUID": str(uuid.uuid4())}}


def money(cents: int) -> str:
    """Cents to the API's decimal string ("-100.32")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def timestamp(seconds: int | None) -> str | None:
    """Unix seconds to the API's ISO-8601 with offset."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).astimezone(_LOCAL).isoformat()


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _ref(value: object, object_name: str) -> JsonObject | None:
    return None if value is None else {"id": str(value), "objectName": object_name}


def contact(row: sqlite3.Row) -> JsonObject:
    """A contact row as Model_ContactResponse."""
    return {
        "id": str(row["id"]),
        "objectName": "Contact",
        "create": timestamp(row["created"]),
        "update": timestamp(row["updated"]),
        "name": row["name"],
        "status": str(row["status"]),
        "customerNumber": row["customer_number"],
        "parent": _ref(row["parent_id"], "Contact"),
        "surename": row["surename"],
        "familyname": row["familyname"],
        "titel": row["titel"],
        "category": _ref(row["category_id"], "Category"),
        "description": row["description"],
        "academicTitle": None,
        "gender": row["gender"],
        "name2": row["name2"],
        "birthday": row["birthday"],
        "vatNumber": row["vat_number"],
        "bankAccount": row["bank_account"],
        "bankNumber": None,
        "defaultCashbackTime": None,
        "defaultCashbackPercent": None,
        "defaultTimeToPay": _text(row["default_time_to_pay"]),
        "taxNumber": row["tax_number"],
        "taxOffice": None,
        "exemptVat": str(row["exempt_vat"]),
        "defaultDiscountAmount": None,
        "defaultDiscountPercentage": "0",
        "buyerReference": row["buyer_reference"],
        "governmentAgency": "0",
    }


def invoice(row: sqlite3.Row) -> JsonObject:
    """An invoice row as Model_InvoiceResponse."""
    gross = row["sum_net"] + row["sum_tax"]
    return {
        "id": str(row["id"]),
        "objectName": "Invoice",
        "invoiceNumber": row["invoice_number"],
        "contact": _ref(row["contact_id"], "Contact"),
        "create": timestamp(row["created"]),
        "update": timestamp(row["updated"]),
        "invoiceDate": timestamp(row["invoice_date"]),
        "header": row["header"],
        "headText": None,
        "footText": None,
        "timeToPay": str(row["time_to_pay"]),
        "discountTime": "0",
        "discount": "0",
        "addressCountry": {"id": "1", "objectName": "StaticCountry"},
        "payDate": timestamp(row["pay_date"]),
        "deliveryDate": timestamp(row["delivery_date"]),
        "status": str(row["status"]),
        "smallSettlement": False,
        "contactPerson": {"id": "1", "objectName": "SevUser"},
        "taxRate": str(row["tax_rate"]),
        "taxRule": {"id": _TAX_RULE_DEFAULT, "objectName": "TaxRule"},
        "taxText": f"Umsatzsteuer {row['tax_rate']}%",
        "dunningLevel": None,
        "taxType": "default",
        "sendDate": timestamp(row["send_date"]),
        "invoiceType": row["invoice_type"],
        "address": row["address"],
        "currency": "EUR",
        "sumNet": money(row["sum_net"]),
        "sumTax": money(row["sum_tax"]),
        "sumGross": money(gross),
        "sumDiscounts": "0.00",
        "paidAmount": row["paid_cents"] / 100,
        "customerInternalNote": None,
        "showNet": True,
        "enshrined": timestamp(row["enshrined"]),
        "sendType": row["send_type"],
        "deliveryDateUntil": None,
    }


def voucher(row: sqlite3.Row) -> JsonObject:
    """A voucher row as Model_VoucherResponse."""
    gross = row["sum_net"] + row["sum_tax"]
    return {
        "id": str(row["id"]),
        "objectName": "Voucher",
        "mapAll": True,
        "create": timestamp(row["created"]),
        "update": timestamp(row["updated"]),
        "voucherDate": timestamp(row["voucher_date"]),
        "supplier": _ref(row["supplier_id"], "Contact"),
        "supplierName": row["supplier_name"],
        "description": row["description"],
        "document": None,
        "payDate": timestamp(row["pay_date"]),
        "status": str(row["status"]),
        "sumNet": money(row["sum_net"]),
        "sumTax": money(row["sum_tax"]),
        "sumGross": money(gross),
        "sumNetAccounting": money(row["sum_net"]),
        "sumTaxAccounting": money(row["sum_tax"]),
        "sumGrossAccounting": money(gross),
        "sumDiscounts": "0.00",
        "sumDiscountsForeignCurrency": "0.00",
        "paidAmount": row["paid_cents"] / 100,
        "taxRule": {"id": _TAX_RULE_DEFAULT, "objectName": "TaxRule"},
        "taxType": "default",
        "creditDebit": row["credit_debit"],
        "voucherType": row["voucher_type"],
        "currency": "EUR",
        "paymentDeadline": timestamp(row["payment_deadline"]),
        "deliveryDate": timestamp(row["voucher_date"]),
    }


def check_account(row: sqlite3.Row) -> JsonObject:
    """A check-account row (with its computed balance) as Model_CheckAccountResponse."""
    return {
        "id": str(row["id"]),
        "objectName": "CheckAccount",
        "create": timestamp(row["created"]),
        "update": timestamp(row["updated"]),
        "name": row["name"],
        "iban": row["iban"],
        "type": row["type"],
        "importType": row["import_type"],
        "currency": "EUR",
        "defaultAccount": str(row["default_account"]),
        "baseAccount": "0",
        "priority": str(row["id"]),
        "status": str(row["status"]),
        "balance": money(row["balance_cents"]),
        "bankServer": None,
        "autoMapTransactions": "1",
        "accountingNumber": row["accounting_number"],
        "bic": row["bic"],
    }


def transaction(row: sqlite3.Row) -> JsonObject:
    """A transaction row as Model_CheckAccountTransactionResponse."""
    return {
        "id": str(row["id"]),
        "objectName": "CheckAccountTransaction",
        "create": timestamp(row["created"]),
        "update": timestamp(row["updated"]),
        "valueDate": timestamp(row["value_date"]),
        "entryDate": timestamp(row["entry_date"]),
        "paymtPurpose": row["paymt_purpose"],
        "amount": money(row["amount_cents"]),
        "payeePayerName": row["payee_payer_name"],
        "payeePayerAcctNo": row["payee_payer_acct_no"],
        "payeePayerBankCode": None,
        "checkAccount": _ref(row["check_account_id"], "CheckAccount"),
        "status": str(row["status"]),
        "enshrined": None,
        "sourceTransaction": None,
        "targetTransaction": None,
    }
