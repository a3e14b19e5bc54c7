"""`python -m edgecloud run`: execute the stage notebooks with papermill into the run folder.

Each stage's executed notebook lands in outputs/<run>/notebooks/ (a failed one keeps papermill's
error banner for the user to open), its cell output in outputs/<run>/logs/<stage>.log, and the
run's provenance in outputs/<run>/run_manifest.json.
"""
from __future__ import annotations

import importlib.metadata as md
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from .errors import EdgecloudError
from .params import Params, load_params
from .paths import NOTEBOOKS_DIR, ROOT, RunDirs, rel, resolve
from .reports import read_json, write_json
from .stages import Stage, available_stages, get_stage

KERNEL_NAME = "edgecloud"
VERSIONED = ("torch", "transformers", "peft", "ms-swift", "papermill", "nbval", "pandas", "matplotlib")


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for pkg in VERSIONED:
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    return out


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def machine() -> dict[str, Any]:
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count()}


def select_stages(only: list[str] | None = None, from_stage: str | None = None) -> list[Stage]:
    stages = available_stages()
    names = [s.name for s in stages]
    if only:
        for n in only:
            get_stage(n)  # unknown name -> KeyError with the list
            if n not in names:
                raise EdgecloudError(f"stage {n} has no notebook yet (notebooks/{n}.ipynb)")
        return [s for s in stages if s.name in only]
    if from_stage:
        get_stage(from_stage)
        if from_stage not in names:
            raise EdgecloudError(f"stage {from_stage} has no notebook yet (notebooks/{from_stage}.ipynb)")
        return stages[names.index(from_stage):]
    return stages


def kernel_name() -> str:
    """The workspace's registered kernel when present (make registers it), else the default python3."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return KERNEL_NAME if KERNEL_NAME in specs else "python3"


class _Tee:
    """Cell output of a running stage goes to its log file and, indented, to the terminal."""

    def __init__(self, log: TextIO, out: TextIO | None):
        self.log, self.out, self._bol = log, out, True

    def write(self, text: str) -> int:
        self.log.write(text)
        if self.out is not None:
            for ch in text.splitlines(keepends=True):
                self.out.write(("    " if self._bol else "") + ch)
                self._bol = ch.endswith("\n")
        return len(text)

    def flush(self) -> None:
        self.log.flush()
        if self.out is not None:
            self.out.flush()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def finish(params: Params, out: TextIO = sys.stdout) -> dict[str, Any]:
    """After the stages, pass or fail: the run report (it lists the risks, a failed stage among them) and
    its HTML with every executed notebook."""
    from .summary import write_html, write_summary

    done = {"summary": rel(write_summary(params))}
    html = write_html(params)
    done["html"] = rel(html) if html else None
    print(f"summary: {done['summary']}" + (f", html: {done['html']}" if html else ""), file=out, flush=True)
    return done


def run(params_file: str, overrides: list[str] | None = None, only: list[str] | None = None,
        from_stage: str | None = None, timeout_s: int = 4 * 3600, out: TextIO = sys.stdout,
        echo_output: bool = True) -> int:
    """Run the selected stages in order; return 0 on success, 1 when a stage failed."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    overrides = list(overrides or [])
    params = load_params(params_file, overrides)
    stages = select_stages(only, from_stage)
    dirs = RunDirs(params.run_name).ensure()
    params_rel = rel(resolve(params_file))

    manifest: dict[str, Any] = {}
    if dirs.manifest.is_file():
        manifest = read_json(dirs.manifest)
        if manifest.get("params_sha256") != params.sha256():
            manifest = {"note": "stage records of an earlier run with other params were dropped"}
    manifest.update({
        "run_name": params.run_name, "params_file": params_rel, "overrides": overrides,
        "params": params.to_dict(), "params_sha256": params.sha256(), "git": git_state(),
        "versions": versions(), "machine": machine(), "kernel": kernel_name(),
        "invocation": {"only": only, "from": from_stage, "stages": [s.name for s in stages]},
        "started_utc": _now(), "ended_utc": None, "status": "running",
    })
    manifest.setdefault("stages", {})
    write_json(dirs.manifest, manifest)

    print(f"Run {params.run_name!r} with {params_rel} ({len(stages)} stage(s)) -> {rel(dirs.root)}", file=out, flush=True)
    status = "ok"
    for i, st in enumerate(stages, 1):
        out_nb = dirs.notebooks / f"{st.name}.ipynb"
        log = dirs.logs / f"{st.name}.log"
        print(f"[{i}/{len(stages)}] {st.name}: {st.title} ...", file=out, flush=True)
        rec: dict[str, Any] = {"status": "running", "start_utc": _now(), "notebook": rel(out_nb), "log": rel(log)}
        manifest["stages"][st.name] = rec
        write_json(dirs.manifest, manifest)
        t0 = time.perf_counter()
        try:
            with log.open("w", encoding="utf-8") as fh:
                tee = _Tee(fh, out if echo_output else None)
                pm.execute_notebook(
                    str(st.notebook), str(out_nb), kernel_name=manifest["kernel"],
                    parameters={"params_file": params_rel, "overrides": overrides},
                    cwd=str(NOTEBOOKS_DIR), progress_bar=False, log_output=False, stdout_file=tee, stderr_file=tee,
                    execution_timeout=timeout_s, report_mode=False)
            rec["status"] = "ok"
        except PapermillExecutionError as exc:
            rec.update(status="failed", error={"cell": exc.exec_count, "ename": exc.ename, "evalue": exc.evalue})
            status = "failed"
        except Exception as exc:  # kernel died, timeout, missing kernel: still say which stage
            rec.update(status="failed", error={"cell": None, "ename": type(exc).__name__, "evalue": str(exc)})
            status = "failed"
        rec["end_utc"] = _now()
        rec["duration_s"] = round(time.perf_counter() - t0, 1)
        write_json(dirs.manifest, manifest)
        if rec["status"] != "ok":
            err = rec["error"]
            where = f"cell {err['cell']}" if err["cell"] else "execution"
            print(f"[{i}/{len(stages)}] {st.name}: FAILED after {rec['duration_s']} s in {where}\n"
                  f"    {err['ename']}: {err['evalue']}\n"
                  f"    executed notebook: {rel(out_nb)}\n    log: {rel(log)}", file=out, flush=True)
            break
        print(f"[{i}/{len(stages)}] {st.name}: ok ({rec['duration_s']} s)", file=out, flush=True)

    manifest.update(status=status, ended_utc=_now())
    write_json(dirs.manifest, manifest)
    manifest["report"] = finish(params, out)
    write_json(dirs.manifest, manifest)
    print(f"Run {params.run_name!r}: {status}; manifest {rel(dirs.manifest)}", file=out, flush=True)
    return 0 if status == "ok" else 1
