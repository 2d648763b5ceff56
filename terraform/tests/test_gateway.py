"""The gateway module planned with the aws 6.62 schema stand-in: the decisions the issue names.

Authorizer clients = the identity clients; both targets present; the Lambda target's tool schemas
equal the contract file as far as AgentCore's blocks can carry them (type, description,
properties, required, items: `carried()` projects a JSON Schema onto exactly that, and
`planned_tools()` rebuilds the same shape from the planned blocks); the OpenAPI payload equals the
Gateway view; the API key appears nowhere in the plan; the role's policy is least privilege.
test_envs.py reuses the helpers for the env roots.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tfharness import REPO, Toolchain, provider_block, run_terraform

pytestmark = pytest.mark.terraform

CARRIED = ("type", "description")


def carried(schema: dict[str, Any]) -> dict[str, Any]:
    """The part of a JSON Schema the AgentCore tool-schema blocks can carry."""
    out: dict[str, Any] = {k: schema[k] for k in CARRIED if schema.get(k) is not None}
    properties = schema.get("properties") or {}
    if properties:
        out["properties"] = {name: carried(sub) for name, sub in properties.items()}
        required = sorted(schema.get("required") or [])
        if required:
            out["required"] = required
    if "items" in schema:
        out["items"] = carried(schema["items"])
    return out


def contract_tools(tools_json: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        t["name"]: {"description": t["description"], "inputSchema": carried(t["inputSchema"])}
        for t in tools_json["tools"]
    }


def _rebuilt(block: dict[str, Any]) -> dict[str, Any]:
    """A planned schema block (input_schema, property, items, sub-property) back as JSON Schema."""
    out: dict[str, Any] = {k: block[k] for k in CARRIED if block.get(k) is not None}
    subs = block.get("property") or []
    properties = {p["name"]: _rebuilt(p) for p in subs}
    if block.get("properties_json"):
        properties.update(json.loads(block["properties_json"]))
    if properties:
        out["properties"] = properties
        required = sorted(p["name"] for p in subs if p.get("required"))
        if required:
            out["required"] = required
    if block.get("items"):
        out["items"] = _rebuilt(block["items"][0])
    elif block.get("items_json"):
        out["items"] = json.loads(block["items_json"])
    # Deeper levels travel as raw JSON Schema: project them like the contract side.
    return carried(out)


def planned_tools(target_after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Tool name -> carried schema, from a planned aws_bedrockagentcore_gateway_target (Lambda)."""
    lam = target_after["target_configuration"][0]["mcp"][0]["lambda"][0]
    payloads = lam["tool_schema"][0]["inline_payload"]
    return {
        p["name"]: {"description": p["description"], "inputSchema": _rebuilt(p["input_schema"][0])}
        for p in payloads
    }


