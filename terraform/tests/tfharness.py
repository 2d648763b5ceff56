"""Offline Terraform harness: the toolchains, a moto server, and scratch roots around a module.

Three ways to run Terraform here, chosen by what the machine has:

* ``real_provider``: a real ``hashicorp/aws`` build. From the Terraform registry when it is
  reachable (GitHub's runners), otherwise from the filesystem mirror the machine image carries
  (aws 5.100.0).
  Real init/validate/plan, and apply against moto's server.
* ``schema_provider``: ``../shared/tools/tf-offline-aws``, a stand-in that replays the aws 6.62
  schema, for validate/plan/``terraform test`` of everything, AgentCore included. It cannot apply.

A toolchain that is missing skips its tests with ``SKIPPED: <why>``. ``.ci/run`` sets
``REQUIRE_TF_MIRROR``/``REQUIRE_TF_SCHEMA`` when it has seen the mirror or the shared tool on the
machine; a skip then becomes a failure, because the check could have run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tftest

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
SHARED = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared")).resolve()
COMMITTED_MIRROR_CONFIG = TERRAFORM / "cli" / "mirror.tfrc"
REGION = "eu-central-1"

# Services the modules touch; every one is pointed at moto's server in apply tests.
MOTO_SERVICES = (
    "cloudwatch",
    "cognitoidp",
    "ecr",
    "events",
    "iam",
    "iot",
    "kms",
    "lambda",
    "logs",
    "resourcegroupstaggingapi",
    "s3",
    "secretsmanager",
    "sts",
    "budgets",
    "sns",
)


# name -> what it was (or why it was skipped); printed at the end of the run by conftest.py
TOOLCHAINS_USED: dict[str, str] = {}


@dataclass(frozen=True)
class Toolchain:
    """How to run Terraform: the environment, and whether ``apply`` can work."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    can_apply: bool = False


def _unavailable(label: str, why: str, required_by: str) -> None:
    TOOLCHAINS_USED[label] = f"SKIPPED: {why}"
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{why}, but {required_by}=1 says this machine has it", pytrace=False)
    pytest.skip(f"SKIPPED: {why}")


def registry_reachable() -> bool:
    """True when registry.terraform.io answers (GitHub's runners); fails fast offline."""
    if os.environ.get("TF_HARNESS_OFFLINE") == "1":
        return False
    url = "https://registry.terraform.io/.well-known/terraform.json"
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:  # noqa: S310 - fixed https URL
            return bool(resp.status == 200)
    except OSError:
        return False


def find_aws_mirror() -> Path | None:
    """The folder above ``registry.terraform.io`` that holds a real aws 5.x provider build."""
    candidates = [Path(os.environ["TF_AWS_MIRROR"])] if os.environ.get("TF_AWS_MIRROR") else []
    candidates.append(Path("/opt/tf-plugins"))
    for base in candidates:
        if list(base.glob("registry.terraform.io/hashicorp/aws/5.*/*/terraform-provider-aws_v5.*")):
            return base
    return None


def mirror_cli_config(mirror: Path, scratch: Path) -> Path:
    """The committed CLI config if the mirror is where it expects, else the same text re-pointed."""
    text = COMMITTED_MIRROR_CONFIG.read_text()
    if f'"{mirror}"' in text:
        return COMMITTED_MIRROR_CONFIG
    generated = scratch / "mirror.tfrc"
    generated.write_text(text.replace('"/opt/tf-plugins"', json.dumps(str(mirror))))
    return generated


@pytest.fixture(scope="session")
def real_provider(tmp_path_factory: pytest.TempPathFactory) -> Toolchain:
    # The provider binary is ~700 MB: a plugin cache links it instead of copying it on every init.
    cache = Path(os.environ.get("TF_PLUGIN_CACHE_DIR", REPO / ".cache" / "terraform-plugins"))
    cache.mkdir(parents=True, exist_ok=True)
    base = {
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_PLUGIN_CACHE_DIR": str(cache),
        "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "1",
    }
    if registry_reachable():
        TOOLCHAINS_USED["real provider"] = "hashicorp/aws from registry.terraform.io"
        return Toolchain("registry", base, can_apply=True)
    mirror = find_aws_mirror()
    if mirror is None:
        _unavailable(
            "real provider",
            "no Terraform registry and no hashicorp/aws 5.x filesystem mirror on this machine",
            "REQUIRE_TF_MIRROR",
        )
    assert mirror is not None
    config = mirror_cli_config(mirror, tmp_path_factory.mktemp("tfrc"))
    TOOLCHAINS_USED["real provider"] = f"hashicorp/aws 5.100 from the filesystem mirror {mirror}"
    return Toolchain("aws-5.100-mirror", {**base, "TF_CLI_CONFIG_FILE": str(config)}, True)


