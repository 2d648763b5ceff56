"""Contract C3 on the runtime: who the caller is, over real HTTP with real RS256 tokens.

alice (accounting-writers) has the sandbox token of organisation org-a, bob (no groups) that of
org-b; whose data an answer shows proves whose API token was used. The Gateway calls with its
own M2M client token and puts the user's own access token into the caller header; on the
direct URL the bearer token is the user's and any caller header is ignored.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from gateway_contract.rules import rules

HEADER = rules().caller.runtime_header
WRITE_TOOLS = {"create_contact"}


@pytest.fixture(scope="module")
def users(kit: Any) -> dict[str, str]:
    """alice and bob, their API tokens stored; returns their access tokens and the Gateway's."""
    kit.store_token(kit.issuer.sub_of("alice"), kit.org_a_token)
    kit.store_token(kit.issuer.sub_of("bob"), kit.org_b_token)
    return {
        "alice": kit.issuer.token("alice", groups=(kit.writers, "home-devstack-home")),
        "bob": kit.issuer.token("bob"),
        "gateway": kit.issuer.token(None, client_id=kit.gateway_client),
        "other_m2m": kit.issuer.token(None, client_id=kit.interactive_client),
    }


def _client(url: str, bearer: str, caller: str | None = None) -> Client[Any]:
    headers = {HEADER: caller} if caller is not None else {}
    return Client(StreamableHttpTransport(url, headers=headers, auth=bearer))


async def _call(
    url: str, bearer: str, tool: str, args: dict[str, Any], caller: str | None = None
) -> Any:
    async with _client(url, bearer, caller) as client:
        return await client.call_tool(tool, args, raise_on_error=False)


async def _tools(url: str, bearer: str, caller: str | None = None) -> set[str]:
    async with _client(url, bearer, caller) as client:
        return {tool.name for tool in await client.list_tools()}


async def _organisation(url: str, bearer: str, caller: str | None = None) -> str:
    """Whose data the call saw: the sandbox names the organisation on its bank account."""
    result = await _call(url, bearer, "list_check_accounts", {}, caller)
    assert not result.is_error, _text(result)
    bank = result.structured_content["items"][0]["name"]
    return bank.rsplit("(", 1)[1].rstrip(")") if "(" in bank else "default"


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


# --- direct URL: the user's own token decides -----------------------------------------------


async def test_two_users_each_get_their_own_api_token(per_user_mcp: str, users: dict[str, str]):
    assert await _organisation(per_user_mcp, users["alice"]) == "org-a"
    assert await _organisation(per_user_mcp, users["bob"]) == "org-b"


async def test_forged_caller_header_with_a_user_token_is_ignored(
    per_user_mcp: str, users: dict[str, str]
) -> None:
    # bob presents alice's (valid!) token in the caller header: he is still bob.
    assert await _organisation(per_user_mcp, users["bob"], caller=users["alice"]) == "org-b"
    created = await _call(
        per_user_mcp,
        users["bob"],
        "create_contact",
        {"category": "customer", "organisation_name": "Bob Forged GmbH"},
        caller=users["alice"],
    )
    assert created.is_error
    assert "accounting-writers" in _text(created)


async def test_caller_header_without_the_gateway_client_is_ignored(
    per_user_mcp: str, users: dict[str, str], kit: Any
) -> None:
    # A client-credentials token of an allowed client that is not the Gateway's: the header does
    # not make it alice; it is itself (no API token stored for it).
    result = await _call(
        per_user_mcp, users["other_m2m"], "list_check_accounts", {}, caller=users["alice"]
    )
    assert result.is_error
    assert f"{kit.secret_prefix}/{kit.interactive_client}" in _text(result)


async def test_a_reader_does_not_see_or_get_to_use_create_contact(
    per_user_mcp: str, users: dict[str, str]
) -> None:
    visible = await _tools(per_user_mcp, users["bob"])
    assert "list_contacts" in visible
    assert not visible & WRITE_TOOLS
    result = await _call(
        per_user_mcp,
        users["bob"],
        "create_contact",
        {"category": "customer", "organisation_name": "Reader Versuch GmbH"},
    )
    assert result.is_error
    assert "accounting-writers" in _text(result)
    found = await _call(
        per_user_mcp, users["bob"], "list_contacts", {"name": "Reader Versuch", "limit": 100}
    )
    assert found.structured_content["items"] == []


