"""Stage 03_train: LoRA fine-tuning with ms-swift (`swift sft`), with a preflight and a resumable run.

The command line is built from params only (`swift_command`) and saved with the run. Training runs as a child
process of ms-swift's own CLI (so multi-GPU comes from its torchrun launcher via NPROC_PER_NODE and
DeepSpeed from `--deepspeed`); its output goes to reports/swift_train_<run>.log, and progress is
read back from ms-swift's logging.jsonl while it runs. The child's whole process group is stopped
when the notebook cell ends, fails or is interrupted.
"""
from __future__ import annotations

import json
import math
import shlex
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from edgecloud import artifacts
from edgecloud.errors import EdgecloudError
from edgecloud.jsonio import describe, read_jsonl, write_json
from edgecloud.model import chat_ids, empty_weights, load_config, load_tokenizer
from edgecloud.params import Params
from edgecloud.paths import RunDirs, rel
from edgecloud.procs import die_with_parent, stop_process_group
from edgecloud.publish.figures import to_markdown
from edgecloud.train.devices import pick_device
from edgecloud.train.swift_command import child_env, lora_targets, swift_args, swift_executable
from edgecloud.train.trainlog import LogFollower, TrainLog, best_checkpoint, parse_logging, table_rows

STATE_NAME = "edgecloud_train_state.json"


class PreflightError(EdgecloudError):
    """Training would fail or silently lose data: stop before hours are spent."""


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
    h.update(json.dumps({"train": params.to_dict()["train"], "seed": params.seed, "model": str(model_dir)},
                        sort_keys=True).encode())
    for key in ("train_split", "valid_split"):
        h.update(artifacts.path(key, params).read_bytes())
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Preflight


def _token_lengths(rows: list[dict[str, Any]], tok: Any) -> list[int]:
    lengths = []
    for row in rows:
        lengths.append(len(chat_ids(tok, row["messages"], reply_follows=False)))
    return lengths


def param_counts(model_dir: Path, rank: int, targets: list[str], top_share: float = 1.0) -> tuple[int, int]:
    """(base parameters, LoRA parameters the run will train), from the config alone (meta device):
    LoRA adds r*(in+out) per targeted Linear; `all-linear` is every Linear but the output head; with
    `top_share` < 1, only the Linear layers of the blocks `lora_targets` names (`lora_layers`)."""
    import re

    import torch

    model = empty_weights(model_dir, device="meta")
    base = sum(p.numel() for p in model.parameters())
    regex = lora_targets(targets, top_share, model_dir).get("target_regex")
    lora = 0
    for name, mod in model.named_modules():
        if not isinstance(mod, torch.nn.Linear) or name.endswith("lm_head"):
            continue
        hit = re.fullmatch(regex, name) if regex else ("all-linear" in targets or name.split(".")[-1] in targets)
        if hit:
            lora += rank * (mod.in_features + mod.out_features)
    if lora == 0:
        raise ValueError(f"train.target_modules {targets} with train.lora_top_layers {top_share} select no Linear "
                         f"layer of {Path(model_dir).name}: name the model's own Linear modules in target_modules")
    return base, lora


