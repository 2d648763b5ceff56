"""The deployment zip: arm64 objects only, no runtime-provided boto3, and it imports cleanly."""

from __future__ import annotations

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
        [sys.executable, str(BUILD), "--package", "iot-lambda", "--out", str(out), *args],
        check=True,
    )
    return out


def _elf_machine(data: bytes) -> int | None:
    if data[:4] != b"\x7fELF":
        return None
    return int.from_bytes(data[18:20], "little")


def test_arm64_zip_has_no_x86_objects(tmp_path: Path) -> None:
    zip_path = _build(tmp_path / "iot_lambda.zip")
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        machines = {n: _elf_machine(zf.read(n)) for n in names if ".so" in Path(n).name}
    assert machines, "pydantic-core ships a compiled extension; the zip should hold it"
    assert EM_X86_64 not in machines.values(), machines
    assert set(machines.values()) == {EM_AARCH64}
    assert "iot_lambda/handler.py" in names
    assert "smarthome_contract/tools.json" in names
    assert "gateway_contract/gateway.json" in names  # a member dependency ships by itself
    assert not [n for n in names if n.startswith(("boto3/", "botocore/"))]
    assert zip_path.stat().st_size < 10 * 1024 * 1024


def test_handler_imports_in_a_clean_interpreter(tmp_path: Path) -> None:
    # Built for this machine (the arm64 one cannot load here); same script, same contents.
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
    runtime = tmp_path / "runtime"  # what the Lambda runtime adds: boto3
    subprocess.run(
        ["uv", "pip", "install", "--quiet", "--target", str(runtime), "boto3==1.44.5"],
        check=True,
    )
    probe = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]];"
        "import iot_lambda.handler as h; print(h.handler.__name__, h.tool_name.__module__)"
    )
    # -I -S: no site-packages, no PYTHON* variables, no user site: only the zip and boto3.
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe, str(code), str(runtime)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["handler", "iot_lambda.handler"]
