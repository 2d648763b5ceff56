"""Checks for each module and env root: fmt, validate (both providers), native `terraform test`."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from tfharness import TERRAFORM, Toolchain, registry_reachable, run_terraform

MODULES = sorted(p for p in (TERRAFORM / "modules").iterdir() if (p / "versions.tf").exists())
# Roots: the environments, and the once-per-account bootstrap of the pipeline's own AWS side.
# (envs/common holds the wiring the env roots link to; it is not a root of its own.)
ENVS = sorted(
    p
    for p in [*(TERRAFORM / "envs").glob("*"), TERRAFORM / "bootstrap"]
    if (p / "main.tf").exists() and p.name != "common"
)
ROOTS = MODULES + ENVS


def _aws_floor_major(module: Path) -> int:
    """Major version of the module's lowest aws provider (`>= 5.0` -> 5)."""
    text = (module / "versions.tf").read_text()
    match = re.search(r'source\s*=\s*"hashicorp/aws".*?version\s*=\s*">=\s*(\d+)', text, re.S)
    assert match, f"{module.name}/versions.tf must declare a `>=` floor for hashicorp/aws"
    return int(match.group(1))


# Offline, the real provider is the 5.100 mirror, so only modules with a 5.x floor can use it; where
# the registry answers (GitHub's runners) the newest 6.x validates every module and env root.
REAL_PROVIDER_MODULES = (
    ROOTS if registry_reachable() else [m for m in MODULES if _aws_floor_major(m) < 6]
)


def _copy(workspace_copy: Callable[[Toolchain], Path], toolchain: Toolchain, root: Path) -> Path:
    return workspace_copy(toolchain) / root.relative_to(TERRAFORM.parent)


def test_terraform_fmt_is_clean() -> None:
    out = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(TERRAFORM)],
        capture_output=True,
        text=True,
        check=False,
        env={"CHECKPOINT_DISABLE": "1", "PATH": "/usr/local/bin:/usr/bin:/bin"},
    )
    assert out.returncode == 0, f"terraform fmt would change:\n{out.stdout}{out.stderr}"


@pytest.mark.terraform
@pytest.mark.parametrize("root", ROOTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_validates_against_aws_6_62_schema(
    root: Path, schema_provider: Toolchain, workspace_copy: Callable[[Toolchain], Path]
) -> None:
    cwd = _copy(workspace_copy, schema_provider, root)
    init = run_terraform(schema_provider, cwd, "init", "-backend=false", "-input=false", "-upgrade")
    assert init.returncode == 0, init.stdout + init.stderr
    validate = run_terraform(schema_provider, cwd, "validate", "-no-color")
    assert validate.returncode == 0, validate.stdout + validate.stderr


@pytest.mark.terraform
@pytest.mark.parametrize("module", REAL_PROVIDER_MODULES, ids=lambda p: p.name)
def test_validates_with_real_provider(
    module: Path, real_provider: Toolchain, workspace_copy: Callable[[Toolchain], Path]
) -> None:
    cwd = _copy(workspace_copy, real_provider, module)
    init = run_terraform(real_provider, cwd, "init", "-backend=false", "-input=false")
    assert init.returncode == 0, init.stdout + init.stderr
    validate = run_terraform(real_provider, cwd, "validate", "-no-color")
    assert validate.returncode == 0, validate.stdout + validate.stderr


NATIVE_TESTED = [m for m in MODULES if list((m / "tests").glob("*.tftest.hcl"))]


@pytest.mark.terraform
@pytest.mark.parametrize("module", NATIVE_TESTED, ids=lambda p: p.name)
def test_native_terraform_tests_pass_with_6_62_schema(
    module: Path, schema_provider: Toolchain, workspace_copy: Callable[[Toolchain], Path]
) -> None:
    cwd = _copy(workspace_copy, schema_provider, module)
    assert run_terraform(schema_provider, cwd, "init", "-backend=false", "-upgrade").returncode == 0
    result = run_terraform(schema_provider, cwd, "test", "-no-color")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout


@pytest.mark.terraform
@pytest.mark.parametrize(
    "module", [m for m in NATIVE_TESTED if m in REAL_PROVIDER_MODULES], ids=lambda p: p.name
)
def test_native_terraform_tests_pass_with_real_provider(
    module: Path, real_provider: Toolchain, workspace_copy: Callable[[Toolchain], Path]
) -> None:
    cwd = _copy(workspace_copy, real_provider, module)
    assert run_terraform(real_provider, cwd, "init", "-backend=false").returncode == 0
    result = run_terraform(real_provider, cwd, "test", "-no-color")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout


def test_no_deprecated_region_name_attribute() -> None:
    """aws 6 deprecates `data.aws_region.<x>.name`: `region` (6.x floor) or `id` (5.x floor)."""
    offenders = [
        f"{path.relative_to(TERRAFORM)}:{number}"
        for path in TERRAFORM.rglob("*.tf")
        if ".terraform" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"data\.aws_region\.\w+\.name\b", line)
    ]
    assert offenders == []
