"""`make bench`: every benchmark, one after the other, then a summary of what ran.

Each script runs as its own process (they start servers and measure cold imports, which must not
be warmed by one another) and in sequence, so they do not compete for the two CPUs. Each prints
its own figures as it goes; their headline figures (``report.figure``) are collected and printed
once more at the end as one table: value, the floor or baseline it is compared to, the ratio and
the target. A script that fails is named at the end and makes the exit code 1; a target missed
is a figure (``MISSED``), not a failure.

    python bench/run_all.py [--only NAME ...] [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import BENCH_ENV, FIGURES_ENV, collected, header, row

HERE = Path(__file__).resolve().parent

# name -> (script, arguments, arguments for --quick)
BENCHES: dict[str, tuple[str, list[str], list[str]]] = {
    "iot_lambda": (
        "bench_iot_lambda.py",
        [],
        ["--runs", "3", "--commands", "10", "--samples", "10"],
    ),
    "smart_home": ("bench_e2e.py", [], ["--runs", "10"]),
    "runtime": ("bench_mcp_runtime.py", [], ["--calls", "60", "--seconds", "2"]),
    "outage": ("bench_outage.py", ["--cycles", "10"], ["--cycles", "3"]),
    "home_bridge": ("bench_home_bridge.py", [], ["--commands", "30"]),
    "iot_core_startup": ("bench_iot_core_startup.py", [], ["--runs", "2"]),
    "iot_core_shadow": ("bench_iot_core_shadow.py", [], ["--runs", "15"]),
    "sandbox": ("bench_sandbox_startup.py", [], ["--runs", "2", "--requests", "50"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHES), help="run only these")
    parser.add_argument("--quick", action="store_true", help="fewer runs, calls and cycles")
    args = parser.parse_args()
    summary: list[tuple[str, int, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        figures = Path(scratch) / "figures.jsonl"
        for name in args.only or list(BENCHES):
            script, extra, quick = BENCHES[name]
            argv = [sys.executable, str(HERE / script), *extra, *(quick if args.quick else [])]
            print(f"\n=== {name}: {' '.join(argv[1:])}", flush=True)
            env = {**os.environ, FIGURES_ENV: str(figures), BENCH_ENV: name}
            began = time.monotonic()
            code = subprocess.call(argv, cwd=HERE.parent, env=env)
            summary.append((name, code, time.monotonic() - began))
        rows = collected(figures)
    print(f"\n=== figures ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f})")
    print(f"{'bench':<17} {header()}")
    for each in rows:
        line = row(each["figure"], each["value"], each["floor"], each["ratio"], each["target"])
        print(f"{each['bench']:<17} {line}")
    print("\n=== runs")
    for name, code, seconds in summary:
        print(f"{name:<18} {'ok' if code == 0 else f'FAILED (exit {code})':<18} {seconds:6.0f} s")
    return 1 if any(code for _, code, _ in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
