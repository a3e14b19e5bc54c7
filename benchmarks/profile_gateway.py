"""Where a gateway's CPU goes under load: py-spy samples its process while the load generator runs.

py-spy (benchmarks/requirements-litellm.txt, in .venv-bench) attaches to the running process without
changing it (`--nonblocking`: the target is not paused to be sampled) and writes collapsed stacks;
`summarize` turns them into the share of samples per function, by itself (self) and with what it
calls (inclusive). Only samples where the process was running count (py-spy's default).
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from edgecloud.procs import die_with_parent, stop_process_group

RATE_HZ = 250
# frames every sample passes through (interpreter start-up, the event loop): they say nothing about the work
_FRAME_NOISE = (
    "<frozen runpy>",
    "asyncio/runners.py",
    "asyncio/base_events.py",
    "uvicorn/main.py",
    "uvicorn/server.py",
    "uvicorn/_compat.py",
    "edgecloud/serve/gateway.py:9",
    "<module> (edgecloud/serve/gateway.py",
)


def summarize(collapsed: Path, top: int = 25) -> dict[str, Any]:
    """{'samples', 'self': [[share %, frame]...], 'inclusive': [...]} from py-spy's raw (collapsed) output."""
    own, incl, total = Counter[str](), Counter[str](), 0
    for line in collapsed.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        frames = stack.split(";")
        total += int(n)
        own[frames[-1]] += int(n)
        for f in set(frames):
            incl[f] += int(n)

    def share(c: Counter[str]) -> list[list[Any]]:
        rows = [(n, f) for f, n in c.most_common() if not any(x in f for x in _FRAME_NOISE)]
        return [[round(100 * n / total, 1), f] for n, f in rows[:top]] if total else []

    return {"samples": total, "self": share(own), "inclusive": share(incl)}


def record(py_spy: Path, pid: int, seconds: float, out: Path, load: Callable[[], Any]) -> dict[str, Any]:
    """Sample `pid` for `seconds` while `load()` runs (it should last about as long); the summary."""
    if not py_spy.is_file():
        raise FileNotFoundError(f"py-spy is not installed at {py_spy}: run `make bench-venv` or pass --py-spy")
    cmd = [
        str(py_spy),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(max(1, round(seconds))),
        "--rate",
        str(RATE_HZ),
        "--format",
        "raw",
        "--nonblocking",
        "-o",
        str(out),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=die_with_parent
    )
    try:
        load()
        _, err = proc.communicate(timeout=seconds + 60)
    finally:
        stop_process_group(proc, grace_s=5)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"py-spy failed (exit {proc.returncode}): {err.decode(errors='replace')[-500:]}")
    return {"file": str(out), **summarize(out)}
