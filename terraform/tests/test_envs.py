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
MODULES_USED = ("registry", "identity", "accounting_runtime", "smart_home", "gateway")
CONTRACT_FILES = (CONTRACT_TOOLS, GATEWAY_VIEW, CONTRACT_TOOLS.parent / "naming.json")
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
    lambda_zip = tmp / "iot_lambda.zip"
    if not lambda_zip.exists():
        with zipfile.ZipFile(lambda_zip, "w") as zf:
            zf.writestr("iot_lambda/__init__.py", "")
    values: dict[str, Any] = {
        "cognito_domain_prefix": "acme-mcp-test",
        "allowed_account_ids": ["123456789012"],
        "runtime_image_tag": "0123456789abcdef0123456789abcdef01234567",
        "lambda_zip_path": str(lambda_zip),
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
    assert planned["module.registry.aws_ecr_repository.this"]["force_delete"] is True


def test_identity_has_the_three_interactive_clients(dev_plan: Planned) -> None:
    planned = resources(dev_plan.show)
    clients = {
        a.split('"')[1]
        for a in planned
        if a.startswith("module.identity.aws_cognito_user_pool_client.interactive[")
    }

    assert clients == {"claude", "desktop", "langdock"}


def test_both_gateway_targets_are_planned(dev_plan: Planned) -> None:
    planned = resources(dev_plan.show)

    assert "module.gateway.aws_bedrockagentcore_gateway_target.lambda" in planned
    assert "module.gateway.aws_bedrockagentcore_gateway_target.openapi[0]" in planned


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
    args = [a for a in env_vars(tmp_path) if not a.startswith("-var=runtime_image_tag=")]

    full = run_terraform(schema_provider, cwd, "plan", "-input=false", "-no-color", *args)
    first = run_terraform(
        schema_provider, cwd, "plan", "-input=false", "-no-color", "-target=module.registry", *args
    )

    assert full.returncode == 1
    assert "No runtime image yet" in full.stderr
    assert "make plan ENV=dev TARGETS=module.registry" in " ".join(full.stderr.split())
    assert first.returncode == 0, first.stdout + first.stderr
    assert "aws_ecr_repository.this will be created" in first.stdout


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
    assert planned["module.registry.aws_ecr_repository.this"]["force_delete"] is False
