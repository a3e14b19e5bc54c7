"""`python -m edgecloud run`: execute the stage notebooks with papermill into the run folder.

Each stage's executed notebook lands in outputs/<run>/notebooks/ (a failed one keeps papermill's
error banner for the user to open), its cell output in outputs/<run>/logs/<stage>.log, and the
run's provenance in outputs/<run>/run_manifest.json.

The manifest keeps every stage's latest record (status, times, the params it ran with) across
partial reruns, and a history of the invocations. One freshness rule guards the products: a stage
does not start when an upstream stage's latest record is missing, failed or interrupted, or was made
with other values of the params its products depend on (`stages.stage_inputs`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, TextIO

from pydantic import ValidationError

from edgecloud import artifacts
from edgecloud.errors import EdgecloudError, UpstreamStale
from edgecloud.jsonio import read_json, write_json
from edgecloud.params import Params, load_params
from edgecloud.paths import NOTEBOOKS_DIR, ROOT, RunDirs, rel, resolve
from edgecloud.provenance import machine, versions
from edgecloud.stages import STAGES, Stage, available_stages, get_stage, input_values, inputs_sha256, run_command

KERNEL_NAME = "edgecloud"
MANIFEST_FORMAT = 2
HISTORY_KEPT = 200  # invocations kept in run_manifest.json's history
INTERRUPTED = "interrupted: rerun the same command to resume"
VERSIONED = ("torch", "transformers", "peft", "ms-swift", "papermill", "nbval", "pandas", "matplotlib")


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


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
        return stages[names.index(from_stage) :]
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


def finish(
    params: Params,
    out: TextIO = sys.stdout,
    manifest: dict[str, Any] | None = None,
    save: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """After the stages, pass or fail: the tracked run (`tracking`: never fails the run; its outcome goes into
    the manifest first, so the run report can list a failure as a risk), the run report (it lists the risks, a
    failed stage among them) and its HTML with every executed notebook, then both into the tracked run."""
    from edgecloud import tracking
    from edgecloud.publish.summary import write_summary
    from edgecloud.publish.summary_html import write_html

    tracked = None
    if manifest is not None:
        tracked = tracking.track_run(params, manifest)
        manifest["tracking"] = tracked.record
        if save is not None:
            save()
    done = {"summary": rel(write_summary(params))}
    html = write_html(params)
    done["html"] = rel(html) if html else None
    print(f"summary: {done['summary']}" + (f", html: {done['html']}" if html else ""), file=out, flush=True)
    if tracked is not None:
        files = [resolve(done["summary"])] + ([html] if html else [])
        tracking.finish_run(tracked, files, str(manifest.get("status")) if manifest else "ok")
        print(tracking.describe(tracked.record), file=out, flush=True)
    return done


# ---------------------------------------------------------------------------------------------
# run_manifest.json: the latest record of every stage, and the history of invocations


def _new_manifest() -> dict[str, Any]:
    return {"format": MANIFEST_FORMAT, "stages": {}, "params_by_sha256": {}, "history": []}


def _history_entry(m: dict[str, Any]) -> dict[str, Any]:
    """One invocation of the runner, as the history keeps it."""
    entry = {k: m.get(k) for k in ("started_utc", "ended_utc", "status", "params_file", "overrides", "params_sha256")}
    entry["git_commit"] = (m.get("git") or {}).get("commit")
    entry["stages"] = (m.get("invocation") or {}).get("stages") or sorted(m.get("stages") or {})
    entry["results"] = {}
    return entry


def load_manifest(path: Path) -> dict[str, Any]:
    """The run's manifest in the current format (an empty one when there is none).

    A manifest written by the runner before stage records kept their params (format 1) is upgraded:
    that runner dropped the records of other params, so each of its records ran with its top-level
    params. One that does not parse is kept as run_manifest.json.unreadable and a new one begins.
    """
    if not path.is_file():
        return _new_manifest()
    try:
        m = read_json(path)
    except (OSError, ValueError) as exc:
        m, why = None, f"{type(exc).__name__}: {exc}"
    else:
        why = f"not a JSON object but {type(m).__name__}"
    if not isinstance(m, dict):
        kept = path.with_name(path.name + ".unreadable")
        shutil.copy2(path, kept)
        return {**_new_manifest(), "note": f"the earlier manifest did not parse ({why}); kept as {rel(kept)}"}
    if m.get("format") == MANIFEST_FORMAT:
        for key, empty in _new_manifest().items():
            m.setdefault(key, empty)
        return m
    sha, params = m.get("params_sha256"), m.get("params")
    stages: dict[str, Any] = {}
    for name, rec in (m.get("stages") or {}).items():
        if isinstance(rec, dict):
            stages[name] = {
                **rec,
                "params_sha256": rec.get("params_sha256", sha),
                "params_file": rec.get("params_file", m.get("params_file")),
                "overrides": rec.get("overrides", m.get("overrides") or []),
            }
    old = _history_entry(m)
    old["results"] = {name: rec.get("status") for name, rec in stages.items()}
    return {
        **m,
        **_new_manifest(),
        "stages": stages,
        "params_by_sha256": {sha: params} if sha and isinstance(params, dict) else {},
        "history": [old] if m.get("started_utc") else [],
        "migrated": {"from_format": m.get("format", 1), "utc": _now()},
    }


def _recorded_inputs(name: str, rec: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any] | None:
    """The values of a stage's input params when it ran, read through today's schema (a key added since
    then takes its default, as it would in a profile), or None when the manifest lacks those params."""
    doc = (manifest.get("params_by_sha256") or {}).get(rec.get("params_sha256") or "")
    if not isinstance(doc, dict):
        return None
    try:
        doc = Params.model_validate(doc).to_dict()
    except ValidationError:
        pass  # a key removed since: compare the values as recorded
    return input_values(name, doc)


def upstream_problems(name: str, params: Params, manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """The freshness rule: (upstream stage, why its products cannot be used) for each upstream stage of
    `name` whose latest record is missing, not ok, or was made with other values of the params its
    products depend on."""
    out = []
    records = manifest.get("stages") or {}
    for up in get_stage(name).upstream:
        rec = records.get(up)
        if not isinstance(rec, dict):
            out.append((up, "run_manifest.json has no record of it for this run"))
            continue
        status = rec.get("status")
        if status != "ok":
            latest = f"its latest run (started {rec.get('start_utc', '?')})"
            err = rec.get("error") or {}
            if status == "failed":
                out.append((up, f"{latest} failed" + (f": {err.get('ename')}: {err.get('evalue')}" if err else "")))
            elif status == "running":
                out.append((up, f"{latest} never ended (a runner still at work, or one that was killed)"))
            else:
                out.append((up, f"{latest} ended {status}"))
            continue
        then = _recorded_inputs(up, rec, manifest)
        if then is not None:
            changed = _changed_keys(then, input_values(up, params))
            if changed:
                made = " ".join([str(rec.get("params_file"))] + [f"--set {o}" for o in rec.get("overrides") or []])
                out.append((up, f"it ran with other values of {', '.join(changed)} (made with {made})"))
        elif rec.get("inputs_sha256") != inputs_sha256(up, params):
            out.append((up, "it ran with other params (its record holds no params to compare with)"))
    return out


def _changed_keys(then: Any, now: Any, prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two params (sub)trees."""
    if isinstance(then, dict) and isinstance(now, dict):
        return [
            k
            for key in sorted(set(then) | set(now))
            for k in _changed_keys(then.get(key), now.get(key), f"{prefix}.{key}" if prefix else key)
        ]
    return [] if then == now else [prefix]


