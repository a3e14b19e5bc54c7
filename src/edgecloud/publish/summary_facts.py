"""The run report's facts: everything `reports/summary_<run>.md` says, read once from the run folder.

`gather` does all the reading of the run report (stage reports, the run manifest, the thesis sync
record, the files on disk for the artifact index) into `Facts`; the sections
(`edgecloud.publish.summary_sections`, `edgecloud.publish.summary_metrics`) and the risks
(`edgecloud.publish.summary_risks`) only read Facts. The stage names and the artifact groups the report
shows are here too; `_paths` and `_load` serve the other summary_* modules as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgecloud import artifacts
from edgecloud.jsonio import read_json
from edgecloud.params import Params
from edgecloud.paths import ROOT, RunDirs, rel
from edgecloud.publish.numbers import collect, report_paths
from edgecloud.stages import STAGES

# Folders of outputs/<run>/ walked for the artifact index (train/ holds checkpoints: see 最佳检查点).
WALKED = ("reports", "data", "eval", "deploy", "notebooks", "logs")
STAGE_ZH = {
    "01_convert": "数据转换",
    "02_prepare": "模型准备",
    "03_train": "训练",
    "04_eval": "评测",
    "05_deploy": "部署与网关冒烟",
    "06_e2e": "客户端联测",
    "07_edge_bench": "端侧变体基准",
    "08_publish": "论文同步",
}
# the edge-variant benchmark's group: its stage (07_edge_bench)
EDGE_BENCH_GROUP = next((s.name for s in STAGES if "edge_bench" in s.name), "edge_bench")
# thesis numbers and the sync record: the publishing stage's group when STAGES has one
THESIS_GROUP = next((s.name for s in STAGES if "publish" in s.name), "thesis")
GROUP_TITLES = {
    EDGE_BENCH_GROUP: "端侧变体基准 edge-variant benchmark",
    THESIS_GROUP: "论文数字与同步 thesis numbers and sync",
    "run": "运行记录 run record",
    "other": "其他 other",
}

# Files of a stage's folders the registry does not name: (folder, group, label).
_FOLDERS = (
    ("data/", "01_convert", "数据 data"),
    ("eval/", "04_eval", "评测 evaluation"),
    ("deploy/", "05_deploy", "部署 deployment"),
)
_BY_KIND = {"figure": "图 figure", "image": "图 figure", "table": "表 table"}
_FIGURE_FILES = {
    ".png": "figure",
    ".pdf": "figure",
    ".svg": "figure",
    ".jpg": "figure",
    ".tex": "table",
    ".md": "table",
}


@dataclass
class StageState:
    name: str
    title: str
    status: str  # ok | failed | running | no_record (products on disk) | not_run
    record: dict[str, Any] | None
    missing_products: list[str]


@dataclass
class Artifact:
    group: str
    label: str
    path: str  # relative to the workspace
    size: int


@dataclass
class Facts:
    """Everything the summary says, read once from the run folder."""

    run_name: str
    params_file: str
    run_params: dict[str, Any]  # the params the manifest recorded (else the given ones)
    min_free_disk_gb: float
    cloud_mode: str
    reports: dict[str, Any]  # short name -> parsed JSON or None
    sources: dict[str, str]  # short name -> report path (relative)
    unreadable: dict[str, str]  # short name -> error, for reports that exist but do not parse
    numbers: dict[str, dict[str, Any]]
    stages: list[StageState]
    artifacts: list[Artifact]
    thesis_sync: dict[str, Any] | None
    thesis_sync_path: str
    deploy_command: str | None
    summary_md: str
    summary_html: str


# ---------------------------------------------------------------------------------------------
# Reading


def _paths(params: Params) -> dict[str, Path]:
    keys = ("thesis_sync", "deploy_command", "summary_md", "summary_html")
    return {**report_paths(params), **{k: artifacts.path(k, params) for k in keys}}


def _load(path: Path) -> tuple[Any, str | None]:
    if not path.is_file():
        return None, None
    try:
        obj = read_json(path)
    except (OSError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return (obj, None) if isinstance(obj, dict) else (None, f"not a JSON object but {type(obj).__name__}")


def _stage_states(params: Params, manifest: dict[str, Any] | None) -> list[StageState]:
    records = (manifest or {}).get("stages") or {}
    out = []
    for st in STAGES:
        missing = [rel(p) for p in artifacts.evidence(st.name, params) if not p.exists()]
        rec = records.get(st.name)
        if rec is not None:
            status = str(rec.get("status") or "unknown")
        else:
            status = "not_run" if missing else "no_record"
        out.append(StageState(st.name, st.title, status, rec, missing))
    return out


def _classify(relpath: str, params: Params, stage_names: list[str]) -> tuple[str, str]:
    """(group, label) of a file by its path relative to outputs/<run>/ (figures/<run>/ as `figures/...`): its
    artifact in the registry, else the stage folder it is in. An executed notebook, a stage log or a figure
    the registry does not name goes with the stage of its name's number prefix ("03_")."""
    base, inner = ("figures", relpath.removeprefix("figures/")) if relpath.startswith("figures/") else ("run", relpath)
    found = artifacts.match(inner, base, params)
    if found:
        art, values = found
        label = art.label or _BY_KIND.get(art.kind, "文件 file")
        return (_stage_of(relpath, stage_names) if "stage" in values else art.stage), label
    for folder, group, label in _FOLDERS:
        if relpath.startswith(folder):
            return group, label
    kind = _FIGURE_FILES.get(Path(relpath).suffix) if base == "figures" else None
    return (_stage_of(relpath, stage_names), _BY_KIND[kind]) if kind else ("other", "文件 file")


