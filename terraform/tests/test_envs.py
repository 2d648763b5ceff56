"""The env roots planned offline with the aws 6.62 schema stand-in (`init -backend=false`).

What the issue asks of them: the Gateway's authorizer takes the identity module's clients, both
targets are planned, the tool schemas equal the contract file, the OpenAPI payload equals the
Gateway view, the API key is nowhere in the plan, the first deploy stops with a clear message
until an image exists, and the backend/provider settings hold (S3 lock file, KMS, pinned 6.x).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2 import SerializationOptions
from test_gateway import (
    CONTRACT_TOOLS,
    GATEWAY_VIEW,
    Planned,
    contract_tools,
    plan_saved,
    planned_tools,
    resources,
)
from tfharness import REPO, TERRAFORM, Toolchain, run_terraform

pytestmark = pytest.mark.terraform

ENVS = ("dev", "prod")
MODULES_USED = (
    "identity",
    "accounting_runtime",
    "smart_home",
    "gateway_interceptor",
    "gateway",
    "observability",
)
GATEWAY_RULES = REPO / "packages" / "gateway_contract" / "src" / "gateway_contract" / "gateway.json"
CONTRACT_FILES = (
    CONTRACT_TOOLS,
    GATEWAY_VIEW,
    CONTRACT_TOOLS.parent / "naming.json",
    GATEWAY_RULES,
)
DIGEST = "sha256:" + "ab" * 32
API_KEY = "0ddba11c0ffee" + os.urandom(8).hex()
REQUIRED_OUTPUTS = {
    "gateway_url": False,
    "runtime_invocation_url": False,
    "cognito_user_pool_id": False,
    "cognito_domain": False,
    "cognito_token_endpoint": False,
    "cognito_discovery_url": False,
    "cognito_client_ids": False,
    "cognito_m2m_client_id": False,
    "cognito_m2m_client_secret": True,
    "cognito_client_secrets": True,
    "accounting_token_secret_prefix": False,
    "ecr_repository_url": False,
    "iot_endpoint": False,
    "lambda_function_name": False,
}
HCL = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


def require_modules() -> None:
    """Every module the roots call and every contract file they read is in the tree."""
    missing = [n for n in MODULES_USED if not (TERRAFORM / "modules" / n / "versions.tf").exists()]
    missing += [str(p.relative_to(REPO)) for p in CONTRACT_FILES if not p.exists()]
    assert not missing, f"the env roots need: {missing}"


def load_hcl(path: Path) -> dict[str, Any]:
    with path.open() as f:
        return hcl2.load(f, serialization_options=HCL)


def csr_pem() -> str:
    """A real CSR, as `make bridge-csr` would produce on a bridge (the key is thrown away)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "home")]))
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def env_vars(tmp: Path, **extra: Any) -> list[str]:
    """-var arguments for a complete plan of an env root."""
    zips = {}
    for package in ("iot_lambda", "gateway_interceptor"):
        zips[package] = tmp / f"{package}.zip"
        if not zips[package].exists():
            with zipfile.ZipFile(zips[package], "w") as zf:
                zf.writestr(f"{package}/__init__.py", "")
    values: dict[str, Any] = {
        "cognito_domain_prefix": "acme-mcp-test",
        "runtime_image_digest": DIGEST,
        "lambda_zip_path": str(zips["iot_lambda"]),
        "interceptor_zip_path": str(zips["gateway_interceptor"]),
        "homes": {"home": {"csr_pem": csr_pem()}},
        "langdock_callback_urls": ["https://app.langdock.com/api/integrations/abc123/callback"],
        **extra,
    }
    return [f"-var={k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in values.items()]


def env_copy(workspace_copy: Callable[[Toolchain], Path], toolchain: Toolchain, env: str) -> Path:
    """A private copy of an env root next to the original (relative paths keep working).

    A plan needs an initialised backend; `backend_override.tf` swaps the S3 backend for a local
    one, which is what the override-file mechanism is for, and leaves the committed files alone.
    """
    source = workspace_copy(toolchain) / "terraform" / "envs" / env
    dest = source.parent / f"{env}-plan-{uuid.uuid4().hex[:8]}"
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".terraform*", "*.tfplan"))
    (dest / "backend_override.tf").write_text('terraform {\n  backend "local" {}\n}\n')
    return dest


