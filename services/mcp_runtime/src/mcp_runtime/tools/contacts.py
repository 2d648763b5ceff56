"""Contacts: list and search, get one, create one."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastmcp import FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.tools import Tool, ToolResult
from mcp.types import ToolAnnotations
from pydantic import Field

from mcp_runtime.api.client import CallerApi
from mcp_runtime.api.errors import ApiError, ApiNotFound, ApiRejected, WriteOutcomeUnknown
from mcp_runtime.api.models import Contact
from mcp_runtime.callinfo import current_call
from mcp_runtime.refusals import InvalidInput
from mcp_runtime.tools.common import (
    CALLER_API,
    READ_ONLY,
    WRITER_API,
    Limit,
    ObjectId,
    Offset,
    ShortText,
    answers,
    writers_see_it,
)
from mcp_runtime.views import (
    ContactView,
    CreateContactAnswer,
    PageView,
    one_result,
    output_schema,
    page_result,
)
from mcp_runtime.vocabulary import CONTACT_CATEGORY, ContactCategoryName, code_for

log = logging.getLogger(__name__)

NEXT_CUSTOMER_NUMBER = "Contact/Factory/getNextCustomerNumber"


async def list_contacts(
    name: Annotated[
        ShortText | None,
        Field(description="Only contacts whose name contains this text (organisation or person)."),
    ] = None,
    customer_number: Annotated[
        ShortText | None, Field(description="Only the contact with this customer number.")
    ] = None,
    include_persons: Annotated[
        bool, Field(description="Also return persons, not only organisations.")
    ] = False,
    limit: Limit = 20,
    offset: Offset = 0,
    api: CallerApi = CALLER_API,
) -> ToolResult:
    """List or search the contacts (customers, suppliers, partners, prospects).

    Each contact's category is in the answer; the API's contract has no category filter.
    """
    params: dict[str, str | int] = {"depth": "1" if include_persons else "0"}
    if name:
        params["name"] = name
    if customer_number:
        params["customerNumber"] = customer_number
    with answers(not_found="No contacts found."):
        page = await api.fetch_page("Contact", Contact, limit=limit, offset=offset, params=params)
    return page_result(page, ContactView.of, noun="contacts", heading="Contacts")


async def get_contact(
    contact_id: Annotated[ObjectId, Field(description="The contact's id.")],
    api: CallerApi = CALLER_API,
) -> ToolResult:
    """Get one contact by its id."""
    with answers(not_found=f"No contact with id {contact_id} exists."):
        contact = await api.fetch_one(f"Contact/{contact_id}", Contact)
    return one_result(ContactView.of(contact), prefix="Contact: ")


async def create_contact(
    category: Annotated[ContactCategoryName, Field(description="What the contact is to us.")],
    organisation_name: Annotated[
        ShortText | None, Field(description="Name of an organisation. Leave empty for a person.")
    ] = None,
    first_name: Annotated[ShortText | None, Field(description="A person's first name.")] = None,
    last_name: Annotated[ShortText | None, Field(description="A person's last name.")] = None,
    customer_number: Annotated[
        ShortText | None,
        Field(description="Customer number; when empty, the API's next free number is used."),
    ] = None,
    vat_number: Annotated[ShortText | None, Field(description="VAT identification number.")] = None,
    description: Annotated[
        str | None, Field(max_length=2000, description="A free-text note.")
    ] = None,
    api: CallerApi = WRITER_API,
) -> ToolResult:
    """Create a contact: an organisation (organisation_name) or a person (first/last name).

    Each call creates a new contact, even with the same data: search with list_contacts first.
    A contact is sent with its customer number, so an answer lost on the way is settled by
    looking that number up, never by sending it again.
    """
    name = _contact_name(organisation_name, first_name, last_name)
    with answers(not_found="The accounting API does not know that contact category."):
        if customer_number:
            await _refuse_if_taken(api, customer_number)
        number = customer_number or await _next_customer_number(api)
        body: dict[str, Any] = {
            "category": {"id": code_for(CONTACT_CATEGORY, category), "objectName": "Category"},
        }
        optional = {
            "name": organisation_name,
            "surename": first_name,
            "familyname": last_name,
            "customerNumber": number,
            "vatNumber": vat_number,
            "description": description,
        }
        body.update({k: v for k, v in optional.items() if v})
        try:
            contact = await api.create("Contact", body, Contact)
        except WriteOutcomeUnknown as unknown:
            return await _settle(api, unknown, name, number)
    current_call().write_outcome = "created"
    return _created(contact, number, note=None)


def _contact_name(organisation: str | None, first: str | None, last: str | None) -> str:
    if not (organisation or first or last):
        raise InvalidInput(
            "Give organisation_name for an organisation, or first_name/last_name for a person."
        )
    if organisation and (first or last):
        raise InvalidInput(
            "A contact is either an organisation or a person: give one kind of name."
        )
    return organisation or " ".join(p for p in (first, last) if p)


async def _find_by_number(api: CallerApi, number: str) -> Contact | None:
    page = await api.fetch_page(
        "Contact", Contact, limit=2, offset=0, params={"customerNumber": number, "depth": "1"}
    )
    return page.items[0] if page.items else None


async def _refuse_if_taken(api: CallerApi, number: str) -> None:
    # The natural key makes "create it again with the same number" safe after an unknown outcome.
    existing = await _find_by_number(api, number)
    if existing is not None:
        raise ToolError(
            f"A contact with customer number {number} already exists: "
            f"{ContactView.of(existing).line().removeprefix('- ')}. Nothing was created.",
            log_level=logging.INFO,
        )


async def _next_customer_number(api: CallerApi) -> str | None:
    try:
        return await api.fetch_text(NEXT_CUSTOMER_NUMBER)
    except (ApiNotFound, ApiRejected):
        # An API without the helper: the API numbers the contact, and a lost answer can only be
        # looked up by name.
        log.warning("the API has no next-customer-number call; creating without a number")
        return None


async def _settle(
    api: CallerApi, unknown: WriteOutcomeUnknown, name: str, number: str | None
) -> ToolResult:
    """An unknown outcome: look the contact up by its customer number; say what is known."""
    info = current_call()
    found: Contact | None = None
    looked_up = False
    if number is not None:
        try:
            found = await _find_by_number(api, number)
            looked_up = True
        except ApiError:
            looked_up = False
    if found is not None:
        info.write_outcome = "created"
        return _created(
            found,
            number,
            note=(
                f"{unknown.message}, so the contact was looked up by its customer number "
                f"{number}: it was created."
            ),
        )
    if looked_up and unknown.settled and (unknown.status or 0) >= 500:
        # The API finished handling the request with an error and nothing has that number.
        info.write_outcome = "not_created"
        raise ToolError(
            f"{unknown.message}; the contact was not created (no contact has customer number "
            f"{number}). Nothing was retried; try again in a minute.",
            log_level=logging.WARNING,
        )
    info.write_outcome = "unknown"
    log.warning("create_contact outcome unknown: %s", unknown.message)
    if number is not None:
        check = (
            f"It was sent with customer number {number}, and no contact has that number yet. "
            f'Check with list_contacts (customer_number "{number}") in a minute before trying '
            f'again; to create it again, pass customer_number "{number}", which refuses a '
            "second contact if the first one arrived meanwhile."
        )
    else:
        check = f'Check with list_contacts (name "{name}") before trying again.'
    text = f"{unknown.message}: the contact «{name}» may or may not have been created. {check}"
    answer = CreateContactAnswer(outcome="unknown", contact=None, customer_number=number, note=text)
    return ToolResult(content=text, structured_content=answer.model_dump(mode="json"))


def _created(contact: Contact, number: str | None, *, note: str | None) -> ToolResult:
    view = ContactView.of(contact)
    text = f"Created contact: {view.line().removeprefix('- ')}"
    if note:
        text += f"\n({note})"
    answer = CreateContactAnswer(
        outcome="created",
        contact=view,
        customer_number=view.customer_number or number,
        note=note,
    )
    return ToolResult(content=text, structured_content=answer.model_dump(mode="json"))


def register(mcp: FastMCP) -> list[Tool]:
    """Add the contact tools."""
    return [
        mcp.add_tool(
            Tool.from_function(
                list_contacts,
                annotations=READ_ONLY.model_copy(update={"title": "List or search contacts"}),
                output_schema=output_schema(PageView[ContactView]),
            )
        ),
        mcp.add_tool(
            Tool.from_function(
                get_contact,
                annotations=READ_ONLY.model_copy(update={"title": "Get a contact"}),
                output_schema=output_schema(ContactView),
            )
        ),
        mcp.add_tool(
            Tool.from_function(
                create_contact,
                annotations=ToolAnnotations(
                    title="Create a contact",
                    read_only_hint=False,
                    destructive_hint=False,
                    idempotent_hint=False,
                    open_world_hint=True,
                ),
                output_schema=output_schema(CreateContactAnswer),
                auth=writers_see_it,
            )
        ),
    ]
