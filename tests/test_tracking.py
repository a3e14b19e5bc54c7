"""Experiment tracking (tracking.py) and `compare` (compare.py) on a real MLflow SQLite store in a temporary
folder, with run folders holding real report files (the shapes the writers produce: test_summary's reports,
ms-swift's logging.jsonl fixture, a calibration report built with calibrate.checkpoint_row). No model runs.

The runner is exercised through `runner.run` with papermill replaced by the fake of test_runner (a stage
"runs" by writing its products), so the hook that tracks a run is the one `python -m edgecloud run` uses."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import papermill
import pytest
from mlflow.tracking import MlflowClient

from edgecloud import runner, tracking
from edgecloud.__main__ import main
from edgecloud.eval.calibrate import checkpoint_row
from edgecloud.jsonio import read_json, write_json
from edgecloud.params import load_params
from edgecloud.paths import FIGURES_DIR, OUTPUTS_DIR, ROOT, RunDirs
from edgecloud.publish.compare import curves_figure, load
from edgecloud.publish.numbers import collect
from edgecloud.publish.summary import risks
from edgecloud.train.trainlog import parse_logging

from test_runner import FakeNotebooks
from test_summary import make_reports, write_run

LOGS = ROOT / "tests" / "fixtures" / "swift_logs"
SECRET = "sk-edgecloud-test-4f1c9e2b7d"  # the value of a key variable: must never reach the tracker


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """One SQLite store for the module (creating MLflow's tables takes seconds): its URI and folder."""
    d = tmp_path_factory.mktemp("mlflow")
    return f"sqlite:///{(d / 'mlflow.db').as_posix()}", d


@pytest.fixture
def tracker(store, monkeypatch):
    uri, _ = store
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.delenv("EDGECLOUD_TRACKING", raising=False)
    return MlflowClient(tracking_uri=uri)


@pytest.fixture
def runs():
    """Throw-away run names; their outputs/ and figures/ folders are removed afterwards."""
    made: list[str] = []

    def new(tag: str) -> str:
        made.append(f"pytest-trk-{tag}-{os.getpid()}-{len(made)}")
        return made[-1]

    yield new
    for name in made:
        for base in (OUTPUTS_DIR, FIGURES_DIR):
            shutil.rmtree(base / name, ignore_errors=True)


def make_run(name: str, *sets: str, loss_scale: float = 1.0, acc_shift: float = 0.0):
    """A finished run folder: every stage report, ms-swift's logging.jsonl (losses scaled), a calibration report
    of two checkpoints, a figure, and a manifest whose params are the run's."""
    p = load_params("params/smoke.yaml", [f"run_name={name}", *sets])
    reports = make_reports(p)
    reports["manifest"].update(
        git={"commit": "0123abc", "dirty": True},
        versions={"python": "3.11.9", "torch": "2.13.0"},
        machine={"cpus": 2},
        overrides=list(sets),
        invocation={"stages": ["01_convert"]},
    )
    write_run(p, reports)
    train = RunDirs(name).root / "train"
    train.mkdir(parents=True, exist_ok=True)
    lines = []
    for line in (LOGS / "complete.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        for k in ("loss", "eval_loss"):
            if k in rec:
                rec[k] = rec[k] * loss_scale
        lines.append(json.dumps(rec))
    (train / "logging.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    labels = [i % 4 == 0 for i in range(20)]
    rows = []
    for step, sep in ((2, 0.5 + acc_shift), (4, 1.0 + acc_shift)):
        scores = [(sep if lab else -sep) + ((i * 37) % 11 - 5) / 5 for i, lab in enumerate(labels)]  # overlapping
        rows.append(
            {
                **checkpoint_row(step, 1.2, labels, scores, [s > 0 for s in scores]),
                "checkpoint": f"outputs/{name}/train/checkpoint-{step}",
            }
        )
    write_json(
        RunDirs(name).reports / f"routing_calibration_{name}.json",
        {"run_name": name, "threshold": rows[-1]["threshold"], "step": 4, "checkpoints": rows},
    )
    RunDirs(name).figures.mkdir(parents=True, exist_ok=True)
    (RunDirs(name).figures / "03_train.md").write_text("| step |\n|---:|\n| 2 |\n", encoding="utf-8")
    return p, reports["manifest"]


def tracked_run(client: MlflowClient, run_id: str):
    return client.get_run(run_id)


def artifact_paths(client: MlflowClient, run_id: str, path: str | None = None) -> set[str]:
    out = set()
    for f in client.list_artifacts(run_id, path):
        out |= artifact_paths(client, run_id, f.path) if f.is_dir else {f.path}
    return out


# ---------------------------------------------------------------------------------------------
# Tracking


def test_a_run_is_logged_with_params_provenance_numbers_curves_and_artifacts(tracker, runs):
    name = runs("full")
    p, manifest = make_run(name, "train.learning_rate=0.0003")
    out = io.StringIO()
    done = runner.finish(p, out, manifest, save=lambda: write_json(RunDirs(name).manifest, manifest))
    rec = read_json(RunDirs(name).manifest)["tracking"]
    assert rec["status"] == "ok", rec
    assert rec["run_id"] in out.getvalue()
    run = tracked_run(tracker, rec["run_id"])
    assert run.info.status == "FINISHED" and run.info.run_name == name
    # params: flattened, the run's values, and their hash
    assert run.data.params["train.learning_rate"] == "0.0003"
    assert run.data.params["data.split.train"] == str(p.data.split.train)
    assert run.data.params["params_sha256"] == p.sha256()
    assert len(run.data.params) == len(tracking.flatten(p.to_dict())) + 1
    # provenance and stage status as tags, durations as metrics
    tags = run.data.tags
    assert tags["mlflow.source.git.commit"] == "0123abc" and tags["git.dirty"] == "True"
    assert tags["versions.torch"] == "2.13.0" and tags["machine.cpus"] == "2"
    assert tags["stage.03_train.status"] == "ok"
    assert run.data.metrics["stage/03_train/duration_s"] == manifest["stages"]["03_train"]["duration_s"]
    # the key numbers, as the thesis macros hold them
    numbers = collect(p)
    assert run.data.metrics["EdgeBestEvalLoss"] == pytest.approx(numbers["EdgeBestEvalLoss"]["value"])
    assert run.data.metrics["EdgeFinetunedRoutingAcc"] == pytest.approx(0.9)
    assert tags["number.EdgeBaseModel"] == "SmolLM2-135M-Instruct"
    # curves per step: logging.jsonl's train and eval records, the calibration per checkpoint
    log = parse_logging(RunDirs(name).root / "train" / "logging.jsonl")
    hist = tracker.get_metric_history(rec["run_id"], "train/loss")
    assert sorted((m.step, m.value) for m in hist) == [(r["step"], pytest.approx(r["loss"])) for r in log.train]
    assert len(tracker.get_metric_history(rec["run_id"], "eval/loss")) == len(log.evals)
    assert [m.step for m in tracker.get_metric_history(rec["run_id"], "routing/valid_accuracy")] == [2, 4]
    # artifacts: reports, figures, the manifest and the run report
    files = artifact_paths(tracker, rec["run_id"])
    assert {
        f"reports/swift_train_{name}_summary.json",
        f"reports/routing_calibration_{name}.json",
        "figures/03_train.md",
        "run_manifest.json",
        f"reports/summary_{name}.md",
    } <= files, files
    assert done["summary"].endswith(f"summary_{name}.md")


def test_the_runner_tracks_every_invocation_with_its_status(tracker, runs, monkeypatch):
    nb = FakeNotebooks()
    monkeypatch.setattr(papermill, "execute_notebook", nb)
    name = runs("runner")
    rc = runner.run(
        "params/smoke.yaml",
        [f"run_name={name}"],
        only=["01_convert", "02_prepare"],
        out=io.StringIO(),
        echo_output=False,
    )
    nb.plan["02_prepare"] = "fail"
    rc2 = runner.run(
        "params/smoke.yaml",
        [f"run_name={name}", "seed=3"],
        only=["01_convert", "02_prepare"],
        out=io.StringIO(),
        echo_output=False,
    )
    assert (rc, rc2) == (0, 1)
    found = tracker.search_runs(
        [tracker.get_experiment_by_name("edgecloud").experiment_id],
        f"tags.`edgecloud.run_name` = '{name}'",
        order_by=["attributes.start_time ASC"],
    )
    assert [r.info.status for r in found] == ["FINISHED", "FAILED"]
    assert [r.data.params["seed"] for r in found] == ["7", "3"]
    assert found[1].data.tags["stage.02_prepare.status"] == "failed"
    assert "stage/01_convert/duration_s" in found[1].data.metrics
    assert read_json(RunDirs(name).manifest)["tracking"]["run_id"] == found[1].info.run_id


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_tracker_does_not_fail_the_run_and_is_a_risk(runs, monkeypatch):
    port = _closed_port()  # bound, then closed: nothing listens there
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://edge:pw-{SECRET}@127.0.0.1:{port}")
    monkeypatch.setattr(papermill, "execute_notebook", FakeNotebooks())
    name = runs("down")
    out = io.StringIO()
    t0 = time.monotonic()
    rc = runner.run("params/smoke.yaml", [f"run_name={name}"], only=["01_convert"], out=out, echo_output=False)
    took = time.monotonic() - t0
    assert rc == 0, out.getvalue()
    manifest = read_json(RunDirs(name).manifest)
    rec = manifest["tracking"]
    assert rec["status"] == "failed" and str(port) in rec["uri"] and rec["error"], rec
    assert "tracking: FAILED" in out.getvalue()
    assert took < 90, f"a tracker that is down cost {took:.0f} s"
    found = [r for r in risks(load_params("params/smoke.yaml", [f"run_name={name}"])) if "实验追踪失败" in r["risk"]]
    assert len(found) == 1 and str(port) in found[0]["detail"] and "edgecloud track" in found[0]["detail"]
    summary = (RunDirs(name).reports / f"summary_{name}.md").read_text(encoding="utf-8")
    assert "实验追踪失败 experiment tracking failed" in summary
    for text in (RunDirs(name).manifest.read_text(encoding="utf-8"), summary, out.getvalue()):
        assert SECRET not in text  # the URI's password is masked


def test_tracking_off_records_nothing(runs, monkeypatch, store):
    monkeypatch.setenv("EDGECLOUD_TRACKING", "off")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{_closed_port()}")
    p, manifest = make_run(runs("off"))
    assert tracking.track_run(p, manifest).record["status"] == "off"


def test_no_key_from_the_environment_reaches_the_tracker(tracker, store, runs, monkeypatch):
    monkeypatch.setenv("EDGECLOUD_TEST_CLOUD_KEY", SECRET)
    name = runs("secret")
    p, manifest = make_run(name, "deploy.cloud.api_key_env=EDGECLOUD_TEST_CLOUD_KEY")
    rec = tracking.track_run(p, manifest).record
    assert rec["status"] == "ok", rec
    run = tracker.get_run(rec["run_id"])
    assert run.data.params["deploy.cloud.api_key_env"] == "EDGECLOUD_TEST_CLOUD_KEY"  # the name, never the value
    secretish = {
        v
        for k, v in os.environ.items()
        if len(v) >= 8 and any(w in k.upper() for w in ("KEY", "TOKEN", "SECRET", "PASSWORD"))
    }
    assert SECRET in secretish
    logged = [*run.data.params.values(), *run.data.tags.values()]
    _, folder = store
    stored = [(folder / "mlflow.db").read_bytes()]
    stored += [
        f.read_bytes() for f in tracking.artifact_root().rglob("*") if f.is_file() if rec["run_id"] in f.as_posix()
    ]
    assert len(stored) > 3
    for value in secretish:
        assert not any(value in v for v in logged)
        assert not any(value.encode() in blob for blob in stored)


# ---------------------------------------------------------------------------------------------
# compare


def test_compare_writes_the_params_that_differ_the_key_numbers_and_the_curves(runs):
    a, b = runs("a"), runs("b")
    make_run(a, "train.learning_rate=0.0001")
    make_run(b, "train.learning_rate=0.0003", "train.max_steps=8", loss_scale=0.5, acc_shift=1.0)
    assert main(["compare", a, b]) == 0
    out = FIGURES_DIR / a
    stem = f"compare_{a}-vs-{b}"
    params_md = (out / f"{stem}_params.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
        for line in params_md.splitlines()
        if line.startswith("| ") and "---" not in line
    }
    assert rows["train.learning_rate"] == ["0.0001", "0.0003"]
    assert rows["train.max_steps"][1] == "8"
    assert rows["run_name"] == [a, b]
    assert "seed" not in rows and "data.split.train" not in rows  # equal params are left out
    metrics_md = (out / f"{stem}_metrics.md").read_text(encoding="utf-8")
    row = next(line for line in metrics_md.splitlines() if "| EdgeBestEvalLoss |" in line)
    assert row.count("1.1574") == 2
    tex = (out / f"{stem}_metrics.tex").read_text(encoding="utf-8")
    assert "\\toprule" in tex and "EdgeBestEvalLoss" in tex
    for suffix in (".pdf", ".png"):
        assert (out / f"{stem}_curves{suffix}").stat().st_size > 5000
    # the figure overlays each run's train and eval loss and its routing curves, with the logged values
    ra, rb = load(a), load(b)
    fig = curves_figure([ra, rb])
    loss_ax, routing_ax = fig.axes
    assert len(loss_ax.lines) == 4 and len(routing_ax.lines) == 4
    train_b = parse_logging(RunDirs(b).root / "train" / "logging.jsonl").train
    assert list(loss_ax.lines[2].get_ydata()) == pytest.approx([r["loss"] for r in train_b])
    assert list(routing_ax.lines[2].get_xdata()) == [2, 4]


def test_compare_reads_tracked_runs_also_after_their_folder_was_replaced(tracker, runs):
    name = runs("same")
    p1, m1 = make_run(name, "train.learning_rate=0.0001")
    first = tracking.track_run(p1, m1).record["run_id"]
    p2, m2 = make_run(name, "train.learning_rate=0.0005", loss_scale=0.8)  # a second run, same folder
    second = tracking.track_run(p2, m2).record["run_id"]
    assert main(["compare", first, second, "--name", "lr"]) == 0
    out = FIGURES_DIR / name
    params_md = (out / "compare_lr_params.md").read_text(encoding="utf-8")
    assert "| train.learning_rate | 0.0001 | 0.0005 |" in params_md
    assert f"{name}@{first[:7]}" in params_md
    metrics_md = (out / "compare_lr_metrics.md").read_text(encoding="utf-8")
    assert "| EdgeBaseModel | SmolLM2-135M-Instruct | SmolLM2-135M-Instruct |" in metrics_md
    tracked, folder = load(second).curves["train/loss"], load(name).curves["train/loss"]
    assert [s for s, _ in tracked] == [s for s, _ in folder]
    assert [v for _, v in tracked] == pytest.approx([v for _, v in folder])
    assert (out / "compare_lr_curves.png").is_file()


def test_compare_reads_a_run_made_by_another_version_of_the_schema(runs):
    """A manifest whose params today's schema refuses (a variant since renamed) is still compared: its reports
    are found, and the table shows the params as recorded."""
    a, b = runs("old"), runs("new")
    make_run(a)
    make_run(b)
    manifest = read_json(RunDirs(a).manifest)
    manifest["params"]["edge_bench"]["variants"] = ["torch-fp32", "gguf-q8_0-lookup"]
    write_json(RunDirs(a).manifest, manifest)
    assert main(["compare", a, b, "--name", "schema"]) == 0
    params_md = (FIGURES_DIR / a / "compare_schema_params.md").read_text(encoding="utf-8")
    assert '| edge_bench.variants | ["torch-fp32", "gguf-q8_0-lookup"] |' in params_md
    metrics_md = (FIGURES_DIR / a / "compare_schema_metrics.md").read_text(encoding="utf-8")
    assert "| EdgeBestEvalLoss | 1.1574 | 1.1574 |" in metrics_md


def test_compare_names_what_is_wrong(runs, capsys):
    a = runs("only")
    make_run(a)
    assert main(["compare", a]) == 2
    assert "at least two runs" in capsys.readouterr().err
    assert main(["compare", a, "no-such-run"]) == 2
    err = capsys.readouterr().err
    assert "no run 'no-such-run'" in err and a in err and "tracker run id" in err
    assert main(["compare", a, a, "--name", "bad name"]) == 2
    assert "--name" in capsys.readouterr().err


def test_compared_files_are_published_into_the_thesis(runs, tmp_path):
    from edgecloud.publish.thesis import destination

    a, b = runs("pa"), runs("pb")
    p, _ = make_run(a)
    make_run(b, "seed=1")
    assert main(["compare", a, b]) == 0
    made = sorted(f.name for f in (FIGURES_DIR / a).glob("compare_*"))
    assert len(made) == 6
    for f in made:
        assert destination(p, f) == "generated/chapter2"


# ---------------------------------------------------------------------------------------------
# make ui


def test_the_ui_serves_the_same_store_on_loopback(tracker, runs, store):
    name = runs("ui")
    p, manifest = make_run(name)
    run_id = tracking.track_run(p, manifest).record["run_id"]
    port = _closed_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "edgecloud", "ui", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, up = time.monotonic() + 120, False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                up = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                up = False
            if up:
                break
            time.sleep(1)
        assert up, f"the UI did not come up (exit {proc.poll()})"
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "<html" in page.text.lower()
        exp = tracker.get_experiment_by_name("edgecloud").experiment_id
        found = httpx.post(
            f"http://127.0.0.1:{port}/api/2.0/mlflow/runs/search",
            timeout=10,
            json={"experiment_ids": [exp], "max_results": 1000},
        ).json()
        assert run_id in {r["info"]["run_id"] for r in found["runs"]}
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True).stdout
        assert listening.strip() and all("127.0.0.1:" in line for line in listening.splitlines()), listening
    finally:
        proc.send_signal(signal.SIGTERM)  # to the command only, as a process manager would: it stops its server
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
    assert _group_gone(proc.pid), "a process of the UI outlived the test"
    # the mlflow server runs in a process group of its own: none of it may be left either
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _ui_processes(port):
        time.sleep(0.5)
    assert not _ui_processes(port), _ui_processes(port)


def _ui_processes(port: int) -> list[str]:
    """Command lines of processes still serving the UI's port (the mlflow server and its uvicorn)."""
    out = []
    for cmd in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmd.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"mlflow" in b" ".join(args) and str(port).encode() in args:
            out.append(b" ".join(args).decode(errors="replace"))
    return out


def _group_gone(pgid: int, timeout_s: float = 30) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.5)
    return False
