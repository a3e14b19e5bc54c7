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
# - **TF-IDF + LR**: a learned text classifier (character n-grams, logistic regression) trained on the
#   same train split, its threshold chosen on the validation split;
# - **base + prompt**: the base model, told by the system prompt when to forward;
# - **fine-tuned, greedy**: the LoRA model's own reply decides;
# - **fine-tuned, calibrated**: the routing score (the log-odds of the forward reply's first token) reaching
#   the threshold 03_train chose on the validation split (`edgecloud.routing.decide`, the gateway's rule);
#   the edge answers the rest with the forward token suppressed as its first token, as the served edge
#   model does.
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
from IPython.display import display

from edgecloud.eval import evaluate as evaluate_mod
from edgecloud.eval.evaluate import evaluate
from edgecloud.model import best_adapter
from edgecloud.publish import figures, plots
from edgecloud.stages import open_stage
from edgecloud.train.prepare import prepared_model_dir

P, dirs = open_stage("04_eval", params_file, overrides)
figures.use_style()
model_dir, adapter = prepared_model_dir(P), best_adapter(P)
print(f"run {P.run_name!r}: base {model_dir.name}, adapter {adapter.name}")

# %%
report = evaluate(P, model_dir, adapter)

# %% [markdown]
# ## Routers on the test split
# Accuracy, forward recall and cloud share with Wilson 95 % intervals: with 50 test records the
# interval is about ±10 points, which is why the held-out set below exists. "simple fwd" counts
# simple requests sent to the cloud. The fine-tuned model appears twice: its greedy reply alone, and
# with the threshold calibrated on the validation split (03_train), which is what the gateway applies.

# %%
table = evaluate_mod.routers_table(report)
figures.save_table(
    table,
    dirs.figures,
    "04_routers",
    caption=f"测试集路由与回答质量（n={report['test_records']}，其中云端 {report['test_cloud']}；方括号为 95% Wilson 区间）",
    label="tab:eval-routers",
)
table

# %% [markdown]
# ## The routing score: ROC, cost–quality and its distribution
# ROC of the fine-tuned model's score and of the TF-IDF baseline on the test split; the cost–quality
# view of RouteLLM (routing accuracy and quality against the share sent to the cloud; fixed routers are
# points with Wilson intervals); the score distribution of both classes with the calibrated threshold.

# %%
names = evaluate_mod.CURVE_NAMES
curves = {names[k]: v["roc"] for k, v in report["curves"].items()}
threshold = (report["calibration"] or {}).get("threshold")
marks = {names["finetuned"]: threshold} if threshold is not None else None
if curves:
    plots.roc_figure(curves, dirs.figures / "04_roc", marks=marks)
    points = {
        r["label"]: r
        for r in report["routers"]
        if r["router"]
        in ("always_edge", "always_cloud", "heuristic", "base_prompted", "finetuned", "finetuned_calibrated")
    }
    plots.cost_quality_figure(
        {names[k]: v["cost_quality"] for k, v in report["curves"].items()}, points, dirs.figures / "04_cost_quality"
    )
    s, l = report["scores"]["finetuned"], report["scores"]["labels"]
    plots.score_distribution_figure(
        {True: [x for x, y in zip(s, l) if y], False: [x for x, y in zip(s, l) if not y]},
        threshold,
        dirs.figures / "04_score_distribution",
    )
evaluate_mod.curves_table(report)

# %% [markdown]
# ## The held-out routing set
# Requests from `data/heldout/` (templates and phrasings the training generator never makes, zh and
# en, with confounders and earlier turns), scored with one forward pass each (no generation).

# %%
held = evaluate_mod.heldout_table(report)
if len(held):
    figures.save_table(
        held,
        dirs.figures,
        "04_heldout",
        caption=f"留出集路由（n={report['heldout']['records']}，其中云端 {report['heldout']['cloud']}；95% Wilson 区间）",
        label="tab:eval-heldout",
    )
    display(
        evaluate_mod.breakdown_table(
            report["heldout"]["by_cue"], ("heuristic", "tfidf", "finetuned", "finetuned_calibrated")
        )
    )
held

# %% [markdown]
# ## Where the fine-tuned router goes wrong: by category and language, and the errors

# %%
routers = ("heuristic", "tfidf", "finetuned", "finetuned_calibrated")
display(evaluate_mod.breakdown_table(report["routing_by_category"], routers))
display(evaluate_mod.breakdown_table(report["routing_by_lang"], routers))
evaluate_mod.errors_table(report)

# %%
fig = plots.confusion_matrices(report["routers"], ["heuristic", "tfidf", "finetuned", "finetuned_calibrated"])
figures.save_figure(fig, dirs.figures, "04_confusion")

# %%
fig = plots.tradeoff(report["routers"])
figures.save_figure(fig, dirs.figures, "04_tradeoff")
