"""Stage 03_train, before training: the preflight (token lengths, LoRA size, disk, temp space, memory) and its table.

`preflight` checks what would make `swift sft` fail or silently drop data and stops before hours are spent
(PreflightError); its report is reports/train_preflight_<run>.json. `preflight_table` is the table the 03
notebook shows of it.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

from edgecloud import artifacts
from edgecloud.errors import EdgecloudError
from edgecloud.jsonio import describe, read_jsonl, write_json
from edgecloud.model import chat_ids, empty_weights, load_config, load_tokenizer
from edgecloud.params import Params
from edgecloud.paths import RunDirs, rel
from edgecloud.train.swift_command import allocator_library, lora_targets


class PreflightError(EdgecloudError):
    """Training would fail or silently lose data: stop before hours are spent."""


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
        raise ValueError(
            f"train.target_modules {targets} with train.lora_top_layers {top_share} select no Linear "
            f"layer of {Path(model_dir).name}: name the model's own Linear modules in target_modules"
        )
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
            "ms-swift would drop them; raise train.max_length or shorten them (data.max_chars)"
        )

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
        problems.append(
            f"{rel(out_root)} has {free_out / 2**30:.2f} GiB free; checkpoints need "
            f"{need_disk / 2**20:.0f} MiB and train.min_free_disk_gb keeps {t.min_free_disk_gb} GiB free"
        )
    tmp = Path(tempfile.gettempdir())
    free_tmp = shutil.disk_usage(tmp).free
    if free_tmp < reserve:
        problems.append(
            f"temporary folder {tmp} has {free_tmp / 2**30:.2f} GiB free (< {t.min_free_disk_gb} GiB): "
            "the datasets cache and tokenizer write there; free space or set TMPDIR"
        )

    try:
        allocator_library(t.allocator)
    except EdgecloudError as e:
        problems.append(str(e))

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
        problems.append(
            f"training needs about {need_mem / 2**30:.1f} GiB of memory, {avail / 2**30:.1f} GiB is "
            "available: lower train.batch_size or train.max_length, or turn on gradient_checkpointing"
        )
    report = {
        "ok": not problems,
        "problems": problems,
        "token_lengths": lengths,
        "max_length": t.max_length,
        "over_max_length": {k: len(v) for k, v in over.items()},
        "over_max_length_ids": over,
        "base_params": n_params,
        "lora_trainable_params": trainable,
        "checkpoints": kept,
        "checkpoint_bytes_estimate": ckpt_bytes,
        "disk_needed_bytes": need_disk,
        "disk_free_bytes": free_out,
        "tmp_dir": str(tmp),
        "tmp_free_bytes": free_tmp,
        "memory_needed_bytes_estimate": need_mem,
        "memory_available_bytes": avail,
        "min_free_disk_gb": t.min_free_disk_gb,
    }
    write_json(artifacts.path("preflight", params), report)
    if problems:
        raise PreflightError("Preflight stopped the training:\n  - " + "\n  - ".join(problems))
    return report


def preflight_table(pf: dict[str, Any]) -> Any:
    """A preflight report (reports/train_preflight_<run>.json) as the 03 notebook shows it: one row per check, with
    the token lengths of train and valid (max / p95), the records over max_length, the LoRA size, disk and memory."""
    import pandas as pd

    lengths, over = pf["token_lengths"], pf["over_max_length"]
    return pd.DataFrame(
        {
            "check": [
                "token length train (max / p95)",
                "token length valid (max / p95)",
                "records over max_length",
                "LoRA trainable parameters",
                "disk needed / free",
                "memory needed (est.) / available",
            ],
            "value": [
                f"{lengths['train']['max']} / {lengths['train']['p95']} (max_length {pf['max_length']})",
                f"{lengths['valid']['max']} / {lengths['valid']['p95']}",
                f"train {over['train']}, valid {over['valid']}",
                f"{pf['lora_trainable_params']:,} of {pf['base_params']:,}",
                f"{pf['disk_needed_bytes'] / 2**20:.0f} MiB / {pf['disk_free_bytes'] / 2**30:.1f} GiB",
                f"{pf['memory_needed_bytes_estimate'] / 2**30:.1f} GiB / {pf['memory_available_bytes'] / 2**30:.1f} GiB",
            ],
        }
    )
