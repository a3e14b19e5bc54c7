"""`python -m edgecloud compare RUN [RUN ...]`: runs side by side, as tables and a figure the thesis can take.

A RUN is a run folder (`outputs/<run>/`, by its name) or a run of the experiment tracker (its MLflow run id,
as `make ui` shows it: the tracker keeps every run, also those whose folder a later run with the same
run_name replaced). From each run: the params (flattened, from run_manifest.json or the tracked params), the
key numbers (`number_sources.NUMBERS`, the values the thesis macros carry) and the curves (train and eval loss per
step from ms-swift's logging.jsonl, validation routing accuracy and AUC per checkpoint from the calibration).

Written like every other table and figure (`publish.save_table` / `save_figure`) into figures/<first run>/:
`compare_<name>_params.{tex,md}` (the params that differ), `compare_<name>_metrics.{tex,md}` (the key
numbers side by side) and `compare_<name>_curves.{pdf,png}` (loss and routing curves overlaid). The default
publishing map sends `compare_*` to the thesis (generated/chapter2), so `make publish` of that run takes them.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from edgecloud import tracking
from edgecloud.errors import EdgecloudError
from edgecloud.jsonio import read_json
from edgecloud.params import Params
from edgecloud.paths import OUTPUTS_DIR, RunDirs, rel
from edgecloud.publish.number_sources import NUMBERS
from edgecloud.publish.numbers import collect, format_value

RUN_ID = re.compile(r"^[0-9a-f]{32}$")
LOSS = (("train/loss", "-", "训练 train"), ("eval/loss", "--", "验证 eval"))
ROUTING = (("routing/valid_accuracy", "-", "校准准确率 calibrated acc."), ("routing/valid_auc", ":", "AUC"))


class CompareError(EdgecloudError):
    pass


@dataclass
class RunView:
    label: str  # how tables and legends name the run
    run_name: str
    source: str  # the run folder, or the tracker URI and run id
    params: dict[str, str]  # flattened, as tracking logs them
    numbers: dict[str, Any]  # macro name -> raw value (only the numbers the run has)
    curves: dict[str, list[tuple[int, float]]] = field(default_factory=dict)


def _summary_curves(params: Params) -> dict[str, list[tuple[int, float]]]:
    """Loss points from the training summary, for a run folder whose logging.jsonl is gone."""
    from edgecloud import artifacts

    path = artifacts.path("train", params)
    try:
        rows = (read_json(path) if path.is_file() else {}).get("rows") or []
    except (ValueError, AttributeError):
        return {}
    out = {}
    for metric, key in (("train/loss", "train_loss"), ("eval/loss", "eval_loss")):
        pts = [
            (int(r["step"]), float(r[key]))
            for r in rows
            if isinstance(r, dict) and isinstance(r.get(key), (int, float))
        ]
        if pts:
            out[metric] = pts
    return out


def _params_for_paths(doc: dict[str, Any]) -> Params:
    """The run's params as today's schema reads them, to find its reports (run_name, model.name). A run made by
    another version of the workspace may hold a value today's schema refuses (a variant since renamed): that key
    takes its default here; the params the tables show are the manifest's own, as recorded."""
    doc = copy.deepcopy(doc)
    for _ in range(50):
        try:
            return Params.model_validate(doc)
        except ValidationError as exc:
            keys = [k for k in exc.errors()[0]["loc"] if isinstance(k, str)]
            parent = doc
            for k in keys[:-1]:
                parent = parent.get(k) if isinstance(parent, dict) else None
            if not keys or not isinstance(parent, dict) or keys[-1] not in parent or keys == ["run_name"]:
                raise
            del parent[keys[-1]]
    return Params.model_validate(doc)


def from_folder(name: str) -> RunView:
    folder = OUTPUTS_DIR / name
    manifest_path = RunDirs(name).manifest
    if not manifest_path.is_file():
        raise CompareError(f"run folder {rel(folder)} has no run_manifest.json: run it with `python -m edgecloud run`")
    try:
        manifest = read_json(manifest_path)
        params = _params_for_paths(manifest["params"])
    except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
        raise CompareError(
            f"{rel(manifest_path)}: its 'params' cannot be read ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0]}); rerun the run, or compare its tracked run by id"
        ) from None
    if params.run_name != name:
        params = params.model_copy(update={"run_name": name})
    numbers = {k: e["value"] for k, e in collect(params).items() if e["value"] is not None}
    curves = tracking.curves(params)
    if "train/loss" not in curves and "eval/loss" not in curves:
        curves.update(_summary_curves(params))
    return RunView(name, name, rel(folder), tracking.flatten(manifest["params"]), numbers, curves)


def from_tracker(run_id: str) -> RunView:
    uri = tracking.tracking_uri()
    try:
        from mlflow.tracking import MlflowClient

        client = MlflowClient(tracking_uri=uri)
        run = client.get_run(run_id)
        curves = {}
        for metric in ("train/loss", "eval/loss", "routing/valid_accuracy", "routing/valid_auc"):
            hist = client.get_metric_history(run_id, metric)
            if hist:
                curves[metric] = sorted((int(m.step), float(m.value)) for m in hist)
    except Exception as exc:  # noqa: BLE001 - any tracker error: say which run and store
        raise CompareError(
            f"run {run_id} not readable from the tracker {tracking.shown_uri(uri)} "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
            "check MLFLOW_TRACKING_URI, or give the run's folder name instead"
        ) from None
    names = {n.name for n in NUMBERS}
    numbers: dict[str, Any] = {k: v for k, v in run.data.metrics.items() if k in names}
    numbers.update({k[len("number.") :]: v for k, v in run.data.tags.items() if k.startswith("number.")})
    params = {k: v for k, v in run.data.params.items() if k != "params_sha256"}
    name = run.info.run_name or params.get("run_name") or run_id
    return RunView(
        f"{name}@{run_id[:7]}",
        params.get("run_name", name),
        f"{tracking.shown_uri(uri)} run {run_id}",
        params,
        numbers,
        curves,
    )


