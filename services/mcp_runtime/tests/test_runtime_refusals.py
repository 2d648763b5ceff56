"""Strict input and clear refusals (issue 18), through the real server and the sandbox.

A clear refusal: ``isError``, names the field and what it takes, at most 300 characters, no
"pydantic", no traceback, no class or module names; and nothing reached the API. The fuzz test
draws arguments from each tool's own ``inputSchema`` (valid ones, and invalid ones by mutation).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastmcp import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp_runtime.server import create_server

# Bounded for CI; a longer run for people: MCP_RUNTIME_FUZZ_EXAMPLES=2000 pytest this file.
FUZZ_EXAMPLES = int(os.environ.get("MCP_RUNTIME_FUZZ_EXAMPLES", "120"))

FORBIDDEN = re.compile(
    r"pydantic|traceback|validationerror|mcp_runtime|fastmcp|errors\.pydantic|type=|"
    r"input_value|Error calling tool",
    re.IGNORECASE,
)


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content)


class Served:
    """One server and client for the module, driven from sync code (Hypothesis) via a portal."""

    def __init__(self, portal: BlockingPortal, client: Client[Any]) -> None:
        self.portal = portal
        self.client = client
        self.schemas = {t.name: t.input_schema for t in portal.call(client.list_tools)}

    def call(self, tool: str, args: dict[str, Any]) -> Any:
        return self.portal.call(lambda: self.client.call_tool(tool, args, raise_on_error=False))


@pytest.fixture(scope="module")
def served(sandbox_url: str, make_settings: Any) -> Iterator[Served]:
    with start_blocking_portal() as portal:
        client = Client(create_server(make_settings(sandbox_url)))
        with portal.wrap_async_context_manager(client):
            yield Served(portal, client)


def assert_clear_refusal(result: Any, field: str | None = None) -> str:
    text = _text(result)
    assert result.is_error, text
    assert len(text) <= 300, text
    assert not FORBIDDEN.search(text), text
    if field is not None:
        assert field in text, text
    return text


@pytest.mark.parametrize(
    ("tool", "args", "field", "says"),
    [
        ("get_contact", {"contact_id": True}, "contact_id", "whole number from 1"),
        ("get_contact", {"contact_id": "50"}, "contact_id", "got text"),
        ("get_contact", {"contact_id": 1.5}, "contact_id", "whole number"),
        ("get_contact", {}, "contact_id", "is required"),
        ("get_contact", {"contact_id": 1, "verbose": True}, "verbose", "not an argument"),
        ("list_contacts", {"limit": 0}, "limit", "from 1 to 100"),
        ("list_contacts", {"include_persons": "yes"}, "include_persons", "true or false"),
        ("list_contacts", {"name": "   "}, "name", "not blank"),
        ("list_invoices", {"status": "lost"}, "status", "one of"),
        ("list_invoices", {"start_date": "2024-13-45"}, "start_date", "YYYY-MM-DD"),
        ("list_check_account_transactions", {"direction": 1}, "direction", "incoming"),
        (
            "create_contact",
            {"category": "customer", "organisation_name": "  "},
            "organisation_name",
            "not blank",
        ),
        (
            "create_contact",
            {"category": "friend", "organisation_name": "X"},
            "category",
            "supplier",
        ),
        (
            "create_contact",
            {"category": "customer", "organisation_name": "x" * 300},
            "organisation_name",
            "255",
        ),
    ],
)
def test_bad_arguments_get_a_clear_refusal_and_reach_no_api(
    served: Served, faults: Any, tool: str, args: dict[str, Any], field: str, says: str
) -> None:
    faults.reset_stats()
    text = assert_clear_refusal(served.call(tool, args), field)
    assert says in text
    assert faults.stats()["requests"] == 0


def test_json_dates_and_enums_still_parse_in_strict_mode(served: Served) -> None:
    result = served.call(
        "list_invoices", {"status": "paid", "start_date": "2025-01-01", "end_date": "2025-12-31"}
    )
    assert not result.is_error, _text(result)
    assert {i["status"] for i in result.structured_content["items"]} == {"paid"}


def test_names_are_trimmed_before_use(served: Served) -> None:
    created = served.call(
        "create_contact", {"category": "prospect", "organisation_name": "  Rand Leer AG  "}
    )
    assert created.structured_content["contact"]["name"] == "Rand Leer AG"


def test_tool_refusals_of_their_own_are_clear_too(served: Served, faults: Any) -> None:
    faults.reset_stats()
    for tool, args in [
        ("create_contact", {"category": "customer"}),
        ("create_contact", {"category": "customer", "organisation_name": "A", "last_name": "B"}),
        ("list_invoices", {"start_date": "2025-05-01", "end_date": "2025-04-01"}),
    ]:
        assert_clear_refusal(served.call(tool, args))
    assert faults.stats()["requests"] == 0


# --- fuzz from each tool's own schema --------------------------------------------------------


def _plain(prop: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The non-null branch of ``X | null`` and whether null is allowed."""
    options = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
    return (options[0], True) if options else (prop, False)


