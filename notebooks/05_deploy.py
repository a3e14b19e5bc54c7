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
# # 05 · 部署 swift deploy + edge gateway smoke test
#
# The fine-tuned edge model (base + best LoRA adapter from 03_train) is served by ms-swift's
# `swift deploy` as an OpenAI-compatible API, greedy, on loopback. The cloud tier is what
# `deploy.cloud.mode` says: offline, a **local stand-in** (a second `swift deploy` of the base model
# without adapter, labelled as such in every answer it gives), or a remote OpenAI-compatible
# endpoint whose key stays in an environment variable. The gateway (`python -m edgecloud.serve.gateway`)
# sends every request to the edge first and forwards it to the cloud when the edge replies
# 转发云端 (forward to cloud), detected by the same function 04_eval scores the model with.
#
# The smoke test (网关冒烟) checks the plumbing, not the model: every part answers its health check,
# a simple request and a complex request (a proof) each get a non-empty reply with an explicit tier
# and status, and a request without messages gets an OpenAI-style 400. Whether the complex request
# was forwarded is recorded as it happened; a smoke-profile adapter trained for a few steps is not
# expected to forward reliably (04_eval measures routing).
#
# The stack lives only inside the `with` block of one cell: when the cell ends, fails or is
# interrupted, every server is stopped (whole process groups), and the servers also die with the
# kernel. Logs: `reports/swift_deploy_<run>.log` (edge), `reports/swift_deploy_<run>_cloud.log`
# (stand-in) and `reports/edge_gateway_<run>.log`.

# %% tags=["parameters"]
params_file: str = "params/smoke.yaml"  # profile, relative to the workspace root
overrides: list = []  # the --set overrides of the command line, validated like the file

# %%
# %load_ext autoreload
# %autoreload 2
from edgecloud.model import best_adapter
from edgecloud.publish import figures
from edgecloud.serve.smoke import health_table, requests_table, run_smoke
from edgecloud.serve.stack import running_stack
from edgecloud.stages import open_stage
from edgecloud.train.prepare import prepared_model_dir

P, dirs = open_stage("05_deploy", params_file, overrides)
d = P.deploy
print(
    f"run {P.run_name!r}: base {prepared_model_dir(P).name}, adapter {best_adapter(P).name}; "
    f"ports gateway {d.gateway_port}, edge {d.edge_port}, cloud {d.cloud_port} ({d.cloud.mode})"
)

# %% [markdown]
# ## Start the stack, run the smoke test, stop the stack

# %%
with running_stack(P) as stack:
    report = run_smoke(P, stack)

# %% [markdown]
# ## Result

# %%
health = health_table(report)
print(f"smoke test: {'PASS' if report['ok'] else 'FAIL'}; startup (s): {report['startup_s']}")
health

# %%
table = requests_table(report)
figures.save_table(
    table,
    dirs.figures,
    "05_gateway_smoke",
    caption=f"网关冒烟测试（{P.run_name}，云端：{d.cloud.mode}）",
    label="tab:gateway-smoke",
)
table