def _stage_of(relpath: str, stage_names: list[str]) -> str:
    prefix = Path(relpath).name[:3]
    return next((s for s in stage_names if s[:3] == prefix), EDGE_BENCH_GROUP if prefix == "07_" else "other")


def _walk_artifacts(params: Params, exclude: set[Path]) -> list[Artifact]:
    d = RunDirs(params.run_name)
    names = [s.name for s in STAGES]
    found: list[tuple[str, Path]] = []
    if d.manifest.is_file():
        found.append(("run_manifest.json", d.manifest))
    for sub in WALKED:
        base = d.root / sub
        if base.is_dir():
            found += [(f"{sub}/{p.relative_to(base).as_posix()}", p) for p in sorted(base.rglob("*")) if p.is_file()]
    if d.figures.is_dir():
        found += [
            (f"figures/{p.relative_to(d.figures).as_posix()}", p) for p in sorted(d.figures.rglob("*")) if p.is_file()
        ]
    out = []
    for key, p in found:
        if p in exclude or p.name.endswith(".tmp"):
            continue
        group, label = _classify(key, params, names)
        out.append(Artifact(group, label, rel(p), p.stat().st_size))
    return out


def gather(params: Params) -> Facts:
    """Read the run folder: reports, manifest, thesis sync record and the files that exist."""
    paths = _paths(params)
    reports: dict[str, Any] = {}
    unreadable: dict[str, str] = {}
    for name in report_paths(params):
        reports[name], err = _load(paths[name])
        if err:
            unreadable[name] = err
    manifest = reports.get("manifest")
    sync, err = _load(paths["thesis_sync"])
    if err:
        unreadable["thesis_sync"] = err
    run_params = (manifest or {}).get("params") or params.to_dict()
    cloud_mode = ((run_params.get("deploy") or {}).get("cloud") or {}).get("mode") or params.deploy.cloud.mode
    min_disk = (run_params.get("train") or {}).get("min_free_disk_gb")
    params_file = (manifest or {}).get("params_file") or _guess_params_file(params.run_name)
    cmd = paths["deploy_command"]
    return Facts(
        run_name=params.run_name,
        params_file=params_file,
        run_params=run_params,
        min_free_disk_gb=float(min_disk if min_disk is not None else params.train.min_free_disk_gb),
        cloud_mode=str(cloud_mode),
        reports=reports,
        sources={name: rel(p) for name, p in paths.items()},
        unreadable=unreadable,
        numbers=_collect_numbers(params, unreadable),
        stages=_stage_states(params, manifest),
        artifacts=_walk_artifacts(params, exclude={paths["summary_md"], paths["summary_html"]}),
        thesis_sync=sync if isinstance(sync, dict) else None,
        thesis_sync_path=rel(paths["thesis_sync"]),
        deploy_command=cmd.read_text(encoding="utf-8") if cmd.is_file() else None,
        summary_md=rel(paths["summary_md"]),
        summary_html=rel(paths["summary_html"]),
    )


def _collect_numbers(params: Params, unreadable: dict[str, str]) -> dict[str, dict[str, Any]]:
    """numbers.collect, unless a report does not parse (collect reads it unguarded): then each number shows ??."""
    try:
        return collect(params)
    except ValueError:
        if not unreadable:
            raise
        return {}


def _guess_params_file(run_name: str) -> str:
    p = ROOT / "params" / f"{run_name}.yaml"
    return rel(p) if p.is_file() else "params/<profile>.yaml"