def preflight(params: Params, model_dir: Path) -> dict[str, Any]:
    """Disk, temp space, memory and token lengths, checked before training starts."""
    import psutil

    t = params.train
    dirs = RunDirs(params.run_name)
    problems: list[str] = []
    tok = load_tokenizer(model_dir, template=params.model.template)
    lengths: dict[str, Any] = {}
    over: dict[str, list[str]] = {}
    for split in ("train", "valid"):
        rows = read_jsonl(artifacts.path(f"{split}_split", params))
        ls = _token_lengths(rows, tok)
        lengths[split] = describe(ls)
        over[split] = [r["id"] for r, n in zip(rows, ls) if n > t.max_length]
    n_over = sum(len(v) for v in over.values())
    if n_over:
        problems.append(
            f"{n_over} record(s) are longer than train.max_length={t.max_length} tokens "
            f"(train: {len(over['train'])}, valid: {len(over['valid'])}; e.g. {(over['train'] + over['valid'])[:5]}). "
            "ms-swift would drop them; raise train.max_length or shorten them (data.max_chars)")

    n_params, trainable = param_counts(model_dir, t.lora_rank, t.target_modules, t.lora_top_layers)
    # a checkpoint holds the adapter (fp32) + Adam's two moments + scheduler/rng state
    ckpt_bytes = trainable * 4 * 3 + 2 * 2**20
    n_ckpt = math.ceil(t.max_steps / t.save_steps)
    kept = min(n_ckpt, t.save_total_limit) if t.save_total_limit else n_ckpt
    need_disk = kept * ckpt_bytes + 50 * 2**20
    reserve = int(t.min_free_disk_gb * 2**30)
    out_root = dirs.root
    out_root.mkdir(parents=True, exist_ok=True)
    free_out = shutil.disk_usage(out_root).free
    if free_out - need_disk < reserve:
        problems.append(f"{rel(out_root)} has {free_out / 2**30:.2f} GiB free; checkpoints need "
                        f"{need_disk / 2**20:.0f} MiB and train.min_free_disk_gb keeps {t.min_free_disk_gb} GiB free")
    tmp = Path(tempfile.gettempdir())
    free_tmp = shutil.disk_usage(tmp).free
    if free_tmp < reserve:
        problems.append(f"temporary folder {tmp} has {free_tmp / 2**30:.2f} GiB free (< {t.min_free_disk_gb} GiB): "
                        "the datasets cache and tokenizer write there; free space or set TMPDIR")

    config = load_config(model_dir)
    hidden = getattr(config, "hidden_size", 1024)
    layers = getattr(config, "num_hidden_layers", 24)
    vocab = getattr(config, "vocab_size", 32000)
    bytes_per = 2 if t.torch_dtype in ("bfloat16", "float16") else 4
    # activations kept for backward: ~34 values per hidden unit per layer, plus the logits (rough, generous)
    act = t.batch_size * t.max_length * (hidden * layers * 34 + vocab) * bytes_per
    if t.gradient_checkpointing:
        act = t.batch_size * t.max_length * (hidden * layers * 2 + vocab) * bytes_per
    need_mem = n_params * bytes_per + trainable * 16 + act + 512 * 2**20
    avail = psutil.virtual_memory().available
    if need_mem > avail * 0.9:
        problems.append(f"training needs about {need_mem / 2**30:.1f} GiB of memory, {avail / 2**30:.1f} GiB is "
                        "available: lower train.batch_size or train.max_length, or turn on gradient_checkpointing")
    report = {
        "ok": not problems, "problems": problems,
        "token_lengths": lengths, "max_length": t.max_length,
        "over_max_length": {k: len(v) for k, v in over.items()}, "over_max_length_ids": over,
        "base_params": n_params, "lora_trainable_params": trainable, "checkpoints": kept, "checkpoint_bytes_estimate": ckpt_bytes,
        "disk_needed_bytes": need_disk, "disk_free_bytes": free_out, "tmp_dir": str(tmp), "tmp_free_bytes": free_tmp,
        "memory_needed_bytes_estimate": need_mem, "memory_available_bytes": avail,
        "min_free_disk_gb": t.min_free_disk_gb,
    }
    write_json(artifacts.path("preflight", params), report)
    if problems:
        raise PreflightError("Preflight stopped the training:\n  - " + "\n  - ".join(problems))
    return report


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
        return (f"  eval  step {rec.get('global_step/max_steps')}: eval_loss {rec['eval_loss']:.4f}  "
                f"eval_token_acc {rec.get('eval_token_acc', float('nan')):.4f}")
    return (f"  train step {rec.get('global_step/max_steps')}: loss {rec['loss']:.4f}  "
            f"token_acc {rec.get('token_acc', float('nan')):.4f}  elapsed {rec.get('elapsed_time')}  "
            f"left {rec.get('remaining_time')}")


@dataclass
class TrainRun:
    out_dir: Path
    command: list[str]
    action: str  # trained | resumed | reused
    returncode: int
    duration_s: float
    disk_free_min_bytes: int


