"""How fast the local IoT Core starts and stops (target: ready in under 3 s, clean stop).

Two figures, each over several runs:

* CLI: ``python -m devstack.iot_core`` from process spawn to its ``ready`` line (interpreter and
  imports included), with the CPU time it used by then (what the wall time would be on an idle
  machine), then SIGTERM to exit; the exit code must be 0 and the MQTT port closed.
* In-process: ``LocalIotCore.start()`` / ``.stop()`` with a fresh and with a reused state dir
  (the first start creates the CA and keys).

Usage: ``uv run python bench/bench_iot_core_startup.py [--runs 5]``. Prints figures; asserts nothing
about time (the machine's load decides those), only that every stop was clean.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devstack.iot_core import LocalIotCore
from report import figure


def _port_closed(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return False
    except OSError:
        return True


def _cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    # utime and stime are fields 14 and 15 of stat(5); [0] here is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cli_run(state_dir: Path) -> tuple[float, float, float, float]:
    """(spawn→ready, its CPU time, reported LocalIotCore start, SIGTERM→exit) in seconds."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack.iot_core", "--state-dir", str(state_dir),
         "--mqtt-port", "0", "--rest-port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        ready: dict[str, object] = {}
        for line in process.stdout:
            if line.startswith("ready "):
                ready = json.loads(line.removeprefix("ready "))
                break
        to_ready = time.perf_counter() - began
        cpu = _cpu_seconds(process.pid)
        stopping = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        code = process.wait(30)
        to_stop = time.perf_counter() - stopping
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
    assert code == 0, f"CLI exited with {code}"
    assert _port_closed(str(ready["mqtt_host"]), int(str(ready["mqtt_tls_port"])))
    return to_ready, cpu, float(str(ready["startup_s"])), to_stop


def in_process_run(state_dir: Path) -> tuple[float, float]:
    """(start, stop) of LocalIotCore in seconds."""
    core = LocalIotCore(state_dir, persist_shadows=False)
    began = time.perf_counter()
    core.start()
    started = time.perf_counter() - began
    began = time.perf_counter()
    core.stop()
    return started, time.perf_counter() - began


def _fmt(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.3f}s  min {min(values):.3f}s  "
        f"max {max(values):.3f}s  (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average (1 min) {load:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cli = [cli_run(root / f"cli-{i}") for i in range(args.runs)]
        print(f"CLI spawn→ready (fresh state dir):   {_fmt([r[0] for r in cli])}")
        figure(
            "local IoT Core CLI spawn -> ready (median)",
            f"{statistics.median(r[0] for r in cli):.2f} s",
            "-",
            "-",
            "fresh state dir",
        )
        print(f"  CPU time of the CLI until ready:   {_fmt([r[1] for r in cli])}")
        print(f"  of which LocalIotCore.start():     {_fmt([r[2] for r in cli])}")
        print(f"CLI SIGTERM→exit 0, port closed:     {_fmt([r[3] for r in cli])}")

        fresh = [in_process_run(root / f"fresh-{i}") for i in range(args.runs)]
        reused = [in_process_run(root / "reused") for _ in range(args.runs)]
        print(f"in-process start, fresh state dir:   {_fmt([r[0] for r in fresh])}")
        print(f"in-process start, reused state dir:  {_fmt([r[0] for r in reused])}")
        print(f"in-process stop:                     {_fmt([r[1] for r in fresh + reused])}")


if __name__ == "__main__":
    main()
