"""Experiment tracking: every `python -m edgecloud run` becomes one MLflow run.

By default the store is a SQLite file in the outputs folder (`sqlite:///<outputs>/mlflow.db`, artifacts
under `<outputs>/mlruns/`), so nothing needs a server; `MLFLOW_TRACKING_URI` (a tracking server a team
shares, another database) replaces it without a code change, and `MLFLOW_EXPERIMENT_NAME` the experiment
(default `edgecloud`). `EDGECLOUD_TRACKING=off` turns tracking off.

A run logs: the params flattened (`train.learning_rate`, ...) and their hash; git commit and dirty flag,
versions, machine (what run_manifest.json records) as tags; each stage's status (tag) and duration
(metric); the key numbers of the stage reports (`number_sources.NUMBERS`, by macro name: the digits the thesis
carries); the training curves per step from ms-swift's logging.jsonl and the routing calibration per
checkpoint; the reports, the figures and tables, the manifest and the run report as artifacts.

Tracking never fails a run: any error (store unreachable, not writable, mlflow missing) is caught and
recorded in the manifest (`tracking`), and the run report lists it as a risk. Nothing is read from the
environment into the tracker; params hold names of key variables, never keys; a password in the
tracking URI is masked wherever it is recorded.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from edgecloud import artifacts
from edgecloud.jsonio import read_json
from edgecloud.params import Params
from edgecloud.paths import OUTPUTS_DIR, RunDirs, rel
from edgecloud.publish.numbers import collect
from edgecloud.train.trainlog import parse_logging

DEFAULT_EXPERIMENT = "edgecloud"
PARAM_MAX = 6000  # MLflow's limit on a param value's length
# Curves logged per step (metric name -> where it comes from); compare reads the same names back.
TRAIN_CURVES = {"train/loss": "loss", "train/token_acc": "token_acc", "train/learning_rate": "learning_rate"}
EVAL_CURVES = {"eval/loss": "eval_loss", "eval/token_acc": "eval_token_acc"}
ROUTING_CURVES = {
    "routing/valid_accuracy": "valid_accuracy",
    "routing/valid_auc": "valid_auc",
    "routing/valid_accuracy_greedy": "valid_accuracy_greedy",
}
RUN_STATUS = {"ok": "FINISHED", "failed": "FAILED", "interrupted": "KILLED"}
# Requests to a tracking server: few retries and a short timeout, so a server that is down costs seconds, not
# minutes (MLflow's own defaults retry 7 times with backoff). A value the user set wins.
HTTP_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
}


def enabled() -> bool:
    return os.environ.get("EDGECLOUD_TRACKING", "").strip().lower() not in ("off", "0", "false", "no")


def default_uri() -> str:
    return f"sqlite:///{(OUTPUTS_DIR / 'mlflow.db').as_posix()}"


def tracking_uri() -> str:
    """MLFLOW_TRACKING_URI when set, else the SQLite file in the outputs folder."""
    return os.environ.get("MLFLOW_TRACKING_URI", "").strip() or default_uri()


def artifact_root() -> Path:
    return OUTPUTS_DIR / "mlruns"


def experiment_name() -> str:
    return os.environ.get("MLFLOW_EXPERIMENT_NAME", "").strip() or DEFAULT_EXPERIMENT


def shown_uri(uri: str) -> str:
    """The URI as it may be written down: a password in it (`https://user:secret@host`) masked."""
    return re.sub(r"(://[^/:@]+):[^/@]*@", r"\1:***@", uri)


def flatten(doc: Any, prefix: str = "") -> dict[str, str]:
    """Dotted keys -> text of the values (lists as JSON), for MLflow params and for compare."""
    if isinstance(doc, dict) and doc:
        out: dict[str, str] = {}
        for k, v in doc.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False, sort_keys=True)
    return {prefix: text[:PARAM_MAX]}


def key_numbers(params: Params) -> tuple[dict[str, float], dict[str, str]]:
    """The run's key numbers that exist: numeric ones as metrics, text ones (model, recommended variant) as tags."""
    metrics, texts = {}, {}
    for name, e in collect(params).items():
        v = e["value"]
        if v is None:
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            metrics[name] = float(v)
        else:
            texts[name] = str(v)
    return metrics, texts


def curves(params: Params) -> dict[str, list[tuple[int, float]]]:
    """Per-step curves: training and evaluation from ms-swift's logging.jsonl (resumes counted once), the
    routing calibration per checkpoint from its report."""
    out: dict[str, list[tuple[int, float]]] = {}
    log = parse_logging(artifacts.path("checkpoints", params).parent / "logging.jsonl")
    for rows, names in ((log.train, TRAIN_CURVES), (log.evals, EVAL_CURVES)):
        for metric, key in names.items():
            pts = [(int(r["step"]), float(r[key])) for r in rows if isinstance(r.get(key), (int, float))]
            if pts:
                out[metric] = pts
    cal_path = artifacts.path("calibration", params)
    try:
        cal = read_json(cal_path) if cal_path.is_file() else {}
    except ValueError:
        cal = {}
    rows = cal.get("checkpoints") if isinstance(cal, dict) else None
    for metric, key in ROUTING_CURVES.items():
        pts = [
            (int(r["step"]), float(r[key]))
            for r in rows or []
            if isinstance(r, dict) and isinstance(r.get(key), (int, float))
        ]
        if pts:
            out[metric] = pts
    return out


