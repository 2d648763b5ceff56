"""One value from ``terraform output -json`` of an env root, printable in a shell substitution."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from opsctl.errors import OpsError


def read_output(terraform_bin: str, root: Path, name: str) -> Any:
    """The value of output ``name`` of the Terraform root at ``root`` (sensitive ones included)."""
    if not root.is_dir():
        raise OpsError(f"{root} does not exist: is the environment name right?")
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [terraform_bin, f"-chdir={root}", "output", "-json", "-no-color"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OpsError(f"running {terraform_bin} failed: {exc}") from exc
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        raise OpsError(f"terraform output failed in {root}: {' '.join(tail)}")
    outputs = json.loads(done.stdout or "{}")
    if name not in outputs:
        known = ", ".join(sorted(outputs)) or "none (not applied yet?)"
        raise OpsError(f"{root} has no output {name!r}; it has: {known}")
    return outputs[name]["value"]


def render(value: Any) -> str:
    """Strings as they are (for ``$(...)``), anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