def load(spec: str) -> RunView:
    """A run by folder name (outputs/<run>/) or by tracker run id."""
    if (OUTPUTS_DIR / spec).is_dir():
        return from_folder(spec)
    if RUN_ID.match(spec):
        return from_tracker(spec)
    found = sorted(p.parent.name for p in OUTPUTS_DIR.glob("*/run_manifest.json"))
    raise CompareError(
        f"no run {spec!r}: not a folder of {rel(OUTPUTS_DIR)} (runs there: {', '.join(found) or 'none'}) "
        "and not a tracker run id (32 hex digits; `make ui` lists them)"
    )


def _unique_labels(runs: list[RunView]) -> None:
    seen: dict[str, int] = {}
    for r in runs:
        n = seen[r.label] = seen.get(r.label, 0) + 1
        if n > 1:
            r.label = f"{r.label} ({n})"


def params_table(runs: list[RunView]):
    """The params whose values differ between the runs (a missing key shows as -)."""
    import pandas as pd

    keys = sorted(set().union(*(r.params for r in runs)))
    rows = [[k] + [r.params.get(k, "-") for r in runs] for k in keys if len({r.params.get(k, "-") for r in runs}) > 1]
    if not rows:
        rows = [["（参数相同 same params）"] + ["" for _ in runs]]
    return pd.DataFrame(rows, columns=["参数 param"] + [r.label for r in runs])


def metrics_table(runs: list[RunView]):
    """The key numbers side by side, formatted as the thesis macros show them (rows no run has are left out)."""
    import pandas as pd

    rows = []
    for n in NUMBERS:
        values = [r.numbers.get(n.name) for r in runs]
        if all(v is None for v in values):
            continue
        rows.append([n.description, n.name] + ["-" if v is None else _text(v, n.fmt) for v in values])
    if not rows:
        rows = [["（无关键数字 no key numbers）", ""] + ["" for _ in runs]]
    return pd.DataFrame(rows, columns=["关键数字 key number", "宏 macro"] + [r.label for r in runs])


def _text(value: Any, fmt: str) -> str:
    try:
        return format_value(value, fmt)[0]
    except (TypeError, ValueError):
        return str(value)


def curves_figure(runs: list[RunView]):
    """Two panels: loss per step (train solid, eval dashed) and validation routing per checkpoint."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from edgecloud.publish.figures import use_style

    use_style()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    colors = plt.rcParams["axes.prop_cycle"].by_key().get("color") or ["C0", "C1", "C2", "C3"]
    for ax, series, title, ylabel in (
        (axes[0], LOSS, "损失 loss", "loss"),
        (axes[1], ROUTING, "验证集路由 validation routing", "accuracy / AUC"),
    ):
        drawn = False
        for i, r in enumerate(runs):
            for metric, style, what in series:
                pts = r.curves.get(metric)
                if pts:
                    xs, ys = zip(*pts)
                    ax.plot(
                        xs,
                        ys,
                        style,
                        color=colors[i % len(colors)],
                        marker="o" if len(pts) < 12 else None,
                        markersize=3,
                        label=f"{r.label} {what}",
                    )
                    drawn = True
        ax.set_title(title)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("step")
        ax.set_ylabel(ylabel)
        if drawn:
            ax.legend(fontsize=7)
        else:
            ax.text(0.5, 0.5, "无数据 no data", ha="center", va="center", transform=ax.transAxes)
    return fig  # the thesis style lays figures out (constrained layout)


def default_name(runs: list[RunView]) -> str:
    return "compare_" + "-vs-".join(re.sub(r"[^A-Za-z0-9.-]+", "-", r.label).strip("-") for r in runs)[:80]


def compare(specs: list[str], name: str | None = None, out_dir: Path | None = None) -> dict[str, Any]:
    """Read the runs, write the two tables and the figure; return their paths and the runs read."""
    import matplotlib.pyplot as plt

    from edgecloud.publish.figures import save_figure, save_table

    if len(specs) < 2:
        raise CompareError("compare needs at least two runs (folder names under outputs/, or tracker run ids)")
    runs = [load(s) for s in specs]
    _unique_labels(runs)
    stem = name or default_name(runs)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", stem):
        raise CompareError(f"--name {stem!r}: use letters, digits, '.', '_' and '-' (it becomes file names)")
    if not stem.startswith("compare_"):
        stem = f"compare_{stem}"  # the publishing map's rule for comparisons matches compare_*
    out = out_dir or RunDirs(runs[0].run_name).figures
    labels = ", ".join(r.label for r in runs)
    written = {
        "params": save_table(
            params_table(runs), out, f"{stem}_params", f"参数差异 params that differ: {labels}", f"tab:{stem}_params"
        ),
        "metrics": save_table(
            metrics_table(runs), out, f"{stem}_metrics", f"关键数字对比 key numbers: {labels}", f"tab:{stem}_metrics"
        ),
    }
    fig = curves_figure(runs)
    written["curves"] = save_figure(fig, out, f"{stem}_curves")
    plt.close(fig)
    return {"runs": [{"label": r.label, "source": r.source} for r in runs], "files": written}
