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
# # 04 · 评估 Routing and answer quality against baselines
#
# The base model and the fine-tuned model (base + best adapter from 03_train) answer every request
# of `test.jsonl` (greedy, the edge system prompt). A reply *forwards* when the shared detector
# `edgecloud.routing.is_forward` finds the marker 转发云端 / "forward to cloud" or a paraphrase; the
# gateway uses the same function. Five routers are compared on the same test split:
#
# - **always-edge**: never forwards (the edge model answers everything);
# - **always-cloud**: forwards everything (best quality, highest cost);
# - **heuristic**: forwards on a complex-task keyword or a long request (thresholds fitted on train);
# - **base + prompt**: the base model, told by the system prompt when to forward;
# - **fine-tuned**: the LoRA model.
#
# What the numbers mean: *routing accuracy* is the share of requests sent to the right tier;
# *precision / recall / F1* treat "forward" as the positive class (recall: complex requests that
# reached the cloud; precision: forwarded requests that needed it); *cloud share* is the fraction
# sent to the cloud, a cost proxy; *ROUGE-L* and *char F1* compare the edge replies with the reference
# reply on edge requests kept at the edge (Chinese tokenised by character); *non-empty* counts replies
# with any text; latency is per request (p50/p95) with decode tokens/s. Routers without a model of
# their own are scored with the base model's replies for the requests they keep at the edge.

# %% tags=["parameters"]
params_file: str = "params/smoke.yaml"  # profile, relative to the workspace root
overrides: list = []  # the --set overrides of the command line, validated like the file

# %%
# %load_ext autoreload
# %autoreload 2
import pandas as pd

from edgecloud import plots, publish
from edgecloud.evaluate import best_adapter, evaluate
from edgecloud.prepare import prepared_model_dir
from edgecloud.stages import open_stage

P, dirs = open_stage("04_eval", params_file, overrides)
publish.use_style()
model_dir, adapter = prepared_model_dir(P), best_adapter(P)
print(f"run {P.run_name!r}: base {model_dir.name}, adapter {adapter.name}")

# %%
report = evaluate(P, model_dir, adapter)

# %% [markdown]
# ## Routers on the test split

# %%
def fmt(v, pct=False):
    if v is None:
        return "-"
    return f"{v:.1%}" if pct else f"{v:.3f}"


table = pd.DataFrame([{
    "路由 router": r["label"],
    "accuracy": fmt(r["accuracy"], True), "precision": fmt(r["precision"]), "recall": fmt(r["recall"]),
    "F1": fmt(r["f1"]), "cloud share": fmt(r["cloud_share"], True),
    "ROUGE-L": fmt(r["rouge_l"]), "char F1": fmt(r["char_f1"]),
    "non-empty": fmt(r["non_empty_rate"], True),
    "p50 / p95 s": "-" if r["p50_s"] is None else f"{r['p50_s']:.2f} / {r['p95_s']:.2f}",
    "tokens/s": "-" if r["tokens_per_s"] is None else f"{r['tokens_per_s']:.1f}",
} for r in report["routers"]])
publish.save_table(table, dirs.figures, "04_routers",
                   caption=f"测试集路由与回答质量（n={report['test_records']}，其中云端 {report['test_cloud']}）",
                   label="tab:eval-routers")
table

# %% [markdown]
# ## Confusion matrices and the cost/accuracy trade-off

# %%
fig = plots.confusion_matrices(report["routers"], ["heuristic", "base_prompted", "finetuned"])
publish.save_figure(fig, dirs.figures, "04_confusion")

# %%
fig = plots.tradeoff(report["routers"])
publish.save_figure(fig, dirs.figures, "04_tradeoff")

# %% [markdown]
# ## Routing accuracy by category, and a few replies

# %%
pd.DataFrame(report["routing_accuracy_by_category"]).map(lambda v: f"{v:.0%}")

# %%
preds = pd.read_json(dirs.root / "eval" / "predictions_finetuned.jsonl", lines=True)
preds[["category", "needs_cloud", "query", "reply", "forwarded"]].head(12)
