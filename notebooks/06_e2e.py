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
# # 06 · 客户端联测 Fixed client cases and a real browser
#
# The reference run closed with 12 fixed client requests sent through the backend API path of the
# gateway: every one got a non-empty reply, and on the 2 complex-reasoning requests the edge model
# said 转发云端 ("forward to cloud"). This stage repeats that test on the deployed stack of this run
# (`swift deploy` of the base model + best LoRA adapter, the cloud tier, the edge gateway; the
# same stack as 05_deploy, started and stopped here):
#
# - **API path**: each case of `data/e2e/cases.jsonl` (10 edge requests over the six edge
#   categories in Chinese and English, 2 complex ones: a proof by induction and a multi-day plan
#   with constraints) is sent as the web page sends it, `POST /api/chat`, without history;
# - **web client**: a real headless Chromium (Playwright, Debian's `chromium`) opens the page the
#   gateway serves, types one edge and one complex case, and reads what the page rendered: the
#   reply, the tier it shows and the latency badge, checked against the JSON the page received.
#
# What the numbers mean: *non-empty* counts replies with any text (the reference's headline);
# a complex case is a *forward hit* when the edge model's reply forwards (`edge_decision` is
# `forward`); *routing accuracy* is the share of all cases whose edge decision matches the
# expected tier; latency is measured by the client (whole HTTP request) and reported by the
# gateway (edge call, plus the cloud call for forwarded requests).

# %% tags=["parameters"]
params_file: str = "params/smoke.yaml"  # profile, relative to the workspace root
overrides: list = []  # the --set overrides of the command line, validated like the file

# %%
# %load_ext autoreload
# %autoreload 2
from IPython.display import Image, display

from edgecloud import artifacts
from edgecloud.publish import figures
from edgecloud.serve import browser, e2e, e2e_report
from edgecloud.serve.stack import running_stack
from edgecloud.stages import open_stage

P, dirs = open_stage("06_e2e", params_file, overrides)
figures.use_style()
cases = e2e.load_cases(P.e2e.cases_file)
print(f"run {P.run_name!r}: {len(cases)} cases from {P.e2e.cases_file}, browser check: {P.e2e.browser}")

# %% [markdown]
# ## Start the stack, run the cases, check the web page
#
# Everything that needs the servers happens in this one cell: the stack stops when the `with`
# block ends, also on an error.

# %%
api_key = e2e.client_api_key(P)
with running_stack(P) as stack:
    results = e2e.run_cases(stack.gateway_url, cases, timeout_s=e2e.request_timeout_s(P), api_key=api_key)
    multiturn = (
        e2e.run_cases(
            stack.gateway_url, e2e.load_cases(P.e2e.multiturn_file), timeout_s=e2e.request_timeout_s(P), api_key=api_key
        )
        if P.e2e.multiturn_file
        else None
    )
    web = (
        browser.run_browser_check(P, stack.gateway_url, cases, api_results=results, api_key=api_key)
        if P.e2e.browser
        else None
    )
    summary = e2e.summarize(results)
    paths = e2e_report.write_report(
        P,
        results,
        summary,
        web,
        deployment={
            "edge model": stack.served_model,
            "cloud": stack.cloud_label or "none",
            "cloud model": stack.cloud_model,
            "logs": ", ".join(f"{k}: {v.name}" for k, v in stack.logs.items()),
        },
        multiturn=multiturn,
    )
print(
    f"non-empty {summary['non_empty']}/{summary['cases']}, forward hits "
    f"{summary['complex_forward_hits']}/{summary['complex_cases']}, report {paths['md'].name}"
)

# %% [markdown]
# ## Summary (the reference's table, plus routing and latency)

# %%
e2e_report.summary_table(summary)

# %% [markdown]
# ## Conversations: cases with earlier turns
# The same backend API with the case's earlier turns (as the web page sends them); the tier is decided
# for the last request.

# %%
if multiturn is not None:
    mt = e2e.summarize(multiturn)
    print(
        f"multi-turn: routed as expected {mt['routing_correct']}/{mt['cases']}, non-empty {mt['non_empty']}/{mt['cases']}"
    )
    display(e2e_report.cases_table(multiturn))

# %% [markdown]
# ## Per case

# %%
e2e_report.cases_table(results)

# %% [markdown]
# ## Latency per case
#
# Bars: latency measured by the client, coloured by the tier that answered; ticks: the latency the
# gateway reports for the same request.

# %%
fig = e2e_report.latency_figure(results)

# %% [markdown]
# ## The web client in headless Chromium

# %%
if web is not None:
    display(e2e_report.web_cases_table(web))
    display(Image(filename=str(artifacts.path("web_screenshot", P)), width=600))
