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
# # 03 · LoRA 微调 Fine-tuning with ms-swift
#
# Trains a LoRA adapter on `train.jsonl` with `valid.jsonl` for evaluation, through ms-swift's
# own CLI (`swift sft`). Every argument comes from the `train` section of the profile; the exact
# command line is saved in `reports/swift_train_<run>_command.txt`. The model is evaluated before
# the first update (step 0), so the gain of fine-tuning is visible in the table.
#
# A preflight checks free disk (checkpoints) and temp space, memory, and the token length of every
# record against `train.max_length` with the model's tokenizer: ms-swift would silently drop longer
# records, so the preflight stops instead. An interrupted run resumes from its last checkpoint when
# the data and params are unchanged; a finished one is re-used.

# %% tags=["parameters"]
params_file: str = "params/smoke.yaml"  # profile, relative to the workspace root
overrides: list = []  # the --set overrides of the command line, validated like the file

# %%
# %load_ext autoreload
# %autoreload 2
from edgecloud.publish import figures, plots
from edgecloud.stages import open_stage
from edgecloud.train import trainer
from edgecloud.train.preflight import preflight, preflight_table
from edgecloud.train.prepare import prepared_model_dir
from edgecloud.train.trainlog import parse_logging

P, dirs = open_stage("03_train", params_file, overrides)
figures.use_style()
model_dir = prepared_model_dir(P)
print(
    f"run {P.run_name!r}: base model {model_dir.name}, {P.train.max_steps} steps, batch {P.train.batch_size}, "
    f"lr {P.train.learning_rate}, LoRA r={P.train.lora_rank} alpha={P.train.lora_alpha}"
)

# %% [markdown]
# ## Preflight

# %%
pf = preflight(P, model_dir)
preflight_table(pf)

# %% [markdown]
# ## Training
# Progress lines come from ms-swift's `logging.jsonl` while it runs; the full output is in
# `reports/swift_train_<run>.log`.

# %%
run = trainer.run_training(P, model_dir)
summary = trainer.summarize(P, run, pf)
print(
    f"{run.action} in {run.duration_s:.0f} s; best checkpoint {summary['best']['checkpoint']} "
    f"({summary['best']['reason']})"
)

# %% [markdown]
# ## The training table (as in the reference run)
# One row per evaluation, step 0 included; the last step's train loss when it had no evaluation.
# The best checkpoint (lowest eval loss) is the adapter 04_eval and the deployment use.

# %%
shown = trainer.train_table(summary)
figures.save_table(
    shown,
    dirs.figures,
    "03_train",
    caption=f"LoRA 训练过程（最佳检查点 step {summary['best']['step']}）",
    label="tab:train",
)
shown

# %%
log = parse_logging(run.out_dir / "logging.jsonl")
fig = plots.training_curves(log.train, log.evals, summary["best"]["step"])
figures.save_figure(fig, dirs.figures, "03_training_curves")
print(
    f"eval loss: step 0 {summary['step0_eval_loss']} -> best {summary['best']['eval_loss']} "
    f"(reduction {summary.get('eval_loss_reduction')}); lowest free disk {summary['disk_free_min_gb']} GiB"
)

# %% [markdown]
# ## The routing decision at every checkpoint, and the deployed checkpoint
# Each request of the validation split gets the routing score (`edgecloud.routing`: the log-odds of the
# forward reply's first token, one forward pass). Per checkpoint: ROC AUC, accuracy of greedy decoding
# (the forward token is the most likely first token) and of the calibrated threshold (the middle of the
# widest score interval whose validation accuracy is within one record of the best). The deployed
# checkpoint is the best on validation routing; the reference picked by eval loss. 04_eval, the
# gateway and 07 read the choice from `reports/routing_calibration_<run>.json`; the test split is
# never used here.

# %%
from edgecloud.eval import calibrate

cal = calibrate.calibrate(P, model_dir)
figures.save_table(
    calibrate.checkpoint_table(cal),
    dirs.figures,
    "03_routing_checkpoints",
    caption="各检查点验证集路由（部署检查点按验证集路由准确率选择）",
    label="tab:routing-checkpoints",
)
print(calibrate.calibration_markdown(cal))
