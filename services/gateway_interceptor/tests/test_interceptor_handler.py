"""The Lambda handler as AWS (and the local gateway) calls it: environment, event, context."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest
from gateway_interceptor import handler as module


@dataclass
class FakeContext:
    """The parts of the Lambda context Powertools' inject_lambda_context reads."""

    function_name: str = "agentcore-mcp-dev-gateway-interceptor"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = (
        "arn:aws:lambda:eu-central-1:123456789012:function:agentcore-mcp-dev-gateway-interceptor"
    )
    aws_request_id: str = "req-1"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, issuer) -> None:
    monkeypatch.setenv("COGNITO_ISSUER", issuer.issuer)
    monkeypatch.setenv("COGNITO_JWKS_URI", issuer.url)
    monkeypatch.setenv("ALLOWED_CLIENT_IDS", f"{issuer.interactive}, other")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "gateway-interceptor")
    module.interceptor.cache_clear()
    yield
    module.interceptor.cache_clear()


@pytest.mark.usefixtures("environment")
def test_the_handler_decides_and_logs_one_line_without_the_token(issuer):
    token = issuer.token(**{"cognito:groups": None})
    body = {"jsonrpc": "2.0", "id": 9, "method": "tools/call",
            "params": {"name": "accounting___create_contact", "arguments": {}}}  # fmt: skip
    event = {
        "interceptorInputVersion": "1.0",
        "mcp": {
            "rawGatewayRequest": {"body": json.dumps(body)},
            "gatewayRequest": {"path": "/mcp", "httpMethod": "POST",
                               "headers": {"authorization": f"Bearer {token}"}, "body": body},
        },
    }  # fmt: skip
    stream = io.StringIO()
    # Powertools binds its handler to the stdout of import time; read what it writes instead.
    previous = module.logger.registered_handler.setStream(stream)
    try:
        output = module.handler(event, FakeContext())
    finally:
        module.logger.registered_handler.setStream(previous)
    assert output["interceptorOutputVersion"] == "1.0"
    assert output["mcp"]["transformedGatewayResponse"]["body"]["result"]["isError"] is True
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    (entry,) = [line for line in lines if line.get("message") == "intercepted"]
    assert entry["decision"] == "refused: not allowed"
    assert entry["tool"] == "accounting___create_contact"
    assert entry["correlation_id"] == 9
    assert entry["function_name"] == FakeContext.function_name
    assert "cold_start" in entry
    assert token not in json.dumps(lines)


def test_settings_come_only_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    from gateway_interceptor.settings import InterceptorSettings
    from pydantic import ValidationError

    monkeypatch.delenv("COGNITO_ISSUER", raising=False)
    monkeypatch.delenv("ALLOWED_CLIENT_IDS", raising=False)
    with pytest.raises(ValidationError):
        InterceptorSettings()  # type: ignore[call-arg]
    monkeypatch.setenv("COGNITO_ISSUER", "https://issuer")
    monkeypatch.setenv("ALLOWED_CLIENT_IDS", "a,b")
    monkeypatch.setenv("WRITE_TOOLS", "accounting___create_contact,accounting___delete_contact")
    loaded = InterceptorSettings()  # type: ignore[call-arg]
    assert loaded.allowed_client_ids == ("a", "b")
    assert loaded.home_targets == ("home",)
    assert loaded.runtime_targets == ("accounting",)
    assert loaded.write_tools == ("accounting___create_contact", "accounting___delete_contact")
