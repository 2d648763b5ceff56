"""The contract's endpoints under /api/v1, with the API's paths and parameter names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from devstack.sandbox import params, wire
from devstack.sandbox.auth import STORE_KEY
from devstack.sandbox.contact_input import InvalidContact, MalformedBody, parse_contact
from devstack.sandbox.seed import INVOICE_STATUSES, VOUCHER_STATUSES
from devstack.sandbox.store import Listing, Store

_DEPTHS = ("0", "1")
_CREDIT_DEBIT = ("C", "D")


def _store(request: Request) -> Store:
    """The store of the organisation the request's token belongs to (set by TokenAuth)."""
    store: Store = getattr(request.state, STORE_KEY)
    return store


def _listing(
    listing: Listing, serialise: Callable[[Any], wire.JsonObject], page: params.Page
) -> JSONResponse:
    objects = [serialise(row) for row in listing.rows]
    return JSONResponse(wire.envelope(objects, listing.total if page.count_all else None))


def _path_id(request: Request, name: str) -> int:
    return params.parse_integer(name, request.path_params[name])


async def get_contacts(request: Request) -> JSONResponse:
    query = request.query_params
    page = params.page(query)
    listing = await run_in_threadpool(
        _store(request).contacts,
        page,
        with_persons=params.choice(query, "depth", _DEPTHS) == "1",
        customer_number=params.text(query, "customerNumber"),
        name=params.text(query, "name"),
        category_id=params.object_reference(query, "category", "Category"),
    )
    return _listing(listing, wire.contact, page)


async def get_contact(request: Request) -> JSONResponse:
    row = await run_in_threadpool(_store(request).contact, _path_id(request, "contactId"))
    if row is None:
        # The API answers a missing id with 400, not 404 (see accounting-api-facts.md §2).
        return JSONResponse(wire.error_body("Contact was not found"), status_code=400)
    return JSONResponse(wire.envelope([wire.contact(row)]))


async def create_contact(request: Request) -> JSONResponse:
    store = _store(request)
    try:
        new = parse_contact(await request.body())
    except MalformedBody as exc:
        return JSONResponse(wire.error_body(str(exc)), status_code=400)
    except InvalidContact as exc:
        return JSONResponse(wire.validation_error_body(str(exc)), status_code=422)
    if new.parent_id is not None and await run_in_threadpool(store.contact, new.parent_id) is None:
        return JSONResponse(
            wire.validation_error_body("parent: contact was not found"), status_code=422
        )
    row = await run_in_threadpool(store.create_contact, new)
    return JSONResponse(wire.envelope(wire.contact(row)), status_code=201)


async def get_next_customer_number(request: Request) -> JSONResponse:
    # A bare string in "objects", as the API answers (accounting-api-facts.md §2).
    number = await run_in_threadpool(_store(request).next_customer_number)
    return JSONResponse(wire.envelope(number))


async def get_invoices(request: Request) -> JSONResponse:
    query = request.query_params
    page = params.page(query)
    listing = await run_in_threadpool(
        _store(request).invoices,
        page,
        status=params.number_choice(query, "status", INVOICE_STATUSES),
        invoice_number=params.text(query, "invoiceNumber"),
        start=params.integer(query, "startDate"),
        end=params.integer(query, "endDate"),
        contact_id=params.object_reference(query, "contact", "Contact"),
    )
    return _listing(listing, wire.invoice, page)


async def get_invoice(request: Request) -> JSONResponse:
    row = await run_in_threadpool(_store(request).invoice, _path_id(request, "invoiceId"))
    if row is None:
        return JSONResponse(wire.error_body("Invoice was not found"), status_code=400)
    return JSONResponse(wire.envelope([wire.invoice(row)]))


async def get_vouchers(request: Request) -> JSONResponse:
    query = request.query_params
    page = params.page(query)
    listing = await run_in_threadpool(
        _store(request).vouchers,
        page,
        status=params.number_choice(query, "status", VOUCHER_STATUSES),
        credit_debit=params.choice(query, "creditDebit", _CREDIT_DEBIT),
        description_like=params.text(query, "descriptionLike"),
        start=params.integer(query, "startDate"),
        end=params.integer(query, "endDate"),
        contact_id=params.object_reference(query, "contact", "Contact"),
    )
    return _listing(listing, wire.voucher, page)


async def get_check_accounts(request: Request) -> JSONResponse:
    page = params.page(request.query_params)
    listing = await run_in_threadpool(_store(request).check_accounts, page)
    return _listing(listing, wire.check_account, page)


async def get_transactions(request: Request) -> JSONResponse:
    query = request.query_params
    page = params.page(query)
    listing = await run_in_threadpool(
        _store(request).transactions,
        page,
        account_id=params.object_reference(query, "checkAccount", "CheckAccount"),
        is_booked=params.boolean(query, "isBooked"),
        purpose=params.text(query, "paymtPurpose"),
        start=params.date_time(query, "startDate"),
        end=params.date_time(query, "endDate"),
        payee_payer=params.text(query, "payeePayerName"),
        only_credit=params.boolean(query, "onlyCredit") or False,
        only_debit=params.boolean(query, "onlyDebit") or False,
    )
    return _listing(listing, wire.transaction, page)


API_ROUTES = [
    Route("/Contact", get_contacts, methods=["GET"]),
    Route("/Contact", create_contact, methods=["POST"]),
    Route("/Contact/Factory/getNextCustomerNumber", get_next_customer_number, methods=["GET"]),
    Route("/Contact/{contactId}", get_contact, methods=["GET"]),
    Route("/Invoice", get_invoices, methods=["GET"]),
    Route("/Invoice/{invoiceId}", get_invoice, methods=["GET"]),
    Route("/Voucher", get_vouchers, methods=["GET"]),
    Route("/CheckAccount", get_check_accounts, methods=["GET"]),
    Route("/CheckAccountTransaction", get_transactions, methods=["GET"]),
]
