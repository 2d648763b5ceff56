"""`python -m devstack.sandbox` as `make dev` starts it: tokens from flags or the environment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from testkit.net import free_port

TOKEN = "cli-token-0123456789abcdef"
START_DEADLINE_SECONDS = 30


def _status(url: str, token: str | None = None) -> int | None:
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, headers={"Authorization": token} if token else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@contextmanager
def sandbox_process(
    args: list[str], env: dict[str, str]
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack.sandbox", "--port", str(port), *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _wait_healthy(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + START_DEADLINE_SECONDS
    while _status(f"http://127.0.0.1:{port}/health") != 200:
        assert process.poll() is None, "the sandbox exited during start-up"
        assert time.monotonic() < deadline, "the sandbox did not become healthy"
        time.sleep(0.05)


def test_cli_serves_with_tokens_from_the_environment_and_stops_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "state" / "sandbox.db"
    with sandbox_process(["--db", str(db)], {"SANDBOX_API_TOKENS": f"other, {TOKEN}"}) as (
        process,
        port,
    ):
        _wait_healthy(process, port)
        assert _status(f"http://127.0.0.1:{port}/api/v1/Contact", TOKEN) == 200
        assert _status(f"http://127.0.0.1:{port}/api/v1/Contact", "nope") == 401
        assert db.is_file()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_cli_flag_tokens_win_and_faults_are_opt_in(tmp_path: Path) -> None:
    args = ["--db", str(tmp_path / "s.db"), "--token", TOKEN, "--faults"]
    with sandbox_process(args, {"SANDBOX_API_TOKENS": "from-env"}) as (process, port):
        _wait_healthy(process, port)
        assert _status(f"http://127.0.0.1:{port}/api/v1/CheckAccount", "from-env") == 401
        assert _status(f"http://127.0.0.1:{port}/api/v1/CheckAccount", TOKEN) == 200
        # The fault endpoint exists (GET lists the queued faults).
        assert _status(f"http://127.0.0.1:{port}/_sandbox/faults") == 200


@pytest.mark.parametrize(
    ("flags", "message"),
    [([], "no API token"), (["--token", "t=A B"], "organisation")],
    ids=["no-token", "malformed-organisation"],
)
def test_cli_refuses_to_start_without_usable_tokens(
    tmp_path: Path, flags: list[str], message: str
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "SANDBOX_API_TOKENS"}
    result = subprocess.run(
        [sys.executable, "-m", "devstack.sandbox", "--db", str(tmp_path / "s.db"), *flags],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "s.db").exists()


def test_cli_serves_one_organisation_per_token_from_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    env = {"SANDBOX_API_TOKENS": f"{TOKEN}=org-a,default-token"}
    with sandbox_process(["--db", str(db)], env) as (process, port):
        _wait_healthy(process, port)
        assert _status(f"http://127.0.0.1:{port}/api/v1/Contact", TOKEN) == 200
        assert _status(f"http://127.0.0.1:{port}/api/v1/Contact", "default-token") == 200
        assert sorted(p.name for p in tmp_path.glob("*.db")) == ["sandbox.db", "sandbox.org-a.db"]
