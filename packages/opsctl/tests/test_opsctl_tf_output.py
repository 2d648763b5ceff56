"""`opsctl tf-output` reading a real (provider-free) Terraform root's state."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from opsctl.cli import main

ROOT = """
output "cognito_user_pool_id" {
  value = "eu-central-1_AbC123"
}

output "cognito_m2m_client_secret" {
  value     = "not-a-real-secret"
  sensitive = true
}

output "cognito_m2m_scopes" {
  value = ["mcp/invoke"]
}
"""


@pytest.fixture(scope="module")
def envs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("terraform") is None:
        pytest.skip("SKIPPED: terraform is not on PATH")
    envs = tmp_path_factory.mktemp("envs")
    dev = envs / "dev"
    dev.mkdir()
    (dev / "main.tf").write_text(ROOT)
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    for args in (["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
        done = subprocess.run(
            ["terraform", *args, "-no-color"],
            cwd=dev,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return envs


@pytest.fixture
def settings_env(envs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPSCTL_ENVS_DIR", str(envs_dir))
    return envs_dir


def test_tf_output_prints_strings_raw(settings_env: Path, capsys) -> None:
    assert main(["tf-output", "--env", "dev", "cognito_user_pool_id"]) == 0
    assert capsys.readouterr().out == "eu-central-1_AbC123\n"


def test_tf_output_prints_sensitive_values_for_make(settings_env: Path, capsys) -> None:
    assert main(["tf-output", "--env", "dev", "cognito_m2m_client_secret"]) == 0
    assert capsys.readouterr().out == "not-a-real-secret\n"


def test_tf_output_prints_lists_as_json(settings_env: Path, capsys) -> None:
    assert main(["tf-output", "--env", "dev", "cognito_m2m_scopes"]) == 0
    assert json.loads(capsys.readouterr().out) == ["mcp/invoke"]


def test_tf_output_unknown_name_lists_what_exists(settings_env: Path, capsys) -> None:
    assert main(["tf-output", "--env", "dev", "nope"]) == 1
    err = capsys.readouterr().err
    assert "no output 'nope'" in err
    assert "cognito_user_pool_id" in err


def test_tf_output_unknown_env_is_a_clear_error(settings_env: Path, capsys) -> None:
    assert main(["tf-output", "--env", "staging", "cognito_user_pool_id"]) == 1
    assert "does not exist" in capsys.readouterr().err
