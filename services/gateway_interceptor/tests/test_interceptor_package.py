"""The deployment zip: aarch64 objects only, no boto3, and the handler runs from it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]
BUILD = REPO / "scripts" / "build_lambda_zip.py"
EM_X86_64, EM_AARCH64 = 0x3E, 0xB7


def _build(out: Path, *args: str) -> Path:
    if shutil.which("uv") is None:
        pytest.skip("SKIPPED: uv is not on PATH (make bootstrap)")
    subprocess.run(
        [sys.executable, str(BUILD), "--package", "gateway-interceptor", "--out", str(out), *args],
        check=True,
    )
    return out


def _elf_machine(data: bytes) -> int | None:
    if data[:4] != b"\x7fELF":
        return None
    return int.from_bytes(data[18:20], "little")


def test_arm64_zip_holds_our_code_and_aarch64_objects_only(tmp_path: Path) -> None:
    zip_path = _build(tmp_path / "gateway_interceptor.zip")
    again = _build(tmp_path / "again.zip")
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        machines = {n: _elf_machine(zf.read(n)) for n in names if ".so" in Path(n).name}
    assert machines, "cryptography and pydantic-core ship compiled extensions"
    assert set(machines.values()) == {EM_AARCH64}
    assert "gateway_interceptor/handler.py" in names
    assert "gateway_contract/gateway.json" in names
    assert "jwt/jwks_client.py" in names
    assert not [n for n in names if n.startswith(("boto3/", "botocore/", "jmespath/", ".lock"))]
    assert zip_path.read_bytes() == again.read_bytes(), "the build is not deterministic"


def test_the_handler_answers_from_the_zip_in_a_clean_interpreter(tmp_path: Path) -> None:
    zip_path = _build(
        tmp_path / "host.zip",
        "--platform",
        "x86_64-manylinux2014",
        "--python-version",
        f"{sys.version_info.major}.{sys.version_info.minor}",
    )
    code = tmp_path / "code"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(code)
    runtime = tmp_path / "runtime"  # what the Lambda runtime adds: boto3 (and jmespath with it)
    subprocess.run(
        ["uv", "pip", "install", "--quiet", "--target", str(runtime), "boto3==1.44.5"], check=True
    )
    probe = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from gateway_interceptor.handler import handler\n"
        "class C: function_name='f'; memory_limit_in_mb=128; aws_request_id='r';"
        " invoked_function_arn='arn:aws:lambda:eu-central-1:1:function:f'\n"
        "event = {'interceptorInputVersion': '1.0', 'mcp': {'gatewayRequest': {'path': '/mcp',"
        " 'httpMethod': 'POST', 'headers': {}, 'body': {'jsonrpc': '2.0', 'id': 1,"
        " 'method': 'tools/list'}}}}\n"
        "print(json.dumps(handler(event, C())))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "COGNITO_ISSUER": "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_X",
        "ALLOWED_CLIENT_IDS": "client",
    }
    # -I -S: no site-packages, no PYTHON* variables, no user site: only the zip and boto3.
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe, str(code), str(runtime)],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    assert answer["mcp"]["transformedGatewayResponse"]["body"]["error"]["code"] == -32001
