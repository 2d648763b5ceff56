"""Build a Lambda deployment zip for one workspace package: its code, our packages it depends
on, and the locked third-party wheels for the Lambda's platform.

Everything comes from ``uv.lock`` (``uv export --package <name>``): workspace members appear as
``./<path>`` lines and are copied from ``<path>/src/<module>``; third-party pins are installed as
binary wheels for the target platform only (``--only-binary :all:``), so an arm64 zip built on
x86-64 holds aarch64 objects. boto3 and its kin are left out: the Lambda Python runtime provides
them. The zip is deterministic (sorted entries, fixed timestamps), so an unchanged build leaves
Terraform's ``source_code_hash`` alone.

    python scripts/build_lambda_zip.py --package gateway-interceptor \
        --out build/gateway_interceptor.zip
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Provided by the Lambda runtime; shipping them would only grow the zip.
RUNTIME_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "six", "python-dateutil"}
)
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Closure:
    """What a package needs at run time: our source trees and third-party pins."""

    sources: tuple[Path, ...]
    pins: tuple[str, ...]


def _uv() -> str:
    uv = os.environ.get("UV") or shutil.which("uv")
    if not uv:
        raise SystemExit("uv not found: run `make bootstrap` or set UV=/path/to/uv")
    return uv


def closure(package: str, keep: frozenset[str] = frozenset()) -> Closure:
    """The locked run-time closure of ``package`` (``keep``: runtime-provided ones to ship)."""
    out = subprocess.run(  # noqa: S603 - fixed argv; the package name is ours
        [_uv(), "export", "--package", package, "--no-dev", "--frozen", "--no-hashes",
         "--no-editable", "--no-header", "--no-annotate"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    sources: list[Path] = []
    pins: list[str] = []
    for raw in out.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "-")):
            continue
        if line.startswith("./"):
            sources.extend(sorted((REPO / line / "src").glob("*/__init__.py")))
            continue
        name = line.split("==")[0].strip().lower()
        if name not in RUNTIME_PROVIDED or name in keep:
            pins.append(line)
    return Closure(tuple(p.parent for p in sources), tuple(pins))


def stage(target: Path, package: Closure, platform: str, python_version: str) -> None:
    """Install the locked wheels for ``platform`` and copy our sources into ``target``."""
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text("\n".join(package.pins) + "\n")
        subprocess.run(  # noqa: S603 - fixed argv; platform/version come from our own CLI
            [_uv(), "pip", "install", "--quiet", "--target", str(target), "--no-deps",
             "--only-binary", ":all:", "--python-platform", platform,
             "--python-version", python_version, "-r", str(req)],
            cwd=REPO, check=True,
        )  # fmt: skip
    for source in package.sources:
        shutil.copytree(source, target / source.name, ignore=shutil.ignore_patterns("__pycache__"))


def write_zip(source: Path, out: Path) -> None:
    """Sorted entries, fixed timestamps and modes: the same input gives the same bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            rel = path.relative_to(source)
            # uv's install lock file is not part of the code.
            if "__pycache__" in rel.parts or rel.parts == (".lock",):
                continue
            info = zipfile.ZipInfo(str(rel), FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--package", required=True, help="workspace package, e.g. iot-lambda")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--platform",
        default="aarch64-manylinux2014",
        help="uv --python-platform (x86_64-manylinux2014 for a host-side check)",
    )
    parser.add_argument("--python-version", default="3.12", help="the Lambda runtime's Python")
    args = parser.parse_args(argv)
    package = closure(args.package)
    with tempfile.TemporaryDirectory() as tmp:
        stage(Path(tmp), package, args.platform, args.python_version)
        write_zip(Path(tmp), args.out)
    size = args.out.stat().st_size
    sys.stderr.write(
        f"{args.out}: {size / 1024:.0f} KiB ({args.package}, {args.platform}, "
        f"Python {args.python_version})\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
