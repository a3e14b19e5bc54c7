"""The processes of the gateway overhead benchmark: the instant upstream, our gateway, LiteLLM's proxy.

Each runs in its own process group, tied to the benchmark (PR_SET_PDEATHSIG), logs to a file, and is
stopped as a whole group (SIGTERM, then SIGKILL) by `Server.stop`; `servers` stops them all on exit,
on error and on Ctrl-C. Resident memory and CPU time are read from /proc for a process and all its
descendants, so a server that forks workers is measured whole.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx

from edgecloud.serve.stack_parts import Part

HERE = Path(__file__).resolve().parent
READY_TIMEOUT_S = 300.0  # LiteLLM's proxy imports a lot: 20-60 s on an idle 2-core machine, minutes on a busy one
CLK_TCK = os.sysconf("SC_CLK_TCK")
LITELLM_MODEL = "edge-gateway"  # the name both gateways are asked for, so one request body fits both
KEY_ENV = "EDGECLOUD_BENCH_CLIENT_KEY"  # both gateways require this run's random client key (never written to a file)


class BenchError(RuntimeError):
    pass


class Server(Part):
    """A stack.Part (own process group, tied to the benchmark, stopped as a group) named for the benchmark."""

    def __init__(self, name: str, command: list[str], log: Path, port: int, env: dict[str, str] | None = None) -> None:
        super().__init__(name, command, dict(os.environ) if env is None else env, log, port, "--", "")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_ready(
        self,
        path: str,
        body: dict[str, Any] | None,
        headers: dict[str, str] | None = None,
        timeout_s: float = READY_TIMEOUT_S,
    ) -> float:
        """Seconds until `path` answers 200 (a POST of `body`, or a GET); a clear error naming the log if not."""
        assert self.proc is not None
        t0 = time.perf_counter()
        with httpx.Client(trust_env=False, timeout=10, headers=headers) as client:
            while time.perf_counter() - t0 < timeout_s:
                if self.proc.poll() is not None:
                    raise BenchError(
                        f"{self.name} exited with code {self.proc.returncode} before it was ready; "
                        f"log {self.log}:\n{self.log_tail()}"
                    )
                try:
                    resp = client.post(self.base + path, json=body) if body else client.get(self.base + path)
                    if resp.status_code == 200:
                        return round(time.perf_counter() - t0, 1)
                except httpx.HTTPError:
                    pass
                time.sleep(0.25)
        raise BenchError(
            f"{self.name} did not answer {path} within {timeout_s:g} s; log {self.log}:\n{self.log_tail()}"
        )


def free_ports(n: int) -> list[int]:
    """n distinct free loopback ports, all held open until every one is chosen (so no two coincide)."""
    held = []
    try:
        for _ in range(n):
            s = socket.socket()
            held.append(s)
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    kids, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process tree (VmRSS summed; shared pages of forked workers count once per process)."""
    total_kb = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass
    return round(total_kb / 1024, 1)


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process tree."""
    ticks = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return ticks / CLK_TCK


def machine_busy_s() -> float:
    """CPU seconds all processes of the machine have used (from /proc/stat), to tell how busy the rest was."""
    parts = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in parts[:8])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


# ---------------------------------------------------------------------------------------------
# The three servers


def upstream_server(work: Path, port: int) -> Server:
    return Server(
        "upstream",
        [sys.executable, str(HERE / "instant_upstream.py"), "--port", str(port)],
        work / "upstream.log",
        port,
    )


def edgecloud_server(work: Path, port: int, upstream: str, key: str, src: Path | None = None) -> Server:
    """Our gateway with both tiers on the upstream: the fixed reply is no forward, so only the edge is asked.
    Client keys on (api_keys_env), as LiteLLM's proxy will not start without its master key. With `src`, the
    gateway of that src/ folder (PYTHONPATH), as target "baseline"."""
    name = "edgecloud" if src is None else "baseline"
    cfg = {
        "host": "127.0.0.1",
        "port": port,
        "api_keys_env": KEY_ENV,
        "edge_base_url": f"{upstream}/v1",
        "edge_model": "bench-upstream",
        "cloud_base_url": f"{upstream}/v1",
        "cloud_model": "bench-upstream",
        "cloud_label": "the instant upstream (benchmark)",
    }
    path = work / f"{name}_gateway.json"
    path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", KEY_ENV: key}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return Server(
        name,
        [sys.executable, "-m", "edgecloud.serve.gateway", "--config", str(path)],
        work / f"{name}_gateway.log",
        port,
        env=env,
    )


def litellm_server(work: Path, port: int, upstream: str, litellm_bin: Path, key: str) -> Server:
    """LiteLLM's proxy as its docs show it (config.yaml, one model, no database), run as `litellm --config`
    with this run's key as LITELLM_MASTER_KEY (it refuses to start without one); the cost map is read from
    the package, not fetched (no network here)."""
    if not litellm_bin.is_file():
        raise BenchError(
            f"LiteLLM's proxy is not installed at {litellm_bin}: run `make bench-venv` (creates "
            ".venv-bench from benchmarks/requirements-litellm.txt) or pass --litellm-bin"
        )
    path = work / "litellm_config.yaml"
    # JSON is YAML: no YAML writer needed
    cfg = {
        "model_list": [
            {
                "model_name": LITELLM_MODEL,
                "litellm_params": {
                    "model": "openai/bench-upstream",
                    "api_base": f"{upstream}/v1",
                    "api_key": "not-needed",
                },
            }
        ],
        "litellm_settings": {"telemetry": False},
    }
    path.write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "NO_PROXY": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
        "LITELLM_MASTER_KEY": key,
    }
    for var in ("DATABASE_URL", "PYTHONPATH"):
        env.pop(var, None)
    return Server(
        "litellm",
        [str(litellm_bin), "--config", str(path), "--host", "127.0.0.1", "--port", str(port)],
        work / "litellm_proxy.log",
        port,
        env=env,
    )


@contextmanager
def servers(parts: list[Server]) -> Iterator[list[Server]]:
    """Start `parts` in order; stop every one that started on exit, error, Ctrl-C or SIGTERM."""
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(_sig: int, _frame: Any) -> None:
        raise KeyboardInterrupt("SIGTERM")

    signal.signal(signal.SIGTERM, on_term)
    started: list[Server] = []
    try:
        for s in parts:
            s.start()
            started.append(s)
        yield parts
    finally:
        for s in reversed(started):
            s.stop()
        signal.signal(signal.SIGTERM, previous)