def run_training(params: Params, model_dir: Path, echo: Callable[[str], None] = print,
                 poll_s: float = 2.0) -> TrainRun:
    """Train, resume an interrupted run of the same fingerprint, or re-use a finished one."""
    RunDirs(params.run_name).ensure()
    out_dir = train_dir(params)
    state_path = out_dir / STATE_NAME
    fingerprint = train_fingerprint(params, model_dir)
    state = json.loads(state_path.read_text()) if state_path.is_file() else {}
    device = pick_device(params.train.device)
    resume_from = None
    if state.get("fingerprint") == fingerprint and state.get("status") == "done" and \
            parse_logging(out_dir / "logging.jsonl").completed:
        echo(f"Training of this data and these params already finished in {rel(out_dir)}: re-using it "
             f"(delete the folder to train again).")
        return TrainRun(out_dir, state["command"], "reused", 0, 0.0, shutil.disk_usage(out_dir).free)
    if state.get("fingerprint") == fingerprint and checkpoints(out_dir):
        resume_step, resume_from = list(checkpoints(out_dir).items())[-1]
        reached = parse_logging(out_dir / "logging.jsonl").last_step
        redo = (f"; its log reached step {reached}: steps {resume_step + 1}-{reached} are trained again and "
                f"their new records replace the old ones" if reached > resume_step else "")
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
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True, preexec_fn=die_with_parent)
        try:
            while True:
                done = proc.poll() is not None
                for rec in follower.poll(final=done):
                    if "loss" in rec or "eval_loss" in rec:
                        echo(_fmt_progress(rec))
                free = shutil.disk_usage(out_dir).free
                disk_min = min(disk_min, free)
                if free < reserve and not warned:
                    echo(f"WARNING: free disk space fell to {free / 2**30:.2f} GiB (< {params.train.min_free_disk_gb} GiB)")
                    warned = True
                if done:
                    break
                time.sleep(poll_s)
        finally:
            stop_process_group(proc)  # no child outlives the cell, even on KeyboardInterrupt
    duration = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = log_path(params).read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise TrainError(f"swift sft exited with code {proc.returncode}; last lines of {rel(log_path(params))}:\n"
                         + "\n".join(tail))
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
        "train_runtime_s": final.get("log_history", [{}])[-1].get("train_runtime") if final.get("log_history") else None,
        "wall_time_s": round(run.duration_s, 1),
        "dataset_token_lengths": {"train": final.get("train_dataset"), "valid": final.get("val_dataset")},
        "trainable": final.get("model_parameter_info"),
        "command": " ".join(shlex.quote(c) for c in run.command),
        "disk_free_min_gb": round(run.disk_free_min_bytes / 2**30, 2),
        "disk_low": run.disk_free_min_bytes < params.train.min_free_disk_gb * 2**30,
        "skipped_log_lines": log.skipped_lines,
        "resumes": log.resumes,
        "preflight": {k: preflight_report[k] for k in ("over_max_length", "token_lengths", "disk_free_bytes")}
        if preflight_report else None,
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
    lines = [f"# 训练摘要 Training summary ({s['run_name']})", "",
             f"- 状态 status: {'completed' if s['completed'] else 'not completed'} ({s['action']}), "
             f"last step {s['last_step']}/{s['max_steps']}",
             *[f"- 续训 resumed at step {r['step']}: the interrupted process's {r['replaced']} record(s) after it "
               f"are dropped (the resumed run logs those steps again)" for r in s.get("resumes") or []],
             f"- 最佳检查点 best checkpoint: `{s['best']['checkpoint']}` (step {s['best']['step']}, "
             f"{s['best']['reason']})",
             f"- step-0 eval loss {_num(s['step0_eval_loss'])} -> best eval loss {_num(s['best']['eval_loss'])}",
             f"- wall time {s['wall_time_s']} s; lowest free disk during the run {s['disk_free_min_gb']} GiB", "",
             to_markdown(train_table(s, marks=True)).rstrip("\n")]
    lines += ["", "Command:", "", "```", s["command"], "```", ""]
    return "\n".join(lines)
