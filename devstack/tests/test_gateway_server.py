"""The local gateway over HTTP: names, the real interceptor on every request, the runtime target
through FastMCP's proxy, the OpenAPI target's argument checks, and the token rules.

The smart-home target runs ``testkit.lambdas:echo`` (it answers the event and context it got) so
what the gateway hands a Lambda target is visible; the runtime is a small FastMCP server that
answers the headers it received; the accounting API is an ASGI app that records its requests.
Tokens are signed by the local issuer; the interceptor verifies them against the JWKS the
gateway serves, exactly as in ``make dev``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest
from devstack.gateway.auth import GATEWAY_CLIENT_ID, LocalIssuer, user_sub
from devstack.gateway.lambda_worker import UNHANDLED, gateway_context, invoke_in_worker
from devstack.gateway.openapi_target import operation_names
from devstack.gateway.server import create_gateway
from devstack.gateway.settings import GatewaySettings
from fastmcp import Client, FastMCP
from fastmcp.server.dependencies import get_http_headers
from gateway_contract.caller import Caller
from gateway_contract.rules import rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet, RSAKey
from testkit.net import free_port
from testkit.servers import ServerThread
from testkit.waiting import wait_until

REPO = Path(__file__).resolve().parents[2]
GATEWAY_VIEW = REPO / "openapi" / "accounting.gateway.json"
CALLER_ARG = rules().caller.argument
CALLER_HEADER = rules().caller.runtime_header
HOME = "home-devstack-home"
WRITERS = rules().groups.accounting_writers


# --- stand-ins for the targets ------------------------------------------------------------------


def fake_runtime() -> FastMCP[Any]:
    """Answers, per call, the two headers the runtime decides on."""
    runtime: FastMCP[Any] = FastMCP("fake-runtime")

    def seen() -> dict[str, Any]:
        headers = get_http_headers(include_all=True)
        return {
            "authorization": headers.get("authorization"),
            "caller": headers.get(CALLER_HEADER.lower()),
        }

    @runtime.tool
    def list_contacts(limit: int = 10) -> dict[str, Any]:
        """List contacts."""
        return {**seen(), "limit": limit}

    @runtime.tool
    def create_contact(organisation_name: str) -> dict[str, Any]:
        """Create a contact."""
        return {**seen(), "created": organisation_name}

    return runtime


@dataclass
class FakeApi:
    """Records each request's path, query and headers; answers an empty page."""

    requests: list[dict[str, Any]] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.requests.append(
            {"path": scope["path"], "query": scope["query_string"].decode(), "headers": headers}
        )
        body = json.dumps({"objects": []}).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


@dataclass
class Running:
    url: str
    issuer: LocalIssuer
    api: FakeApi

    def token(self, user: str = "alice", groups: tuple[str, ...] = (HOME, WRITERS)) -> str:
        return self.issuer.user_token(user, groups)

    def client(self, token: str, **headers: str) -> Client[Any]:
        from fastmcp.client.transports import StreamableHttpTransport

        return Client(StreamableHttpTransport(self.url, headers=headers, auth=token))


def start_gateway(tmp_path: Path, **overrides: Any) -> tuple[ServerThread, GatewaySettings]:
    port = free_port()
    settings = GatewaySettings(
        port=port,
        state_dir=tmp_path / "gateway",
        lambda_handler="testkit.lambdas:echo",
        lambda_concurrency=1,
        interceptor_concurrency=1,
        api_key="org-key",
        **overrides,
    )
    gateway = create_gateway(settings)
    server = ServerThread(gateway.app(), port=port).start()
    health = f"{settings.base_url}/health"
    if not wait_until(lambda: _ok(health), timeout_s=120):
        server.stop()
        raise AssertionError("the gateway did not become healthy")
    return server, settings


def _ok(url: str) -> bool:
    try:
        return httpx2.get(url, timeout=2).status_code == 200
    except httpx2.HTTPError:
        return False


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    tmp = tmp_path_factory.mktemp("gateway")
    api = FakeApi()
    runtime_app = fake_runtime().http_app(path="/mcp", stateless_http=True)
    with ServerThread(runtime_app) as runtime, ServerThread(api) as api_server:
        server, settings = start_gateway(
            tmp,
            runtime_url=f"{runtime.url}/mcp",
            openapi_file=GATEWAY_VIEW,
            api_base_url=f"{api_server.url}/api/v1",
        )
        try:
            issuer = LocalIssuer.load_or_create(settings.state_dir, settings.issuer)
            yield Running(f"{settings.base_url}{settings.path}", issuer, api)
        finally:
            server.stop()


