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
# # 01 · 数据转换 Data conversion
#
# The edge model learns two behaviours from one dataset: answer simple on-device requests itself,
# and reply with the forward marker **转发云端** for requests that need complex reasoning.
# This stage reads the raw files named in `data.raw_files` (JSONL, JSON or CSV; query/response,
# alpaca, sharegpt or ms-swift messages), turns every record into the ms-swift `messages` format
# with the edge assistant's system prompt, and splits them into train/valid/test with the exact
# sizes of the profile, stratified by category and label, keeping paraphrase groups whole so that
# no test phrasing is seen in training.
#
# Every raw record ends in exactly one place: a split, or `rejects.jsonl` with its file, line and
# reason. Products: `outputs/<run>/data/{train,valid,test,rejects}.jsonl` and
# `outputs/<run>/reports/edge_swift_data_check.json`; figures and tables in `figures/<run>/`.

# %% tags=["parameters"]
params_file: str = "params/smoke.yaml"  # profile, relative to the workspace root
overrides: list = []  # the --set overrides of the command line, validated like the file

# %%
# %load_ext autoreload
# %autoreload 2
from IPython.display import Markdown, display

from edgecloud.data.convert import category_table, convert, split_table
from edgecloud.publish import figures, plots
from edgecloud.stages import open_stage

P, dirs = open_stage("01_convert", params_file, overrides)
figures.use_style()
print(f"run {P.run_name!r}: raw files {P.data.raw_files}, split {P.data.split.model_dump()}, seed {P.seed}")

# %% [markdown]
# ## Convert and split

# %%
res = convert(P)
report = res.report
table = split_table(report)
figures.save_table(
    table, dirs.figures, "01_split", caption=f"数据转换结果（{P.data.dataset_name}）", label="tab:data-split"
)
table

# %% [markdown]
# ## Rejected records and split overlap
# Rejected records are listed with their reason; the overlap counts must be 0 (no request text and no
# paraphrase group appears in two splits).

# %%
print(
    "read",
    report["read"],
    "accepted",
    report["accepted"],
    "rejected",
    report["rejected"],
    "parse success rate",
    report["parse_success_rate"],
)
print("rejects by reason:", report["rejects_by_reason"] or "none")
print("overlap:", report["overlap"])

# %% [markdown]
# ## Categories, labels and languages

# %%
cats = category_table(res.splits)
figures.save_table(cats, dirs.figures, "01_categories", caption="各类别在各划分中的记录数", label="tab:data-categories")
display(cats)
fig = plots.categories(res.splits)
figures.save_figure(fig, dirs.figures, "01_categories")

# %% [markdown]
# ## Request lengths
# Complex requests are longer on average, but the distributions overlap: length alone does not
# route well, which is why 04_eval compares the fine-tuned router with a length/keyword heuristic.

# %%
fig = plots.lengths(res.splits)
figures.save_figure(fig, dirs.figures, "01_lengths")
display(Markdown(f"Length statistics (characters): `{report['length_chars']['query']}`"))
