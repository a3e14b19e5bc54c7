"""Training throughput of `swift sft` on this machine: the profile's settings against ms-swift's defaults.

Not a test: it records numbers with the machine's details, for choosing the CPU profile's defaults.
Each configuration trains the same data for the same number of steps with evaluation and saving
off; tokens/s = mean tokens per record x records per step x steps / ms-swift's train_runtime.

    .venv/bin/python benchmarks/train_throughput.py --params params/default.yaml --steps 12

Writes benchmarks/results/train_throughput_<date>.json and .md. Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from edgecloud.data.convert import convert
from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs
from edgecloud.provenance import machine, versions
from edgecloud.runner import VERSIONED
from edgecloud.train.devices import pick_device
from edgecloud.train.prepare import resolve_model
from edgecloud.train.swift_command import child_env, swift_args, swift_executable
from edgecloud.train.trainlog import parse_logging

# ms-swift's own defaults for every setting a row may change; each row states its changes from these, so
# a row means the same thing whatever the profile says today
SWIFT_DEFAULTS = {
    "torch_dtype": "float32",
    "gradient_checkpointing": True,
    "lora_dropout": 0.05,
    "group_by_length": False,
    "lora_top_layers": 1.0,
    "padding_free": False,
    "packing": False,
    "attn_impl": None,
    "use_logits_to_keep": None,
    "allocator": "system",
}
BF16_OFF = {"torch_dtype": "bfloat16", "gradient_checkpointing": False}
FAST = {**BF16_OFF, "group_by_length": True, "lora_dropout": 0.0}  # params/default.yaml 2026-12-02
# params/default.yaml since 2026-12-02 (evening): eager attention, logits at every position (profiler: 40 % of a
# step was copies, most of them torch expanding the lm_head weight for the sliced hidden states of logits_to_keep),
# tcmalloc (glibc returns each large tensor to the kernel and page-faults the next one in)
EAGER_ALL_LOGITS = {**FAST, "attn_impl": "eager", "use_logits_to_keep": False}
FASTER = {**EAGER_ALL_LOGITS, "allocator": "tcmalloc"}

# name -> changes from SWIFT_DEFAULTS (same data, steps, batch unless the name says otherwise)
CONFIGS = {
    "ms-swift defaults (fp32, gradient checkpointing on)": {},
    "ms-swift defaults, tcmalloc": {"allocator": "tcmalloc"},
    "fp32, gradient checkpointing off": {"gradient_checkpointing": False},
    "bf16, gradient checkpointing on": {"torch_dtype": "bfloat16"},
    "bf16, gradient checkpointing off": BF16_OFF,
    "bf16, off, padding_free": {**BF16_OFF, "padding_free": True},
    "bf16, off, packing": {**BF16_OFF, "packing": True},
    "bf16, off, batch 8": {**BF16_OFF, "batch_size": 8},
    "bf16, off, batch 2": {**BF16_OFF, "batch_size": 2},
    "bf16, off, group_by_length": {**BF16_OFF, "group_by_length": True},
    "bf16, off, group_by_length, batch 8": {**BF16_OFF, "group_by_length": True, "batch_size": 8},
    "bf16, off, group_by_length, torch_compile": {
        **BF16_OFF,
        "group_by_length": True,
        "extra_args": {"torch_compile": "true"},
    },
    "bf16, off, group_by_length, LoRA on attention only (q,k,v,o)": {
        **BF16_OFF,
        "group_by_length": True,
        "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"],
    },
    "bf16, off, group_by_length, LoRA on the upper half of the layers": {
        **BF16_OFF,
        "group_by_length": True,
        "lora_top_layers": 0.5,
    },
    "bf16, off, group_by_length, lora_dropout 0": FAST,
    "bf16, off, group_by_length, lora_dropout 0, eager attention": {**FAST, "attn_impl": "eager"},
    "bf16, off, group_by_length, lora_dropout 0, every position's logits": {**FAST, "use_logits_to_keep": False},
    "bf16, off, group_by_length, lora_dropout 0, eager, every position's logits": EAGER_ALL_LOGITS,
    "bf16, off, group_by_length, lora_dropout 0, eager, every position's logits, tcmalloc (profile)": FASTER,
    "bf16, off, group_by_length, lora_dropout 0, LoRA on the upper two thirds": {**FAST, "lora_top_layers": 2 / 3},
}


def mean_tokens(final: dict) -> float | None:
    m = re.match(r"\s*([\d.]+)", str(final.get("train_dataset", "")))
    return float(m.group(1)) if m else None


def run_config(
    params,
    model_dir: Path,
    name: str,
    changes: dict,
    steps: int,
    work: Path,
    subset: Path | None = None,
    records: int | None = None,
    timeout_s: float = 3600,
) -> dict:
    """Train one configuration. With `subset` (a file of `records` train records), exactly one epoch of it:
    every configuration then processes the same records, whatever its batch size or sampler."""
    p = params.model_copy(deep=True)
    if subset is not None:
        steps = math.ceil(records / changes.get("batch_size", p.train.batch_size))
    p.train = p.train.model_copy(
        update={
            **SWIFT_DEFAULTS,
            **changes,
            "max_steps": steps,
            "eval_steps": steps,
            "save_steps": steps,
            "logging_steps": 1,
            "eval_on_start": False,
        }
    )
    out = work / re.sub(r"\W+", "_", name)
    device = pick_device(p.train.device)
    argv = swift_executable(p) + swift_args(p, model_dir, out, device)
    if subset is not None:
        argv[argv.index("--dataset") + 1] = str(subset)
    argv += ["--eval_strategy", "no", "--save_strategy", "no"]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, env=child_env(p, device), timeout=timeout_s)
    except subprocess.TimeoutExpired:
        log = parse_logging(out / "logging.jsonl")
        done = log.train[-1].get("global_step/max_steps", "0") if log.train else f"0/{steps}"
        return {
            "config": name,
            "changes": changes,
            "batch_size": p.train.batch_size,
            "steps": steps,
            "ok": False,
            "wall_s": round(time.perf_counter() - t0, 1),
            "train_runtime_s": None,
            "error": f"stopped after {timeout_s:.0f} s at step {done} (too slow to be a candidate)",
        }
    wall = time.perf_counter() - t0
    log = parse_logging(out / "logging.jsonl")
    final = log.final or {}
    runtime = (final.get("log_history") or [{}])[-1].get("train_runtime")
    result = {
        "config": name,
        "changes": changes,
        "batch_size": p.train.batch_size,
        "steps": steps,
        "ok": proc.returncode == 0 and runtime is not None,
        "wall_s": round(wall, 1),
        "train_runtime_s": runtime,
    }
    if not result["ok"]:
        err = [l for l in (proc.stdout + proc.stderr).splitlines() if "Error" in l or "error" in l]
        result["error"] = err[-1][:300] if err else f"exit code {proc.returncode}"
        return result
    tok = mean_tokens(final)
    result["s_per_step"] = round(runtime / steps, 3)
    result["mean_tokens_per_record"] = tok
    result["tokens_per_s"] = round(tok * p.train.batch_size * steps / runtime, 1) if tok else None
    result["final_train_loss"] = log.train[-1]["loss"] if log.train else None
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--params", default="params/default.yaml")
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument(
        "--epoch-of",
        type=int,
        default=None,
        metavar="N",
        help="train one epoch of the first N train records instead of --steps (fair to length grouping)",
    )
    ap.add_argument("--only", nargs="*", help="substrings of config names to run")
    ap.add_argument("--out", default="benchmarks/results")
    ap.add_argument("--tag", default="", help="suffix of the result files' names (a second run on the same day)")
    ap.add_argument("--config-timeout", type=float, default=3600, help="seconds one configuration may take")
    args = ap.parse_args(argv)

    params = load_params(args.params)
    if not (RunDirs(params.run_name).data / "train.jsonl").is_file():
        convert(params)
    model_dir, _ = resolve_model(params.model)
    import torch

    configs = {k: v for k, v in CONFIGS.items() if not args.only or any(s in k for s in args.only)}
    results = []
    with tempfile.TemporaryDirectory(prefix="train_bench_") as tmp:
        subset = None
        if args.epoch_of:
            rows = (RunDirs(params.run_name).data / "train.jsonl").read_text(encoding="utf-8").splitlines()
            subset = Path(tmp) / "train_subset.jsonl"
            subset.write_text("\n".join(rows[: args.epoch_of]) + "\n", encoding="utf-8")
        for name, changes in configs.items():
            print(f"{name} ...", flush=True)
            r = run_config(
                params, model_dir, name, changes, args.steps, Path(tmp), subset, args.epoch_of, args.config_timeout
            )
            print(
                f"  {r.get('tokens_per_s')} tokens/s, {r.get('s_per_step')} s/step"
                if r["ok"]
                else f"  failed: {r['error']}",
                flush=True,
            )
            results.append(r)
    ok = [r for r in results if r["ok"]]
    fastest = max(ok, key=lambda r: r["tokens_per_s"] or 0) if ok else None
    default = next((r for r in ok if r["config"].startswith("ms-swift defaults")), None)
    record = {
        "benchmark": "train_throughput",
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "params_file": args.params,
        "steps": None if args.epoch_of else args.steps,
        "epoch_of": args.epoch_of,
        "model_dir": model_dir.name,
        "machine": {**machine(), "torch_threads": torch.get_num_threads()},
        "versions": versions(VERSIONED),
        "results": results,
        "fastest": fastest["config"] if fastest else None,
        "speedup_fastest_vs_defaults": round(fastest["tokens_per_s"] / default["tokens_per_s"], 2)
        if fastest and default
        else None,
    }
    out_dir = ROOT / args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"train_throughput_{datetime.now(timezone.utc):%Y%m%d}{'_' + args.tag if args.tag else ''}"
    stem.with_suffix(".json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [
        f"# Training throughput ({record['created_utc']})",
        "",
        f"{record['machine']['cpu_model']}, {record['machine']['logical_cpus']} CPUs, torch threads "
        f"{record['machine']['torch_threads']}; ms-swift {record['versions']['ms-swift']}, torch "
        f"{record['versions']['torch']}; "
        + (
            f"one epoch of the first {args.epoch_of} train records of {args.params} (the same records for every "
            "config)."
            if args.epoch_of
            else f"{args.steps} steps of {args.params}."
        ),
        "",
        "| config | batch | steps | s/step | tokens/s | final train loss | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['config']} | {r['batch_size']} | {r['steps']} | {r.get('s_per_step', '-')} | "
            f"{r.get('tokens_per_s', '-')} | {r.get('final_train_loss', '-')} | "
            f"{'' if r['ok'] else 'failed: ' + r['error']} |"
        )
    speedup = record["speedup_fastest_vs_defaults"]
    lines += ["", f"Fastest: {record['fastest']}" + (f" ({speedup}x the ms-swift defaults)." if speedup else ".")]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
