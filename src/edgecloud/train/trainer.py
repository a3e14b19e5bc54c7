"""Stage 03_train: LoRA fine-tuning with ms-swift (`swift sft`), a resumable run (the preflight before it:
`edgecloud.train.preflight`).

The command line is built from params only (`swift_command`) and saved with the run. Training runs as a child
process of ms-swift's own CLI (so multi-GPU comes from its torchrun launcher via NPROC_PER_NODE and
DeepSpeed from `--deepspeed`); its output goes to reports/swift_train_<run>.log, and progress is
read back from ms-swift's logging.jsonl while it runs. The child's whole process group is stopped
when the notebook cell ends, fails or is interrupted.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from edgecloud import artifacts
from edgecloud.errors import EdgecloudError
from edgecloud.jsonio import write_json
from edgecloud.params import Params
from edgecloud.paths import RunDirs, rel
from edgecloud.procs import die_with_parent, stop_process_group
from edgecloud.publish.figures import to_markdown
from edgecloud.train.devices import pick_device
from edgecloud.train.swift_command import child_env, swift_args, swift_executable
from edgecloud.train.trainlog import LogFollower, TrainLog, best_checkpoint, parse_logging, table_rows

STATE_NAME = "edgecloud_train_state.json"


class TrainError(EdgecloudError):
    """`swift sft` exited with an error."""


def train_dir(params: Params) -> Path:
    """ms-swift's output folder: the checkpoints and logging.jsonl."""
    return artifacts.path("checkpoints", params).parent


def log_path(params: Params) -> Path:
    return artifacts.path("train_log", params)


def train_fingerprint(params: Params, model_dir: Path) -> str:
    """What makes two trainings the same run (data split, model and train params), for resume/skip."""
    import hashlib

    h = hashlib.sha256()
    h.update(
        json.dumps(
            {"train": params.to_dict()["train"], "seed": params.seed, "model": str(model_dir)}, sort_keys=True
        ).encode()
    )
    for key in ("train_split", "valid_split"):
        h.update(artifacts.path(key, params).read_bytes())
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Running


def checkpoints(out_dir: Path) -> dict[int, Path]:
    out = {}
    for p in out_dir.glob("checkpoint-*"):
        if p.is_dir() and p.name.split("-", 1)[1].isdigit() and (p / "adapter_config.json").is_file():
            out[int(p.name.split("-", 1)[1])] = p
    return dict(sorted(out.items()))


def _fmt_progress(rec: dict[str, Any]) -> str:
    if "eval_loss" in rec:
        return (
            f"  eval  step {rec.get('global_step/max_steps')}: eval_loss {rec['eval_loss']:.4f}  "
            f"eval_token_acc {rec.get('eval_token_acc', float('nan')):.4f}"
        )
    return (
        f"  train step {rec.get('global_step/max_steps')}: loss {rec['loss']:.4f}  "
        f"token_acc {rec.get('token_acc', float('nan')):.4f}  elapsed {rec.get('elapsed_time')}  "
        f"left {rec.get('remaining_time')}"
    )


@dataclass
class TrainRun:
    out_dir: Path
    command: list[str]
    action: str  # trained | resumed | reused
    returncode: int
    duration_s: float
    disk_free_min_bytes: int