def resources(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Planned resource address -> `change.after`."""
    return {rc["address"]: rc["change"]["after"] for rc in plan.get("resource_changes", [])}


def policy_statements(policy_json: str) -> dict[str, dict[str, Any]]:
    """Sid -> statement of an IAM policy document, with Action/Resource always lists."""
    doc = json.loads(policy_json)
    out = {}
    for st in doc["Statement"]:
        st = dict(st)
        for key in ("Action", "Resource"):
            if isinstance(st.get(key), str):
                st[key] = [st[key]]
        out[st["Sid"]] = st
    return out


# --- planning a root around the module -----------------------------------------------------------

CONTRACT_TOOLS = (
    REPO / "packages" / "smarthome_contract" / "src" / "smarthome_contract" / "tools.json"
)
GATEWAY_VIEW = REPO / "openapi" / "accounting.gateway.json"
FIXTURES = Path(__file__).parent / "fixtures"
# Arrays and nested objects: the contract file has flat properties only (for now).
NESTED_TOOLS = FIXTURES / "nested_tools.json"
LAMBDA_ARN = "arn:aws:lambda:eu-central-1:123456789012:function:agentcore-mcp-test-home:live"
INTERCEPTOR_ARN = (
    "arn:aws:lambda:eu-central-1:123456789012:function:agentcore-mcp-test-gateway-interceptor:live"
)
RUNTIME_URL = (
    "https://bedrock-agentcore.eu-central-1.amazonaws.com/runtimes/"
    "arn%3Aaws%3Abedrock-agentcore%3Aeu-central-1%3A123456789012%3Aruntime%2Fx/invocations"
    "?qualifier=DEFAULT"
)
GATEWAY_RULES = REPO / "packages" / "gateway_contract" / "src" / "gateway_contract" / "gateway.json"
CLIENTS = ["claudeclient", "desktopclient", "langdockclient", "m2mclient"]
DISCOVERY = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_TEST/.well-known/openid-configuration"
# Unique, so finding it anywhere in a plan can only mean a leak.
API_KEY = "f00dfacecafebeef" + os.urandom(8).hex()
CLIENT_SECRET = "5ecre7c1ien7" + os.urandom(8).hex()


@dataclass(frozen=True)
class Planned:
    """A saved plan: `terraform show -json` of it and the files inside the plan archive."""

    show: dict[str, Any]
    show_text: str
    archive: dict[str, bytes]

    def after(self, address: str) -> dict[str, Any]:
        return resources(self.show)[address]


def plan_saved(toolchain: Toolchain, cwd: Path, *plan_args: str) -> Planned:
    """init + plan -out + show -json, failing with Terraform's own output."""
    import zipfile

    init = run_terraform(toolchain, cwd, "init", "-input=false", "-upgrade")
    assert init.returncode == 0, init.stdout + init.stderr
    plan = run_terraform(
        toolchain, cwd, "plan", "-input=false", "-no-color", "-out=test.tfplan", *plan_args
    )
    assert plan.returncode == 0, plan.stdout + plan.stderr
    show = run_terraform(toolchain, cwd, "show", "-json", "test.tfplan")
    assert show.returncode == 0, show.stderr
    with zipfile.ZipFile(cwd / "test.tfplan") as zf:
        archive = {name: zf.read(name) for name in zf.namelist()}
    return Planned(json.loads(show.stdout), show.stdout, archive)


def gateway_root(root: Path, module: Path, **inputs: Any) -> Path:
    """A root calling the gateway module, the API key through an ephemeral root variable."""
    root.mkdir(parents=True)
    config = {
        "terraform": [{"required_providers": [{"aws": {"source": "hashicorp/aws"}}]}],
        "provider": [{"aws": provider_block(None)}],
        "variable": [
            {"api_key": {"type": "string", "default": None, "sensitive": True, "ephemeral": True}},
            {"client_secret": {"type": "string", "sensitive": True, "ephemeral": True}},
        ],
        "module": [
            {
                "gateway": {
                    "source": str(module),
                    "api_key": "${var.api_key}",
                    "runtime_oauth_client_secret": "${var.client_secret}",
                    **inputs,
                }
            }
        ],
    }
    (root / "main.tf.json").write_text(json.dumps(config, indent=2))
    return root


def base_inputs(tools: Path) -> dict[str, Any]:
    return {
        "name": "agentcore-mcp-test",
        "discovery_url": DISCOVERY,
        "allowed_client_ids": CLIENTS,
        "lambda_function_arn": LAMBDA_ARN,
        "lambda_tools_json": tools.read_text(),
        "openapi_spec_json": GATEWAY_VIEW.read_text(),
        "gateway_rules_json": GATEWAY_RULES.read_text(),
    }


@pytest.fixture(scope="module")
def plan_on(
    schema_provider: Toolchain,
    workspace_copy: Callable[[Toolchain], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Planned]:
    """Every target and the interceptor; the API key and client secret as ephemeral variables."""
    module = workspace_copy(schema_provider) / "terraform" / "modules" / "gateway"
    inputs = base_inputs(CONTRACT_TOOLS)
    root = gateway_root(
        tmp_path_factory.mktemp("gw-on") / "root",
        module,
        enable_openapi_target=True,
        interceptor_lambda_arn=INTERCEPTOR_ARN,
        enable_runtime_target=True,
        runtime_endpoint=RUNTIME_URL,
        runtime_oauth_client_id="gatewayclient",
        runtime_oauth_scopes=["mcp/gateway"],
        **inputs,
    )
    return plan_saved(
        schema_provider, root, f"-var=api_key={API_KEY}", f"-var=client_secret={CLIENT_SECRET}"
    )


@pytest.fixture(scope="module")
def plan_off(
    schema_provider: Toolchain,
    workspace_copy: Callable[[Toolchain], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Planned]:
    """Defaults (OpenAPI target off) with the nested-schema fixture."""
    module = workspace_copy(schema_provider) / "terraform" / "modules" / "gateway"
    root = gateway_root(
        tmp_path_factory.mktemp("gw-off") / "root", module, **base_inputs(NESTED_TOOLS)
    )
    return plan_saved(schema_provider, root, "-var=client_secret=unused")


GATEWAY = "module.gateway.aws_bedrockagentcore_gateway.this"
LAMBDA_TARGET = "module.gateway.aws_bedrockagentcore_gateway_target.lambda"
OPENAPI_TARGET = "module.gateway.aws_bedrockagentcore_gateway_target.openapi[0]"
KEY_PROVIDER = "module.gateway.aws_bedrockagentcore_api_key_credential_provider.this[0]"
RUNTIME_TARGET = "module.gateway.aws_bedrockagentcore_gateway_target.runtime[0]"
OAUTH_PROVIDER = "module.gateway.aws_bedrockagentcore_oauth2_credential_provider.runtime[0]"


def test_authorizer_accepts_exactly_the_identity_clients(plan_on: Planned) -> None:
    gateway = plan_on.after(GATEWAY)
    jwt = gateway["authorizer_configuration"][0]["custom_jwt_authorizer"][0]

    assert gateway["authorizer_type"] == "CUSTOM_JWT"
    assert gateway["protocol_type"] == "MCP"
    assert sorted(jwt["allowed_clients"]) == sorted(CLIENTS)
    assert jwt["discovery_url"] == DISCOVERY
    assert not jwt.get("allowed_audience"), "Cognito access tokens carry no aud"


def test_every_target_is_planned_under_its_own_prefix(plan_on: Planned) -> None:
    planned = resources(plan_on.show)

    assert planned[LAMBDA_TARGET]["name"] == "home"
    assert planned[RUNTIME_TARGET]["name"] == "accounting"
    # The optional OpenAPI target never shadows the runtime's accounting___ tools.
    assert planned[OPENAPI_TARGET]["name"] == "accounting-api"
    assert KEY_PROVIDER in planned


def test_runtime_is_an_mcp_server_target_signing_in_with_its_own_client(plan_on: Planned) -> None:
    target = plan_on.after(RUNTIME_TARGET)
    oauth = target["credential_provider_configuration"][0]["oauth"][0]
    provider = plan_on.after(OAUTH_PROVIDER)
    config = provider["oauth2_provider_config"][0]["custom_oauth2_provider_config"][0]

    assert target["target_configuration"][0]["mcp"][0]["mcp_server"][0]["endpoint"] == RUNTIME_URL
    assert oauth["grant_type"] == "CLIENT_CREDENTIALS"
    assert oauth["scopes"] == ["mcp/gateway"]
    assert provider["credential_provider_vendor"] == "CustomOauth2"
    assert config["oauth_discovery"][0]["discovery_url"] == DISCOVERY
    # Write-only: neither the plan nor the state holds the client pair.
    assert config["client_secret"] is None
    assert config["client_secret_wo"] is None
    assert config["client_id_wo"] is None
    assert CLIENT_SECRET not in plan_on.show_text
    for name, content in plan_on.archive.items():
        assert CLIENT_SECRET.encode() not in content, f"client secret in plan member {name}"


def test_runtime_target_forwards_the_interceptors_caller_header(plan_on: Planned) -> None:
    """Without the allowlist the Gateway drops the header and every accounting call is refused."""
    rules = json.loads(GATEWAY_RULES.read_text())
    (metadata,) = plan_on.after(RUNTIME_TARGET)["metadata_configuration"]

    assert metadata["allowed_request_headers"] == [rules["caller"]["runtime_header"]]
    # The Lambda target gets the caller as an argument, never as a header.
    assert not plan_on.after(LAMBDA_TARGET).get("metadata_configuration")


def test_interceptor_is_wired_for_request_and_response_with_headers(plan_on: Planned) -> None:
    (config,) = plan_on.after(GATEWAY)["interceptor_configuration"]

    assert sorted(config["interception_points"]) == ["REQUEST", "RESPONSE"]
    assert config["interceptor"][0]["lambda"][0]["arn"] == INTERCEPTOR_ARN
    assert config["input_configuration"][0]["pass_request_headers"] is True


def test_gateway_role_invokes_exactly_its_target_and_interceptor(plan_on: Planned) -> None:
    policy = policy_statements(plan_on.after("module.gateway.aws_iam_role_policy.this")["policy"])
    invokes = [s for s in policy.values() if "lambda:InvokeFunction" in s["Action"]]

    assert len(invokes) == 1
    assert sorted(invokes[0]["Resource"]) == sorted([LAMBDA_ARN, INTERCEPTOR_ARN])
    assert invokes[0]["Action"] == ["lambda:InvokeFunction"]
    for statement in policy.values():
        for action in statement["Action"]:
            assert "*" not in action, statement["Sid"]
            assert not action.startswith("bedrock-agentcore:Invoke"), statement["Sid"]
    # Tokens and secrets of its own two providers, by name, nothing wider.
    vault = "arn:aws:bedrock-agentcore:eu-central-1:123456789012:token-vault/default"
    oauth = policy["GetOwnRuntimeOauthToken"]
    assert oauth["Action"] == ["bedrock-agentcore:GetResourceOauth2Token"]
    assert f"{vault}/oauth2credentialprovider/agentcore-mcp-test-runtime-oauth" in oauth["Resource"]
    assert not any(r.endswith("*") and "credentialprovider" in r for r in oauth["Resource"])
    secrets = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:bedrock-agentcore-identity!"
    assert sorted(policy["ReadOwnProviderSecrets"]["Resource"]) == [
        f"{secrets}default/apikey/agentcore-mcp-test-accounting-api-key-??????",
        f"{secrets}default/oauth2/agentcore-mcp-test-runtime-oauth-??????",
    ]


def test_tool_names_fit_the_limit_with_their_target_prefix(plan_on: Planned) -> None:
    from gateway_contract.rules import full_tool_name

    lambda_tools = planned_tools(plan_on.after(LAMBDA_TARGET))
    spec = json.loads(
        plan_on.after(OPENAPI_TARGET)["target_configuration"][0]["mcp"][0]["open_api_schema"][0][
            "inline_payload"
        ][0]["payload"]
    )
    operations = [
        op["operationId"]
        for path in spec["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    names = [full_tool_name("home", t) for t in lambda_tools]
    names += [full_tool_name("accounting-api", op) for op in operations]

    assert operations, "the Gateway view has operations"
    assert len(set(names)) == len(names)
    assert not any(n.startswith("accounting___") for n in names)


def test_tool_schemas_equal_the_contract_file(plan_on: Planned) -> None:
    contract = json.loads(CONTRACT_TOOLS.read_text())

    assert planned_tools(plan_on.after(LAMBDA_TARGET)) == contract_tools(contract)


def test_nested_arrays_and_objects_survive(plan_off: Planned) -> None:
    contract = json.loads(NESTED_TOOLS.read_text())
    planned = planned_tools(plan_off.after(LAMBDA_TARGET))

    assert planned == contract_tools(contract)
    scene = planned["set_scene"]["inputSchema"]["properties"]
    assert scene["devices"]["items"] == {"type": "string", "description": "A device name"}
    assert scene["settings"]["required"] == ["on"]


def test_openapi_payload_is_the_gateway_view(plan_on: Planned) -> None:
    target = plan_on.after(OPENAPI_TARGET)
    payload = target["target_configuration"][0]["mcp"][0]["open_api_schema"][0]["inline_payload"]

    assert payload[0]["payload"] == GATEWAY_VIEW.read_text()


def test_api_key_goes_raw_into_the_authorization_header(plan_on: Planned) -> None:
    api_key = plan_on.after(OPENAPI_TARGET)["credential_provider_configuration"][0]["api_key"][0]

    assert api_key["credential_location"] == "HEADER"
    assert api_key["credential_parameter_name"] == "Authorization"
    assert api_key["credential_prefix"] is None


def test_api_key_is_nowhere_in_the_plan(plan_on: Planned) -> None:
    provider = plan_on.after(KEY_PROVIDER)

    assert provider["api_key"] is None
    assert provider["api_key_wo"] is None
    assert provider["api_key_wo_version"] == 1
    assert API_KEY not in plan_on.show_text
    for name, content in plan_on.archive.items():
        assert API_KEY.encode() not in content, f"API key found in plan file member {name}"


def test_off_by_default_with_invoke_only_permissions(plan_off: Planned) -> None:
    planned = resources(plan_off.show)
    policy = policy_statements(planned["module.gateway.aws_iam_role_policy.this"]["policy"])

    assert not any("openapi" in a or "api_key_credential" in a for a in planned)
    assert list(policy) == ["InvokeTargetAndInterceptorAliases"]
    assert policy["InvokeTargetAndInterceptorAliases"]["Action"] == ["lambda:InvokeFunction"]
    assert policy["InvokeTargetAndInterceptorAliases"]["Resource"] == [LAMBDA_ARN]


def test_role_trusts_only_this_accounts_gateways(plan_off: Planned) -> None:
    role = plan_off.after("module.gateway.aws_iam_role.this")
    trust = policy_statements(role["assume_role_policy"])["AgentCoreGatewayAssumesRole"]

    assert trust["Principal"] == {"Service": "bedrock-agentcore.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"].endswith(":123456789012:gateway/*")


def test_lambda_permission_is_for_the_gateway_role_only(plan_off: Planned) -> None:
    permission = plan_off.after("module.gateway.aws_lambda_permission.this")
    config = plan_off.show["configuration"]["root_module"]["module_calls"]["gateway"]["module"]
    expressions = next(
        r for r in config["resources"] if r["address"] == "aws_lambda_permission.this"
    )["expressions"]

    assert permission["function_name"] == "agentcore-mcp-test-home"
    assert permission["qualifier"] == "live"
    assert permission["action"] == "lambda:InvokeFunction"
    assert "aws_iam_role.this.arn" in expressions["principal"]["references"]
