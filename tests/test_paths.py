"""Where runs write: the repository's outputs/ and figures/ by default, elsewhere with EDGECLOUD_OUTPUTS and
EDGECLOUD_FIGURES; the test suite itself writes into a temporary folder (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from edgecloud import paths
from edgecloud.paths import ROOT, RunDirs

from conftest import SESSION_DIR, SHARED_MODELS

PROBE = """
import json, sys
from edgecloud import paths
out = {"outputs": str(paths.OUTPUTS_DIR), "figures": str(paths.FIGURES_DIR), "models": str(paths.MODELS_DIR),
       "run_root": str(paths.RunDirs("r1").root), "run_figures": str(paths.RunDirs("r1").figures),
       "rel_report": paths.rel(paths.RunDirs("r1").reports / "a.json"),
       "rel_figure": paths.rel(paths.RunDirs("r1").figures / "f.png"),
       "rel_repo_outputs": paths.rel(paths.ROOT / "outputs" / "r1" / "a.json"),
       "rel_params": paths.rel(paths.ROOT / "params" / "smoke.yaml"),
       "resolve_report": str(paths.resolve("outputs/r1/reports/a.json")),
       "resolve_figure": str(paths.resolve("figures/r1/f.png")),
       "resolve_params": str(paths.resolve("params/smoke.yaml"))}
print(json.dumps(out))
"""


def probe(cwd, **env_vars) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("EDGECLOUD_OUTPUTS", "EDGECLOUD_FIGURES")}
    r = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=cwd, env={**env, **env_vars}, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_test_suite_writes_into_a_temporary_folder_not_the_repository():
    for moved, repo in ((paths.OUTPUTS_DIR, ROOT / "outputs"), (paths.FIGURES_DIR, ROOT / "figures")):
        assert moved != repo and moved.parent == SESSION_DIR
        assert os.environ[f"EDGECLOUD_{repo.name.upper()}"] == str(moved)  # what kernels and subprocesses get
    assert RunDirs("x").root == paths.OUTPUTS_DIR / "x" and RunDirs("x").figures == paths.FIGURES_DIR / "x"
    # the converted base model stays shared: the temporary models/ links to the cache outside the tests
    assert paths.MODELS_DIR.is_symlink() and paths.MODELS_DIR.resolve() == SHARED_MODELS
    # reports still name the files outputs/<run>/... and figures/<run>/..., and those names come back here
    assert paths.rel(RunDirs("x").reports / "r.json") == "outputs/x/reports/r.json"
    assert paths.resolve("figures/x/f.png") == RunDirs("x").figures / "f.png"


def test_without_the_variables_every_path_is_the_repository_default(tmp_path):
    got = probe(tmp_path)
    assert got == {
        "outputs": str(ROOT / "outputs"),
        "figures": str(ROOT / "figures"),
        "models": str(ROOT / "outputs" / "models"),
        "run_root": str(ROOT / "outputs" / "r1"),
        "run_figures": str(ROOT / "figures" / "r1"),
        "rel_report": "outputs/r1/reports/a.json",
        "rel_figure": "figures/r1/f.png",
        "rel_repo_outputs": "outputs/r1/a.json",
        "rel_params": "params/smoke.yaml",
        "resolve_report": str(ROOT / "outputs/r1/reports/a.json"),
        "resolve_figure": str(ROOT / "figures/r1/f.png"),
        "resolve_params": str(ROOT / "params/smoke.yaml"),
    }


def test_the_variables_move_outputs_and_figures_and_reports_keep_their_names(tmp_path):
    out, fig = tmp_path / "elsewhere" / "out", tmp_path / "figs"
    got = probe(tmp_path, EDGECLOUD_OUTPUTS=str(out), EDGECLOUD_FIGURES=str(fig))
    assert (got["outputs"], got["figures"], got["models"]) == (str(out), str(fig), str(out / "models"))
    assert (got["run_root"], got["run_figures"]) == (str(out / "r1"), str(fig / "r1"))
    assert (got["rel_report"], got["rel_figure"]) == ("outputs/r1/reports/a.json", "figures/r1/f.png")
    assert got["resolve_report"] == str(out / "r1/reports/a.json") and got["resolve_figure"] == str(fig / "r1/f.png")
    # a file left in the repository's own outputs/ is not what "outputs/..." means now: named absolutely
    assert got["rel_repo_outputs"] == str(ROOT / "outputs" / "r1" / "a.json")
    assert got["rel_params"] == "params/smoke.yaml" and got["resolve_params"] == str(ROOT / "params/smoke.yaml")


def test_a_relative_value_is_taken_from_the_repository_root_whatever_the_working_folder(tmp_path):
    a = probe(tmp_path, EDGECLOUD_OUTPUTS="build/out")
    b = probe(ROOT / "notebooks", EDGECLOUD_OUTPUTS="build/out")  # nbval's kernels run in notebooks/
    assert a["outputs"] == b["outputs"] == str(ROOT / "build" / "out")
    assert a["figures"] == str(ROOT / "figures")  # each variable moves only its own folder