def tags(manifest: dict[str, Any]) -> dict[str, str]:
    """Provenance as tags: git (MLflow's own tag names, so the UI shows them), versions, machine, invocation."""
    git = manifest.get("git") or {}
    out = {
        "mlflow.source.git.commit": str(git.get("commit")),
        "git.dirty": str(git.get("dirty")),
        "edgecloud.run_name": str(manifest.get("run_name")),
        "edgecloud.status": str(manifest.get("status")),
        "edgecloud.params_file": str(manifest.get("params_file")),
        "edgecloud.overrides": json.dumps(manifest.get("overrides") or [], ensure_ascii=False),
        "edgecloud.stages_run": ",".join((manifest.get("invocation") or {}).get("stages") or []),
        "edgecloud.run_folder": rel(RunDirs(str(manifest.get("run_name"))).root),
    }
    for group in ("versions", "machine"):
        for k, v in (manifest.get(group) or {}).items():
            out[f"{group}.{k}"] = str(v)
    for name, rec in (manifest.get("stages") or {}).items():
        if isinstance(rec, dict):
            out[f"stage.{name}.status"] = str(rec.get("status"))
    return out


def stage_durations(manifest: dict[str, Any]) -> dict[str, float]:
    return {
        f"stage/{name}/duration_s": float(rec["duration_s"])
        for name, rec in (manifest.get("stages") or {}).items()
        if isinstance(rec, dict) and isinstance(rec.get("duration_s"), (int, float))
    }


def artifact_dirs(params: Params) -> dict[str, Path]:
    """Folders logged as artifacts (MLflow folder -> local folder): the reports and the figures/tables."""
    d = RunDirs(params.run_name)
    return {"reports": d.reports, "figures": d.figures}


@contextmanager
def _http_defaults() -> Iterator[None]:
    added = [k for k in HTTP_DEFAULTS if k not in os.environ]
    os.environ.update({k: HTTP_DEFAULTS[k] for k in added})
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


@dataclass
class Tracked:
    """What tracking did: `record` goes into run_manifest.json (`tracking`) and the run report."""

    record: dict[str, Any]
    client: Any = field(default=None, repr=False)
    uri: str = field(default="", repr=False)  # as given (the record holds it with a password masked)

    @property
    def ok(self) -> bool:
        return self.record.get("status") == "ok"


def _error(exc: BaseException, uri: str) -> str:
    """The first line of an error, with a password the tracking URI holds masked."""
    msg = f"{type(exc).__name__}: {exc}"
    if shown_uri(uri) != uri:
        msg = msg.replace(uri, shown_uri(uri))
    return (msg.splitlines() or [type(exc).__name__])[0][:500]