def check_upstream(
    selected: list[str], params: Params, manifest: dict[str, Any], params_file: str, overrides: list[str]
) -> None:
    """Refuse (UpstreamStale) before anything runs when a selected stage would read stale products of an
    upstream stage that is not selected; the message names the stages and the command that reruns them."""
    chosen = set(selected)
    problems: dict[str, tuple[str, list[str]]] = {}
    for name in selected:
        for up, why in upstream_problems(name, params, manifest):
            if up not in chosen:
                problems.setdefault(up, (why, []))[1].append(name)
    if not problems:
        return
    rerun, todo = set(problems), list(problems)
    while todo:  # an upstream to rerun may itself need a rerun of its own upstream
        for up, _ in upstream_problems(todo.pop(), params, manifest):
            if up not in rerun and up not in chosen:
                rerun.add(up)
                todo.append(up)
    order = [s.name for s in STAGES]
    lines = [
        f"  - {', '.join(needers)} read{'s' * (len(needers) == 1)} what {up} writes, but {why}"
        for up, (why, needers) in sorted(problems.items(), key=lambda kv: order.index(kv[0]))
    ]
    first = [n for n in order if n in rerun]
    raise UpstreamStale(
        f"run {params.run_name!r}: not starting on stale products of {', '.join(first)}:\n"
        + "\n".join(lines)
        + f"\nRerun {'it' if len(first) == 1 else 'them'} first (with the stages you asked for): "
        + run_command(params_file, overrides, [n for n in order if n in rerun | chosen])
    )


