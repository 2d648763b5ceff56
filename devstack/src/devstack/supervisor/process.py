"""One supervised child process: started with its own log file, stopped gently then firmly."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from testkit.processes import exit_with_parent
from testkit.waiting import wait_until


class StartError(RuntimeError):
    """A child exited or did not become healthy in time; the message quotes its log."""


def tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file (empty when there is none)."""
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def pids_with_argument(text: str) -> list[int]:
    """Pids of live processes whose command line contains ``text`` (Linux ``/proc``)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if text.encode() in cmdline and pid_alive(int(proc.name)):
            found.append(int(proc.name))
    return found


def pid_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie has exited: only its exit status is left)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] not in ("Z", "X")


@dataclass
class Child:
    """A named command the stack runs; ``healthy`` says when it is ready to serve."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    log_file: Path
    healthy: Callable[[], bool]
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        """The process id while it runs."""
        return self.process.pid if self.process else None

    def running(self) -> bool:
        """True while the process has not exited."""
        return self.process is not None and self.process.poll() is None

    def exit_code(self) -> int | None:
        """The exit status once it has exited."""
        return None if self.process is None else self.process.poll()

    # --- what the supervisor asks (devstack.supervisor.watch.Watched) --------------------------

    def alive(self) -> bool:
        return self.running()

    def exit_status(self) -> str:
        code = self.exit_code()
        if code is None:
            return "is running"
        if code < 0:
            return f"was killed by {signal.Signals(-code).name}"
        return f"exited with code {code}"

    def restart(self) -> None:
        """Start again with the same command, environment and log (without waiting)."""
        if self.process is not None:
            # What the dead leader left in its group (a gateway's Lambda workers) goes first.
            self._reap_group(self.process.pid)
        self.spawn()

    def last_words(self) -> str:
        return tail(self.log_file)

    def start(self, timeout_s: float) -> None:
        """Start and wait until healthy; :class:`StartError` (and the child stopped) if not."""
        self.spawn()
        self.wait_healthy(timeout_s)

    def spawn(self) -> None:
        """Start the process without waiting (so several children can boot side by side)."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            # Own process group: Ctrl-C in the terminal reaches only the supervisor, which then
            # stops the children in order instead of all of them dying at once.
            self.process = subprocess.Popen(  # noqa: S603 - argv built by the stack, no shell
                list(self.argv),
                # Unbuffered: the log must hold the last words of a child that fails to start.
                env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,
                # If the supervisor is killed outright, the kernel stops the child too.
                preexec_fn=exit_with_parent,  # only prctl: safe in the fork child
            )

    def wait_healthy(self, timeout_s: float) -> None:
        """Wait for the health check; :class:`StartError` (and the child stopped) if it fails."""
        if not wait_until(lambda: not self.running() or self.healthy(), timeout_s):
            self.stop()
            raise StartError(
                f"{self.name} did not become healthy within {timeout_s:g}s; "
                f"last lines of {self.log_file}:\n{tail(self.log_file)}"
            )
        if not self.running():
            raise StartError(
                f"{self.name} exited with code {self.exit_code()}; "
                f"last lines of {self.log_file}:\n{tail(self.log_file)}"
            )

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout_s``; a no-op when not running."""
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout_s)
        self._reap_group(process.pid)

    @staticmethod
    def _reap_group(pgid: int) -> None:
        # The child led its own process group; anything it left behind in it goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL at once (fault tests: a crash, no goodbye)."""
        process = self.process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)
            self._reap_group(process.pid)