def run_training(params: Params, model_dir: Path, echo: Callable[[str], None] = print, poll_s: float = 2.0) -> TrainRun:
    """Train, resume an interrupted run of the same fingerprint, or re-use a finished one."""
    RunDirs(params.run_name).ensure()
    out_dir = train_dir(params)
    state_path = out_dir / STATE_NAME
    fingerprint = train_fingerprint(params, model_dir)
    state = json.loads(state_path.read_text()) if state_path.is_file() else {}
    device = pick_device(params.train.device)
    resume_from = None
    if (
        state.get("fingerprint") == fingerprint
        and state.get("status") == "done"
        and parse_logging(out_dir / "logging.jsonl").completed
    ):
        echo(
            f"Training of this data and these params already finished in {rel(out_dir)}: re-using it "
            f"(delete the folder to train again)."
        )
        return TrainRun(out_dir, state["command"], "reused", 0, 0.0, shutil.disk_usage(out_dir).free)
    if state.get("fingerprint") == fingerprint and checkpoints(out_dir):
        resume_step, resume_from = list(checkpoints(out_dir).items())[-1]
        reached = parse_logging(out_dir / "logging.jsonl").last_step
        redo = (
            f"; its log reached step {reached}: steps {resume_step + 1}-{reached} are trained again and "
            f"their new records replace the old ones"
            if reached > resume_step
            else ""
        )
        echo(f"Resuming the interrupted run from {rel(resume_from)} (step {resume_step}){redo}")
    elif out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    cmd = swift_executable(params) + swift_args(params, model_dir, out_dir, device, resume_from)
    env = child_env(params, device)
    shown = " ".join(shlex.quote(c) for c in cmd)
    artifacts.path("train_command", params).write_text(shown + "\n", encoding="utf-8")
    write_json(state_path, {"fingerprint": fingerprint, "status": "running", "command": cmd, "device": device})
    echo(f"$ {shown}\n(log: {rel(log_path(params))})")

    # only what this process appends: a resumed run's logging.jsonl already holds the interrupted one's steps
    follower = LogFollower(out_dir / "logging.jsonl")
    reserve = int(params.train.min_free_disk_gb * 2**30)
    disk_min = shutil.disk_usage(out_dir).free
    warned = False
    t0 = time.perf_counter()
    with log_path(params).open("a" if resume_from else "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        try:
            while True:
                done = proc.poll() is not None
                for rec in follower.poll(final=done):
                    if "loss" in rec or "eval_loss" in rec:
                        echo(_fmt_progress(rec))
                free = shutil.disk_usage(out_dir).free
                disk_min = min(disk_min, free)
                if free < reserve and not warned:
                    echo(
                        f"WARNING: free disk space fell to {free / 2**30:.2f} GiB (< {params.train.min_free_disk_gb} GiB)"
                    )
                    warned = True
                if done:
                    break
                time.sleep(poll_s)
        finally:
            stop_process_group(proc)  # no child outlives the cell, even on KeyboardInterrupt
    duration = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = log_path(params).read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise TrainError(
            f"swift sft exited with code {proc.returncode}; last lines of {rel(log_path(params))}:\n" + "\n".join(tail)
        )
    write_json(state_path, {"fingerprint": fingerprint, "status": "done", "command": cmd, "device": device})
    return TrainRun(out_dir, cmd, "resumed" if resume_from else "trained", proc.returncode, duration, disk_min)


# ---------------------------------------------------------------------------------------------
# Summary


def summarize(params: Params, run: TrainRun, preflight_report: dict[str, Any] | None = None) -> dict[str, Any]:
    """The reference table from logging.jsonl, the best checkpoint, and the summary files."""
    log: TrainLog = parse_logging(run.out_dir / "logging.jsonl")
    ckpts = checkpoints(run.out_dir)
    rows = table_rows(log)
    best = best_checkpoint(log, list(ckpts))
    best_path = ckpts.get(best["step"]) if best["step"] is not None else None
    step0 = next((r for r in rows if r["step"] == 0), None)
    final = log.final or {}
    summary = {
        "run_name": params.run_name,
        "action": run.action,
        "completed": log.completed,
        "max_steps": log.max_steps,
        "last_step": log.last_step,
        "rows": rows,
        "last_train_loss": log.train[-1]["loss"] if log.train else None,
        "step0_eval_loss": step0["eval_loss"] if step0 else None,
        "best": {**best, "checkpoint": rel(best_path) if best_path else None},
        "swift_best_model_checkpoint": final.get("best_model_checkpoint"),
        "checkpoints": {s: rel(p) for s, p in ckpts.items()},
        "train_runtime_s": final.get("log_history", [{}])[-1].get("train_runtime")
        if final.get("log_history")
        else None,
        "wall_time_s": round(run.duration_s, 1),
        "dataset_token_lengths": {"train": final.get("train_dataset"), "valid": final.get("val_dataset")},
        "trainable": final.get("model_parameter_info"),
        "command": " ".join(shlex.quote(c) for c in run.command),
        "disk_free_min_gb": round(run.disk_free_min_bytes / 2**30, 2),
        "disk_low": run.disk_free_min_bytes < params.train.min_free_disk_gb * 2**30,
        "skipped_log_lines": log.skipped_lines,
        "resumes": log.resumes,
        "preflight": {k: preflight_report[k] for k in ("over_max_length", "token_lengths", "disk_free_bytes")}
        if preflight_report
        else None,
        "params_sha256": params.sha256(),
    }
    if summary["best"]["eval_loss"] is not None and summary["step0_eval_loss"]:
        summary["eval_loss_reduction"] = round(1 - summary["best"]["eval_loss"] / summary["step0_eval_loss"], 4)
    write_json(artifacts.path("train", params), summary)
    artifacts.path("train_md", params).write_text(summary_markdown(summary), encoding="utf-8")
    return summary


def _num(v: Any, nd: int = 4) -> str:
    return "-" if v is None or v != v else f"{v:.{nd}f}"  # None, NaN: no value


TRAIN_TABLE_COLUMNS = ("节点 step", "train loss", "eval loss", "eval token_acc")


def train_table(s: dict[str, Any], marks: bool = False) -> Any:
    """The training table of a summary (reports/swift_train_<run>_summary.json): one row per evaluation, step 0
    included, the last step's train loss when it had no evaluation. The 03 notebook saves it for the thesis
    (03_train); the training summary and the run report show it with `marks`: the best checkpoint's row
    labelled (best) with its eval cells in bold, a step where training resumed labelled (resumed)."""
    import pandas as pd

    best = (s.get("best") or {}).get("step")
    resumed_at = {r["step"] for r in s.get("resumes") or []}
    rows = []
    for r in s.get("rows") or []:
        is_best = marks and r.get("step") == best
        label = f"step {r.get('step')}" + (" (resumed)" if marks and r.get("step") in resumed_at else "")
        cells = [_num(r.get("eval_loss")), _num(r.get("eval_token_acc"))]
        if is_best:
            label += " (best)"
            cells = [f"**{c}**" if c != "-" else c for c in cells]
        rows.append([label, _num(r.get("train_loss")), *cells])
    return pd.DataFrame(rows, columns=list(TRAIN_TABLE_COLUMNS))


def summary_markdown(s: dict[str, Any]) -> str:
    lines = [
        f"# 训练摘要 Training summary ({s['run_name']})",
        "",
        f"- 状态 status: {'completed' if s['completed'] else 'not completed'} ({s['action']}), "
        f"last step {s['last_step']}/{s['max_steps']}",
        *[
            f"- 续训 resumed at step {r['step']}: the interrupted process's {r['replaced']} record(s) after it "
            f"are dropped (the resumed run logs those steps again)"
            for r in s.get("resumes") or []
        ],
        f"- 最佳检查点 best checkpoint: `{s['best']['checkpoint']}` (step {s['best']['step']}, {s['best']['reason']})",
        f"- step-0 eval loss {_num(s['step0_eval_loss'])} -> best eval loss {_num(s['best']['eval_loss'])}",
        f"- wall time {s['wall_time_s']} s; lowest free disk during the run {s['disk_free_min_gb']} GiB",
        "",
        to_markdown(train_table(s, marks=True)).rstrip("\n"),
    ]
    lines += ["", "Command:", "", "```", s["command"], "```", ""]
    return "\n".join(lines)
