"""params/qwen3-0.6b.yaml, the thesis setting, proven offline except for the download.

A tiny Qwen3-architecture model (transformers' Qwen3Config, 2 layers, random weights from a fixed seed, saved
in bfloat16 as Qwen3-0.6B is) with the embedded SmolLM2's ChatML tokenizer (the ms-swift qwen3 templates use
its <|im_start|>/<|im_end|>) stands in for Qwen/Qwen3-0.6B as a `model.source: local` model. The profile's own
`model_type: qwen3` and `template: qwen3_nothinking` then go through 01_convert, 02_prepare, a few steps of a
real `swift sft` and 04_eval on the smoke data, started the way a user starts them (`python -m edgecloud run`).
What stays unproven is only the ModelScope download, which fails with a clear message offline (last tests).

The tokenizer gets a chat template with Qwen3's thinking switch, written here (SmolLM2's has none): plain
system/user/assistant turns in ChatML, and after the generation prompt an empty think block when
`enable_thinking` is false, as Qwen3-0.6B's own chat template renders them.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from edgecloud import artifacts
from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs, resolve
from edgecloud.train import prepare

PROFILE = "params/qwen3-0.6b.yaml"
QWEN3_STYLE_CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and enable_thinking is false %}<think>\n\n</think>\n\n{% endif %}{% endif %}"
)
SMOKE_DATA = [
    "data.raw_files=[data/raw/edge_requests_smoke.jsonl]",
    "data.dataset_name=edge_swift_smoke",
    "data.split={train: 40, valid: 10, test: 10}",
]


@pytest.fixture(scope="module")
def tiny_qwen3(tmp_path_factory) -> Path:
    """The stand-in for Qwen3-0.6B: a transformers folder of a 2-layer Qwen3 with the SmolLM2 tokenizer."""
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    from edgecloud.model import load_tokenizer

    gguf = prepare.embedded_gguf()
    tok = load_tokenizer(gguf.parent, gguf_file=gguf.name)
    tok.chat_template = QWEN3_STYLE_CHAT_TEMPLATE
    end_of_turn = tok.convert_tokens_to_ids("<|im_end|>")
    config = Qwen3Config(
        vocab_size=len(tok),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=16,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=tok.bos_token_id,
        eos_token_id=end_of_turn,
        pad_token_id=tok.pad_token_id,
    )
    torch.manual_seed(0)
    model = Qwen3ForCausalLM(config).to(torch.bfloat16)
    folder = tmp_path_factory.mktemp("models") / "tiny-qwen3"
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def test_the_package_prompt_is_the_one_ms_swift_trains_on_with_either_qwen3_template(tiny_qwen3):
    """ms-swift's `qwen3_nothinking` trains and serves replies right after `<|im_start|>assistant\\n`, its `qwen3`
    after an empty think block: the package's prompt (the model's chat template) follows the profile's template,
    and 02_prepare's check stops a run whose two prompts differ (the package passed enable_thinking=False for
    every template before, so 04_eval scored qwen3_nothinking's model on a prompt it was never trained on)."""
    from edgecloud import model as M
    from edgecloud.train.swift_prompt import PromptMismatch, check_prompt

    msgs = [
        {"role": "system", "content": "You are an edge assistant."},
        {"role": "user", "content": "几点了？"},
        {"role": "assistant", "content": "[转发云端] forward to cloud"},
        {"role": "user", "content": "Hi"},
    ]
    tails = {"qwen3_nothinking": "<|im_start|>assistant\n", "qwen3": "<|im_start|>assistant\n<think>\n\n</think>\n\n"}
    for template, tail in tails.items():
        tok = M.load_tokenizer(tiny_qwen3, template=template)
        result = check_prompt(tok, tiny_qwen3, "qwen3", template, msgs)
        assert result["matches"] and result["tokens"] == len(M.chat_ids(tok, msgs))
        prompt = tok.decode(M.chat_ids(tok, msgs))
        assert prompt.endswith("Hi<|im_end|>\n" + tail), (template, prompt)
    stale = M.load_tokenizer(tiny_qwen3)  # no template named: thinking off, the old behaviour for every profile
    with pytest.raises(PromptMismatch, match=r"model.template='qwen3_nothinking'.*\n.*<think>"):
        check_prompt(stale, tiny_qwen3, "qwen3", "qwen3_nothinking", msgs)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edgecloud", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.integration
