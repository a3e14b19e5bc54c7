"""One child process of the serving stack (`Part`): its start in a process group of its own tied to this
process, its readiness check, its stop; and the port checks around it (free to bind, left TIME_WAIT,
listened on by this very child). `StackError` is what every part of the stack raises when it cannot start.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

from edgecloud.errors import EdgecloudError
from edgecloud.paths import rel
from edgecloud.procs import die_with_parent, stop_process_group

LOG_TAIL_LINES = 20


class StackError(EdgecloudError):
    """A part of the serving stack could not start (busy port, early exit, no health in time)."""


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (SO_REUSEADDR, like uvicorn: TIME_WAIT is no obstacle)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def port_bindable_plain(port: int) -> bool:
    """Whether ms-swift will take this port: its find_free_port binds ('', port) WITHOUT SO_REUSEADDR and
    silently moves to the next port when that fails, which a port in TIME_WAIT (left by a stack that
    just stopped) makes it do."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("", port))
        except OSError:
            return False
    return True


def wait_for_time_wait(parts: list["Part"], echo: Callable[[str], None], limit_s: float = 90) -> None:
    """Wait (up to `limit_s`) until the swift deploy ports leave TIME_WAIT, so ms-swift keeps its port."""
    t0 = time.perf_counter()
    pending = [p for p in parts if p.name != "gateway" and not port_bindable_plain(p.port)]
    if pending:
        echo(
            "waiting for port(s) "
            + ", ".join(str(p.port) for p in pending)
            + " to leave TIME_WAIT (a stack on them just stopped) ..."
        )
    while pending and time.perf_counter() - t0 < limit_s:
        time.sleep(1)
        pending = [p for p in pending if not port_bindable_plain(p.port)]
    if pending:
        raise StackError(
            "port(s) "
            + ", ".join(f"{p.port} ({p.port_key})" for p in pending)
            + f" still not free after {limit_s:.0f} s; choose other ports with --set"
        )


def _listening_ports(pid: int) -> set[int]:
    """TCP ports a process and its descendants listen on."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return set()
    ports = set()
    for p in procs:
        try:
            ports |= {c.laddr.port for c in p.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return ports


def log_tail(path: Path, n: int = LOG_TAIL_LINES) -> str:
    if not path.is_file():
        return "(no log written)"
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])


@dataclass
class Part:
    """One child process of the stack and how to tell that it is ready."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    port: int
    port_key: str  # the params key that chose the port, for error messages
    health_url: str
    served_model: str | None = None  # model servers: the name /v1/models must list
    proc: subprocess.Popen | None = None
    t0: float = 0.0
    up_s: float | None = None  # seconds from start until it answered its health check

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w", encoding="utf-8") as fh:
            fh.write("$ " + " ".join(shlex.quote(c) for c in self.command) + "\n")
            fh.flush()
            # The child holds its own copy of the file descriptor: closing ours here is fine.
            self.proc = subprocess.Popen(
                self.command,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        self.t0 = time.perf_counter()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL after procs.stop_process_group's grace period (20 s); then
        SIGKILL to whatever is left of the group (children of a leader that already exited)."""
        if self.proc is None:
            return
        stop_process_group(self.proc)
        try:  # the leader may have exited before its children: the group id is still theirs
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def check_ready(self, client: httpx.Client) -> bool:
        """Up = answers its health URL from a port that this child itself listens on (ms-swift silently
        moves to the next free port when its own is taken, so a 200 alone could be someone else's)."""
        try:
            resp = client.get(self.health_url, timeout=2.0)
        except httpx.HTTPError:
            return False
        if self.name == "gateway":
            ok = resp.status_code in (200, 503) and "gateway" in resp.text  # the gateway itself is up
        else:
            try:
                served = {m.get("id") for m in resp.json().get("data", [])}
            except (ValueError, AttributeError, TypeError):
                return False
            ok = resp.status_code == 200 and self.served_model in served
        return ok and self.port in _listening_ports(self.proc.pid)

    def failure(self, what: str) -> str:
        return f"{self.name} ({self.port_key}={self.port}) {what}; last lines of {rel(self.log)}:\n{log_tail(self.log)}"
