"""Build the Lambda deployment zip: our workspace packages plus locked third-party wheels.

Everything comes from iot-lambda's closure in ``uv.lock`` (``uv export``): the workspace members
it depends on (``iot_lambda``, ``smarthome_contract``, ``gateway_contract``, ...) as source, the
third-party dependencies as binary wheels for the target platform only (``--only-binary :all:``),
so an arm64 zip built on x86-64 holds aarch64 objects and a new member dependency ships by itself.
boto3 is left out: the Lambda Python runtime provides it. The zip is deterministic (sorted
entries, fixed timestamps), so an unchanged build leaves Terraform's ``source_code_hash`` alone.

    python services/iot_lambda/scripts/build_zip.py --out build/iot_lambda.zip
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
# Provided by the Lambda runtime; shipping them would only grow the zip.
RUNTIME_PROVIDED = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "urllib3",
    "six",
    "python-dateutil",
)
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def _uv() -> str:
    uv = os.environ.get("UV") or shutil.which("uv")
    if not uv:
        raise SystemExit("uv not found: run `make bootstrap` or set UV=/path/to/uv")
    return uv


def _export() -> list[str]:
    """iot-lambda's closure from uv.lock, one requirement a line (members as ``./<path>``)."""
    out = subprocess.run(  # noqa: S603 - fixed argv, no user input
        [
            _uv(),
            "export",
            "--package",
            "iot-lambda",
            "--no-dev",
            "--frozen",
            "--no-hashes",
            "--no-editable",
            "--no-header",
            "--no-annotate",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def locked_requirements() -> list[str]:
    """Third-party pins of iot-lambda's closure, without members and what the runtime provides."""
    pins = [line for line in _export() if not line.startswith(("./", "#", "-"))]
    return [p for p in pins if p.split("==")[0].lower() not in RUNTIME_PROVIDED]


def member_sources() -> list[Path]:
    """The import packages of the workspace members in the closure (``<member>/src/<package>``)."""
    members = [REPO / line.removeprefix("./") for line in _export() if line.startswith("./")]
    sources = [
        package
        for member in members
        for package in sorted((member / "src").iterdir())
        if (package / "__init__.py").is_file()
    ]
    if not sources:
        raise SystemExit("uv export listed no workspace packages for iot-lambda")
    return sources


def stage(target: Path, platform: str, python_version: str) -> None:
    """Install the locked wheels for ``platform`` and copy our sources into ``target``."""
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text("\n".join(locked_requirements()) + "\n")
        subprocess.run(  # noqa: S603 - fixed argv; platform/version come from our own CLI
            [
                _uv(),
                "pip",
                "install",
                "--quiet",
                "--target",
                str(target),
                "--no-deps",
                "--only-binary",
                ":all:",
                "--python-platform",
                platform,
                "--python-version",
                python_version,
                "-r",
                str(req),
            ],
            cwd=REPO,
            check=True,
        )
    for source in member_sources():
        shutil.copytree(source, target / source.name, ignore=shutil.ignore_patterns("__pycache__"))


def write_zip(source: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            rel = path.relative_to(source)
            if "__pycache__" in rel.parts:
                continue
            info = zipfile.ZipInfo(str(rel), FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--platform",
        default="aarch64-manylinux2014",
        help="uv --python-platform (x86_64-manylinux2014 for a host-side check)",
    )
    parser.add_argument("--python-version", default="3.12", help="the Lambda runtime's Python")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        stage(Path(tmp), args.platform, args.python_version)
        write_zip(Path(tmp), args.out)
    size = args.out.stat().st_size
    sys.stderr.write(
        f"{args.out}: {size / 1024:.0f} KiB ({args.platform}, Python {args.python_version})\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
