"""Lambda figures: zip size (arm64) and cold import time of the handler in a clean interpreter.

    uv run python bench/bench_iot_lambda.py [--runs 7]

Cold import = a fresh ``python -I -S`` importing ``iot_lambda.handler`` from the unpacked zip (built
for this machine's architecture, same contents) plus boto3 the way the Lambda runtime provides it.
Also printed: what each top-level dependency costs, from ``-X importtime``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "services" / "iot_lambda" / "scripts" / "build_zip.py"
PY = f"{sys.version_info.major}.{sys.version_info.minor}"


def build(out: Path, *args: str) -> Path:
    subprocess.run([sys.executable, str(BUILD), "--out", str(out), *args], check=True)
    return out


def cold_import_ms(code: Path, runtime: Path) -> float:
    probe = (
        "import sys, time; sys.path[:0] = [sys.argv[1], sys.argv[2]]; t = time.perf_counter();"
        "import iot_lambda.handler; print((time.perf_counter() - t) * 1000)"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe, str(code), str(runtime)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


def import_breakdown(code: Path, runtime: Path) -> dict[str, float]:
    probe = "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import iot_lambda.handler"
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-X", "importtime", "-c", probe, str(code), str(runtime)],
        capture_output=True,
        text=True,
        check=True,
    )
    wanted = {
        "boto3",
        "botocore",
        "aws_lambda_powertools",
        "pydantic",
        "pydantic_settings",
        "smarthome_contract",
        "iot_lambda",
    }
    totals: dict[str, float] = {}
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (
            part.strip() for part in line.removeprefix("import time:").split("|")
        )
        if name in wanted:  # top-level entries only (nested ones are indented)
            totals[name] = max(totals.get(name, 0.0), int(cumulative) / 1000)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        arm = build(tmp / "arm64.zip")
        host = build(tmp / "host.zip", "--platform", "x86_64-manylinux2014", "--python-version", PY)
        code, runtime = tmp / "code", tmp / "runtime"
        with zipfile.ZipFile(host) as zf:
            zf.extractall(code)
        subprocess.run(
            ["uv", "pip", "install", "--quiet", "--target", str(runtime), "boto3==1.44.5"],
            check=True,
        )
        with zipfile.ZipFile(arm) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
        zipped = arm.stat().st_size
        cold_import_ms(code, runtime)  # compiles .pyc once, as the Lambda's first init would not
        samples = [cold_import_ms(code, runtime) for _ in range(args.runs)]
        breakdown = import_breakdown(code, runtime)
    print(
        f"lambda zip (arm64): {zipped / 1024:.0f} KiB zipped, "
        f"{unpacked / 1024 / 1024:.1f} MiB unpacked"
    )
    print(
        f"cold import of iot_lambda.handler (n={args.runs}, warm .pyc, this machine): "
        f"median {statistics.median(samples):.0f} ms, min {min(samples):.0f} ms, "
        f"max {max(samples):.0f} ms"
    )
    print("cumulative import cost by package (ms, one run):")
    for name, ms in sorted(breakdown.items(), key=lambda kv: -kv[1]):
        print(f"  {name:24s} {ms:7.1f}")


if __name__ == "__main__":
    main()
