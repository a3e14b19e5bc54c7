"""03_train: the ms-swift command comes from params; the preflight refuses; a real smoke run trains."""

from __future__ import annotations

import json

import pytest

from edgecloud.data.convert import convert
from edgecloud.params import load_params
from edgecloud.paths import RunDirs
from edgecloud.train import preflight, trainer
from edgecloud.train.prepare import resolve_model
from edgecloud.train.swift_command import child_env, lora_layers, swift_args, swift_executable


@pytest.fixture
def smoke(run_name):
    """A converted smoke dataset in a throw-away run, and the (cached) embedded model folder."""
    p = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    convert(p)
    folder, _ = resolve_model(p.model)
    return p, folder


def args_dict(argv):
    out, key = {}, None
    for a in argv[1:]:
        if a.startswith("--"):
            key = a[2:]
            out[key] = []
        else:
            out[key].append(a)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


def test_swift_command_comes_from_params(tmp_path):
    p = load_params("params/default.yaml", ["train.extra_args={lr_scheduler_type: cosine}", "train.save_total_limit=2"])
    argv = swift_args(p, tmp_path / "model", tmp_path / "out", "cpu")
    a = args_dict(["sft", *argv])
    assert swift_executable(p)[-2:] == ["-m", "swift.cli.sft"]  # the module `swift sft` runs
    t = p.train
    assert a["lora_rank"] == str(t.lora_rank) and a["lora_alpha"] == str(t.lora_alpha)
    assert a["target_modules"] == "all-linear" and a["learning_rate"] == str(t.learning_rate)
    assert a["per_device_train_batch_size"] == str(t.batch_size) and a["max_length"] == str(t.max_length)
    assert (a["max_steps"], a["eval_steps"], a["save_steps"]) == ("150", "50", "50")
    from edgecloud.train.devices import train_dtype

    assert t.torch_dtype == "auto" and a["torch_dtype"] == train_dtype("auto", "cpu") in ("bfloat16", "float32")
    assert a["gradient_checkpointing"] == "false" and a["group_by_length"] == "true" and a["lora_dropout"] == "0.0"
    assert a["loss_scale"] == "edge_decision" and a["external_plugins"].endswith("edgecloud/train/swift_loss_scale.py")
    assert a["seed"] == str(p.seed) and a["eval_on_start"] == "true" and a["use_cpu"] == "true"
    assert a["model_type"] == "llama" and a["template"] == "chatml" and a["check_model"] == "false"
    assert a["dataset"].endswith("outputs/default/data/train.jsonl") and a["val_dataset"].endswith("valid.jsonl")
    assert a["lr_scheduler_type"] == "cosine" and a["save_total_limit"] == "2"
    assert "resume_from_checkpoint" not in a and "deepspeed" not in a
    assert a["attn_impl"] == "eager" and a["use_logits_to_keep"] == "false"  # the CPU speed settings (issue 14)
    plain = args_dict(
        [
            "sft",
            *swift_args(
                load_params("params/default.yaml", ["train.attn_impl=null", "train.use_logits_to_keep=null"]),
                tmp_path,
                tmp_path,
                "cpu",
            ),
        ]
    )
    assert "attn_impl" not in plain and "use_logits_to_keep" not in plain  # null leaves ms-swift's own choice
    gpu = args_dict(["sft", *swift_args(p, tmp_path, tmp_path, "cuda", resume_from=tmp_path / "checkpoint-50")])
    assert "use_cpu" not in gpu and gpu["resume_from_checkpoint"].endswith("checkpoint-50")


