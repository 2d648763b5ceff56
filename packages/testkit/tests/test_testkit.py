"""The shared helpers do what they promise: ports, waiting, a served app, children that die."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from testkit.net import free_port, is_free, listening_socket
from testkit.servers import ServerThread
from testkit.waiting import eventually, wait_until


def test_a_free_port_can_be_bound_and_a_bound_one_is_not_free() -> None:
    port = free_port()
    assert is_free("127.0.0.1", port)
    with socket.socket() as held:
        held.bind(("127.0.0.1", port))
        held.listen()
        assert not is_free("127.0.0.1", port)


def test_wait_until_says_whether_the_condition_came_true() -> None:
    calls = iter([False, False, True])
    assert wait_until(lambda: next(calls), timeout_s=5, interval_s=0.001)
    began = time.monotonic()
    assert not wait_until(lambda: False, timeout_s=0.05, interval_s=0.01)
    assert time.monotonic() - began >= 0.05


async def test_eventually_times_out_naming_what_it_waited_for() -> None:
    async def never() -> bool:
        return False

    with pytest.raises(TimeoutError, match="the light"):
        await eventually(never, timeout_s=0.05, what="the light", interval_s=0.01)


def _hello(_: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


def test_server_thread_serves_then_frees_its_port_and_sets_nodelay() -> None:
    app = Starlette(routes=[Route("/", _hello)])
    with ServerThread(app) as server:
        with urllib.request.urlopen(server.url, timeout=5) as answer:  # noqa: S310 - local URL
            assert answer.read() == b"hello"
        port = server.port
    assert is_free("127.0.0.1", port)
    with listening_socket() as sock:
        # The property the server relies on for TCP_NODELAY on accepted connections.
        assert sock.proto == socket.IPPROTO_TCP


def test_a_child_with_exit_with_parent_dies_when_its_parent_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    parent = textwrap.dedent(
        f"""
        import subprocess, sys, time
        from testkit.processes import exit_with_parent
        child = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(120)"], preexec_fn=exit_with_parent
        )
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(120)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", parent])
    try:
        assert wait_until(pid_file.exists, timeout_s=30)
        assert wait_until(lambda: pid_file.read_text().strip() != "", timeout_s=5)
        child = int(pid_file.read_text())
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        assert wait_until(lambda: not _alive(child), timeout_s=10)
    finally:
        if process.poll() is None:
            process.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); its state says it has exited.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_the_echo_handler_answers_its_event_and_client_context() -> None:
    from types import SimpleNamespace

    from testkit.lambdas import echo

    context = SimpleNamespace(client_context=SimpleNamespace(custom={"k": "v"}))
    assert echo({"a": 1}, context) == {"event": {"a": 1}, "custom": {"k": "v"}}
    assert echo(None, object()) == {"event": None, "custom": {}}
