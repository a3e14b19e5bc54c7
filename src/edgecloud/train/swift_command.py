"""Stage 03_train's command line: `swift sft` and its arguments built from params only, the LoRA targets (all
layers or the top ones) and the child process's environment.

`trainer.run_training` starts this command and saves it with the run; `preflight.param_counts` counts the LoRA
parameters of the targets named here; `benchmarks/train_throughput.py` runs it for timing.
"""

from __future__ import annotations

import ctypes.util
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

from edgecloud import artifacts
from edgecloud.errors import EdgecloudError
from edgecloud.params import Params
from edgecloud.train.devices import train_dtype


def swift_executable(params: Params) -> list[str]:
    """How to start `swift sft` from this environment.

    One process: the module ms-swift's CLI itself runs (`python .../swift/cli/sft.py`), started
    directly so that it can be tied to the notebook's lifetime. Several GPUs: ms-swift's own CLI,
    which launches torchrun from NPROC_PER_NODE. Never a bare `swift` from PATH: on macOS that is
    Apple's compiler.
    """
    if params.train.nproc_per_node > 1:
        exe = Path(sys.executable).parent / "swift"
        return [str(exe)] if exe.is_file() else [sys.executable, "-m", "swift.cli.main"]
    return [sys.executable, "-m", "swift.cli.sft"]


# The Linear layers of a decoder block in the architectures the profiles use (llama, qwen2, qwen3), what
# ms-swift's `all-linear` selects there: LoRA restricted to some layers names them in a `target_regex`.
BLOCK_LINEARS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def lora_layers(model_dir: Path, top_share: float) -> list[int]:
    """Indices of the decoder layers that get LoRA: the top `top_share` of them (at least one)."""
    n = int(json.loads((Path(model_dir) / "config.json").read_text())["num_hidden_layers"])
    k = max(1, math.ceil(n * top_share - 1e-9))
    return list(range(n - k, n))


def lora_targets(target_modules: list[str], top_share: float, model_dir: Path) -> dict[str, Any]:
    """`swift sft` arguments naming the LoRA targets: `target_modules` as given, or, for LoRA on the top layers
    only, a `target_regex` over those layers' Linear modules (`all-linear` = BLOCK_LINEARS)."""
    if top_share >= 1:
        return {"target_modules": target_modules}
    names = BLOCK_LINEARS if "all-linear" in target_modules else tuple(target_modules)
    layers = "|".join(str(i) for i in lora_layers(model_dir, top_share))
    return {"target_regex": rf"^model\.layers\.({layers})\.(self_attn|mlp)\.({'|'.join(names)})$"}


def swift_args(
    params: Params, model_dir: Path, out_dir: Path, device: str, resume_from: Path | None = None
) -> list[str]:
    t, m = params.train, params.model
    args: dict[str, Any] = {
        "model": model_dir,
        "model_type": m.model_type,
        "template": m.template,
        "check_model": "false",
        "tuner_type": t.tuner_type,
        "lora_rank": t.lora_rank,
        "lora_alpha": t.lora_alpha,
        "lora_dropout": t.lora_dropout,
        **lora_targets(t.target_modules, t.lora_top_layers, model_dir),
        "dataset": artifacts.path("train_split", params),
        "val_dataset": artifacts.path("valid_split", params),
        "max_length": t.max_length,
        "truncation_strategy": "delete",
        "learning_rate": t.learning_rate,
        "warmup_ratio": t.warmup_ratio,
        "per_device_train_batch_size": t.batch_size,
        "per_device_eval_batch_size": t.batch_size,
        "gradient_accumulation_steps": t.gradient_accumulation_steps,
        "max_steps": t.max_steps,
        "eval_steps": t.eval_steps,
        "save_steps": t.save_steps,
        "logging_steps": t.logging_steps,
        "eval_on_start": str(t.eval_on_start).lower(),
        "torch_dtype": train_dtype(t.torch_dtype, device),
        "gradient_checkpointing": str(t.gradient_checkpointing).lower(),
        "padding_free": str(t.padding_free).lower(),
        "packing": str(t.packing).lower(),
        "seed": params.seed,
        "data_seed": params.seed,
        "output_dir": out_dir,
        "add_version": "false",
        "dataloader_num_workers": 0,
        "report_to": "none",
        "load_best_model_at_end": "false",
    }
    if t.group_by_length:
        args["group_by_length"] = "true"
    if t.attn_impl is not None:
        args["attn_impl"] = t.attn_impl
    if t.use_logits_to_keep is not None:
        args["use_logits_to_keep"] = str(t.use_logits_to_keep).lower()
    if t.save_total_limit is not None:
        args["save_total_limit"] = t.save_total_limit
    if device == "cpu":
        args["use_cpu"] = "true"  # bf16 on CPU needs it ("Your setup doesn't support bf16/gpu" otherwise)
    if t.deepspeed:
        args["deepspeed"] = t.deepspeed
    if t.decision_loss_weight != 1.0:  # weights come through child_env
        args["external_plugins"] = Path(__file__).with_name("swift_loss_scale.py")
        args["loss_scale"] = "edge_decision"
    if resume_from is not None:
        args["resume_from_checkpoint"] = resume_from
    for k, v in t.extra_args.items():
        args[k] = v
    out: list[str] = ["sft"] if params.train.nproc_per_node > 1 else []
    for k, v in args.items():
        out.append(f"--{k}")
        out.extend([str(x) for x in v] if isinstance(v, list) else [str(v)])
    return out


ALLOCATOR_LIBS = {"tcmalloc": ("tcmalloc_minimal", "tcmalloc")}  # find_library names, first found wins
ALLOCATOR_PACKAGES = {"tcmalloc": "libtcmalloc-minimal4"}


def allocator_library(name: str) -> str | None:
    """The shared library to preload for `train.allocator` (None for the system malloc); a clear error when missing."""
    if name == "system":
        return None
    for lib in ALLOCATOR_LIBS[name]:
        found = ctypes.util.find_library(lib)
        if found:
            return found
    raise EdgecloudError(
        f"train.allocator: {name} needs the {name} library, which is not installed: run `make sysdeps` (Debian "
        f"package {ALLOCATOR_PACKAGES[name]}) or set train.allocator: system"
    )


def child_env(params: Params, device: str) -> dict[str, str]:
    env = dict(os.environ)
    lib = allocator_library(params.train.allocator)
    if lib:  # preloaded into swift sft only (benchmarks/results/train_throughput_*.md)
        env["LD_PRELOAD"] = " ".join(x for x in (lib, env.get("LD_PRELOAD", "")) if x)
        env.setdefault("TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD", str(1 << 40))  # no "large alloc" lines in the log
    env.setdefault("PYTHONUNBUFFERED", "1")
    if params.model.source in ("embedded", "local"):
        env["HF_HUB_OFFLINE"] = "1"  # a local folder: never wait on a hub
    env["EDGECLOUD_DECISION_WEIGHT"] = str(params.train.decision_loss_weight)
    env["EDGECLOUD_DECISION_CHARS"] = str(params.train.decision_chars)
    if params.train.nproc_per_node > 1:
        env["NPROC_PER_NODE"] = str(params.train.nproc_per_node)
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env
