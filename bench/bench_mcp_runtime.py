"""mcp_runtime figures: tool-call latency and throughput through MCP-over-HTTP vs the API directly.

* start-up: ``python -m mcp_runtime --transport http`` (a real process) until ``/health`` answers;
* the same read (``GET /Invoice?limit=20``) made N times directly against the sandbox API with
  httpx2, and N times as the ``list_invoices`` tool through fastmcp's Client over streamable HTTP;
  the ratio of the medians is the protocol's (and the server's) overhead.

Usage: ``uv run python bench/bench_mcp_runtime.py [--calls 200]``. Prints figures only. Client-side
pacing is set to its maximum (50 req/s) so that it does not dominate the numbers; the default (4/s)
is what protects real API tokens.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx2
from devstack.sandbox import running_sandbox
from fastmcp import Client

TOKEN = "0123456789abcdef0123456789abcdef"  # noqa: S105 - the sandbox's own token, not a secret


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(api_url: str, port: int) -> tuple[subprocess.Popen[bytes], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_RUNTIME_")}
    env.update(
        MCP_RUNTIME_API_BASE_URL=api_url,
        MCP_RUNTIME_STATIC_TOKEN=TOKEN,
        MCP_RUNTIME_REQUESTS_PER_SECOND="50",
        MCP_RUNTIME_LOG_LEVEL="WARNING",
    )
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mcp_runtime", "--transport", "http", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = started + 120
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("mcp_runtime exited during start-up")
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc, time.perf_counter() - started
        except httpx2.HTTPError:
            pass
        time.sleep(0.01)
    proc.kill()
    raise TimeoutError("mcp_runtime did not become healthy within 120 s")


async def _measure(call: Callable[[], Awaitable[object]], calls: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        await call()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return times


def _row(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    rate = len(ms) / (sum(ms) / 1000)
    return f"{name:<28} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   {rate:7.1f} calls/s"


async def _run(api_url: str, mcp_url: str, calls: int, warmup: int) -> None:
    async with httpx2.AsyncClient(base_url=api_url + "/", headers={"Authorization": TOKEN}) as http:

        async def direct() -> object:
            response = await http.get(
                "Invoice", params={"limit": 20, "offset": 0, "countAll": "true"}
            )
            response.raise_for_status()
            return response.json()

        direct_times = await _measure(direct, calls, warmup)

    async with Client(mcp_url) as client:

        async def through_mcp() -> object:
            return await client.call_tool("list_invoices", {"limit": 20})

        mcp_times = await _measure(through_mcp, calls, warmup)

    print(_row("direct API (httpx2)", direct_times))
    print(_row("MCP tool over HTTP", mcp_times))
    ratio = statistics.median(mcp_times) / statistics.median(direct_times)
    print(f"{'overhead (p50 ratio)':<28} {ratio:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_sandbox(Path(tmp) / "bench.sqlite", [TOKEN]) as api_url,
    ):
        port = _free_port()
        proc, startup = _start_server(api_url, port)
        try:
            print(f"{'start-up to healthy /health':<28} {startup * 1000:7.0f} ms")
            asyncio.run(_run(api_url, f"http://127.0.0.1:{port}/mcp", args.calls, args.warmup))
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
