"""The papermill runner: run folder, manifest, progress, failing stage and upstream checks."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from edgecloud import stages
from edgecloud.errors import UpstreamMissing
from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs


def cli(*args):
    return subprocess.run([sys.executable, "-m", "edgecloud", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.integration
def test_run_only_convert_writes_notebook_and_manifest(run_name):
    r = cli("run", "--params", "params/smoke.yaml", "--only", "01_convert", "--set", f"run_name={run_name}")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[1/1] 01_convert" in r.stdout and "01_convert: ok" in r.stdout
    dirs = RunDirs(run_name)
    m = json.loads(dirs.manifest.read_text())
    assert m["status"] == "ok" and m["stages"]["01_convert"]["status"] == "ok"
    assert m["params"]["run_name"] == run_name and len(m["params_sha256"]) == 64
    assert m["overrides"] == [f"run_name={run_name}"]
    assert {"python", "torch", "transformers", "peft", "ms-swift"} <= set(m["versions"])
    assert m["versions"]["torch"].startswith("2.13.0")
    assert "commit" in m["git"] and m["stages"]["01_convert"]["duration_s"] >= 0
    nb = json.loads((dirs.notebooks / "01_convert.ipynb").read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and run_name in "".join(injected[0]["source"])
    assert (dirs.reports / "edge_swift_data_check.json").is_file()
    assert (dirs.figures / "01_categories.png").is_file() and (dirs.figures / "01_split.tex").is_file()
    # the end of the run: the summary report and its HTML (with the executed notebook)
    m = json.loads(dirs.manifest.read_text())
    assert m["report"] == {"summary": f"outputs/{run_name}/reports/summary_{run_name}.md",
                           "html": f"outputs/{run_name}/reports/summary_{run_name}.html"}
    assert (ROOT / m["report"]["summary"]).is_file() and (ROOT / m["report"]["html"]).is_file()


@pytest.mark.integration
def test_failing_stage_is_named_with_its_error_and_the_run_stops(run_name):
    bad = ROOT / "outputs" / run_name / "all_bad.jsonl"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text("not json\n" * 5, encoding="utf-8")
    r = cli("run", "--params", "params/smoke.yaml", "--set", f"run_name={run_name}",
            "--set", f"data.raw_files=[{bad}]", "--set", "data.split={train: 1, valid: 1, test: 1}")
    assert r.returncode == 1
    assert f"summary: outputs/{run_name}/reports/summary_{run_name}.md" in r.stdout  # written for a failed run too
    assert "01_convert: FAILED" in r.stdout and "DataError: 0 of 5 raw records were accepted" in r.stdout
    assert f"outputs/{run_name}/notebooks/01_convert.ipynb" in r.stdout
    assert "02_prepare" not in r.stdout.split("FAILED", 1)[1]  # stopped at the first failure
    m = json.loads(RunDirs(run_name).manifest.read_text())
    assert m["status"] == "failed" and m["stages"]["01_convert"]["error"]["ename"] == "DataError"
    assert "02_prepare" not in m["stages"]


def test_bad_params_stop_before_any_stage_with_the_key_named(run_name):
    r = cli("run", "--params", "params/smoke.yaml", "--set", f"run_name={run_name}", "--set", "train.max_steps=-3")
    assert r.returncode == 2
    assert "--set train.max_steps=-3: key 'train.max_steps'" in r.stderr
    assert not RunDirs(run_name).root.exists()


def test_unknown_stage_is_refused():
    r = cli("run", "--params", "params/smoke.yaml", "--only", "09_nope")
    assert r.returncode == 2 and "unknown stage '09_nope'" in r.stderr


def test_stage_with_missing_upstream_says_which_stage_to_run_first(monkeypatch, run_name):
    later = stages.Stage("03_train", "train", ("01_convert", "02_prepare"))
    monkeypatch.setitem(stages.BY_NAME, "03_train", later)
    p = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    with pytest.raises(UpstreamMissing) as exc:
        stages.require_upstream("03_train", p, "params/smoke.yaml")
    msg = str(exc.value)
    assert "01_convert" in msg and f"outputs/{run_name}/data/train.jsonl" in msg
    assert "python -m edgecloud run --params params/smoke.yaml --only 01_convert,02_prepare" in msg


def test_stage_list_follows_the_notebooks():
    r = cli("stages")
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("01_convert")
