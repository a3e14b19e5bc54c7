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
# # 08 · 论文同步 Figures, tables and numbers into the thesis
#
# In the reference run the author copied figures and tables into `chapter2.tex`, the abstracts,
# the conclusion and a Markdown chapter by hand, and typed the numbers. Here the run does it:
#
# - **numbers**: every key number is read from the report its stage wrote and written as a LaTeX
#   macro (`figures/<run>/edge_numbers.tex`, e.g. `\EdgeBestEvalLoss`) and as JSON; each macro's
#   comment names its report and key, and a number whose stage has not run is a visible `??`;
# - **sync**: every figure (PDF + PNG), table (LaTeX + Markdown) and the macros are copied into the
#   thesis folder (`publish.thesis_dir`) by the map in `publish.map`. The thesis keeps
#   `.edgecloud-sync.json`; a file edgecloud did not write, or one edited since, is refused and
#   listed, never overwritten, and the chapter text is never touched;
# - **compile**: `latexmk -xelatex` builds the thesis PDF (`build/main.pdf` in the thesis folder);
# - **Word**: `docx_source.md` (the Markdown chapters with their tables, PNG figures and numbers) is
#   written under the same rules, and pandoc builds it into `build/thesis.docx`;
# - **summary**: the run report `reports/summary_<run>.md` in the reference's structure.
#
# The sample thesis (`thesis/` in the repo) is the default target; the smoke profile publishes into
# its own copy under `outputs/smoke/thesis`.

# %% tags=["parameters"]
params_file: str = "params/smoke.yaml"  # profile, relative to the workspace root
overrides: list = []  # the --set overrides of the command line, validated like the file

# %%
# %load_ext autoreload
# %autoreload 2
import tempfile
from pathlib import Path

from IPython.display import Image, Markdown, display

from edgecloud.paths import resolve
from edgecloud.publish import numbers, summary, thesis
from edgecloud.stages import open_stage

P, dirs = open_stage("08_publish", params_file, overrides)
print(f"run {P.run_name!r} -> thesis {P.publish.thesis_dir} (compile: {P.publish.compile})")

# %% [markdown]
# ## Numbers for the text
#
# What the abstract and conclusion cite, with the report each comes from.

# %%
nums = numbers.collect(P)
numbers.numbers_table(nums)

# %% [markdown]
# ## Sync into the thesis and compile

# %%
report = thesis.publish(P)
display(thesis.files_by_status_table(report))
thesis.changed_files_table(report)

# %%
problem = thesis.refused_message(report)
if problem:
    raise thesis.PublishError(problem)
if report["compile"] is not None and not report["compile"]["ok"]:
    raise thesis.PublishError(
        f"the thesis did not compile: {report['compile']['error']} (log: {report['compile']['log']})"
    )
compiled = report["compile"]
print(f"PDF: {compiled['pdf']} ({compiled['seconds']} s)" if compiled else "not compiled (publish.compile: false)")
word = report["docx"]  # without pandoc it is skipped, with the install hint
if word is not None and not word["ok"] and not word["skipped"]:
    raise thesis.PublishError(f"the Word version did not build: {word['error']}")
print(f"Word: {word['docx']}" if word and word["ok"] else f"Word: {word['error'] if word else 'not built'}")

# %% [markdown]
# The first pages of the compiled thesis, as a reader sees them (the chapters `\input` the
# generated tables and the macros; the appendix shows every generated table and figure).

# %%
if compiled:
    with tempfile.TemporaryDirectory() as tmp:  # the images live in the notebook, not as more files of the run
        for page in thesis.render_pages(resolve(compiled["pdf"]), Path(tmp), first=4, last=6):
            display(Image(filename=str(page), width=420))

# %% [markdown]
# ## Run report
#
# `reports/summary_<run>.md`, from the reports of this run; the runner writes it again (with its
# HTML version) when the whole run ends.

# %%
display(Markdown(summary.write_summary(P).read_text(encoding="utf-8")))