def valid_value(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    schema, _ = _plain(prop)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31))
    if kind == "boolean":
        return st.booleans()
    if schema.get("format") == "date":
        return st.dates().map(lambda d: d.isoformat())
    letters = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    text = st.text(letters, min_size=1, max_size=min(schema.get("maxLength", 40), 40))
    return text.filter(lambda v: v.strip()) if schema.get("pattern") else text


def valid_arguments(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    props: dict[str, Any] = schema["properties"]
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {k: valid_value(v) for k, v in props.items() if k in required},
        optional={k: valid_value(v) for k, v in props.items() if k not in required},
    )


def wrong_values(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the property must refuse: other JSON types, out of range, oversized, blank."""
    schema, nullable = _plain(prop)
    kind = "enum" if "enum" in schema else schema.get("type")
    others: list[Any] = [[1, 2], {"a": 1}]
    if not nullable:
        others.append(None)
    if kind == "integer":
        others += [True, "7", 1.5]
        if "minimum" in schema:
            others += [schema["minimum"] - 1, -(2**63)]
        if "maximum" in schema:
            others += [schema["maximum"] + 1, 10**30]
    elif kind == "boolean":
        others += ["true", 1, 0]
    elif kind == "enum":
        others += [True, 3, "not-a-choice", str(schema["enum"][0]).upper() + "!"]
    elif schema.get("format") == "date":
        others += ["yesterday", "2024-02-30", 20240101, "01.02.2024"]
    else:
        others += [True, 12]
        if "maxLength" in schema:
            others += ["x" * (schema["maxLength"] + 1), "y" * 100_000]
        if schema.get("pattern"):
            others += [" ", "\t\n ", "\u3000"]
    return st.sampled_from(others)


@st.composite
def invalid_arguments(draw: st.DrawFn, schema: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A valid call with one mutation; also returns the field the refusal must name."""
    args = dict(draw(valid_arguments(schema)))
    props: dict[str, Any] = schema["properties"]
    required = list(schema.get("required", []))
    choices = ["wrong"] + (["missing"] if required else []) + ["extra"]
    how = draw(st.sampled_from(choices))
    if how == "missing":
        field = draw(st.sampled_from(required))
        args.pop(field, None)
    elif how == "extra":
        field = draw(st.sampled_from(["_caller", "user", "contactId", "limit2"]))
        args[field] = draw(st.sampled_from([1, "x", None, {"sub": "admin"}]))
    else:
        field = draw(st.sampled_from(sorted(props)))
        args[field] = draw(wrong_values(props[field]))
    return args, field


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz_invalid_arguments_are_clear_refusals_that_change_nothing(
    served: Served, faults: Any, data: st.DataObject
) -> None:
    tool = data.draw(st.sampled_from(sorted(served.schemas)))
    args, field = data.draw(invalid_arguments(served.schemas[tool]))
    faults.reset_stats()
    assert_clear_refusal(served.call(tool, args), field)
    assert faults.stats()["requests"] == 0, (tool, args)


@settings(
    max_examples=max(FUZZ_EXAMPLES // 2, 1),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz_valid_arguments_get_an_answer_or_a_domain_error_never_an_internal_one(
    served: Served, data: st.DataObject
) -> None:
    tool = data.draw(st.sampled_from(sorted(served.schemas)))
    args = data.draw(valid_arguments(served.schemas[tool]))
    result = served.call(tool, args)
    text = _text(result)
    assert text.strip()
    assert not FORBIDDEN.search(text), (tool, args, text)
    if not result.is_error:
        assert result.structured_content is not None