def payload(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.content[0].text)
    return data


# --- the Lambda worker -------------------------------------------------------------------------


def test_context_carries_what_the_gateway_sends() -> None:
    context = gateway_context(
        target="home", tool="turn_on", gateway_id="gw-1", function_name="fn", timeout_ms=1000
    )
    custom = context.client_context.custom
    keys = rules().lambda_context_keys
    assert custom[keys.tool_name] == "home___turn_on"
    assert custom[keys.gateway_id] == "gw-1"
    assert custom[keys.aws_request_id] == context.aws_request_id
    assert context.get_remaining_time_in_millis() == 1000


def test_an_unhandled_exception_comes_back_as_lambdas_error_document() -> None:
    context = gateway_context(
        target="home", tool="x", gateway_id="gw", function_name="fn", timeout_ms=1
    )
    # int() of a dict raises TypeError: any handler that blows up looks like this.
    raw = json.loads(invoke_in_worker("builtins:int", {}, context))
    assert raw[UNHANDLED]["errorType"] == "TypeError"


def test_operation_ids_are_kept_verbatim() -> None:
    names = operation_names(json.loads(GATEWAY_VIEW.read_text()))
    assert names
    assert all(key == value for key, value in names.items())


# --- tokens ------------------------------------------------------------------------------------


def test_local_tokens_are_shaped_like_cognito_access_tokens(tmp_path: Path) -> None:
    issuer = LocalIssuer.load_or_create(tmp_path)
    again = LocalIssuer.load_or_create(tmp_path)
    keys = KeySet.import_key_set(again.jwks())
    claims = jose_jwt.decode(issuer.user_token("alice", [HOME]), keys).claims
    assert claims["username"] == "alice"
    assert claims["sub"] == user_sub("alice") == user_sub("alice")
    assert claims["token_use"] == "access"
    assert claims["cognito:groups"] == [HOME]
    assert claims["exp"] > claims["iat"]
    assert "aud" not in claims
    nobody = jose_jwt.decode(issuer.user_token("bob"), keys).claims
    assert "cognito:groups" not in nobody
    m2m = jose_jwt.decode(issuer.client_token(), keys).claims
    assert (m2m["sub"], m2m["client_id"]) == (GATEWAY_CLIENT_ID, GATEWAY_CLIENT_ID)
    assert (tmp_path / "jwt-signing-key.pem").stat().st_mode & 0o077 == 0


def bad_tokens(issuer: LocalIssuer) -> dict[str, str]:
    good = jose_jwt.decode(issuer.user_token("alice"), KeySet.import_key_set(issuer.jwks())).claims
    stranger = LocalIssuer(issuer.issuer, RSAKey.generate_key(2048))
    return {
        "no-exp": issuer.sign({k: v for k, v in good.items() if k != "exp"}),
        "no-iat": issuer.sign({k: v for k, v in good.items() if k != "iat"}),
        "future-nbf": issuer.sign({**good, "nbf": good["iat"] + 3600}),
        "expired": issuer.sign({**good, "iat": good["iat"] - 7200, "exp": good["iat"] - 3600}),
        "id-token": issuer.sign({**good, "token_use": "id"}),
        "wrong-client": issuer.user_token("alice", client_id="somebody-else"),
        "gateway-client": issuer.client_token(),
        "other-issuer": issuer.sign({**good, "iss": "https://elsewhere.invalid"}),
        "forged": stranger.user_token("alice"),
    }


@pytest.mark.parametrize(
    "bad",
    ["no-exp", "no-iat", "future-nbf", "expired", "id-token", "wrong-client", "gateway-client",
     "other-issuer", "forged"],
)  # fmt: skip
def test_the_gateway_refuses_tokens_the_runtime_and_the_cloud_would(running, bad) -> None:
    token = bad_tokens(running.issuer)[bad]
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {"Accept": "application/json, text/event-stream", "Authorization": f"Bearer {token}"}
    answer = httpx2.post(running.url, json=body, headers=headers, timeout=30)
    assert answer.status_code == 401
    assert "Bearer" in answer.headers["www-authenticate"]


# --- one surface, per caller -------------------------------------------------------------------


async def names(running: Running, token: str) -> set[str]:
    async with running.client(token) as client:
        return {tool.name for tool in await client.list_tools()}