async def test_a_writer_sees_and_uses_create_contact(
    per_user_mcp: str, users: dict[str, str]
) -> None:
    assert await _tools(per_user_mcp, users["alice"]) >= WRITE_TOOLS
    created = await _call(
        per_user_mcp,
        users["alice"],
        "create_contact",
        {"category": "customer", "organisation_name": "Alice Direkt GmbH"},
    )
    assert not created.is_error, _text(created)
    assert created.structured_content["outcome"] == "created"


# --- through the Gateway: its client token plus the caller header ----------------------------


async def test_gateway_with_a_valid_caller_uses_that_callers_token(
    per_user_mcp: str, users: dict[str, str]
) -> None:
    gateway = users["gateway"]
    assert await _organisation(per_user_mcp, gateway, caller=users["alice"]) == "org-a"
    assert await _organisation(per_user_mcp, gateway, caller=users["bob"]) == "org-b"


async def test_gateway_without_a_caller_header_is_refused_but_lists_every_tool(
    per_user_mcp: str, users: dict[str, str]
) -> None:
    result = await _call(per_user_mcp, users["gateway"], "list_contacts", {})
    assert result.is_error
    assert "without the caller's identity" in _text(result)
    write = await _call(
        per_user_mcp,
        users["gateway"],
        "create_contact",
        {"category": "customer", "organisation_name": "Niemand GmbH"},
    )
    assert write.is_error
    assert "without the caller's identity" in _text(write)
    # The Gateway syncs a target's catalogue with its own client and no user (implicit sync).
    assert await _tools(per_user_mcp, users["gateway"]) >= WRITE_TOOLS


@pytest.mark.parametrize(
    "bad_caller",
    ["expired", "other-issuer", "id-token", "gateway-token", "tampered", "garbage"],
)
async def test_gateway_with_an_unverifiable_caller_header_is_refused(
    per_user_mcp: str, users: dict[str, str], kit: Any, bad_caller: str
) -> None:
    now = int(time.time())
    header = {
        "expired": lambda: kit.issuer.token(
            "alice", overrides={"iat": now - 7200, "exp": now - 60}
        ),
        "other-issuer": lambda: kit.new_issuer().token("alice", groups=(kit.writers,)),
        "id-token": lambda: kit.issuer.token("alice", overrides={"token_use": "id"}),
        # The Gateway's own token is no user: forwarding it must not pass as one.
        "gateway-token": lambda: users["gateway"],
        "tampered": lambda: users["bob"][:-4] + ("AAAA" if users["bob"][-4:] != "AAAA" else "BBBB"),
        "garbage": lambda: "not-a-jwt",
    }[bad_caller]()
    result = await _call(per_user_mcp, users["gateway"], "list_contacts", {}, caller=header)
    assert result.is_error
    assert "could not be verified" in _text(result)
    assert header not in _text(result)


async def test_gateway_reader_vs_writer_on_create_contact(
    per_user_mcp: str, users: dict[str, str]
) -> None:
    gateway = users["gateway"]
    assert not await _tools(per_user_mcp, gateway, caller=users["bob"]) & WRITE_TOOLS
    assert await _tools(per_user_mcp, gateway, caller=users["alice"]) >= WRITE_TOOLS
    refused = await _call(
        per_user_mcp,
        gateway,
        "create_contact",
        {"category": "partner", "organisation_name": "Gateway Leser KG"},
        caller=users["bob"],
    )
    assert refused.is_error
    assert "accounting-writers" in _text(refused)
    created = await _call(
        per_user_mcp,
        gateway,
        "create_contact",
        {"category": "partner", "organisation_name": "Gateway Schreiber KG"},
        caller=users["alice"],
    )
    assert not created.is_error, _text(created)
    # Written with alice's own token: it is in org-a, not in bob's org-b.
    for bearer, caller, count in ((gateway, users["alice"], 1), (gateway, users["bob"], 0)):
        found = await _call(
            per_user_mcp, bearer, "list_contacts", {"name": "Gateway Schreiber"}, caller=caller
        )
        assert len(found.structured_content["items"]) == count
