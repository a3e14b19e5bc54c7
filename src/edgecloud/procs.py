"""Child processes that cannot outlive their owner (a notebook kernel, a test).

Servers and trainers run in their own session (process group) so they can be stopped as a tree,
and on Linux they get SIGTERM when the process that started them dies, even by SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def die_with_parent() -> None:
    """preexec_fn: on Linux, the child gets SIGTERM if the process that started it dies (PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def stop_process_group(proc: subprocess.Popen, grace_s: float = 20) -> None:
    """SIGTERM to the child's whole process group, SIGKILL after `grace_s`."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace_s)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