@pytest.fixture(scope="session")
def schema_provider() -> Toolchain:
    setup = SHARED / "tools" / "tf-offline-aws" / "bin" / "setup"
    if not setup.exists():
        _unavailable(
            "schema provider",
            f"{setup} is not on this machine (aws 6.62 schema stand-in)",
            "REQUIRE_TF_SCHEMA",
        )
    out = subprocess.run([str(setup)], capture_output=True, text=True, check=True, timeout=600)
    env = {"TF_IN_AUTOMATION": "1"}
    for line in out.stdout.splitlines():
        if line.startswith("export "):
            key, _, value = line.removeprefix("export ").partition("=")
            env[key] = value.strip("'\"")
    TOOLCHAINS_USED["schema provider"] = f"aws 6.62 schema stand-in ({setup.parent.parent})"
    return Toolchain("aws-6.62-schema", env, can_apply=False)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """One moto server for the session; tests use unique names instead of resetting it."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def workspace_copy(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Toolchain], Path]:
    """``workspace_copy(toolchain)``: a scratch copy of what Terraform reads, one per toolchain.

    init writes lock files and ``.terraform/`` next to the configuration; the copies keep them out
    of the repository and keep the two providers' lock files apart.
    """
    copies: dict[str, Path] = {}

    def copy(toolchain: Toolchain) -> Path:
        if toolchain.name not in copies:
            dest = tmp_path_factory.mktemp(f"repo-{toolchain.name}")
            ignore = shutil.ignore_patterns(
                ".terraform", "*.tfstate*", ".terraform.lock.hcl", "*.tfplan", "__pycache__"
            )
            shutil.copytree(TERRAFORM, dest / "terraform", ignore=ignore)
            for extra in (
                "openapi",
                "packages/smarthome_contract/src",
                "packages/gateway_contract/src",
            ):
                if (REPO / extra).exists():
                    shutil.copytree(
                        REPO / extra,
                        dest / extra,
                        ignore=shutil.ignore_patterns("testdata", "__pycache__"),
                    )
            copies[toolchain.name] = dest
        return copies[toolchain.name]

    return copy


def provider_block(endpoint: str | None) -> dict[str, Any]:
    """An aws provider for scratch roots: moto's endpoints for apply, or no network at all."""
    block: dict[str, Any] = {
        "region": REGION,
        "access_key": "testing",
        "secret_key": "testing",  # moto's dummy credentials, not a secret
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
        "skip_requesting_account_id": endpoint is None,
        "s3_use_path_style": True,
        "default_tags": [{"tags": {"project": "agentcore-mcp-platform", "env": "test"}}],
    }
    if endpoint:
        block["endpoints"] = [dict.fromkeys(MOTO_SERVICES, endpoint)]
    return block


@dataclass
class ScratchRoot:
    """A generated root module that calls one module of ours, driven through tftest."""

    tf: tftest.TerraformTest
    path: Path

    def plan(self, **variables: Any) -> tftest.TerraformPlanOutput:
        return self.tf.plan(output=True, tf_vars=variables or None)

    def apply(self, **variables: Any) -> dict[str, Any]:
        self.tf.apply(tf_vars=variables or None)
        outputs = self.tf.output(json_format=True)
        return {
            k: v["value"] if isinstance(v, dict) and "value" in v else v for k, v in outputs.items()
        }

    def state(self) -> tftest.TerraformState:
        return self.tf.state_pull()


@pytest.fixture
def scratch_root(
    tmp_path: Path, workspace_copy: Callable[[Toolchain], Path]
) -> Iterator[Callable[..., ScratchRoot]]:
    """Factory: ``scratch_root(toolchain, module="registry", inputs={...}, endpoint=url)``.

    The root is written as Terraform JSON so inputs of any type pass through unchanged; every
    output of the module is re-exported under the same name.
    """
    made: list[ScratchRoot] = []

    def make(
        toolchain: Toolchain,
        module: str,
        inputs: dict[str, Any],
        endpoint: str | None = None,
        outputs: list[str] | None = None,
    ) -> ScratchRoot:
        source = workspace_copy(toolchain) / "terraform" / "modules" / module
        root = tmp_path / f"root-{module}-{len(made)}"
        root.mkdir()
        names = outputs if outputs is not None else module_output_names(source)
        config = {
            "terraform": [{"required_providers": [{"aws": {"source": "hashicorp/aws"}}]}],
            "provider": [{"aws": provider_block(endpoint)}],
            "module": [{"under_test": {"source": str(source), **inputs}}],
            "output": [
                {n: {"value": f"${{module.under_test.{n}}}", "sensitive": True}} for n in names
            ],
        }
        (root / "main.tf.json").write_text(json.dumps(config, indent=2))
        tf = tftest.TerraformTest(str(root), env=toolchain.env)
        tf.setup(cleanup_on_exit=True)
        scratch = ScratchRoot(tf, root)
        made.append(scratch)
        return scratch

    # No destroy: moto's server lives only for this session, and destroy costs as long as apply.
    return make


def module_output_names(module_dir: Path) -> list[str]:
    """Output names declared in a module's outputs.tf (read with python-hcl2)."""
    import hcl2
    from hcl2 import SerializationOptions

    path = module_dir / "outputs.tf"
    if not path.exists():
        return []
    opts = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)
    with path.open() as f:
        doc = hcl2.load(f, serialization_options=opts)
    return [name for block in doc.get("output", []) for name in block]


def run_terraform(
    toolchain: Toolchain, cwd: Path, *args: str, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """Run terraform with the toolchain's environment; the output is kept for assertion messages."""
    env = {**os.environ, **toolchain.env}
    return subprocess.run(
        ["terraform", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def terraform() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``terraform(toolchain, cwd, *args)`` as a fixture, for tests that drive the CLI directly."""
    return run_terraform
