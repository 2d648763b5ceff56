"""The local gateway in memory: names, schemas, the Lambda invocation shape, and auth.

The smart-home calls run the real ``iot_lambda`` handler in the gateway's worker processes, with
boto3 pointed at moto's iot-data server (the AWS edge); the accounting target is built from the
Gateway view of the OpenAPI subset.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from devstack.gateway.auth import AUDIENCE, LocalIssuer
from devstack.gateway.lambda_worker import (
    TOOL_NAME_KEY,
    UNHANDLED,
    gateway_context,
    invoke_in_worker,
)
from devstack.gateway.openapi_target import operation_names
from devstack.gateway.server import create_gateway
from devstack.gateway.settings import GatewaySettings
from fastmcp import Client
from fastmcp.exceptions import ToolError
from joserfc import jwt
from joserfc.jwk import KeySet
from moto.server import ThreadedMotoServer

REPO = Path(__file__).resolve().parents[2]
GATEWAY_VIEW = REPO / "openapi" / "accounting.gateway.json"
THING = "gateway-test-home"
REGION = "eu-central-1"


@pytest.fixture(scope="module")
def moto_iot_data() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        iot = boto3.client(
            "iot",
            region_name=REGION,
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        iot.create_thing(thingName=THING)
        yield url
    finally:
        server.stop()


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch, moto_iot_data: str) -> None:
    # The worker processes are spawned from this environment, as Lambda gets Terraform's.
    monkeypatch.setenv("IOT_DATA_ENDPOINT", moto_iot_data)
    monkeypatch.setenv("THING_NAMES", THING)
    monkeypatch.setenv("COMMAND_WAIT_SECONDS", "0.5")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")


def settings(tmp_path: Path, **overrides: Any) -> GatewaySettings:
    return GatewaySettings(
        state_dir=tmp_path,
        openapi_file=GATEWAY_VIEW,
        api_key="unused",
        lambda_concurrency=1,
        **overrides,
    )


def test_context_carries_what_the_gateway_sends() -> None:
    context = gateway_context(
        target="home", tool="turn_on", gateway_id="gw-1", function_name="fn", timeout_ms=1000
    )
    custom = context.client_context.custom
    assert custom[TOOL_NAME_KEY] == "home___turn_on"
    assert custom["bedrockAgentCoreGatewayId"] == "gw-1"
    assert custom["bedrockAgentCoreAwsRequestId"] == context.aws_request_id
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


async def test_tools_are_named_like_the_cloud_gateway(tmp_path: Path) -> None:
    async with Client(create_gateway(settings(tmp_path))) as client:
        names = {tool.name for tool in await client.list_tools()}
    spec = json.loads(GATEWAY_VIEW.read_text())
    assert {f"accounting___{op}" for op in operation_names(spec)} <= names
    assert {n for n in names if n.startswith("home___")} == {
        "home___list_devices",
        "home___get_status",
        "home___turn_on",
        "home___turn_off",
        "home___set_brightness",
        "home___set_color_temperature",
    }


@pytest.mark.usefixtures("lambda_env")
async def test_smart_home_calls_reach_the_real_handler(tmp_path: Path) -> None:
    async with Client(create_gateway(settings(tmp_path))) as client:
        listed = await client.call_tool("home___list_devices", {})
        bad = await client.call_tool(
            "home___set_brightness", {"brightness": 0}, raise_on_error=False
        )
    assert "message" in json.loads(listed.content[0].text)
    assert bad.is_error
    assert "brightness" in json.loads(bad.content[0].text)["error"]


async def test_a_handler_that_cannot_start_is_a_generic_tool_error(tmp_path: Path) -> None:
    gateway = create_gateway(settings(tmp_path, lambda_handler="iot_lambda.handler:missing"))
    async with Client(gateway) as client:
        with pytest.raises(ToolError, match="failed; see the gateway log"):
            await client.call_tool("home___list_devices", {})


def test_demo_tokens_verify_against_the_served_key_set(tmp_path: Path) -> None:
    issuer = LocalIssuer.load_or_create(tmp_path, "http://127.0.0.1:1")
    again = LocalIssuer.load_or_create(tmp_path, "http://127.0.0.1:1")
    token = issuer.token()
    keys = KeySet.import_key_set(again.jwks())
    claims = jwt.decode(token, keys).claims
    assert claims["aud"] == AUDIENCE
    assert claims["iss"] == "http://127.0.0.1:1"
    assert (tmp_path / "jwt-signing-key.pem").stat().st_mode & 0o077 == 0