async def test_every_target_is_listed_under_its_gateway_name(running) -> None:
    listed = await names(running, running.token())
    spec = json.loads(GATEWAY_VIEW.read_text())
    assert {f"accounting-api___{op}" for op in operation_names(spec)} <= listed
    assert {"accounting___list_contacts", "accounting___create_contact"} <= listed
    assert {n for n in listed if n.startswith("home___")} == {
        "home___list_devices", "home___get_status", "home___turn_on", "home___turn_off",
        "home___set_brightness", "home___set_color_temperature",
    }  # fmt: skip
    assert not {n for n in listed if n.startswith("accounting_") and "___" not in n}


async def test_a_caller_sees_only_what_they_may_use(running) -> None:
    everything = await names(running, running.token())
    bob = await names(running, running.token("bob", ()))
    reader_at_home = await names(running, running.token("carol", (HOME,)))
    assert not {n for n in bob if n.startswith("home___")}
    assert "accounting___create_contact" not in bob
    assert "accounting___list_contacts" in bob
    assert "accounting___create_contact" not in reader_at_home
    assert everything - bob == {n for n in everything if n.startswith("home___")} | {
        "accounting___create_contact"
    }


async def test_a_home_call_carries_the_verified_caller_not_a_forged_one(running) -> None:
    forged = {"sub": "x", "username": "mallory", "groups": ["home-x"], "client_id": "c"}
    async with running.client(running.token()) as client:
        result = await client.call_tool("home___turn_on", {"device": "lamp", CALLER_ARG: forged})
    seen = payload(result)
    caller = Caller.from_argument(seen["event"][CALLER_ARG])
    assert (caller.username, caller.sub) == ("alice", user_sub("alice"))
    assert caller.groups == (HOME, WRITERS)
    assert seen["event"]["device"] == "lamp"
    assert seen["custom"][rules().lambda_context_keys.tool_name] == "home___turn_on"


async def test_a_caller_without_a_home_is_refused_before_the_lambda(running) -> None:
    async with running.client(running.token("bob", ())) as client:
        result = await client.call_tool("home___turn_on", {"device": "lamp"}, raise_on_error=False)
    assert result.is_error
    assert "no home assigned" in result.content[0].text


async def test_the_runtime_gets_the_gateways_token_and_the_callers_own_as_header(running) -> None:
    alice = running.token()
    forged = running.token("mallory", (WRITERS,))
    async with running.client(alice, **{CALLER_HEADER: forged}) as client:
        result = await client.call_tool("accounting___list_contacts", {"limit": 3})
    seen = result.structured_content
    assert seen["caller"] == alice
    scheme, _, outbound = seen["authorization"].partition(" ")
    assert scheme == "Bearer"
    claims = jose_jwt.decode(outbound, KeySet.import_key_set(running.issuer.jwks())).claims
    assert claims["client_id"] == GATEWAY_CLIENT_ID
    assert seen["limit"] == 3


async def test_a_reader_cannot_create_a_contact_a_writer_can(running) -> None:
    async with running.client(running.token("bob", ())) as client:
        refused = await client.call_tool(
            "accounting___create_contact", {"organisation_name": "ACME"}, raise_on_error=False
        )
    assert refused.is_error
    assert WRITERS in refused.content[0].text
    async with running.client(running.token()) as client:
        created = await client.call_tool(
            "accounting___create_contact", {"organisation_name": "ACME"}
        )
    assert created.structured_content["created"] == "ACME"


# --- the OpenAPI target ------------------------------------------------------------------------


async def test_openapi_arguments_are_checked_before_the_api_is_called(running) -> None:
    before = len(running.api.requests)
    cases = [
        ("getCheckAccounts", {"offset": [1, 2]}, "offset must be an integer"),
        ("getContactById", {}, "'contactId' is required"),
        ("getContacts", {"limit": "many"}, "limit must be an integer"),
        ("getContacts", {"colour": "red"}, "unknown argument 'colour'"),
    ]
    async with running.client(running.token("bob", ())) as client:
        for op, arguments, mentions in cases:
            result = await client.call_tool(
                f"accounting-api___{op}", arguments, raise_on_error=False
            )
            text = result.content[0].text
            assert result.is_error, op
            assert mentions in text, text
            assert len(text) <= 300
            for internal in ("ValueError", "Traceback", "pydantic", "jsonschema"):
                assert internal not in text
    assert len(running.api.requests) == before


