"""Every module README carries input/output tables generated from its HCL, and they are current."""

from __future__ import annotations

import subprocess
import sys

from tfharness import TERRAFORM

TOOL = TERRAFORM / "tools" / "tfdocs.py"


def test_module_readme_tables_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(TOOL), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_tables_list_every_variable_and_output() -> None:
    sys.path.insert(0, str(TOOL.parent))
    import tfdocs

    for module in sorted(
        p for p in (TERRAFORM / "modules").iterdir() if (p / "variables.tf").exists()
    ):
        table = tfdocs.tables(module)
        for path in module.glob("*.tf"):
            for block in tfdocs._load(path).get("variable", []) + tfdocs._load(path).get(
                "output", []
            ):
                for name in block:
                    assert f"| `{name}`" in table, f"{module.name}: {name}"