def test_lora_on_the_top_layers_is_a_target_regex_over_those_layers(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"num_hidden_layers": 30}))
    p = load_params("params/default.yaml", ["train.lora_top_layers=0.5", "train.group_by_length=true"])
    a = args_dict(["sft", *swift_args(p, tmp_path, tmp_path / "out", "cpu")])
    assert "target_modules" not in a and a["group_by_length"] == "true"
    import re

    regex = a["target_regex"]
    assert re.fullmatch(regex, "model.layers.15.self_attn.q_proj") and re.fullmatch(
        regex, "model.layers.29.mlp.down_proj"
    )
    assert not re.fullmatch(regex, "model.layers.14.mlp.up_proj") and not re.fullmatch(regex, "lm_head")
    assert not re.fullmatch(regex, "model.layers.15.input_layernorm")
    assert lora_layers(tmp_path, 0.1) == [27, 28, 29] and lora_layers(tmp_path, 0.01) == [29]
    named = load_params("params/default.yaml", ["train.lora_top_layers=0.5", "train.target_modules=[q_proj, v_proj]"])
    b = args_dict(["sft", *swift_args(named, tmp_path, tmp_path / "out", "cpu")])
    assert re.fullmatch(b["target_regex"], "model.layers.20.self_attn.v_proj")
    assert not re.fullmatch(b["target_regex"], "model.layers.20.self_attn.k_proj")
    every = args_dict(
        [
            "sft",
            *swift_args(
                load_params("params/default.yaml", ["train.lora_top_layers=1"]), tmp_path, tmp_path / "out", "cpu"
            ),
        ]
    )
    assert every["target_modules"] == "all-linear" and "target_regex" not in every


def test_multi_gpu_goes_through_ms_swift_launcher(tmp_path):
    p = load_params("params/default.yaml", ["train.nproc_per_node=4", "train.deepspeed=zero2"])
    argv = swift_args(p, tmp_path, tmp_path, "cuda")
    assert argv[0] == "sft" and args_dict(argv)["deepspeed"] == "zero2"
    assert swift_executable(p)[0].endswith("swift")  # ms-swift's CLI, which starts torchrun
    assert child_env(p, "cuda")["NPROC_PER_NODE"] == "4"
    assert "NPROC_PER_NODE" not in child_env(load_params("params/default.yaml"), "cuda")


@pytest.mark.integration
def test_tcmalloc_is_preloaded_into_swift_sft_and_really_loads():
    import subprocess
    import sys

    p = load_params("params/default.yaml")
    env = child_env(p, "cpu")
    assert "tcmalloc" in env["LD_PRELOAD"]
    maps = subprocess.run(
        [sys.executable, "-c", "print(open('/proc/self/maps').read())"], env=env, capture_output=True, text=True
    )
    assert maps.returncode == 0 and "libtcmalloc" in maps.stdout, maps.stderr[-500:]
    system = load_params("params/default.yaml", ["train.allocator=system"])
    assert "tcmalloc" not in child_env(system, "cpu").get("LD_PRELOAD", "")


def test_a_missing_allocator_is_named_with_the_fix(monkeypatch):
    import ctypes.util

    from edgecloud.errors import EdgecloudError

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)  # as on a machine without the package
    with pytest.raises(EdgecloudError, match=r"train.allocator: tcmalloc .*make sysdeps.*libtcmalloc-minimal4"):
        child_env(load_params("params/default.yaml"), "cpu")


def test_preflight_refuses_records_over_max_length(smoke):
    p, folder = smoke
    p.train.max_length = 100
    with pytest.raises(preflight.PreflightError, match=r"record\(s\) are longer than train.max_length=100 tokens"):
        preflight.preflight(p, folder)
    report = json.loads((RunDirs(p.run_name).reports / f"train_preflight_{p.run_name}.json").read_text())
    assert report["over_max_length"]["train"] > 0 and not report["ok"]


@pytest.mark.integration
def test_preflight_refuses_when_disk_would_run_short(smoke):
    p, folder = smoke
    p.train.min_free_disk_gb = 10**6
    with pytest.raises(preflight.PreflightError, match=r"GiB free; checkpoints need .*min_free_disk_gb"):
        preflight.preflight(p, folder)


@pytest.mark.integration
def test_preflight_passes_and_counts_lora_parameters(smoke):
    p, folder = smoke
    pf = preflight.preflight(p, folder)
    assert pf["ok"] and pf["over_max_length"] == {"train": 0, "valid": 0}
    # SmolLM2-135M, 30 layers, r=4 on q,k,v,o,gate,up,down: 4 * 30 * (1152+768+768+1152+2112+2112+2112) = 1,221,120
    assert pf["lora_trainable_params"] == 1_221_120
    assert pf["token_lengths"]["train"]["n"] == 40


