"""The papermill runner: run folder, manifest, progress, failing stage and upstream checks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from edgecloud import runner, stages
from edgecloud.errors import UpstreamMissing, UpstreamStale
from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs, resolve

from gateway_servers import free_ports


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "edgecloud", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


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
    assert m["report"] == {
        "summary": f"outputs/{run_name}/reports/summary_{run_name}.md",
        "html": f"outputs/{run_name}/reports/summary_{run_name}.html",
    }
    assert resolve(m["report"]["summary"]).is_file() and resolve(m["report"]["html"]).is_file()


@pytest.mark.integration
def test_failing_stage_is_named_with_its_error_and_the_run_stops(run_name):
    bad = RunDirs(run_name).root / "all_bad.jsonl"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text('{"foo": 1}\n' * 5, encoding="utf-8")  # readable JSON (the params check passes), no request
    r = cli(
        "run",
        "--params",
        "params/smoke.yaml",
        "--set",
        f"run_name={run_name}",
        "--set",
        f"data.raw_files=[{bad}]",
        "--set",
        "data.split={train: 1, valid: 1, test: 1}",
    )
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
    sets = [f"run_name={run_name}", "data.split={train: 30, valid: 10, test: 10}"]
    p = load_params("params/smoke.yaml", sets)
    with pytest.raises(UpstreamMissing) as exc:
        stages.require_upstream("03_train", p, "params/smoke.yaml", sets)
    msg = str(exc.value)
    assert "01_convert" in msg and f"outputs/{run_name}/data/train.jsonl" in msg
    # following the hint runs the same run: the user's --set options are kept (quoted for the shell)
    assert (
        f"python -m edgecloud run --params params/smoke.yaml --set run_name={run_name} "
        "--set 'data.split={train: 30, valid: 10, test: 10}' --only 01_convert,02_prepare"
    ) in msg


def test_stage_list_follows_the_notebooks():
    r = cli("stages")
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("01_convert")


# ---------------------------------------------------------------------------------------------
# The runner's bookkeeping, with papermill replaced by a fake that writes each stage's products (or fails,
# or is interrupted): no notebook runs, no model loads.

SMOKE = "params/smoke.yaml"


class FakeNotebooks:
    """Stands in for papermill.execute_notebook; `plan[stage]` is "ok" (default), "fail" or "interrupt"."""

    def __init__(self):
        self.ran: list[str] = []
        self.plan: dict[str, str] = {}

    def __call__(self, notebook, out_nb, parameters, **kwargs):
        name = Path(notebook).stem
        self.ran.append(name)
        what = self.plan.get(name, "ok")
        if what == "interrupt":
            raise KeyboardInterrupt
        if what == "fail":
            raise PapermillExecutionError(0, 4, "convert(P)", "DataError", "0 of 5 raw records were accepted", [])
        p = load_params(parameters["params_file"], parameters["overrides"])
        for product in stages.get_stage(name).products(p):
            product.parent.mkdir(parents=True, exist_ok=True)
            product.write_text("{}", encoding="utf-8")


@pytest.fixture
def fake(monkeypatch):
    nb = FakeNotebooks()
    monkeypatch.setattr(papermill, "execute_notebook", nb)
    monkeypatch.setattr(
        runner, "finish", lambda params, out=None, manifest=None, save=None: {"summary": None, "html": None}
    )
    return nb


def go(fake, run_name, *sets, only=None):
    """One `python -m edgecloud run` (as a function): (exit code, printed text, manifest, stages the fake ran)."""
    fake.ran.clear()
    out = io.StringIO()
    rc = runner.run(SMOKE, [f"run_name={run_name}", *sets], only=only, out=out, echo_output=False)
    return rc, out.getvalue(), json.loads(RunDirs(run_name).manifest.read_text()), list(fake.ran)


def refused(fake, run_name, *sets, only):
    fake.ran.clear()
    with pytest.raises(UpstreamStale) as exc:
        runner.run(SMOKE, [f"run_name={run_name}", *sets], only=only, out=io.StringIO(), echo_output=False)
    assert not fake.ran, "nothing may run on stale products"
    return str(exc.value)


def test_a_failed_convert_stops_later_stages_from_using_the_previous_split(fake, run_name, tmp_path):
    """Issue case 4: convert with file A (ok), then with a junk file B (fails): the split on disk is still A's."""
    go(fake, run_name, only=["01_convert", "02_prepare"])
    junk = tmp_path / "junk.jsonl"  # readable lines (the params check passes), but not requests
    junk.write_text('{"foo": 1}\n' * 60, encoding="utf-8")
    fake.plan["01_convert"] = "fail"
    rc, out, m, ran = go(fake, run_name, f"data.raw_files=[{junk}]", only=["01_convert"])
    assert rc == 1 and m["stages"]["01_convert"]["status"] == "failed"
    assert (RunDirs(run_name).data / "train.jsonl").is_file()  # A's split is still there ...
    for sets in ([f"data.raw_files=[{junk}]"], []):  # ... and neither B's params nor A's may train on it
        msg = refused(fake, run_name, *sets, only=["03_train"])
        assert "03_train reads what 01_convert writes, but its latest run" in msg
        assert "failed: DataError: 0 of 5 raw records were accepted" in msg
        assert msg.endswith(stages.run_command(SMOKE, [f"run_name={run_name}", *sets], ["01_convert", "03_train"]))
    assert "02_prepare" not in msg.split("Rerun")[0]  # its record is fine


