"""One machine()/versions() for the run manifest, the edge benchmark and the benchmark scripts."""

from __future__ import annotations

import importlib.metadata as md
import os
import platform

from edgecloud import provenance


def test_machine_names_the_cpu_and_its_instruction_sets():
    m = provenance.machine()
    assert set(m) == {"cpu_model", "logical_cpus", "platform", "python", "isa"}
    assert m["logical_cpus"] == os.cpu_count() and m["python"] == platform.python_version()
    assert m["cpu_model"] and set(m["isa"]) <= set(provenance.ISA_FLAGS)
    flags = next((l for l in open("/proc/cpuinfo", encoding="utf-8") if l.startswith("flags")), "").split()
    assert m["isa"] == [f for f in provenance.ISA_FLAGS if f in flags]  # whole flags, not prefixes


def test_versions_of_installed_and_missing_packages():
    v = provenance.versions(("pytest", "no-such-package-edgecloud"))
    assert v == {"python": platform.python_version(), "pytest": md.version("pytest"), "no-such-package-edgecloud": None}


def test_the_callers_share_the_one_implementation():
    from edgecloud import runner
    from edgecloud.edge import bench

    assert runner.machine is bench.machine is provenance.machine
    assert runner.versions is bench.versions is provenance.versions