async def test_the_api_gets_the_organisation_key_and_none_of_the_clients_headers(running) -> None:
    alice = running.token()
    async with running.client(alice, **{CALLER_HEADER: alice, "X-Tenant": "t"}) as client:
        result = await client.call_tool("accounting-api___getContacts", {"limit": 2})
    assert not result.is_error
    sent = running.api.requests[-1]
    assert sent["path"] == "/api/v1/Contact"
    assert "limit=2" in sent["query"]
    assert sent["headers"]["authorization"] == "org-key"
    assert CALLER_HEADER.lower() not in sent["headers"]
    assert "x-tenant" not in sent["headers"]
    assert alice not in json.dumps(sent)


async def test_unreachable_upstreams_answer_plainly(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    runtime = ServerThread(fake_runtime().http_app(path="/mcp", stateless_http=True)).start()
    server, settings = start_gateway(
        tmp_path, runtime_url=f"{runtime.url}/mcp", openapi_file=GATEWAY_VIEW, api_base_url=closed
    )
    try:
        issuer = LocalIssuer.load_or_create(settings.state_dir, settings.issuer)
        url = f"{settings.base_url}{settings.path}"
        async with Client(url, auth=issuer.user_token("alice", (WRITERS,))) as client:
            assert "accounting___list_contacts" in {t.name for t in await client.list_tools()}
            runtime.stop()
            api = await client.call_tool(
                "accounting-api___getContacts", {"limit": 1}, raise_on_error=False
            )
            down = await client.call_tool("accounting___list_contacts", {}, raise_on_error=False)
    finally:
        runtime.stop()
        server.stop()
    assert api.is_error
    assert api.content[0].text == "The accounting API could not be reached; try again shortly."
    assert down.is_error
    assert down.content[0].text == "The accounting service could not be reached; try again shortly."


# --- the OpenAPI target, fuzzed from its own schemas --------------------------------------------

WRONG_VALUES: dict[str, list[Any]] = {
    "integer": [1.5, "7", True, None, [1], {"n": 1}, 10**30],
    "number": ["7", True, None, [], {}],
    "string": [7, True, None, [], {}],
    "boolean": ["true", 1, None, []],
}


def valid_value(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "enum" in prop:
        return st.sampled_from(prop["enum"])
    kind = prop.get("type")
    if kind == "integer":
        low = int(prop.get("minimum", 0))
        return st.integers(low, int(prop.get("maximum", low + 10_000)))
    if kind == "boolean":
        return st.booleans()
    if prop.get("format") == "date-time":
        return st.just("2025-01-31T10:00:00+01:00")
    return st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=12)


SCHEMAS: dict[str, dict[str, dict[str, Any]]] = {}


def openapi_schemas(running: Running) -> dict[str, dict[str, Any]]:
    async def listed() -> dict[str, dict[str, Any]]:
        async with running.client(running.token("bob", ())) as client:
            return {
                t.name: t.input_schema
                for t in await client.list_tools()
                if t.name.startswith("accounting-api___")
            }

    return asyncio.run(listed())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_openapi_calls_fuzzed_from_their_schemas_are_answered_or_refused_clearly(
    running, data
) -> None:
    if running.url not in SCHEMAS:
        SCHEMAS[running.url] = openapi_schemas(running)
    schemas = SCHEMAS[running.url]
    name = data.draw(st.sampled_from(sorted(schemas)))
    schema = schemas[name]
    props: dict[str, Any] = schema["properties"]
    arguments = {
        key: data.draw(valid_value(prop))
        for key, prop in props.items()
        if key in schema.get("required", []) or data.draw(st.booleans())
    }
    broken = data.draw(st.sampled_from(["none", "type", "unknown", "missing"]))
    field = None
    if broken == "type":
        field = data.draw(st.sampled_from(sorted(props)))
        arguments[field] = data.draw(st.sampled_from(WRONG_VALUES[props[field]["type"]]))
    elif broken == "unknown":
        field = "surprise"
        arguments[field] = 1
    elif broken == "missing" and schema.get("required"):
        field = schema["required"][0]
        arguments.pop(field)
    else:
        broken = "none"
    before = len(running.api.requests)

    async def call() -> Any:
        async with running.client(running.token("bob", ())) as client:
            return await client.call_tool(name, arguments, raise_on_error=False)

    result = asyncio.run(call())
    answer = result.content[0].text
    if broken == "none":
        assert not result.is_error, (name, arguments, answer)
        assert len(running.api.requests) == before + 1
        return
    assert result.is_error, (name, arguments)
    assert field is not None
    assert field in answer, answer
    assert len(answer) <= 300
    for internal in ("Traceback", "Error:", "pydantic", "jsonschema", "ValueError"):
        assert internal not in answer, answer
    assert len(running.api.requests) == before, "a refused call reached the API"