# (--set of the rerun, stages asked for, None when allowed else (stale upstream, changed key, stages to rerun))
AFTER_TRAINING = [
    (["deploy.edge_timeout_s=5"], ["05_deploy"], None),
    (["e2e.browser=false", "deploy.max_new_tokens=8"], ["05_deploy", "06_e2e"], None),
    (["eval.max_new_tokens=8"], ["04_eval"], None),
    (["edge_bench.repeats=1"], ["07_edge_bench"], None),
    (["publish.compile=false"], ["08_publish"], None),
    (["train.max_steps=3"], ["04_eval"], ("03_train", "train.max_steps", ["03_train", "04_eval"])),
    (["eval.torch_dtype=bfloat16"], ["05_deploy"], ("03_train", "eval.torch_dtype", ["03_train", "05_deploy"])),
    (["data.max_chars=512"], ["05_deploy"], ("03_train", "data.max_chars", ["01_convert", "03_train", "05_deploy"])),
    (["seed=9"], ["03_train"], ("01_convert", "seed", ["01_convert", "02_prepare", "03_train"])),
    (
        ["model.max_new_tokens=8"],
        ["04_eval"],
        ("02_prepare", "model.max_new_tokens", ["02_prepare", "03_train", "04_eval"]),
    ),
]


@pytest.mark.parametrize("sets, only, stale", AFTER_TRAINING)
def test_a_stage_runs_only_on_upstream_products_made_with_the_params_it_depends_on(fake, run_name, sets, only, stale):
    rc, _, _, _ = go(fake, run_name, only=["01_convert", "02_prepare", "03_train"])
    assert rc == 0
    if stale is None:  # other params changed: a legitimate --only rerun of a later stage
        rc, _, m, ran = go(fake, run_name, *sets, only=only)
        assert rc == 0 and ran == only
        assert m["stages"]["03_train"]["params_sha256"] != m["params_sha256"]  # it ran with the earlier params
        return
    up, key, rerun = stale
    msg = refused(fake, run_name, *sets, only=only)
    assert f"reads what {up} writes, but it ran with other values of {key}" in msg
    assert msg.endswith(stages.run_command(SMOKE, [f"run_name={run_name}", *sets], rerun))
    rc, _, _, ran = go(fake, run_name, *sets, only=rerun)  # following the hint works
    assert rc == 0 and ran == rerun


