"""How fast the sandbox accounting API starts (target: under 2 s) and answers.

Figures, each over several runs:

* CLI: ``python -m devstack.sandbox`` from process spawn until ``GET /health`` answers 200
  (interpreter, imports and, for a fresh database, schema + seed included), then SIGTERM to exit.
* In-process: ``running_sandbox()`` until healthy, with a fresh and with an existing database.
* Latency of typical calls against a running sandbox (p50/p95 over many requests), on a new
  connection per request and on one kept-alive connection (what a pooled API client does; before
  the TCP_NODELAY fix every kept-alive answer waited ~40 ms for a delayed ACK).

Usage: ``uv run python bench/bench_sandbox_startup.py [--runs 5] [--requests 200]``. Prints
figures; asserts nothing about time (the machine's load decides those).
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from devstack.sandbox import running_sandbox
from report import figure, stall_figure, verdict
from testkit.net import free_port

TOKEN = "bench-token"  # noqa: S105 - a throwaway sandbox token


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback http
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def cli_run(db: Path) -> tuple[float, float]:
    """(spawn→healthy, SIGTERM→exit) in seconds."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devstack.sandbox",
            "--port",
            str(port),
            "--db",
            str(db),
            "--token",
            TOKEN,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = started + 30
        while not _healthy(f"http://127.0.0.1:{port}/health"):
            if time.perf_counter() > deadline or process.poll() is not None:
                raise RuntimeError("the sandbox CLI did not become healthy")
            time.sleep(0.01)
        ready = time.perf_counter() - started
        stopping = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        return ready, time.perf_counter() - stopping
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def in_process_run(db: Path) -> float:
    started = time.perf_counter()
    with running_sandbox(db, [TOKEN]):
        return time.perf_counter() - started


def latency(base_url: str, path: str, requests: int) -> list[float]:
    samples = []
    for _ in range(requests):
        request = urllib.request.Request(base_url + path, headers={"Authorization": TOKEN})  # noqa: S310
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
        samples.append(time.perf_counter() - started)
    return samples


def kept_alive_latency(base_url: str, path: str, requests: int) -> list[float]:
    """Requests on one persistent connection, as a pooled client sends them."""
    host, port = base_url.removeprefix("http://").split("/")[0].split(":")
    prefix = "/" + base_url.removeprefix("http://").split("/", 1)[1]
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    samples = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("GET", prefix + path, headers={"Authorization": TOKEN})
            connection.getresponse().read()
            samples.append(time.perf_counter() - started)
    finally:
        connection.close()
    return samples


def _report(label: str, samples: list[float], unit: Callable[[float], str]) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"  {label:<48} median {unit(statistics.median(samples))}  p95 {unit(p95)}"
        f"  max {unit(max(samples))}  (n={len(samples)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    seconds = lambda v: f"{v:6.3f} s"  # noqa: E731
    millis = lambda v: f"{v * 1000:6.2f} ms"  # noqa: E731
    print(f"sandbox start-up (target < 2 s), {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        fresh = [cli_run(root / f"cli-{i}.db") for i in range(args.runs)]
        existing = [cli_run(root / "cli-0.db") for _ in range(args.runs)]
        _report("CLI spawn→healthy, fresh database (seeded)", [r for r, _ in fresh], seconds)
        start = statistics.median(r for r, _ in fresh)
        figure(
            "sandbox CLI spawn -> healthy, fresh db (median)",
            f"{start:.2f} s",
            "2 s target",
            f"{start / 2:.2f}x",
            f"< 2 s: {verdict(start < 2)}",
        )
        _report("CLI spawn→healthy, existing database", [r for r, _ in existing], seconds)
        _report("CLI SIGTERM→exit", [s for _, s in fresh + existing], seconds)
        _report(
            "in-process running_sandbox, fresh database",
            [in_process_run(root / f"inproc-{i}.db") for i in range(args.runs)],
            seconds,
        )
        _report(
            "in-process running_sandbox, existing database",
            [in_process_run(root / "inproc-0.db") for _ in range(args.runs)],
            seconds,
        )
        print("request latency (keep-alive off, one client)")
        with running_sandbox(root / "latency.db", [TOKEN]) as base_url:
            for path in (
                "/Contact?limit=100",
                "/Invoice?status=200&countAll=true",
                "/CheckAccountTransaction?checkAccount[id]=1&checkAccount[objectName]=CheckAccount",
                "/Contact/1",
            ):
                _report(f"GET {path[:44]}", latency(base_url, path, args.requests), millis)
        print("request latency (one kept-alive connection; floor ~1 ms, Nagle stall ~40 ms)")
        with running_sandbox(root / "latency.db", [TOKEN]) as base_url:
            for path in ("/Contact?limit=20&countAll=true", "/Contact/1"):
                samples = kept_alive_latency(base_url, path, args.requests)
                _report(f"GET {path[:44]} kept alive", samples, millis)
                stall_figure(
                    f"sandbox GET {path.split('?')[0]} kept alive (median)",
                    statistics.median(samples) * 1000,
                )


if __name__ == "__main__":
    main()