@pytest.mark.integration
def test_real_swift_sft_smoke_run_produces_an_adapter_that_loads_and_generates(smoke):
    p, folder = smoke
    p.train.max_steps, p.train.eval_steps, p.train.save_steps = 2, 2, 2
    lines: list[str] = []
    run = trainer.run_training(p, folder, echo=lines.append)
    assert run.action == "trained" and run.returncode == 0
    assert any("eval  step 0/2" in l for l in lines) and any("eval  step 2/2" in l for l in lines)
    summary = trainer.summarize(p, run)
    assert summary["completed"] and [r["step"] for r in summary["rows"]] == [0, 2]
    assert summary["best"]["checkpoint"].endswith("checkpoint-2")
    assert (RunDirs(p.run_name).reports / f"swift_train_{p.run_name}.log").stat().st_size > 0
    assert "swift" in (RunDirs(p.run_name).reports / f"swift_train_{p.run_name}_command.txt").read_text()

    from edgecloud.eval.predict import generate
    from edgecloud.model import load_model

    model, tok = load_model(folder, "float32", "cpu", trainer.checkpoints(run.out_dir)[2])
    row = json.loads((RunDirs(p.run_name).data / "test.jsonl").read_text().splitlines()[0])
    pred = generate(model, tok, [row], max_new_tokens=8, device="cpu", echo=lines.append)[0]
    assert pred["reply"].strip() and pred["new_tokens"] > 0

    # the same data and params again: the finished run is re-used, not trained twice
    again = trainer.run_training(p, folder, echo=lines.append)
    assert again.action == "reused"

    # an interrupted run (state still "running", checkpoints on disk) resumes from its last checkpoint
    state_path = run.out_dir / trainer.STATE_NAME
    state = json.loads(state_path.read_text())
    state_path.write_text(json.dumps({**state, "status": "running"}))
    resumed = trainer.run_training(p, folder, echo=lines.append)
    assert resumed.action == "resumed"
    assert resumed.command[resumed.command.index("--resume_from_checkpoint") + 1].endswith("checkpoint-2")
    assert json.loads(state_path.read_text())["status"] == "done"


@pytest.mark.integration
def test_a_failing_swift_run_names_its_log_and_leaves_no_process(smoke):
    import psutil

    p, folder = smoke
    p.train.extra_args = {"lora_rank": "not-a-number"}  # ms-swift itself rejects this argument
    with pytest.raises(trainer.TrainError, match=r"swift sft exited with code \d+; last lines of outputs/pytest-"):
        trainer.run_training(p, folder, echo=lambda s: None)
    me = psutil.Process()
    assert not [c for c in me.children(recursive=True) if "swift" in " ".join(c.cmdline())]


@pytest.mark.integration
def test_trainer_dies_with_a_killed_kernel(smoke):
    """A notebook kernel killed mid-training (papermill timeout, a crash) must not leave ms-swift running."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    p, folder = smoke
    script = (
        f"from edgecloud.params import load_params; from edgecloud.train import trainer; from pathlib import Path\n"
        f"p = load_params('params/smoke.yaml', ['run_name={p.run_name}', 'train.max_steps=200', "
        f"'train.eval_steps=200', 'train.save_steps=200'])\n"
        f"trainer.run_training(p, Path({str(folder)!r}))\n"
    )
    kernel = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        trainer = None
        for _ in range(120):
            kids = psutil.Process(kernel.pid).children(recursive=True)
            trainer = next((k for k in kids if "swift.cli.sft" in " ".join(k.cmdline())), None)
            if trainer:
                break
            time.sleep(0.5)
        assert trainer is not None, "the trainer never started"
        os.kill(kernel.pid, signal.SIGKILL)
        kernel.wait()
        gone, alive = psutil.wait_procs([trainer], timeout=30)
        assert not alive, "ms-swift outlived the process that started it"
    finally:
        if kernel.poll() is None:
            kernel.kill()