def test_a_stage_whose_upstream_never_ran_is_refused_before_anything_is_written(fake, run_name):
    msg = refused(fake, run_name, only=["03_train"])
    assert "01_convert, 02_prepare" in msg and "run_manifest.json has no record of it" in msg
    assert msg.endswith("--only 01_convert,02_prepare,03_train")
    assert not RunDirs(run_name).root.exists()


def test_a_partial_rerun_keeps_every_stage_record_and_the_history(fake, run_name):
    """Issue case 13: `--only 06_e2e` used to rewrite run_manifest.json with that one stage."""
    rc, _, full, _ = go(fake, run_name)
    assert rc == 0 and set(full["stages"]) == {s.name for s in stages.STAGES}
    rc, _, m, ran = go(fake, run_name, "deploy.edge_timeout_s=5", only=["06_e2e"])
    assert rc == 0 and ran == ["06_e2e"]
    assert set(m["stages"]) == set(full["stages"])
    for name, rec in m["stages"].items():
        if name != "06_e2e":
            assert rec == full["stages"][name]  # status, times, params hash of the full run
    assert m["stages"]["06_e2e"]["params_sha256"] == m["params_sha256"] != full["params_sha256"]
    assert m["stages"]["06_e2e"]["overrides"] == [f"run_name={run_name}", "deploy.edge_timeout_s=5"]
    assert set(m["params_by_sha256"]) == {full["params_sha256"], m["params_sha256"]}
    assert [h["results"] for h in m["history"]] == [{s.name: "ok" for s in stages.STAGES}, {"06_e2e": "ok"}]
    assert [h["status"] for h in m["history"]] == ["ok", "ok"] and m["status"] == "ok"


def old_format_manifest(run_name, sets=(), stage_status=None):
    """run_manifest.json as the runner wrote it before stage records kept their params (format 1)."""
    p = load_params(SMOKE, [f"run_name={run_name}", *sets])
    names = ["01_convert", "02_prepare", "03_train", "04_eval"]
    recs = {
        n: {
            "status": (stage_status or {}).get(n, "ok"),
            "start_utc": "2026-12-02T04:20:16+00:00",
            "notebook": f"outputs/{run_name}/notebooks/{n}.ipynb",
            "log": f"outputs/{run_name}/logs/{n}.log",
            "end_utc": "2026-12-02T04:20:23+00:00",
            "duration_s": 6.9,
        }
        for n in names
    }
    m = {
        "run_name": run_name,
        "params_file": SMOKE,
        "overrides": [f"run_name={run_name}", *sets],
        "params": p.to_dict(),
        "params_sha256": p.sha256(),
        "git": {"commit": "41d7503", "dirty": False},
        "versions": {},
        "machine": {},
        "kernel": "edgecloud",
        "invocation": {"only": names, "from": None, "stages": names},
        "started_utc": "2026-12-02T04:20:16+00:00",
        "ended_utc": "2026-12-02T04:50:00+00:00",
        "status": "ok",
        "stages": recs,
    }
    RunDirs(run_name).root.mkdir(parents=True)
    RunDirs(run_name).manifest.write_text(json.dumps(m), encoding="utf-8")
    return m


def test_a_manifest_of_the_earlier_format_is_migrated_and_later_stages_run_on_it(fake, run_name):
    old = old_format_manifest(run_name)
    rc, _, m, ran = go(fake, run_name, only=["05_deploy", "06_e2e"])
    assert rc == 0 and ran == ["05_deploy", "06_e2e"]
    assert m["format"] == runner.MANIFEST_FORMAT and m["migrated"]["from_format"] == 1
    assert list(m["stages"]) == ["01_convert", "02_prepare", "03_train", "04_eval", "05_deploy", "06_e2e"]
    assert m["stages"]["03_train"]["params_sha256"] == old["params_sha256"]
    assert m["stages"]["03_train"]["duration_s"] == 6.9
    assert m["history"][0]["results"] == {n: "ok" for n in old["stages"]} and m["history"][0]["git_commit"] == "41d7503"
    assert m["history"][1]["results"] == {"05_deploy": "ok", "06_e2e": "ok"}


