"""Contacts: list and search, get one, create one."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastmcp import Context, FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.tools import ToolResult
from mcp.types import ToolAnnotations
from pydantic import Field

from mcp_runtime.api.models import Contact
from mcp_runtime.tools.common import (
    READ_ONLY,
    Limit,
    ObjectId,
    Offset,
    ShortText,
    answers,
    runtime,
)
from mcp_runtime.views import ContactView, PageView, one_result, output_schema, page_result
from mcp_runtime.vocabulary import CONTACT_CATEGORY, ContactCategoryName, code_for


async def list_contacts(
    ctx: Context,
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
) -> ToolResult:
    """List or search the contacts (customers, suppliers, partners, prospects).

    Each contact's category is in the answer; the API's contract has no category filter.
    """
    params: dict[str, str | int] = {"depth": "1" if include_persons else "0"}
    if name:
        params["name"] = name
    if customer_number:
        params["customerNumber"] = customer_number
    rt = runtime(ctx)
    with answers(not_found="No contacts found."):
        page = await rt.api.fetch_page(
            await rt.token(), "Contact", Contact, limit=limit, offset=offset, params=params
        )
    return page_result(page, ContactView.of, noun="contacts", heading="Contacts")


async def get_contact(
    ctx: Context,
    contact_id: Annotated[ObjectId, Field(description="The contact's id.")],
) -> ToolResult:
    """Get one contact by its id."""
    rt = runtime(ctx)
    with answers(not_found=f"No contact with id {contact_id} exists."):
        contact = await rt.api.fetch_one(await rt.token(), f"Contact/{contact_id}", Contact)
    return one_result(ContactView.of(contact), prefix="Contact: ")


async def create_contact(
    ctx: Context,
    category: Annotated[ContactCategoryName, Field(description="What the contact is to us.")],
    organisation_name: Annotated[
        ShortText | None, Field(description="Name of an organisation. Leave empty for a person.")
    ] = None,
    first_name: Annotated[ShortText | None, Field(description="A person's first name.")] = None,
    last_name: Annotated[ShortText | None, Field(description="A person's last name.")] = None,
    customer_number: Annotated[
        ShortText | None, Field(description="Customer number; the API assigns one if empty.")
    ] = None,
    vat_number: Annotated[ShortText | None, Field(description="VAT identification number.")] = None,
    description: Annotated[
        str | None, Field(max_length=2000, description="A free-text note.")
    ] = None,
) -> ToolResult:
    """Create a contact: an organisation (organisation_name) or a person (first/last name).

    Each call creates a new contact, even with the same data: search with list_contacts first.
    """
    if not (organisation_name or first_name or last_name):
        raise ToolError(
            "Give organisation_name for an organisation, or first_name/last_name for a person.",
            log_level=logging.INFO,
        )
    if organisation_name and (first_name or last_name):
        raise ToolError(
            "A contact is either an organisation or a person: give one kind of name.",
            log_level=logging.INFO,
        )
    body: dict[str, Any] = {
        "category": {"id": code_for(CONTACT_CATEGORY, category), "objectName": "Category"},
    }
    optional = {
        "name": organisation_name,
        "surename": first_name,
        "familyname": last_name,
        "customerNumber": customer_number,
        "vatNumber": vat_number,
        "description": description,
    }
    body.update({k: v for k, v in optional.items() if v})
    rt = runtime(ctx)
    with answers(not_found="The accounting API does not know that contact category."):
        contact = await rt.api.create(await rt.token(), "Contact", body, Contact)
    return one_result(ContactView.of(contact), prefix="Created contact: ")


def register(mcp: FastMCP) -> None:
    """Add the contact tools."""
    mcp.tool(
        list_contacts,
        annotations=READ_ONLY.model_copy(update={"title": "List or search contacts"}),
        output_schema=output_schema(PageView[ContactView]),
    )
    mcp.tool(
        get_contact,
        annotations=READ_ONLY.model_copy(update={"title": "Get a contact"}),
        output_schema=output_schema(ContactView),
    )
    mcp.tool(
        create_contact,
        annotations=ToolAnnotations(
            title="Create a contact",
            read_only_hint=False,
            destructive_hint=False,
            idempotent_hint=False,
            open_world_hint=True,
        ),
        output_schema=output_schema(ContactView),
    )