@pytest.fixture(scope="module")
def dev_plan(
    schema_provider: Toolchain,
    workspace_copy: Callable[[Toolchain], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Planned:
    require_modules()
    cwd = env_copy(workspace_copy, schema_provider, "dev")
    tmp = tmp_path_factory.mktemp("env-dev")
    return plan_saved(
        schema_provider,
        cwd,
        *env_vars(tmp, enable_openapi_target="true"),
        f"-var=accounting_api_key={API_KEY}",
    )


def module_call(plan: Planned, name: str) -> dict[str, Any]:
    return plan.show["configuration"]["root_module"]["module_calls"][name]


def references(plan: Planned, module: str, argument: str) -> list[str]:
    return module_call(plan, module)["expressions"][argument]["references"]


def test_gateway_authorizer_takes_the_identity_clients(dev_plan: Planned) -> None:
    assert "module.identity.allowed_client_ids" in references(
        dev_plan, "gateway", "allowed_client_ids"
    )
    assert "module.identity.discovery_url" in references(dev_plan, "gateway", "discovery_url")
    assert "module.identity.allowed_client_ids" in references(
        dev_plan, "runtime", "allowed_client_ids"
    )
    gateway = dev_plan.after("module.gateway.aws_bedrockagentcore_gateway.this")
    assert gateway["authorizer_type"] == "CUSTOM_JWT"


def test_dev_settings_reach_the_resources(dev_plan: Planned) -> None:
    planned = resources(dev_plan.show)
    assert planned["module.gateway.aws_bedrockagentcore_gateway.this"]["exception_level"] == "DEBUG"
    pool = planned["module.identity.aws_cognito_user_pool.this"]
    assert pool["deletion_protection"] == "INACTIVE"


def test_runtime_image_is_pinned_by_digest(dev_plan: Planned) -> None:
    runtime = dev_plan.after("module.runtime.aws_bedrockagentcore_agent_runtime.this")
    uri = runtime["agent_runtime_artifact"][0]["container_configuration"][0]["container_uri"]

    assert uri == (
        f"123456789012.dkr.ecr.eu-central-1.amazonaws.com/agentcore-mcp/dev/mcp-runtime@{DIGEST}"
    )


def test_runtime_trusts_the_gateway_client_and_allowlists_the_caller_header(
    dev_plan: Planned,
) -> None:
    rules = json.loads(GATEWAY_RULES.read_text())
    runtime = dev_plan.after("module.runtime.aws_bedrockagentcore_agent_runtime.this")
    headers = runtime["request_header_configuration"][0]["request_header_allowlist"]

    assert sorted(headers) == sorted(["Authorization", rules["caller"]["runtime_header"]])
    assert "module.identity.gateway_client_id" in references(
        dev_plan, "runtime", "gateway_client_ids"
    )
    # The automation client counts at the interceptor as a caller with no groups (make smoke).
    assert "module.identity.allowed_client_ids" in references(
        dev_plan, "interceptor", "allowed_client_ids"
    )


def test_groups_exist_for_every_home_and_the_writers(dev_plan: Planned) -> None:
    rules = json.loads(GATEWAY_RULES.read_text())
    planned = resources(dev_plan.show)
    groups = {
        after["name"]
        for address, after in planned.items()
        if address.startswith("module.identity.aws_cognito_user_group.this[")
    }
    things = {
        after["name"]
        for address, after in planned.items()
        if address.startswith("module.smart_home.aws_iot_thing.bridge[")
    }

    assert things == {"agentcore-mcp-dev-home"}
    assert groups == {rules["groups"]["home_prefix"] + t for t in things} | {
        rules["groups"]["accounting_writers"]
    }


def test_every_role_carries_the_workload_boundary(dev_plan: Planned) -> None:
    roles = {
        address: after
        for address, after in resources(dev_plan.show).items()
        if address.endswith(("aws_iam_role.this", "aws_iam_role.lambda", "aws_iam_role.rules"))
        or ".aws_iam_role." in address
    }
    boundary = "arn:aws:iam::123456789012:policy/agentcore-mcp-ci-dev-workload-boundary"

    assert len(roles) >= 6
    assert {a: r["permissions_boundary"] for a, r in roles.items()} == dict.fromkeys(
        roles, boundary
    )


def test_identity_has_the_three_interactive_clients(dev_plan: Planned) -> None:
    planned = resources(dev_plan.show)
    clients = {
        a.split('"')[1]
        for a in planned
        if a.startswith("module.identity.aws_cognito_user_pool_client.interactive[")
    }

    assert clients == {"claude", "desktop", "langdock"}


def test_every_gateway_target_and_the_interceptor_are_planned(dev_plan: Planned) -> None:
    planned = resources(dev_plan.show)
    gateway = planned["module.gateway.aws_bedrockagentcore_gateway.this"]

    assert planned["module.gateway.aws_bedrockagentcore_gateway_target.lambda"]["name"] == "home"
    runtime = planned["module.gateway.aws_bedrockagentcore_gateway_target.runtime[0]"]
    assert runtime["name"] == "accounting"
    openapi = planned["module.gateway.aws_bedrockagentcore_gateway_target.openapi[0]"]
    assert openapi["name"] == "accounting-api"
    assert sorted(gateway["interceptor_configuration"][0]["interception_points"]) == [
        "REQUEST",
        "RESPONSE",
    ]
    assert "module.interceptor.alias_arn" in references(
        dev_plan, "gateway", "interceptor_lambda_arn"
    )
    assert "module.smart_home.lambda_alias_arn" in references(
        dev_plan, "gateway", "lambda_function_arn"
    )


def test_tool_schemas_equal_the_contract_file(dev_plan: Planned) -> None:
    target = dev_plan.after("module.gateway.aws_bedrockagentcore_gateway_target.lambda")

    assert planned_tools(target) == contract_tools(json.loads(CONTRACT_TOOLS.read_text()))


def test_openapi_payload_equals_the_gateway_view(dev_plan: Planned) -> None:
    target = dev_plan.after("module.gateway.aws_bedrockagentcore_gateway_target.openapi[0]")
    payload = target["target_configuration"][0]["mcp"][0]["open_api_schema"][0]["inline_payload"]

    assert payload[0]["payload"] == GATEWAY_VIEW.read_text()


def test_no_secret_in_the_plan(dev_plan: Planned) -> None:
    assert API_KEY not in dev_plan.show_text
    for name, content in dev_plan.archive.items():
        assert API_KEY.encode() not in content, f"API key found in plan file member {name}"


def test_outputs_other_tools_read(dev_plan: Planned) -> None:
    outputs = dev_plan.show["configuration"]["root_module"]["outputs"]

    for name, sensitive in REQUIRED_OUTPUTS.items():
        assert name in outputs, f"output {name} missing"
        assert bool(outputs[name].get("sensitive")) == sensitive, name


def test_plan_stops_until_a_runtime_image_exists(
    schema_provider: Toolchain,
    workspace_copy: Callable[[Toolchain], Path],
    tmp_path: Path,
) -> None:
    require_modules()
    cwd = env_copy(workspace_copy, schema_provider, "dev")
    init = run_terraform(schema_provider, cwd, "init", "-input=false", "-upgrade")
    assert init.returncode == 0, init.stdout + init.stderr
    args = [a for a in env_vars(tmp_path) if not a.startswith("-var=runtime_image_digest=")]

    full = run_terraform(schema_provider, cwd, "plan", "-input=false", "-no-color", *args)
    tagged = run_terraform(
        schema_provider,
        cwd,
        "plan",
        "-input=false",
        "-no-color",
        "-var=runtime_image_digest=0123abcd",
        *args,
    )

    assert full.returncode == 1
    assert "No runtime image yet" in full.stderr
    assert "make push-runtime ENV=dev" in " ".join(full.stderr.split())
    # A tag is no pin: only a sha256 digest is accepted.
    assert tagged.returncode == 1
    assert "runtime_image_digest must be sha256" in " ".join(tagged.stderr.split())


@pytest.mark.parametrize("env", ENVS)
def test_backend_uses_s3_lock_file_and_encryption(env: str) -> None:
    terraform = load_hcl(TERRAFORM / "envs" / env / "versions.tf")["terraform"][0]
    backend = terraform["backend"][0]["s3"]
    aws = terraform["required_providers"][0]["aws"]

    assert backend == {"use_lockfile": True, "encrypt": True}
    assert aws["source"] == "hashicorp/aws"
    assert aws["version"].startswith("6.")
    assert (TERRAFORM / "envs" / env / "backend.hcl.example").exists()
    assert (TERRAFORM / "envs" / env / "terraform.tfvars.example").exists()


def test_env_roots_share_their_wiring_and_differ_only_in_settings() -> None:
    common = TERRAFORM / "envs" / "common"
    for env in ENVS:
        root = TERRAFORM / "envs" / env
        own = sorted(p.name for p in root.glob("*.tf") if not p.is_symlink())
        assert own == ["settings.tf"], f"{env}: only settings.tf may differ, found {own}"
        for link in root.glob("*.tf"):
            if link.is_symlink():
                assert link.resolve() == (common / link.name).resolve(), f"{env}/{link.name}"
    settings = {
        env: load_hcl(TERRAFORM / "envs" / env / "settings.tf")["locals"][0] for env in ENVS
    }
    assert {env: s["env"] for env, s in settings.items()} == {env: env for env in ENVS}
    keys = {env: set(s) for env, s in settings.items()}
    assert len({frozenset(k) for k in keys.values()}) == 1, f"settings.tf keys differ: {keys}"
    outputs = {name for block in load_hcl(common / "outputs.tf")["output"] for name in block}
    assert set(REQUIRED_OUTPUTS) <= outputs


def test_prod_is_hardened(
    schema_provider: Toolchain,
    workspace_copy: Callable[[Toolchain], Path],
    tmp_path: Path,
) -> None:
    require_modules()
    cwd = env_copy(workspace_copy, schema_provider, "prod")
    plan = plan_saved(schema_provider, cwd, *env_vars(tmp_path))
    planned = resources(plan.show)

    assert planned["module.gateway.aws_bedrockagentcore_gateway.this"]["exception_level"] is None
    assert "module.gateway.aws_bedrockagentcore_gateway_target.openapi[0]" not in planned
    assert planned["module.identity.aws_cognito_user_pool.this"]["deletion_protection"] == "ACTIVE"


def test_each_environment_names_its_own_account() -> None:
    """One account per environment: two env roots naming one account fail here."""
    accounts = {
        env: load_hcl(TERRAFORM / "envs" / env / "settings.tf")["locals"][0]["aws_account_id"]
        for env in ENVS
    }
    assert all(len(a) == 12 and a.isdigit() for a in accounts.values()), accounts
    assert len(set(accounts.values())) == len(accounts), (
        f"environments share an account: {accounts}"
    )
    providers = load_hcl(TERRAFORM / "envs" / "common" / "providers.tf")["provider"][0]["aws"]
    assert providers["allowed_account_ids"] == ["${local.aws_account_id}"]
