"""Both interception points with AgentCore's event shapes and real signed tokens.

Event shapes: AgentCore developer guide, "Types of interceptors" (gateway-interceptors-types).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from gateway_contract.caller import Caller
from gateway_contract.rules import rules
from gateway_interceptor.intercept import Interceptor
from gateway_interceptor.policy import Policy
from gateway_interceptor.settings import InterceptorSettings
from gateway_interceptor.verify import AccessTokenVerifier
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

CALLER_ARG = rules().caller.argument
CALLER_HEADER = rules().caller.runtime_header
HOME = "home-devstack-home"
WRITERS = rules().groups.accounting_writers
HOME_TOOLS = ["home___turn_on", "home___list_devices"]
READ_TOOLS = ["accounting___list_contacts", "accounting-api___getContacts"]
WRITE_TOOLS = ["accounting___create_contact"]
ALL_TOOLS = HOME_TOOLS + READ_TOOLS + WRITE_TOOLS


@pytest.fixture
def interceptor(settings: InterceptorSettings) -> Interceptor:
    return Interceptor(AccessTokenVerifier(settings), Policy.from_settings(settings))


def request_event(
    body: Any, token: str | None, extra_headers: dict[str, str] | None = None
) -> dict[str, Any]:
    headers = {"Accept": "application/json", "Mcp-Session-Id": "s-1", **(extra_headers or {})}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return {
        "interceptorInputVersion": "1.0",
        "mcp": {
            "rawGatewayRequest": {"body": json.dumps(body)},
            "gatewayRequest": {
                "path": "/mcp",
                "httpMethod": "POST",
                "headers": headers,
                "body": body,
            },
        },
    }


def response_event(request: dict[str, Any], body: Any, status: int = 200) -> dict[str, Any]:
    event = json.loads(json.dumps(request))
    event["mcp"]["gatewayResponse"] = {
        "statusCode": status,
        "headers": {"Mcp-Session-Id": "s-1"},
        "body": body,
    }
    return event


def call(tool: str, arguments: Any = None, message_id: int = 7) -> dict[str, Any]:
    params: dict[str, Any] = {"name": tool}
    if arguments is not None:
        params["arguments"] = arguments
    return {"jsonrpc": "2.0", "id": message_id, "method": "tools/call", "params": params}


def forwarded(output: dict[str, Any]) -> dict[str, Any]:
    assert "transformedGatewayResponse" not in output["mcp"], output
    request: dict[str, Any] = output["mcp"]["transformedGatewayRequest"]
    return request


def refusal_text(output: dict[str, Any]) -> str:
    response = output["mcp"]["transformedGatewayResponse"]
    assert response["statusCode"] == 200
    result = response["body"]["result"]
    assert result["isError"] is True
    text: str = result["content"][0]["text"]
    return text


def token_for(issuer: Any, groups: list[str]) -> str:
    return issuer.token(**{"cognito:groups": groups or None})


# --- REQUEST: caller injection ------------------------------------------------------------------


def test_a_home_call_gets_the_verified_caller_and_loses_a_forged_one(interceptor, issuer):
    token = token_for(issuer, [HOME])
    forged = {"sub": "someone-else", "username": "mallory", "groups": ["home-x"], "client_id": "c"}
    out = interceptor.handle(
        request_event(call("home___turn_on", {"device": "lamp", CALLER_ARG: forged}), token)
    ).output
    arguments = forwarded(out)["body"]["params"]["arguments"]
    caller = Caller.from_argument(arguments[CALLER_ARG])
    assert caller.username == "alice"
    assert caller.groups == (HOME,)
    assert arguments["device"] == "lamp"
    assert set(arguments) == {"device", CALLER_ARG}


def test_a_home_call_without_arguments_still_gets_the_caller(interceptor, issuer):
    out = interceptor.handle(request_event(call("home___list_devices"), token_for(issuer, [HOME])))
    arguments = forwarded(out.output)["body"]["params"]["arguments"]
    assert set(arguments) == {CALLER_ARG}


def test_a_runtime_call_carries_the_callers_own_token_and_no_forged_header(interceptor, issuer):
    token = token_for(issuer, [])
    forged_header = {CALLER_HEADER: issuer.token(username="mallory")}
    event = request_event(
        call("accounting___list_contacts", {"limit": 2, CALLER_ARG: {"sub": "x"}}),
        token,
        forged_header,
    )
    request = forwarded(interceptor.handle(event).output)
    # Exactly the caller header: an Authorization header here would replace the target's
    # outbound OAuth token (gateway-headers), and nothing else is ours to set.
    assert request["headers"] == {CALLER_HEADER: token}
    assert request["body"]["params"]["arguments"] == {"limit": 2}


def test_every_forwarded_request_of_a_caller_carries_their_own_token(interceptor, issuer):
    token = token_for(issuer, [HOME])
    for body in (
        {"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        {"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {}},
        call("home___turn_on", {"device": "lamp"}),
    ):
        event = request_event(body, token, {CALLER_HEADER.lower(): "forged"})
        assert forwarded(interceptor.handle(event).output)["headers"] == {CALLER_HEADER: token}


def test_other_messages_pass_unchanged(interceptor, issuer):
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"cursor": "c"}}
    request = forwarded(interceptor.handle(request_event(body, token_for(issuer, []))).output)
    assert request["body"] == body


# --- REQUEST: refusals ---------------------------------------------------------------------------


def test_a_caller_without_a_home_is_refused_every_home_tool(interceptor, issuer):
    token = token_for(issuer, [WRITERS])
    for tool in HOME_TOOLS:
        out = interceptor.handle(request_event(call(tool, {"device": "lamp"}), token)).output
        assert "no home assigned" in refusal_text(out)
        assert out["mcp"]["transformedGatewayResponse"]["body"]["id"] == 7


def test_a_reader_cannot_create_a_contact_a_writer_can(interceptor, issuer):
    arguments = {"organisation_name": "ACME"}
    reader = interceptor.handle(
        request_event(call("accounting___create_contact", arguments), token_for(issuer, [HOME]))
    ).output
    assert WRITERS in refusal_text(reader)
    writer = interceptor.handle(
        request_event(call("accounting___create_contact", arguments), token_for(issuer, [WRITERS]))
    ).output
    assert forwarded(writer)["body"]["params"]["arguments"] == arguments


def test_reads_are_open_to_every_verified_caller(interceptor, issuer):
    for tool in READ_TOOLS:
        out = interceptor.handle(request_event(call(tool, {}), token_for(issuer, []))).output
        assert forwarded(out)["body"]["params"]["name"] == tool


@pytest.mark.parametrize("bad", ["missing", "forged", "expired", "id-token"])
def test_an_unverified_caller_is_refused_at_the_request_point(interceptor, issuer, bad):
    token = {
        "missing": None,
        "forged": issuer.token(key=issuer.new_key()),
        "expired": issuer.token(exp=1_000_000_000, iat=999_999_000),
        "id-token": issuer.token(token_use="id"),
    }[bad]
    tool_call = interceptor.handle(request_event(call("accounting___list_contacts"), token))
    assert "sign-in was not accepted" in refusal_text(tool_call.output)
    listing = interceptor.handle(
        request_event({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}, token)
    ).output["mcp"]["transformedGatewayResponse"]["body"]
    assert listing["error"]["code"] == -32001
    assert listing["id"] == 3
    note = interceptor.handle(
        request_event({"jsonrpc": "2.0", "method": "notifications/initialized"}, token)
    ).output["mcp"]["transformedGatewayResponse"]
    assert (note["statusCode"], note["body"]) == (202, None)


def test_a_batch_is_refused_whole(interceptor, issuer):
    batch = [call("accounting___list_contacts", message_id=1), call("home___turn_on", message_id=2)]
    out = interceptor.handle(request_event(batch, token_for(issuer, [HOME]))).output
    body = out["mcp"]["transformedGatewayResponse"]["body"]
    assert [m["id"] for m in body] == [1, 2]
    assert all(m["error"]["code"] == -32600 for m in body)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tool=st.sampled_from(ALL_TOOLS),
    arguments=st.dictionaries(
        st.sampled_from([CALLER_ARG, "device", "limit", "_CALLER", "caller"]),
        st.recursive(
            st.none() | st.booleans() | st.text(max_size=5), lambda c: st.lists(c, max_size=3)
        ),
        max_size=4,
    ),
    groups=st.lists(st.sampled_from([HOME, WRITERS, "home-other", "Home-x"]), unique=True),
)
def test_no_client_value_ever_reaches_a_target_as_the_caller(
    interceptor, issuer, tool, arguments, groups
):
    token = token_for(issuer, groups)
    out = interceptor.handle(request_event(call(tool, arguments), token)).output
    if "transformedGatewayResponse" in out["mcp"]:
        return
    sent = forwarded(out)
    got = sent["body"]["params"]["arguments"]
    if tool.startswith("home___"):
        assert Caller.from_argument(got[CALLER_ARG]).groups == tuple(groups)
    else:
        assert CALLER_ARG not in got
    assert {k: v for k, v in got.items() if k != CALLER_ARG} == {
        k: v for k, v in arguments.items() if k != CALLER_ARG
    }
    assert sent["headers"] == {CALLER_HEADER: token}


# --- RESPONSE: tools/list ------------------------------------------------------------------------


def listed(interceptor, issuer, groups: list[str]) -> list[str]:
    request = request_event(
        {"jsonrpc": "2.0", "id": 5, "method": "tools/list"}, token_for(issuer, groups)
    )
    tools = [{"name": name, "inputSchema": {"type": "object"}} for name in ALL_TOOLS]
    body = {"jsonrpc": "2.0", "id": 5, "result": {"tools": tools, "nextCursor": "n"}}
    out = interceptor.handle(response_event(request, body)).output["mcp"][
        "transformedGatewayResponse"
    ]
    assert out["statusCode"] == 200
    assert out["headers"] == {"Mcp-Session-Id": "s-1"}
    assert out["body"]["result"]["nextCursor"] == "n"
    return [t["name"] for t in out["body"]["result"]["tools"]]


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ([], READ_TOOLS),
        ([HOME], HOME_TOOLS + READ_TOOLS),
        ([WRITERS], READ_TOOLS + WRITE_TOOLS),
        ([HOME, WRITERS], ALL_TOOLS),
        (["Home-devstack-home", "accounting-writers-x"], READ_TOOLS),
    ],
    ids=["nobody", "home-only", "writer-only", "both", "look-alike-groups"],
)
def test_tools_list_shows_exactly_what_the_caller_may_use(interceptor, issuer, groups, expected):
    assert listed(interceptor, issuer, groups) == expected


def test_other_responses_pass_unchanged(interceptor, issuer):
    request = request_event(call("accounting___list_contacts"), token_for(issuer, []))
    body = {"jsonrpc": "2.0", "id": 7, "result": {"content": [{"type": "text", "text": "ok"}]}}
    out = interceptor.handle(response_event(request, body, status=200)).output
    assert out["mcp"]["transformedGatewayResponse"] == {
        "statusCode": 200,
        "headers": {"Mcp-Session-Id": "s-1"},
        "body": body,
    }


def test_a_tool_list_for_an_unverified_caller_is_withheld(interceptor, issuer):
    request = request_event({"jsonrpc": "2.0", "id": 5, "method": "tools/list"}, "garbage")
    body = {"jsonrpc": "2.0", "id": 5, "result": {"tools": [{"name": "home___turn_on"}]}}
    out = interceptor.handle(response_event(request, body)).output["mcp"][
        "transformedGatewayResponse"
    ]
    assert "result" not in out["body"]
    assert out["body"]["error"]["code"] == -32001


def test_a_refusal_speaks_the_callers_protocol_revision(interceptor, issuer):
    token = token_for(issuer, [])
    legacy = interceptor.handle(request_event(call("home___turn_on"), token)).output
    assert "resultType" not in legacy["mcp"]["transformedGatewayResponse"]["body"]["result"]
    modern = interceptor.handle(
        request_event(call("home___turn_on"), token, {"MCP-Protocol-Version": "2026-07-28"})
    ).output
    assert modern["mcp"]["transformedGatewayResponse"]["body"]["result"]["resultType"] == "complete"
    body = call("home___turn_on")
    body["params"]["_meta"] = {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}
    via_meta = interceptor.handle(request_event(body, token)).output
    assert (
        via_meta["mcp"]["transformedGatewayResponse"]["body"]["result"]["resultType"] == "complete"
    )


def test_an_automation_token_is_a_caller_without_groups(settings, issuer):
    """A client-credentials token (`sub` = client id, no username, no groups, a custom scope),
    accepted because Terraform lists the automation client: it sees and may call only reads."""
    allowing = settings.model_copy(
        update={"allowed_client_ids": [issuer.interactive, issuer.other_client]}
    )
    interceptor = Interceptor(AccessTokenVerifier(allowing), Policy.from_settings(allowing))
    token = issuer.token(
        sub=issuer.other_client,
        username=None,
        client_id=issuer.other_client,
        scope="mcp/invoke",
        **{"cognito:groups": None},
    )
    request = request_event({"jsonrpc": "2.0", "id": 5, "method": "tools/list"}, token)
    tools = [{"name": name, "inputSchema": {"type": "object"}} for name in ALL_TOOLS]
    body = {"jsonrpc": "2.0", "id": 5, "result": {"tools": tools}}
    out = interceptor.handle(response_event(request, body)).output
    shown = out["mcp"]["transformedGatewayResponse"]["body"]["result"]["tools"]
    assert [t["name"] for t in shown] == READ_TOOLS

    assert "no home assigned" in refusal_text(
        interceptor.handle(request_event(call("home___turn_on", {"device": "lamp"}), token)).output
    )
    assert "accounting-writers" in refusal_text(
        interceptor.handle(request_event(call("accounting___create_contact"), token)).output
    )
    read = forwarded(
        interceptor.handle(request_event(call("accounting___list_contacts"), token)).output
    )
    assert read["headers"][CALLER_HEADER] == token


# --- requests shaped to slip past exact matching (a review's probes) ----------------------------

VICTIM = {"sub": "victim", "username": "victim", "groups": ["home-victims-home"], "client_id": "x"}


def rpc_error_code(output: dict[str, Any]) -> int:
    code: int = output["mcp"]["transformedGatewayResponse"]["body"]["error"]["code"]
    return code


@pytest.mark.parametrize("method", ["tools/call ", "Tools/Call", "tools/call\x00", " tools/call"])
def test_a_method_that_looks_like_tools_call_is_refused(interceptor, issuer, method):
    body = {**call("home___turn_on", {"device": "lamp", CALLER_ARG: VICTIM}), "method": method}
    out = interceptor.handle(request_event(body, token_for(issuer, []))).output
    assert rpc_error_code(out) == -32602


def test_a_forged_caller_is_dropped_whatever_the_method(interceptor, issuer):
    body = {"jsonrpc": "2.0", "id": 3, "method": "prompts/get",
            "params": {"name": "x", "arguments": {"a": 1, CALLER_ARG: VICTIM}}}  # fmt: skip
    out = forwarded(interceptor.handle(request_event(body, token_for(issuer, [HOME]))).output)
    assert out["body"]["params"]["arguments"] == {"a": 1}


@pytest.mark.parametrize(
    ("headers", "tool"),
    [
        ({"Mcp-Method": "tools/call", "Mcp-Name": "home___turn_on"}, "accounting___list_contacts"),
        ({"Mcp-Method": "tools/list"}, "accounting___list_contacts"),
    ],
)
def test_method_and_name_headers_must_match_the_body(interceptor, issuer, headers, tool):
    event = request_event(call(tool), token_for(issuer, []), headers)
    assert rpc_error_code(interceptor.handle(event).output) == -32602


def test_matching_method_and_name_headers_pass(interceptor, issuer):
    headers = {"Mcp-Method": "tools/call", "Mcp-Name": "accounting___list_contacts"}
    event = request_event(call("accounting___list_contacts"), token_for(issuer, []), headers)
    assert forwarded(interceptor.handle(event).output)["body"]["params"]["name"] == (
        "accounting___list_contacts"
    )


@pytest.mark.parametrize("arguments", [json.dumps({CALLER_ARG: VICTIM}), ["x"], 5, True])
def test_arguments_that_are_not_an_object_are_refused(interceptor, issuer, arguments):
    out = interceptor.handle(
        request_event(call("home___turn_on", arguments), token_for(issuer, [HOME]))
    )
    assert rpc_error_code(out.output) == -32602


@pytest.mark.parametrize("body", [None, "x", 5])
def test_a_body_that_is_no_message_still_needs_a_verified_caller(interceptor, issuer, body):
    refused = interceptor.handle(request_event(body, "garbage")).output
    assert refused["mcp"]["transformedGatewayResponse"]["statusCode"] == 401
    token = token_for(issuer, [])
    passed = forwarded(interceptor.handle(request_event(body, token)).output)
    assert passed["headers"][CALLER_HEADER] == token


@pytest.mark.parametrize(
    "tool",
    ["Accounting___create_contact", "accounting___Create_Contact", "accounting___create_contact ",
     "HOME___turn_on", "Home___list_devices", "home___turn_on\n"],
)  # fmt: skip
def test_case_and_space_variants_of_guarded_tools_are_refused(interceptor, issuer, tool):
    out = interceptor.handle(request_event(call(tool), token_for(issuer, []))).output
    assert rpc_error_code(out) == -32602


@pytest.mark.parametrize("shape", ["sse", "json-text"])
def test_a_tool_list_as_text_is_filtered_too(interceptor, issuer, shape):
    request = request_event(
        {"jsonrpc": "2.0", "id": 5, "method": "tools/list"}, token_for(issuer, [])
    )
    tools = [{"name": name, "inputSchema": {}} for name in ALL_TOOLS]
    message = {"jsonrpc": "2.0", "id": 5, "result": {"tools": tools}}
    body = (
        f"event: message\ndata: {json.dumps(message)}\n\n"
        if shape == "sse"
        else json.dumps(message)
    )
    out = interceptor.handle(response_event(request, body)).output
    text = out["mcp"]["transformedGatewayResponse"]["body"]
    assert isinstance(text, str)
    if shape == "sse":
        assert text.startswith("event: message\ndata: ")
        text = text.split("data: ", 1)[1]
    shown = [t["name"] for t in json.loads(text)["result"]["tools"]]
    assert shown == READ_TOOLS
