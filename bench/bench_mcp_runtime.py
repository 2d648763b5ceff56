"""mcp_runtime figures: tool-call latency against the API itself, and throughput across users
against a prototype-style server (issue 17 targets). Prints figures, floors and ratios.

Real processes on 127.0.0.1: the sandbox API (``python -m devstack.sandbox``, one organisation
per user token), the runtime (``python -m mcp_runtime --transport http``) in ``per_user`` mode
(tokens signed by a key whose JWKS this script serves; Secrets Manager from moto's server), and
the baseline: the same ``list_contacts`` as a FastMCP server that makes a new HTTP client per call
and has no pacing (``--serve-baseline``, this file). The clients run in this process.

* latency: ``GET /Contact?limit=20`` with a pooled client (the floor) vs ``list_contacts`` over
  MCP HTTP on the direct runtime URL, sequential; target: runtime p50 <= floor p50 + 10 ms;
* throughput: 10 users x 10 concurrent MCP clients, each calling ``list_contacts`` in a loop;
  target: runtime >= 3x the baseline.

Usage: ``uv run python bench/bench_mcp_runtime.py [--calls 200] [--seconds 5]``. Issue 17
measured before: runtime list_contacts 218 ms p50 (fixed 4 req/s pace per token), prototype-style
32 ms, direct API 1.8 ms; throughput 4.0 vs 36.7 calls/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import httpx2
import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from fastmcp import Client
from jwt.algorithms import RSAAlgorithm
from moto.server import ThreadedMotoServer
from report import figure, header, verdict
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from testkit.net import free_port

POOL = "eu-central-1_Bench"
ISSUER = f"https://cognito-idp.eu-central-1.amazonaws.com/{POOL}"
CLIENT_ID = "benchclient"
PREFIX = "bench/user-tokens"
USERS = 10
CLIENTS_PER_USER = 10
STATIC_TOKEN = "0" * 32  # the baseline's sandbox token, not a secret


def _wait_healthy(url: str, proc: subprocess.Popen[bytes] | None, what: str) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < 120:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up")
        try:
            if httpx2.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx2.HTTPError:
            pass
        time.sleep(0.01)
    raise TimeoutError(f"{what} did not become healthy within 120 s")


@contextmanager
def _process(
    argv: list[str], env: dict[str, str], health: str, what: str
) -> Iterator[tuple[float, int]]:
    """A server process until the block ends; yields (seconds to healthy, pid)."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield _wait_healthy(health, proc, what), proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Identity:
    """Signs Cognito-shaped access tokens and serves their JWKS over HTTP (in a thread)."""

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        self.port = free_port()
        self.jwks_uri = f"http://127.0.0.1:{self.port}/{POOL}/.well-known/jwks.json"

    def token(self, username: str) -> str:
        now = int(time.time())
        claims = {
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, username)),
            "username": username,
            "iss": ISSUER,
            "client_id": CLIENT_ID,
            "token_use": "access",
            "iat": now,
            "exp": now + 3600,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    @contextmanager
    def serving(self) -> Iterator[None]:
        public = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        keys = {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

        async def jwks(request: Any) -> JSONResponse:
            return JSONResponse(keys)

        app = Starlette(routes=[Route(f"/{POOL}/.well-known/jwks.json", jwks)])
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            _wait_healthy(self.jwks_uri, None, "JWKS server")
            yield
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def _user_tokens() -> dict[str, str]:
    """One sandbox token (and organisation) per user."""
    return {f"user{i}": f"{i + 1:032x}" for i in range(USERS)}


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCP_RUNTIME_", "SANDBOX_"))}
    env.update(values)
    return env


# --- the baseline: the prototype's pattern -----------------------------------------------------


def serve_baseline(port: int, api_url: str) -> None:
    """A FastMCP server whose tool makes a new HTTP client per call, with no pacing."""
    from fastmcp import FastMCP

    mcp = FastMCP("baseline")

    @mcp.tool
    async def list_contacts(limit: int = 20) -> dict[str, Any]:
        """List contacts (prototype style)."""
        async with httpx2.AsyncClient(base_url=api_url + "/", timeout=20) as http:
            response = await http.get(
                "Contact",
                params={"limit": limit, "offset": 0, "countAll": "true", "depth": "0"},
                headers={"Authorization": STATIC_TOKEN},
            )
            body: dict[str, Any] = response.json()
            return body

    @mcp.custom_route("/health", methods=["GET"])
    async def health(request: Any) -> JSONResponse:
        return JSONResponse({"status": "Healthy"})

    app = mcp.http_app(path="/mcp", stateless_http=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# --- measurements --------------------------------------------------------------------------------


async def _latencies(call: Callable[[], Awaitable[object]], calls: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        await call()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _throughput(
    url: str, bearers: list[str | None], seconds: float, pids: dict[str, int]
) -> tuple[float, dict[str, float]]:
    """Calls per second of ``len(bearers)`` MCP clients calling list_contacts in a loop, and
    the CPU milliseconds per call each process spent meanwhile."""
    start, stop, all_ready = asyncio.Event(), asyncio.Event(), asyncio.Event()
    counts = [0] * len(bearers)
    errors: list[str] = []
    ready = 0

    async def worker(index: int, bearer: str | None) -> None:
        nonlocal ready
        async with Client(url, auth=bearer, timeout=60) as client:
            await client.call_tool("list_contacts", {"limit": 20})  # warm: session and token
            ready += 1
            if ready == len(bearers):
                all_ready.set()
            await start.wait()
            while not stop.is_set():
                result = await client.call_tool(
                    "list_contacts", {"limit": 20}, raise_on_error=False
                )
                if result.is_error:
                    errors.append(result.content[0].text)
                else:
                    counts[index] += 1

    tasks = [asyncio.create_task(worker(i, b)) for i, b in enumerate(bearers)]
    await asyncio.wait_for(all_ready.wait(), timeout=120)
    cpu_before = {name: _cpu_seconds(pid) for name, pid in pids.items()}
    client_before = time.process_time()
    began = time.perf_counter()
    start.set()
    await asyncio.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - began
    done = sum(counts)
    cpu = {name: _cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    cpu["clients (this process)"] = time.process_time() - client_before
    await asyncio.gather(*tasks)
    if errors:
        print(f"  {url}: {len(errors)} error answers, e.g. {errors[0]!r}")
    return done / elapsed, {name: 1000 * used / max(done, 1) for name, used in cpu.items()}


def _p50(times: list[float]) -> float:
    return statistics.median(times)


async def _measure(
    api_url: str,
    runtime_url: str,
    baseline_url: str,
    ids: Identity,
    args: Any,
    pids: dict[str, int],
) -> None:
    tokens = _user_tokens()
    async with httpx2.AsyncClient(
        base_url=api_url + "/", headers={"Authorization": tokens["user0"]}
    ) as http:

        async def direct() -> object:
            response = await http.get(
                "Contact", params={"limit": 20, "offset": 0, "countAll": "true", "depth": "0"}
            )
            response.raise_for_status()
            return response.json()

        direct_ms = await _latencies(direct, args.calls, 10)

    async with Client(runtime_url, auth=ids.token("user0")) as client:
        runtime_ms = await _latencies(
            lambda: client.call_tool("list_contacts", {"limit": 20}), args.calls, 10
        )
    async with Client(baseline_url) as client:
        baseline_ms = await _latencies(
            lambda: client.call_tool("list_contacts", {"limit": 20}), args.calls, 10
        )

    bearers = [ids.token(user) for user in tokens for _ in range(CLIENTS_PER_USER)]
    runtime_pids = {"runtime": pids["runtime"], "sandbox": pids["sandbox"]}
    baseline_pids = {"baseline": pids["baseline"], "sandbox": pids["sandbox"]}
    runtime_rate, runtime_cpu = await _throughput(
        runtime_url, list(bearers), args.seconds, runtime_pids
    )
    baseline_rate, baseline_cpu = await _throughput(
        baseline_url, [None] * len(bearers), args.seconds, baseline_pids
    )

    floor = _p50(direct_ms)
    print(f"\n{header()}")
    figure("direct API GET /Contact, pooled (p50)", f"{floor:.2f} ms", "-", "-", "the floor")
    figure(
        "runtime list_contacts, direct URL (p50)",
        f"{_p50(runtime_ms):.2f} ms",
        f"{floor:.2f} ms",
        f"{_p50(runtime_ms) / floor:.1f}x",
        f"<= floor + 10 ms: {verdict(_p50(runtime_ms) <= floor + 10)}"
        f" (+{_p50(runtime_ms) - floor:.1f} ms)",
    )
    figure(
        "baseline (new HTTP client per call) (p50)",
        f"{_p50(baseline_ms):.2f} ms",
        f"{floor:.2f} ms",
        f"{_p50(baseline_ms) / floor:.1f}x",
        "for comparison",
    )
    figure(
        f"throughput {USERS} users x {CLIENTS_PER_USER} clients",
        f"{runtime_rate:.1f}/s",
        f"{baseline_rate:.1f}/s",
        f"{runtime_rate / baseline_rate:.1f}x",
        f">= 3x baseline: {verdict(runtime_rate >= 3 * baseline_rate)}",
    )
    for label, cpu in (("runtime run", runtime_cpu), ("baseline run", baseline_cpu)):
        spent = ", ".join(f"{name} {ms:.1f}" for name, ms in cpu.items())
        print(f"  CPU ms per call, {label}: {spent}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--serve-baseline", nargs=2, metavar=("PORT", "API_URL"))
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(int(args.serve_baseline[0]), args.serve_baseline[1])
        return
    print(f"mcp_runtime bench: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request lines
    ids = Identity()
    tokens = _user_tokens()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    moto_host, moto_port = moto.get_host_and_port()
    moto_url = f"http://{moto_host}:{moto_port}"
    aws = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    secrets = boto3.client(
        "secretsmanager",
        region_name="eu-central-1",
        endpoint_url=moto_url,
        **{k.lower(): v for k, v in aws.items()},
    )
    for user, token in tokens.items():
        sub = str(uuid.uuid5(uuid.NAMESPACE_URL, user))
        secrets.create_secret(Name=f"{PREFIX}/{sub}", SecretString=json.dumps({"api_token": token}))
    sandbox_port, runtime_port, baseline_port = free_port(), free_port(), free_port()
    api_url = f"http://127.0.0.1:{sandbox_port}/api/v1"
    sandbox_tokens = ",".join([STATIC_TOKEN, *(f"{t}={u}" for u, t in tokens.items())])
    runtime_env = _env(
        **aws,
        MCP_RUNTIME_API_BASE_URL=api_url,
        MCP_RUNTIME_CREDENTIALS_MODE="per_user",
        MCP_RUNTIME_COGNITO_ISSUER=ISSUER,
        MCP_RUNTIME_COGNITO_JWKS_URI=ids.jwks_uri,
        MCP_RUNTIME_ALLOWED_CLIENT_IDS=CLIENT_ID,
        MCP_RUNTIME_USER_TOKEN_SECRET_PREFIX=PREFIX,
        MCP_RUNTIME_AWS_REGION="eu-central-1",
        MCP_RUNTIME_SECRETS_ENDPOINT_URL=moto_url,
        MCP_RUNTIME_LOG_LEVEL="WARNING",
    )
    py = sys.executable
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            ids.serving(),
            _process(
                [py, "-m", "devstack.sandbox", "--port", str(sandbox_port), "--db",
                 str(Path(tmp) / "bench.db")],
                _env(SANDBOX_API_TOKENS=sandbox_tokens),
                f"http://127.0.0.1:{sandbox_port}/health",
                "sandbox",
            ) as (_, sandbox_pid),
            _process(
                [py, "-m", "mcp_runtime", "--transport", "http", "--port", str(runtime_port)],
                runtime_env,
                f"http://127.0.0.1:{runtime_port}/health",
                "runtime",
            ) as (runtime_startup, runtime_pid),
            _process(
                [py, __file__, "--serve-baseline", str(baseline_port), api_url],
                _env(),
                f"http://127.0.0.1:{baseline_port}/health",
                "baseline",
            ) as (_, baseline_pid),
        ):  # fmt: skip
            print(f"runtime start-up to healthy /health: {runtime_startup * 1000:.0f} ms")
            asyncio.run(
                _measure(
                    api_url,
                    f"http://127.0.0.1:{runtime_port}/mcp",
                    f"http://127.0.0.1:{baseline_port}/mcp",
                    ids,
                    args,
                    {"runtime": runtime_pid, "sandbox": sandbox_pid, "baseline": baseline_pid},
                )
            )
    finally:
        moto.stop()
    print(
        "\nissue 17 before: runtime 218 ms p50 (fixed 4 req/s per token), prototype-style 32 ms, "
        "direct API 1.8 ms; throughput 4.0 vs 36.7 calls/s"
    )


if __name__ == "__main__":
    main()