def test_qwen3_profile_prepares_trains_and_evaluates_a_tiny_qwen3_offline(tiny_qwen3, run_name):
    profile = load_params(PROFILE)
    assert (profile.model.model_type, profile.model.template) == ("qwen3", "qwen3_nothinking")
    sets = [
        f"run_name={run_name}",
        "model.source=local",
        f"model.path={tiny_qwen3}",
        *SMOKE_DATA,
        "train.max_steps=2",
        "train.eval_steps=2",
        "train.save_steps=2",
        "train.logging_steps=1",
        "eval.heldout_max=16",
    ]
    t0 = time.perf_counter()
    r = cli(
        "run",
        "--params",
        PROFILE,
        "--only",
        "01_convert,02_prepare,03_train,04_eval",
        *(a for s in sets for a in ("--set", s)),
    )
    took = time.perf_counter() - t0
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    print(f"01-04 of the qwen3 profile on the tiny Qwen3: {took:.0f} s")
    p = load_params(PROFILE, sets)
    dirs = RunDirs(run_name)

    model = json.loads(artifacts.path("model", p).read_text())
    assert model["source"] == "local" and model["architecture"] == "Qwen3ForCausalLM"
    assert model["swift_model_type"] == "qwen3" and model["swift_template"] == "qwen3_nothinking"
    assert model["dtype"] == "bfloat16"  # model.torch_dtype auto: the folder's own dtype, as Qwen3-0.6B's
    assert model["tokenizer_vocab"] == 49152 and model["parameters"] < 5e6
    assert model["prompt_check"] == {
        "template": "qwen3_nothinking",
        "chat_template_args": {},
        "tokens": model["prompt_check"]["tokens"],
        "matches": True,
    }

    preflight = json.loads(artifacts.path("preflight", p).read_text())
    # r=8 on q (64->64), k, v (64->32), o (64->64), gate, up (64->128), down (128->64) of 2 layers: 2*8*1024
    assert preflight["ok"] and preflight["lora_trainable_params"] == 16384
    command = artifacts.path("train_command", p).read_text()
    assert "--model_type qwen3" in command and "--template qwen3_nothinking" in command
    assert f"--model {tiny_qwen3}" in command and "--torch_dtype bfloat16" in command
    summary = json.loads(artifacts.path("train", p).read_text())
    assert summary["completed"] and summary["last_step"] == 2 and [r["step"] for r in summary["rows"]] == [0, 2]
    losses = [summary["last_train_loss"], summary["step0_eval_loss"], summary["best"]["eval_loss"]]
    assert all(isinstance(v, float) and math.isfinite(v) and v > 0 for v in losses), losses
    adapter = resolve(summary["best"]["checkpoint"])
    assert (adapter / "adapter_model.safetensors").stat().st_size > 0
    lora = json.loads((adapter / "adapter_config.json").read_text())
    assert lora["r"] == profile.train.lora_rank and {"q_proj", "down_proj"} <= set(lora["target_modules"])
    calibration = json.loads(artifacts.path("calibration", p).read_text())
    assert calibration["checkpoint"] in summary["checkpoints"].values()

    report = json.loads(artifacts.path("eval", p).read_text())
    from edgecloud.eval.evaluate import ROUTER_LABELS

    assert [r["router"] for r in report["routers"]] == list(ROUTER_LABELS)
    assert report["test_records"] == 10 and report["heldout"]["records"] == 16
    assert all(0 <= r["accuracy"] <= 1 for r in report["routers"])
    assert resolve(report["adapter"]) == resolve(calibration["checkpoint"])
    preds = artifacts.path("predictions_finetuned", p).read_text().splitlines()
    assert len(preds) == 10 and all(math.isfinite(json.loads(x)["score"]) for x in preds)
    manifest = json.loads(dirs.manifest.read_text())
    assert [manifest["stages"][s]["status"] for s in ("01_convert", "02_prepare", "03_train", "04_eval")] == ["ok"] * 4


def test_qwen3_profile_stops_with_a_clear_message_when_modelscope_is_unreachable(monkeypatch, run_name):
    """The profile as shipped, ModelScope pointed at a name that never resolves (RFC 2606 .invalid) through the
    client's own endpoint variable: 02_prepare stops at once, naming the model, the profiles and the local source."""
    monkeypatch.setenv("MODELSCOPE_ENDPOINT", "https://modelscope.invalid")
    assert prepare.hub_address("modelscope") == ("modelscope.invalid", 443)
    p = load_params(PROFILE, [f"run_name={run_name}"])
    t0 = time.perf_counter()
    with pytest.raises(prepare.ModelSourceError) as exc:
        prepare.prepare(p)
    msg = str(exc.value)
    assert "'Qwen/Qwen3-0.6B'" in msg and "modelscope.invalid cannot be reached" in msg
    assert "params/default.yaml" in msg and "model.source=local" in msg
    assert time.perf_counter() - t0 < 10


@pytest.mark.integration
def test_qwen3_profile_run_names_the_failing_download_offline(run_name):
    """The same through the command a user types: 02_prepare FAILED with the message, exit code 1."""
    r = cli(
        "run",
        "--params",
        PROFILE,
        "--only",
        "02_prepare",
        "--set",
        f"run_name={run_name}",
        env={"MODELSCOPE_ENDPOINT": "https://modelscope.invalid"},
    )
    assert r.returncode == 1
    assert "02_prepare: FAILED" in r.stdout and "ModelSourceError" in r.stdout
    assert "'Qwen/Qwen3-0.6B'" in r.stdout and "model.source=local" in r.stdout