def _batches(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def track_run(params: Params, manifest: dict[str, Any]) -> Tracked:
    """Log the run to the tracker. Never raises: a failure is returned in the record (status `failed`,
    the step and the error), for the manifest and the run report's risks."""
    uri = tracking_uri()
    record: dict[str, Any] = {"status": "off", "uri": shown_uri(uri), "experiment": experiment_name()}
    if not enabled():
        return Tracked(record)
    step = "import mlflow"
    try:
        with _http_defaults():
            from mlflow.entities import Metric, Param, RunTag
            from mlflow.tracking import MlflowClient

            step = "open the tracking store"
            client = MlflowClient(tracking_uri=uri)
            exp = client.get_experiment_by_name(record["experiment"])
            if exp is None:
                local = uri.startswith("sqlite:") or uri.startswith("file:") or "://" not in uri
                exp_id = client.create_experiment(
                    record["experiment"], artifact_location=artifact_root().as_uri() if local else None
                )
            else:
                exp_id = exp.experiment_id
            step = "create the run"
            run = client.create_run(exp_id, run_name=params.run_name, tags={"edgecloud.params_sha256": params.sha256()})
            run_id = record["run_id"] = run.info.run_id
            record["experiment_id"] = exp_id
            step = "log params, tags and metrics"
            # the params this invocation ran with (the manifest's), flattened, and their hash
            run_params = manifest.get("params") or params.to_dict()
            plist = [Param(k, v) for k, v in sorted(flatten(run_params).items())]
            plist.append(Param("params_sha256", str(manifest.get("params_sha256") or params.sha256())))
            numbers, texts = key_numbers(params)
            tag_list = [
                RunTag(k, v[:PARAM_MAX])
                for k, v in {**tags(manifest), **{f"number.{k}": v for k, v in texts.items()}}.items()
            ]
            ts = _now_ms()
            mlist = [Metric(k, v, ts, 0) for k, v in {**numbers, **stage_durations(manifest)}.items()]
            for name, pts in curves(params).items():
                mlist += [Metric(name, v, ts, s) for s, v in pts]
            for chunk in _batches(plist, 100):
                client.log_batch(run_id, params=chunk)
            for chunk in _batches(tag_list, 100):
                client.log_batch(run_id, tags=chunk)
            for chunk in _batches(mlist, 1000):
                client.log_batch(run_id, metrics=chunk)
            record.update(params=len(plist), metrics=len(numbers), metric_points=len(mlist))
            step = "log artifacts"
            logged = 0
            for name, folder in artifact_dirs(params).items():
                if folder.is_dir() and any(folder.iterdir()):
                    client.log_artifacts(run_id, str(folder), name)
                    logged += sum(1 for p in folder.rglob("*") if p.is_file())
            manifest_path = artifacts.path("manifest", params)
            if manifest_path.is_file():
                client.log_artifact(run_id, str(manifest_path))
                logged += 1
            record.update(artifacts=logged, status="ok")
            return Tracked(record, client, uri)
    except Exception as exc:  # noqa: BLE001 - tracking never fails a run: every error is recorded instead
        record.update(status="failed", step=step, error=_error(exc, uri))
        if "run_id" in record:  # a half-logged run is closed as failed, not left running in the UI
            try:
                client.set_terminated(record["run_id"], status="FAILED")
            except Exception:  # noqa: BLE001
                pass
        return Tracked(record)


def finish_run(tracked: Tracked, files: list[Path], status: str) -> Tracked:
    """Add the run report (written after track_run, since it lists tracking's own outcome) and close the run
    with the run's status. Never raises."""
    if not tracked.ok:
        return tracked
    try:
        with _http_defaults():
            for f in files:
                if f.is_file():
                    tracked.client.log_artifact(tracked.record["run_id"], str(f), "reports")
                    tracked.record["artifacts"] = tracked.record.get("artifacts", 0) + 1
            tracked.client.set_terminated(tracked.record["run_id"], status=RUN_STATUS.get(status, "FAILED"))
    except Exception as exc:  # noqa: BLE001
        tracked.record.update(status="failed", step="log the run report", error=_error(exc, tracked.uri))
    return tracked


def _now_ms() -> int:
    import time

    return int(time.time() * 1000)


def describe(record: dict[str, Any] | None) -> str:
    """One line for the terminal."""
    if not record:
        return "tracking: no record"
    if record.get("status") == "off":
        return "tracking: off (EDGECLOUD_TRACKING)"
    if record.get("status") != "ok":
        return (
            f"tracking: FAILED at '{record.get('step')}' ({record.get('uri')}): {record.get('error')}; "
            "the run itself is unaffected (see the run report's risks)"
        )
    return (
        f"tracking: run {record.get('run_id')} in experiment {record.get('experiment')!r} at {record.get('uri')} "
        f"({record.get('params')} params, {record.get('metrics')} key numbers, {record.get('artifacts')} artifacts)"
    )


def track_folder(params: Params) -> dict[str, Any]:
    """`python -m edgecloud track`: log a run folder that exists (e.g. after the tracker was down) as a new
    tracked run, and note the outcome in its manifest."""
    from edgecloud.errors import EdgecloudError
    from edgecloud.jsonio import write_json

    path = artifacts.path("manifest", params)
    if not path.is_file():
        raise EdgecloudError(f"{rel(path)} not found: run the pipeline first (python -m edgecloud run --params ...)")
    manifest = read_json(path)
    tracked = track_run(params, manifest)
    finish_run(
        tracked,
        [artifacts.path("summary_md", params), artifacts.path("summary_html", params)],
        str(manifest.get("status")),
    )
    manifest["tracking"] = tracked.record
    write_json(path, manifest)
    return tracked.record


def ui_command(port: int) -> list[str]:
    """The MLflow UI on the default store (or the SQLite/file store MLFLOW_TRACKING_URI names), loopback only."""
    import sys

    return [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--backend-store-uri",
        tracking_uri(),
        "--default-artifact-root",
        artifact_root().as_uri(),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]


def ui(port: int = 5000) -> int:
    """`make ui`: serve the tracker's UI on 127.0.0.1 until Ctrl-C (a tracking server has its own UI: say where)."""
    import signal
    import subprocess

    from edgecloud.procs import die_with_parent, stop_process_group

    uri = tracking_uri()
    if uri.startswith(("http://", "https://")):
        print(f"MLFLOW_TRACKING_URI is a tracking server: its UI is {shown_uri(uri)}")
        return 0
    artifact_root().mkdir(parents=True, exist_ok=True)
    print(
        f"MLflow UI on http://127.0.0.1:{port}/ (store {shown_uri(uri)}, artifacts {rel(artifact_root())}); "
        "Ctrl-C stops it",
        flush=True,
    )
    # its own process group (mlflow server starts uvicorn and job runners), stopped whole on Ctrl-C or SIGTERM,
    # and tied to this process: nothing of it outlives the command
    proc = subprocess.Popen(ui_command(port), start_new_session=True, preexec_fn=die_with_parent)

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop_process_group(proc, grace_s=10)
        signal.signal(signal.SIGTERM, previous)
