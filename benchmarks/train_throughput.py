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
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from edgecloud import train
from edgecloud.convert import convert
from edgecloud.devices import pick_device
from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs
from edgecloud.prepare import resolve_model
from edgecloud.runner import machine, versions
from edgecloud.trainlog import parse_logging

# name -> overrides of the profile's train section (same data, steps, batch unless the name says otherwise)
CONFIGS = {
    "ms-swift defaults (fp32, gradient checkpointing on)": {"torch_dtype": "float32", "gradient_checkpointing": True},
    "fp32, gradient checkpointing off": {"torch_dtype": "float32", "gradient_checkpointing": False},
    "bf16, gradient checkpointing on": {"torch_dtype": "bfloat16", "gradient_checkpointing": True},
    "bf16, gradient checkpointing off (profile)": {"torch_dtype": "bfloat16", "gradient_checkpointing": False},
    "bf16, off, padding_free": {"torch_dtype": "bfloat16", "gradient_checkpointing": False, "padding_free": True},
    "bf16, off, packing": {"torch_dtype": "bfloat16", "gradient_checkpointing": False, "packing": True},
    "bf16, off, batch 8": {"torch_dtype": "bfloat16", "gradient_checkpointing": False, "batch_size": 8},
    "bf16, off, batch 2": {"torch_dtype": "bfloat16", "gradient_checkpointing": False, "batch_size": 2},
}


def mean_tokens(final: dict) -> float | None:
    m = re.match(r"\s*([\d.]+)", str(final.get("train_dataset", "")))
    return float(m.group(1)) if m else None


def run_config(params, model_dir: Path, name: str, changes: dict, steps: int, work: Path) -> dict:
    p = params.model_copy(deep=True)
    p.train = p.train.model_copy(update={**changes, "max_steps": steps, "eval_steps": steps, "save_steps": steps,
                                         "logging_steps": 1, "eval_on_start": False})
    out = work / re.sub(r"\W+", "_", name)
    device = pick_device(p.train.device)
    argv = train.swift_executable(p) + train.swift_args(p, model_dir, out, device)
    argv += ["--eval_strategy", "no", "--save_strategy", "no"]
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=train.child_env(p, device), timeout=3600)
    wall = time.perf_counter() - t0
    log = parse_logging(out / "logging.jsonl")
    final = log.final or {}
    runtime = (final.get("log_history") or [{}])[-1].get("train_runtime")
    result = {"config": name, "changes": changes, "batch_size": p.train.batch_size, "steps": steps,
              "ok": proc.returncode == 0 and runtime is not None, "wall_s": round(wall, 1), "train_runtime_s": runtime}
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
    ap.add_argument("--only", nargs="*", help="substrings of config names to run")
    ap.add_argument("--out", default="benchmarks/results")
    args = ap.parse_args(argv)

    params = load_params(args.params)
    if not (RunDirs(params.run_name).data / "train.jsonl").is_file():
        convert(params)
    model_dir, _ = resolve_model(params.model)
    import torch

    configs = {k: v for k, v in CONFIGS.items() if not args.only or any(s in k for s in args.only)}
    results = []
    with tempfile.TemporaryDirectory(prefix="train_bench_") as tmp:
        for name, changes in configs.items():
            print(f"{name} ...", flush=True)
            r = run_config(params, model_dir, name, changes, args.steps, Path(tmp))
            print(f"  {r.get('tokens_per_s')} tokens/s, {r.get('s_per_step')} s/step" if r["ok"]
                  else f"  failed: {r['error']}", flush=True)
            results.append(r)
    ok = [r for r in results if r["ok"]]
    fastest = max(ok, key=lambda r: r["tokens_per_s"] or 0) if ok else None
    default = next((r for r in ok if r["config"].startswith("ms-swift defaults")), None)
    record = {
        "benchmark": "train_throughput", "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "params_file": args.params, "steps": args.steps, "model_dir": model_dir.name,
        "machine": {**machine(), "torch_threads": torch.get_num_threads(), "python": platform.python_version()},
        "versions": versions(), "results": results,
        "fastest": fastest["config"] if fastest else None,
        "speedup_fastest_vs_defaults": round(fastest["tokens_per_s"] / default["tokens_per_s"], 2)
        if fastest and default else None,
    }
    out_dir = ROOT / args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"train_throughput_{datetime.now(timezone.utc):%Y%m%d}"
    stem.with_suffix(".json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [f"# Training throughput ({record['created_utc']})", "",
             f"{record['machine']['cpu']}, {record['machine']['cpus']} CPUs, torch threads "
             f"{record['machine']['torch_threads']}; ms-swift {record['versions']['ms-swift']}, torch "
             f"{record['versions']['torch']}; {args.steps} steps of {args.params}.", "",
             "| config | batch | s/step | tokens/s | note |", "|---|---:|---:|---:|---|"]
    for r in results:
        lines.append(f"| {r['config']} | {r['batch_size']} | {r.get('s_per_step', '-')} | {r.get('tokens_per_s', '-')} | "
                     f"{'' if r['ok'] else 'failed: ' + r['error']} |")
    lines += ["", f"Fastest: {record['fastest']} ({record['speedup_fastest_vs_defaults']}x the ms-swift defaults)."]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