@pytest.mark.parametrize(
    "sets, stage_status, why",
    [
        (["train.max_steps=3"], None, "it ran with other values of train.max_steps"),
        ([], {"03_train": "running"}, "its latest run (started 2026-12-02T04:20:16+00:00) never ended"),  # killed
    ],
)
def test_an_earlier_format_manifest_still_guards_its_products(fake, run_name, sets, stage_status, why):
    old_format_manifest(run_name, sets, stage_status)
    msg = refused(fake, run_name, only=["05_deploy"])
    assert f"05_deploy reads what 03_train writes, but {why}" in msg


def test_an_interrupted_stage_is_recorded_and_says_how_to_resume(fake, run_name):
    """Ctrl-C: no "running" with no end in the manifest, one line instead of a traceback."""
    fake.plan["03_train"] = "interrupt"
    rc, out, m, ran = go(fake, run_name)
    assert rc == 130 and ran == ["01_convert", "02_prepare", "03_train"]
    assert out.rstrip().splitlines()[-1] == "interrupted: rerun the same command to resume"
    assert m["status"] == "interrupted" and m["ended_utc"]
    rec = m["stages"]["03_train"]
    assert rec["status"] == "interrupted" and rec["end_utc"] and rec["duration_s"] >= 0
    assert "04_eval" not in m["stages"] and m["history"][-1]["results"]["03_train"] == "interrupted"
    assert m["history"][-1]["status"] == "interrupted"
    assert "but its latest run" in refused(fake, run_name, only=["04_eval"])
    fake.plan.clear()
    rc, _, m, ran = go(fake, run_name)  # the same command resumes
    assert rc == 0 and m["stages"]["03_train"]["status"] == "ok"


def test_the_command_line_says_interrupted_in_one_line(monkeypatch, capsys):
    from edgecloud.__main__ import main

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run", ctrl_c)
    assert main(["run", "--params", SMOKE]) == 130
    assert capsys.readouterr().err == "interrupted: rerun the same command to resume\n"


def test_an_unreadable_manifest_is_kept_aside_and_a_new_one_begins(fake, run_name):
    RunDirs(run_name).root.mkdir(parents=True)
    RunDirs(run_name).manifest.write_text('{"stages": {', encoding="utf-8")
    rc, _, m, _ = go(fake, run_name, only=["01_convert"])
    assert rc == 0 and "kept as" in m["note"] and list(m["stages"]) == ["01_convert"]
    assert RunDirs(run_name).manifest.with_name("run_manifest.json.unreadable").read_text() == '{"stages": {'


# ---------------------------------------------------------------------------------------------
# running_stack for a run whose folders do not exist yet (issue case 14); no server is started


def test_the_stack_of_a_run_that_has_not_trained(monkeypatch, run_name, tmp_path):
    from edgecloud.serve import stack
    from edgecloud.train import devices

    gw, edge, cloud = free_ports(3)
    p = load_params(
        SMOKE,
        [f"run_name={run_name}", f"deploy.gateway_port={gw}", f"deploy.edge_port={edge}", f"deploy.cloud_port={cloud}"],
    )
    monkeypatch.setattr(devices, "pick_device", lambda preference="auto": "cpu")
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(
        stack.StackError,
        match=rf"run '{run_name}' has not trained yet \(outputs/{run_name}/reports/"
        r"swift_train_.*_summary.json is missing\): run 03_train first",
    ):
        with stack.running_stack(p, echo=lambda m: None, model_dir=model):
            pass

    class Started(Exception):
        pass

    def start(self):
        raise Started(self.name)

    monkeypatch.setattr(stack.Part, "start", start)
    adapter = tmp_path / "checkpoint-1"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(Started):  # a given model and adapter: the new run's folders are made
        with stack.running_stack(p, echo=lambda m: None, model_dir=model, adapter=adapter):
            pass
    assert str(adapter) in (RunDirs(run_name).reports / f"swift_deploy_{run_name}_command.txt").read_text()