def run(
    params_file: str,
    overrides: list[str] | None = None,
    only: list[str] | None = None,
    from_stage: str | None = None,
    timeout_s: int = 4 * 3600,
    out: TextIO = sys.stdout,
    echo_output: bool = True,
) -> int:
    """Run the selected stages in order; return 0 on success, 1 when a stage failed, 130 when interrupted."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    overrides = list(overrides or [])
    params = load_params(params_file, overrides)
    stages = select_stages(only, from_stage)
    params_rel = rel(resolve(params_file))
    dirs = RunDirs(params.run_name)
    manifest = load_manifest(dirs.manifest)
    check_upstream([s.name for s in stages], params, manifest, params_rel, overrides)
    dirs.ensure()

    sha = params.sha256()
    manifest.update(
        {
            "format": MANIFEST_FORMAT,
            "run_name": params.run_name,
            "params_file": params_rel,
            "overrides": overrides,
            "params": params.to_dict(),
            "params_sha256": sha,
            "git": git_state(),
            "versions": versions(VERSIONED),
            "machine": machine(),
            "kernel": kernel_name(),
            "invocation": {"only": only, "from": from_stage, "stages": [s.name for s in stages]},
            "started_utc": _now(),
            "ended_utc": None,
            "status": "running",
        }
    )
    manifest.pop("report", None)
    kept = {r.get("params_sha256") for r in manifest["stages"].values() if isinstance(r, dict)} | {sha}
    manifest["params_by_sha256"] = {h: v for h, v in manifest["params_by_sha256"].items() if h in kept}
    manifest["params_by_sha256"][sha] = params.to_dict()
    entry = _history_entry(manifest)
    manifest["history"] = [*manifest["history"], entry][-HISTORY_KEPT:]

    def save() -> None:
        entry.update(ended_utc=manifest["ended_utc"], status=manifest["status"])
        write_json(dirs.manifest, manifest)

    save()
    print(
        f"Run {params.run_name!r} with {params_rel} ({len(stages)} stage(s)) -> {rel(dirs.root)}", file=out, flush=True
    )
    status = "ok"
    rec: dict[str, Any] | None = None
    current = ""
    t0 = time.perf_counter()
    try:
        for i, st in enumerate(stages, 1):
            out_nb = artifacts.path("stage_notebook", params, stage=st.name)
            log = artifacts.path("stage_log", params, stage=st.name)
            print(f"[{i}/{len(stages)}] {st.name}: {st.title} ...", file=out, flush=True)
            rec = {
                "status": "running",
                "start_utc": _now(),
                "end_utc": None,
                "notebook": rel(out_nb),
                "log": rel(log),
                "params_sha256": sha,
                "inputs_sha256": inputs_sha256(st.name, params),
                "params_file": params_rel,
                "overrides": overrides,
            }
            manifest["stages"][st.name] = rec
            current = st.name
            entry["results"][st.name] = "running"
            save()
            t0 = time.perf_counter()
            try:
                with log.open("w", encoding="utf-8") as fh:
                    tee = _Tee(fh, out if echo_output else None)
                    pm.execute_notebook(
                        str(st.notebook),
                        str(out_nb),
                        kernel_name=manifest["kernel"],
                        parameters={"params_file": params_rel, "overrides": overrides},
                        cwd=str(NOTEBOOKS_DIR),
                        progress_bar=False,
                        log_output=False,
                        stdout_file=tee,
                        stderr_file=tee,
                        execution_timeout=timeout_s,
                        report_mode=False,
                    )
                rec["status"] = "ok"
            except PapermillExecutionError as exc:
                rec.update(status="failed", error={"cell": exc.exec_count, "ename": exc.ename, "evalue": exc.evalue})
                status = "failed"
            except Exception as exc:  # kernel died, timeout, missing kernel: still say which stage
                rec.update(status="failed", error={"cell": None, "ename": type(exc).__name__, "evalue": str(exc)})
                status = "failed"
            rec["end_utc"] = _now()
            rec["duration_s"] = round(time.perf_counter() - t0, 1)
            entry["results"][st.name] = rec["status"]
            save()
            if rec["status"] != "ok":
                err = rec["error"]
                where = f"cell {err['cell']}" if err["cell"] else "execution"
                print(
                    f"[{i}/{len(stages)}] {st.name}: FAILED after {rec['duration_s']} s in {where}\n"
                    f"    {err['ename']}: {err['evalue']}\n"
                    f"    executed notebook: {rel(out_nb)}\n    log: {rel(log)}",
                    file=out,
                    flush=True,
                )
                break
            print(f"[{i}/{len(stages)}] {st.name}: ok ({rec['duration_s']} s)", file=out, flush=True)

        manifest.update(status=status, ended_utc=_now())
        save()
        manifest["report"] = finish(params, out, manifest, save)
        save()
    except KeyboardInterrupt:
        # Ctrl-C: the record says where the run stopped (never "running" with no end), one line says what to do
        if rec is not None and rec["status"] == "running":
            rec.update(status="interrupted", end_utc=_now(), duration_s=round(time.perf_counter() - t0, 1))
            entry["results"][current] = "interrupted"
        manifest.update(status="interrupted", ended_utc=_now())
        save()
        print(INTERRUPTED, file=out, flush=True)
        return 130
    print(f"Run {params.run_name!r}: {status}; manifest {rel(dirs.manifest)}", file=out, flush=True)
    return 0 if status == "ok" else 1
