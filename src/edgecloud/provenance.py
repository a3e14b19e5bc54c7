"""Where a measurement was made: the machine and the package versions, with one set of keys.

The run manifest, the edge benchmark report and the benchmark scripts all record these, so a number can
be traced to the CPU (and its instruction sets: VNNI decides the int8 settings of 07) and the versions
that produced it.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import platform
from pathlib import Path
from typing import Any, Iterable

ISA_FLAGS = ("avx2", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile")


def _cpuinfo_line(prefix: str) -> str | None:
    try:
        return next((line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith(prefix)), None)
    except OSError:
        return None


def machine() -> dict[str, Any]:
    """CPU model, logical CPUs, platform, Python version and the instruction sets that matter here."""
    model = _cpuinfo_line("model name")
    flags = f" {(_cpuinfo_line('flags') or '').partition(':')[2]} "
    return {
        "cpu_model": model.split(":", 1)[1].strip() if model else platform.processor() or platform.machine(),
        "logical_cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "isa": [f for f in ISA_FLAGS if f" {f} " in flags],
    }


def versions(packages: Iterable[str]) -> dict[str, str | None]:
    """The Python version and each package's installed version (None when it is not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for pkg in packages:
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    return out
