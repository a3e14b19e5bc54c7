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
# # 07 · 端侧性能 Edge variants: ONNX Runtime, INT8 and GGUF on the CPU
#
# An edge model is only worth fine-tuning if it runs fast and small on the device. This stage merges
# the best LoRA adapter of 03_train into the base model (peft `merge_and_unload`, what `swift export
# --merge_lora` does) and exports the merged model to the edge variants listed in
# `edge_bench.variants`, each made with its field's own tool:
#
# - **PyTorch** fp32 (the baseline, what `swift deploy` serves), bf16, and torch's dynamic INT8;
# - **ONNX Runtime** fp32 (onnxruntime-genai's model builder writes the decoder with KV cache straight
#   from the transformers-5 folder) and INT8 (onnxruntime's dynamic quantization of that graph),
#   decoded incrementally by the package's own loop;
# - **llama.cpp** GGUF F16 (llama.cpp's converter), Q8_0 and 4-bit (`llama_model_quantize`);
# - **onnxruntime-genai** int8 and int4 (the builder, run by the genai runtime).
#
# Every variant is measured on this machine in this run, each pass in a fresh process (so the peak
# memory is that runtime's own), passes interleaved across variants and repeated (`edge_bench.repeats`):
# size on disk, load time, peak memory, time to first token and decode tokens/s at batch 1 on test
# prompts of spread lengths, and throughput at a small batch. Quality is measured on the whole test
# split: routing accuracy and forward-F1 (the detector of 04_eval and the gateway), ROUGE-L of edge
# replies, and the teacher-forced next-token agreement with fp32 on the reference replies. A variant
# whose runtime is not installed is listed as skipped with the reason.
#
# The recommendation is computed: the fastest variant meeting all four bars (speed-up, size, routing
# accuracy within `edge_bench.within_points` of fp32, agreement); when none meets them all, the fastest
# within the routing tolerance. It can serve as the gateway's edge tier:
# `--set deploy.edge_variant=<variant>` makes 05_deploy and 06_e2e start `python -m edgecloud.edge.server`
# over it instead of `swift deploy`.

# %% tags=["parameters"]
params_file: str = "params/smoke.yaml"  # profile, relative to the workspace root
overrides: list = []  # the --set overrides of the command line, validated like the file

# %%
# %load_ext autoreload
# %autoreload 2
from edgecloud.edge import report as edge_report
from edgecloud.edge.bench import run_bench
from edgecloud.publish import figures
from edgecloud.stages import open_stage

P, dirs = open_stage("07_edge_bench", params_file, overrides)
figures.use_style()
eb = P.edge_bench
print(f"run {P.run_name!r}: {len(eb.variants)} variant(s), {eb.repeats} pass(es), {eb.threads} thread(s)")

# %% [markdown]
# ## Merge, export, measure
#
# Exports are re-used while the adapter and the export options stay the same; the measurement always
# runs. The log of every measuring process is `reports/edge_bench_<run>.log`.

# %%
report = run_bench(P)
m = report["machine"]
print(f"{m['cpu_model']}, {m['logical_cpus']} logical CPUs, {m['threads']} thread(s) used, ISA {m['isa']}")

# %% [markdown]
# ## Variants side by side
#
# Medians over the passes, with (min–max) where there is more than one; "× fp32" is the median of the
# per-pass ratios of decode tokens/s against torch-fp32 in the same pass; ★ marks the recommendation.

# %%
table = edge_report.table(report)
figures.save_table(
    table,
    dirs.figures,
    "07_edge_variants",
    caption=f"端侧变体的大小、速度与质量（{P.run_name}，测试集 n={report['test_records']}）",
    label="tab:edge-variants",
)
table

# %%
fig = edge_report.speed_quality(report)
figures.save_figure(fig, dirs.figures, "07_speed_quality")

# %% [markdown]
# ## Recommendation and the bars

# %%
rec = report["recommendation"]
print(f"recommended edge variant: {rec['variant']} ({rec.get('rule', rec.get('reason'))})")
print(f"variants meeting all four bars: {', '.join(report['meeting_all_bars']) or 'none'}")
edge_report.bars_table(report)

# %%
edge_report.all_bars_table(report)

# %%
edge_report.replies_table(report)
