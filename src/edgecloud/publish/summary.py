"""The run report: `reports/summary_<run>.md` (and one shareable HTML) in the reference's structure.

The hand-written report of the reference run (../shared/reference/edge_training_report_2026-02-10.zh.md)
has six parts: 本次结论, 关键指标, 产物索引, 论文同步状态, 风险与备注 (and, here, 最佳检查点). Written by hand
its numbers drift from the run and its artifact list names files that were never made; here every
sentence is computed from the stage reports, headline numbers come from `numbers.collect` (so the
summary and the thesis macros show the same digits), the artifact index lists only files found on
disk, and a missing report says which stage to run instead of failing.

Shape: `gather` does all the reading (reports, manifest, files on disk) into `Facts`; the
`_section_*` functions and `compute_risks` turn Facts into text; `write_summary` / `write_html`
write. No I/O below `gather`, except `write_html` reading the executed notebooks.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgecloud import artifacts
from edgecloud.jsonio import read_json
from edgecloud.params import Params
from edgecloud.paths import ROOT, RunDirs, rel, resolve
from edgecloud.publish.numbers import collect, format_value, report_paths
from edgecloud.stages import STAGES

# Folders of outputs/<run>/ walked for the artifact index (train/ holds checkpoints: see 最佳检查点).
WALKED = ("reports", "data", "eval", "deploy", "notebooks", "logs")
STAGE_ZH = {"01_convert": "数据转换", "02_prepare": "模型准备", "03_train": "训练", "04_eval": "评测",
            "05_deploy": "部署与网关冒烟", "06_e2e": "客户端联测", "07_edge_bench": "端侧变体基准", "08_publish": "论文同步"}
# the edge-variant benchmark's group: its stage (07_edge_bench)
EDGE_BENCH_GROUP = next((s.name for s in STAGES if "edge_bench" in s.name), "edge_bench")
# thesis numbers and the sync record: the publishing stage's group when STAGES has one
THESIS_GROUP = next((s.name for s in STAGES if "publish" in s.name), "thesis")
GROUP_TITLES = {EDGE_BENCH_GROUP: "端侧变体基准 edge-variant benchmark", THESIS_GROUP: "论文数字与同步 thesis numbers and sync",
                "run": "运行记录 run record", "other": "其他 other"}

# Files of a stage's folders the registry does not name: (folder, group, label).
_FOLDERS = (("data/", "01_convert", "数据 data"), ("eval/", "04_eval", "评测 evaluation"),
            ("deploy/", "05_deploy", "部署 deployment"))
_BY_KIND = {"figure": "图 figure", "image": "图 figure", "table": "表 table"}
_FIGURE_FILES = {".png": "figure", ".pdf": "figure", ".svg": "figure", ".jpg": "figure", ".tex": "table", ".md": "table"}


@dataclass
class StageState:
    name: str
    title: str
    status: str                 # ok | failed | running | no_record (products on disk) | not_run
    record: dict[str, Any] | None
    missing_products: list[str]


@dataclass
class Artifact:
    group: str
    label: str
    path: str                   # relative to the workspace
    size: int


@dataclass
class Facts:
    """Everything the summary says, read once from the run folder."""

    run_name: str
    params_file: str
    run_params: dict[str, Any]          # the params the manifest recorded (else the given ones)
    min_free_disk_gb: float
    cloud_mode: str
    reports: dict[str, Any]             # short name -> parsed JSON or None
    sources: dict[str, str]             # short name -> report path (relative)
    unreadable: dict[str, str]          # short name -> error, for reports that exist but do not parse
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
        found += [(f"figures/{p.relative_to(d.figures).as_posix()}", p)
                  for p in sorted(d.figures.rglob("*")) if p.is_file()]
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
    min_disk = ((run_params.get("train") or {}).get("min_free_disk_gb"))
    params_file = (manifest or {}).get("params_file") or _guess_params_file(params.run_name)
    cmd = paths["deploy_command"]
    return Facts(
        run_name=params.run_name, params_file=params_file, run_params=run_params,
        min_free_disk_gb=float(min_disk if min_disk is not None else params.train.min_free_disk_gb),
        cloud_mode=str(cloud_mode), reports=reports,
        sources={name: rel(p) for name, p in paths.items()}, unreadable=unreadable,
        numbers=_collect_numbers(params, unreadable), stages=_stage_states(params, manifest),
        artifacts=_walk_artifacts(params, exclude={paths["summary_md"], paths["summary_html"]}),
        thesis_sync=sync if isinstance(sync, dict) else None, thesis_sync_path=rel(paths["thesis_sync"]),
        deploy_command=cmd.read_text(encoding="utf-8") if cmd.is_file() else None,
        summary_md=rel(paths["summary_md"]), summary_html=rel(paths["summary_html"]))


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


# ---------------------------------------------------------------------------------------------
# Small formatting helpers (pure)


def _fmt(value: Any, fmt: str) -> str:
    if value is None:
        return "-"
    try:
        return format_value(value, fmt)[0]
    except (TypeError, ValueError):
        return str(value)


def _num(f: Facts, name: str) -> str:
    e = f.numbers.get(name) or {}
    return e.get("text") or "??"


def _table(header: list[str], rows: list[list[Any]], right: set[int] | None = None) -> list[str]:
    right = right if right is not None else set(range(1, len(header)))
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    for row in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in row) + " |")
    return out


def _frame(df: Any) -> list[str]:
    """A stage's table (the DataFrame its notebook saves for the thesis) as the run report's Markdown lines."""
    return _table([str(c) for c in df.columns], df.values.tolist())


def _ms(v: Any) -> str:
    return f"{float(v):.0f}" if isinstance(v, (int, float)) else "-"


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _run_cmd(f: Facts, stage: str) -> str:
    return f"`python -m edgecloud run --params {f.params_file} --only {stage}`"


def _missing(f: Facts, report: str, stage: str) -> list[str]:
    if report in f.unreadable:
        return [f"_报告无法读取 report unreadable: `{f.sources[report]}` ({f.unreadable[report]})；"
                f"重新运行 re-run {_run_cmd(f, stage)}_"]
    return [f"_尚无报告 no report (`{f.sources[report]}`)：阶段 {stage} 未运行或未完成，"
            f"运行 run {_run_cmd(f, stage)}_"]


def _routers(f: Facts) -> list[dict[str, Any]]:
    ev = f.reports.get("eval") or {}
    return [r for r in ev.get("routers") or [] if isinstance(r, dict)]


def _best_baseline(f: Facts) -> dict[str, Any] | None:
    base = [r for r in _routers(f) if r.get("router") not in ("finetuned", "finetuned_calibrated")
            and r.get("accuracy") is not None]
    return max(base, key=lambda r: r["accuracy"]) if base else None  # ties: the first in report order


def _best_row(train: dict[str, Any]) -> dict[str, Any] | None:
    step = (train.get("best") or {}).get("step")
    return next((r for r in train.get("rows") or [] if r.get("step") == step), None)


def _checkpoint_users(f: Facts) -> list[str]:
    """Which later stages used the best checkpoint, as the reports show it."""
    ckpt = ((f.reports.get("train") or {}).get("best") or {}).get("checkpoint")
    if not ckpt:
        return []
    users = []
    if (f.reports.get("eval") or {}).get("adapter") == ckpt:
        users.append("评测（04_eval）")
    if f.deploy_command and (str(resolve(ckpt)) in f.deploy_command or f" {ckpt}" in f.deploy_command):
        users.append("部署与联测（05_deploy、06_e2e）")
    return users


# ---------------------------------------------------------------------------------------------
# Sections (pure: Facts -> lines)


def _section_conclusions(f: Facts, risk_list: list[dict[str, str]]) -> list[str]:
    out = ["## 本次结论", ""]
    done = [s for s in f.stages if s.status in ("ok", "no_record")]
    chain = " -> ".join(STAGE_ZH.get(s.name, s.name) for s in f.stages)
    if len(done) == len(f.stages):
        out.append(f"- 已完成 `ms-swift` 本机 LoRA 微调闭环：`{chain}`（{len(done)}/{len(f.stages)} 个阶段的报告齐全）。")
    else:
        out.append(f"- 流水线 `{chain}` 只完成了 {len(done)}/{len(f.stages)} 个阶段"
                   f"（{', '.join(s.name for s in done) or '无 none'}）。")
    for s in f.stages:
        if s.status == "failed":
            err = (s.record or {}).get("error") or {}
            where = f"cell {err.get('cell')}" if err.get("cell") else "execution"
            out.append(f"- **阶段 {s.name} 失败 failed**（{where}，{err.get('ename')}: {err.get('evalue')}）；"
                       f"执行后的笔记本 `{(s.record or {}).get('notebook')}` 保留了错误。")
        elif s.status == "running":
            out.append(f"- **阶段 {s.name} 未结束 still running or interrupted**（清单状态 running）。")
        elif s.status == "not_run":
            out.append(f"- 阶段 {s.name} 未运行 not run：缺少 {', '.join(f'`{m}`' for m in s.missing_products)}。")

    data = f.reports.get("data_check")
    if data:
        out.append(f"- 数据集 `{_num(f, 'EdgeDatasetName')}` 转换 {_num(f, 'EdgeDataTotal')} 条"
                   f"（train/valid/test = {_num(f, 'EdgeDataTrain')}/{_num(f, 'EdgeDataValid')}/{_num(f, 'EdgeDataTest')}），"
                   f"解析成功率 {_num(f, 'EdgeParseRate')}，拒绝 {_num(f, 'EdgeDataRejected')} 条。")
    train = f.reports.get("train")
    if train:
        best = train.get("best") or {}
        ckpt = Path(best.get("checkpoint") or "?").name
        users = _checkpoint_users(f)
        used = f"，已用于{'与'.join(users)}" if users else "，尚未被后续阶段使用"
        state = "" if train.get("completed") else f"；**训练未完成 not completed**（{train.get('last_step')}/{train.get('max_steps')} 步）"
        red = train.get("eval_loss_reduction")
        red = red if isinstance(red, (int, float)) else None
        change = ("" if red is None else f"，下降 {_num(f, 'EdgeEvalLossReduction')}" if red > 0
                  else f"，**未下降 not reduced**（上升 {_fmt(-red, 'pct1')}）")
        out.append(f"- 训练最佳检查点为 `{ckpt}`（step {_num(f, 'EdgeBestStep')}，eval loss {_num(f, 'EdgeBestEvalLoss')}，"
                   f"eval token_acc {_num(f, 'EdgeBestEvalTokenAcc')}；step 0 的 eval loss {_num(f, 'EdgeStepZeroEvalLoss')}"
                   f"{change}）{used}{state}。")
    out += _conclusion_eval(f)
    e2e = (f.reports.get("e2e") or {}).get("summary")
    if e2e:
        cases, ne = e2e.get("cases"), e2e.get("non_empty")
        head = (f"{cases} 条固定联测用例全部返回非空回复" if cases == ne
                else f"{cases} 条固定联测用例中 {ne} 条返回非空回复（**{(cases or 0) - (ne or 0)} 条为空 empty**）")
        hits = f"{_num(f, 'EdgeEndToEndForwardHits')}/{_num(f, 'EdgeEndToEndComplex')}"
        hits = hits if e2e.get("complex_forward_hits") == e2e.get("complex_cases") else f"**{hits}**"
        out.append(f"- {head}，复杂推理场景“转发云端”语义命中 {hits}；"
                   f"端到端路由准确率 {_num(f, 'EdgeEndToEndRoutingAcc')}（{e2e.get('routing_correct')}/{cases}），"
                   f"客户端延迟 p50 {_num(f, 'EdgeEndToEndLatencyMedianSeconds')}。")
    bench = f.reports.get("edge_bench")
    if isinstance(bench, dict) and _bench_recommendation(bench):
        out.append(f"- 端侧变体基准推荐 edge-variant recommendation：{_bench_recommendation(bench)}。")
    n = len(risk_list)
    out.append(f"- 风险与备注 {n} 项（见下文）。" if n else "- 未发现风险 no risk found（见下文的检查项）。")
    return out + [""]


def _conclusion_eval(f: Facts) -> list[str]:
    ft = next((r for r in _routers(f) if r.get("router") == "finetuned_calibrated"), None) or \
        next((r for r in _routers(f) if r.get("router") == "finetuned"), None)
    base = _best_baseline(f)
    if not ft or not base or ft.get("accuracy") is None:
        return []
    a, b = round(ft["accuracy"], 4), round(base["accuracy"], 4)
    cmp = "高于" if a > b else ("持平于" if a == b else "**低于**")
    bp = next((r for r in _routers(f) if r.get("router") == "base_prompted"), {})
    return [f"- 测试集 {_num(f, 'EdgeTestRecords')} 条（{_num(f, 'EdgeTestComplex')} 条需云端）上，微调模型路由准确率（{ft.get('label') or ft.get('router')}）"
            f"{_fmt(ft['accuracy'], 'pct')}，{cmp}最佳基线 {base.get('label') or base.get('router')}"
            f"（{_fmt(base['accuracy'], 'pct')}）；转发 forward F1 {_fmt(ft.get('f1'), 'float3')}"
            f"（该基线 {_fmt(base.get('f1'), 'float3')}），端侧回答 ROUGE-L {_fmt(ft.get('rouge_l'), 'float3')}"
            f"（基座 base {_fmt(bp.get('rouge_l'), 'float3')}）。"]


def _section_data(f: Facts) -> list[str]:
    d = f.reports.get("data_check")
    title = f"### 数据转换（{d.get('dataset_name')}）" if d else "### 数据转换"
    if not d:
        return [title, ""] + _missing(f, "data_check", "01_convert") + [""]
    sp = d.get("splits") or {}
    rows = [["train", sp.get("train", "-")], ["valid", sp.get("valid", "-")], ["test", sp.get("test", "-")],
            ["总计", sp.get("total", "-")], ["读入 read", d.get("read", "-")], ["拒绝 rejected", d.get("rejected", "-")],
            ["解析成功率", _fmt(d.get("parse_success_rate"), "pct1")]]
    label = d.get("by_label") or {}
    if label:
        rows.append(["端侧 / 云端 edge / cloud", f"{label.get('edge', '-')} / {label.get('cloud', '-')}"])
    return [title, ""] + _table(["指标", "数值"], rows) + [""]


def _section_model(f: Facts) -> list[str]:
    m = f.reports.get("model")
    if not m:
        return ["### 模型准备", ""] + _missing(f, "model", "02_prepare") + [""]
    from edgecloud.train.prepare import model_table

    return ["### 模型准备", ""] + _frame(model_table(m)) + [""]  # the thesis' 02_model table


def _train_device(t: dict[str, Any], f: Facts) -> str:
    cmd = t.get("command") or ""
    if "--use_cpu true" in cmd:
        return "CPU"
    dev = (f.run_params.get("train") or {}).get("device") or "auto"
    return str(dev).upper() if dev != "auto" else "auto"


def _section_train(f: Facts) -> list[str]:
    t = f.reports.get("train")
    if not t:
        return ["### 训练", ""] + _missing(f, "train", "03_train") + [""]
    from edgecloud.train.trainer import train_table

    tuner = str((f.run_params.get("train") or {}).get("tuner_type") or "lora").upper().replace("LORA", "LoRA")
    out = [f"### 训练（{tuner} / {_train_device(t, f)}）", ""]
    out += _frame(train_table(t, marks=True))  # the thesis' 03_train table, with the best row marked
    out += ["", f"- 完成 completed: {'是 yes' if t.get('completed') else '**否 no**'}（{t.get('action', '-')}，"
                f"step {t.get('last_step', '-')}/{t.get('max_steps', '-')}）；训练耗时 wall time {_num(f, 'EdgeTrainWallMinutes')}；"
                f"训练中最低剩余磁盘 lowest free disk {t.get('disk_free_min_gb', '-')} GiB（阈值 {f.min_free_disk_gb} GiB）", ""]
    return out


def _section_eval(f: Facts) -> list[str]:
    ev = f.reports.get("eval")
    if not ev:
        return ["### 评测与基线", ""] + _missing(f, "eval", "04_eval") + [""]
    from edgecloud.eval.evaluate import routers_table

    out = [f"### 评测与基线（测试集 {ev.get('test_records', '-')} 条，其中需云端 {ev.get('test_cloud', '-')} 条）", ""]
    out += _frame(routers_table(ev, marks=True))  # the thesis' 04_routers table, the highest accuracy in bold
    out += ["", f"- 方括号为 95% Wilson 区间；forward P/R 针对“转发云端”，simple fwd 为被转发的简单请求；ROUGE-L / char F1 "
                f"为端侧回答对参考回复；微调模型 adapter `{ev.get('adapter', '-')}`，设备 {ev.get('device', '-')}。"
                "最高 accuracy 加粗。"]
    return out + _routing_diagnosis(ev) + [""]


def _routing_diagnosis(ev: dict[str, Any]) -> list[str]:
    """Intervals, the calibration, the held-out set, per-category counts and the errors (issue: routing)."""
    out: list[str] = []
    cal = ev.get("calibration")
    if cal:
        out += [f"- 校准 calibration: 阈值 threshold {cal['threshold']}（验证集选择，部署检查点 step {cal['step']}）；"
                f"分数 score: {cal['score_definition']}。"]
    held = ev.get("heldout") or {}
    if held.get("routers"):
        from edgecloud.eval.evaluate import heldout_table

        out += ["", f"#### 留出集 held-out（{held.get('records', '-')} 条，其中需云端 {held.get('cloud', '-')} 条；"
                    "生成器从未产生的表述）", ""]
        out += _frame(heldout_table(ev))  # the thesis' 04_heldout table
    cats = (ev.get("routing_by_category") or {}).get("finetuned_calibrated")
    if cats:
        out += ["", "- 按类别 by category（微调+校准）: " + "，".join(f"{c} {v['correct']}/{v['n']}" for c, v in cats.items())]
    errs = ev.get("errors_calibrated") or []
    out += ["", f"#### 微调+校准路由的错误 errors（{len(errs)} 条）", ""]
    if errs:
        out += _table(["id", "category", "needs cloud", "score", "query", "reply"],
                      [[e["id"], e["category"], "是" if e["needs_cloud"] else "否", _fmt(e.get("score"), "float2"),
                        e["query"][:60], (e["reply"] or "")[:40]] for e in errs])
    return out


def _section_deploy(f: Facts) -> list[str]:
    s = f.reports.get("deploy")
    if not s:
        return ["### 部署与网关冒烟", ""] + _missing(f, "deploy", "05_deploy") + [""]
    rows = [[f"健康 health: {h.get('part')}", "通过" if h.get("ok") else "**失败**", h.get("detail") or ""]
            for h in s.get("health") or []]
    for r in s.get("requests") or []:
        what = f"error {r['error_code']}" if r.get("error_code") else f"tier {r.get('tier') or '-'}"
        how = f"HTTP {r.get('http_status')}, {what}, {r.get('latency_s', '-')} s"
        rows.append([r.get("label") or r.get("name"), "通过" if r.get("ok") else f"**失败** {r.get('problem')}", how])
    cloud = s.get("cloud") or {}
    stack = (s.get("startup_s") or {}).get("stack")
    out = ["### 部署与网关冒烟", "", f"结果 result: {'通过 PASS' if s.get('ok') else '**失败 FAIL**'}；"
           f"云端 cloud mode `{cloud.get('mode', '-')}`；整套服务就绪 stack healthy in {stack if stack is not None else '-'} s", ""]
    return out + _table(["检查 check", "结果", "说明"], rows, right=set()) + [""]


def _section_e2e(f: Facts) -> list[str]:
    e = f.reports.get("e2e")
    s = (e or {}).get("summary")
    if not s:
        return ["### 联测", ""] + _missing(f, "e2e", "06_e2e") + [""]
    lat = (s.get("latency_ms") or {}).get("client") or {}
    rows = [["总用例", s.get("cases", "-")], ["非空回复", s.get("non_empty", "-")],
            ["非空成功率", _fmt(s.get("non_empty_rate"), "pct")], ["复杂推理用例", s.get("complex_cases", "-")],
            ["复杂推理“转发云端”命中", s.get("complex_forward_hits", "-")],
            ["路由准确率 routing accuracy", f"{_fmt(s.get('routing_accuracy'), 'pct')} ({s.get('routing_correct', '-')}/{s.get('cases', '-')})"],
            ["客户端延迟 p50 / p95 (ms)", f"{_ms(lat.get('p50'))} / {_ms(lat.get('p95'))}"]]
    br = (e or {}).get("browser")
    if isinstance(br, dict):
        rows.append(["无头浏览器 headless browser", f"{'通过 passed' if br.get('ok') else '**失败 failed**'}"
                                                  f"（{len(br.get('cases') or [])} 条用例）"])
    path = e.get("path") or "Backend API"
    return [f"### 联测（{path} 路径）", ""] + _table(["指标", "数值"], rows) + [""]


def _bench_recommendation(bench: dict[str, Any]) -> str | None:
    rec = bench.get("recommendation") or bench.get("recommended")
    if isinstance(rec, str):
        return rec
    if isinstance(rec, dict):
        name = rec.get("variant") or rec.get("name")
        why = rec.get("reason") or rec.get("why")
        rest = ", ".join(f"{k}: {v}" for k, v in rec.items() if k not in ("variant", "name", "reason", "why",
                                                                          "all_bars_met")
                         and not isinstance(v, (dict, list)))
        head = (f"`{name}`" if name else "") + (f"（{why}）" if why else "")
        return " ".join(x for x in (head, rest) if x) or None
    return None


def _section_bench(f: Facts) -> list[str]:
    b = f.reports.get("edge_bench")
    title = "### 端侧变体基准 edge-variant benchmark"
    if "edge_bench" in f.unreadable:
        return [title, "", f"_报告无法读取 report unreadable: `{f.sources['edge_bench']}` ({f.unreadable['edge_bench']})_", ""]
    if not isinstance(b, dict):
        return [title, "", f"_尚无报告 no report (`{f.sources['edge_bench']}`)：端侧变体基准 edge-variant benchmark 未运行。_", ""]
    from edgecloud.edge import report as bench_report
    from edgecloud.publish.figures import to_markdown

    try:  # the same table as the thesis' 07_edge_variants, from the same report
        variants, bars = bench_report.table(b), bench_report.bars_table(b)
    except (KeyError, TypeError, AttributeError) as exc:
        return [title, "", f"_报告格式不符 report not in the 07_edge_bench format (`{f.sources['edge_bench']}`: "
                           f"{type(exc).__name__} {exc})_", ""]
    machine = b.get("machine") or {}
    out = [title, "", f"机器 machine: {machine.get('cpu_model', '-')}，{machine.get('threads', '-')} 线程 threads；"
                      "中位数（最小–最大）medians (min–max) over the passes；★ = 推荐 recommended。", ""]
    out += to_markdown(variants).rstrip("\n").split("\n")
    rec = _bench_recommendation(b)
    out += ["", f"- 推荐 recommendation: {rec}" if rec else "- 报告未给出推荐 no recommendation in the report"]
    if len(bars):
        out += ["", "推荐变体与 issue 6 的门槛 bars of the recommended variant:", ""]
        out += to_markdown(bars).rstrip("\n").split("\n")
    meeting = b.get("meeting_all_bars")
    if meeting is not None:
        out += ["", "- 满足全部门槛的变体 variants meeting every bar: "
                + (", ".join(f"`{m}`" for m in meeting) if meeting else "无 none")]
    return out + [""]


def _section_best(f: Facts) -> list[str]:
    t = f.reports.get("train")
    out = ["## 最佳检查点", ""]
    if not t:
        return out + _missing(f, "train", "03_train") + [""]
    best = t.get("best") or {}
    ckpt = best.get("checkpoint")
    if not ckpt:
        return out + ["- **没有最佳检查点 no best checkpoint**：训练报告中没有带 eval loss 的检查点。", ""]
    exists = resolve(ckpt).is_dir()
    row = _best_row(t) or {}
    users = _checkpoint_users(f)
    out += [f"- 路径 path: `{ckpt}`" + ("" if exists else "（**目录已不存在 folder missing**）"),
            f"- step {best.get('step')}，eval loss {_fmt(best.get('eval_loss'), 'float4')}，"
            f"eval token_acc {_fmt(row.get('eval_token_acc'), 'float4')}，选择依据 {best.get('reason', '-')}（并列取较早的 step）",
            f"- 使用者 used by: {'、'.join(users) if users else '尚无 none yet'}"]
    others = {k: v for k, v in (t.get("checkpoints") or {}).items() if v != ckpt}
    if others:
        out.append("- 其他检查点 other checkpoints: " + ", ".join(
            f"`{Path(v).name}`" + ("" if resolve(v).is_dir() else "（已删除）") for v in others.values()))
    return out + [""]


def _section_artifacts(f: Facts) -> list[str]:
    out = ["## 产物索引", "", f"（只列出磁盘上存在的文件，路径相对于工作区；本摘要 `{f.summary_md}` 及其 HTML 版 `{f.summary_html}` 不在其中。）", ""]
    if not f.artifacts:
        return out + [f"_运行目录中没有文件 no files in the run folder：运行 run `python -m edgecloud run --params {f.params_file}`_", ""]
    order = dict.fromkeys([s.name for s in f.stages] + [EDGE_BENCH_GROUP, THESIS_GROUP, "run", "other"])
    for group in order:
        items = [a for a in f.artifacts if a.group == group]
        if not items:
            continue
        title = f"{group} {STAGE_ZH.get(group, '')}".strip() if group in STAGE_ZH else GROUP_TITLES.get(group, group)
        out += [f"### {title}", ""]
        stems: dict[tuple[str, str, str], list[Artifact]] = {}
        for a in items:
            p = Path(a.path)
            stems.setdefault((str(p.parent), p.stem, a.label), []).append(a)
        for (_, _, label), arts in stems.items():
            out.append(f"- {label}：" + "，".join(f"`{a.path}` ({_size(a.size)})" for a in arts))
        out.append("")
    return out


def _section_sync(f: Facts) -> list[str]:
    out = ["## 论文同步状态", ""]
    s = f.thesis_sync
    cmd = f"`python -m edgecloud publish --params {f.params_file}`"
    if "thesis_sync" in f.unreadable:
        return out + [f"- 同步记录无法读取 unreadable `{f.thesis_sync_path}` ({f.unreadable['thesis_sync']})；重新发布 re-publish: {cmd}", ""]
    if not s:
        return out + [f"- 未同步 not published yet（没有 `{f.thesis_sync_path}`）。发布到论文 publish: {cmd}", ""]
    counts = s.get("counts") or {}
    files = [x for x in s.get("files") or [] if isinstance(x, dict)]
    out.append(f"- 已同步到 `{s.get('thesis_dir', '-')}`（{s.get('created_utc', '-')}）："
               + ("，".join(f"{k} {v}" for k, v in counts.items()) or f"{len(files)} 个文件"))
    thesis = str(s.get("thesis_dir") or "")

    def where(x: dict[str, Any]) -> Any:
        return (f"{thesis}/{x['dest']}" if thesis and x.get("dest") and not Path(x["dest"]).is_absolute()
                else x.get("dest") or x.get("source"))

    for x in files:  # what moved or needs attention, one line each; unchanged files by folder
        if x.get("status") != "unchanged":
            note = f"（{x.get('reason')}）" if x.get("reason") else ""
            out.append(f"  - `{where(x)}`：{x.get('status', '-')}{note}" + (f"，来自 `{x.get('source')}`" if x.get("source") else ""))
    same: dict[str, int] = {}
    for x in files:
        if x.get("status") == "unchanged":
            folder = str(Path(where(x)).parent)
            same[folder] = same.get(folder, 0) + 1
    if same:
        out.append("  - 未变 unchanged：" + "，".join(f"`{k}/` {v} 个" for k, v in same.items()))
    comp = s.get("compile")
    if comp is None:
        out.append("- 编译 compile: 未编译 not compiled")
    elif comp.get("ok"):
        out.append(f"- 编译 compile: 成功 ok，PDF `{comp.get('pdf')}`（{comp.get('seconds', '-')} s）")
    else:
        out.append(f"- 编译 compile: **失败 failed**：{comp.get('error')}；日志 log `{comp.get('log')}`")
    word = s.get("docx")
    if word:
        out.append(f"- Word 版 docx: 成功 ok，`{word.get('docx')}`" if word.get("ok") else
                   f"- Word 版 docx: {'跳过 skipped' if word.get('skipped') else '**失败 failed**'}：{word.get('error')}")
    bad = counts.get("refused", 0) or counts.get("unmapped", 0)
    if bad:
        out.append(f"- 有文件被拒绝或未映射 refused/unmapped；检查 params 的 publish.map 后重新发布: {cmd}")
    return out + [""]


def _section_risks(f: Facts, risk_list: list[dict[str, str]]) -> list[str]:
    out = ["## 风险与备注", ""]
    if risk_list:
        out += [f"- **{r['risk']}**：{r['detail']}（来源 `{r['source']}`）" for r in risk_list]
    else:
        out.append("- 未发现风险 no risk found：磁盘、max_length、拒绝记录、分层、阶段状态、云端配置、联测与网关冒烟均无问题。")
    return out + [""] + _timings(f)


def _timings(f: Facts) -> list[str]:
    rows, total = [], 0.0
    for s in f.stages:
        rec = s.record or {}
        dur = rec.get("duration_s")
        total += float(dur or 0)
        note = {"no_record": "清单无记录（报告来自较早的调用）", "not_run": "未运行"}.get(s.status, "")
        rows.append([s.name, s.status, rec.get("start_utc") or "-", f"{dur}" if dur is not None else "-", note])
    out = ["### 阶段耗时 stage timings", ""]
    out += _table(["阶段 stage", "状态 status", "开始 start (UTC)", "耗时 (s)", "说明"], rows, right={3})
    train = f.reports.get("train") or {}
    extra = f"；其中训练 ms-swift wall time {_num(f, 'EdgeTrainWallMinutes')}" if train.get("wall_time_s") else ""
    return out + ["", f"- 清单记录的阶段共 {total:.1f} s{extra}。", ""]


# ---------------------------------------------------------------------------------------------
# Risks (pure)


def _risk(risk: str, detail: str, source: str) -> dict[str, str]:
    return {"risk": risk, "detail": detail, "source": source}


def compute_risks(f: Facts) -> list[dict[str, str]]:
    """Every risk the reports show, each with its numbers and the report it comes from."""
    out: list[dict[str, str]] = []
    src = f.sources
    out += _risks_stages(f)
    for name, err in f.unreadable.items():
        out.append(_risk("报告无法读取 unreadable report", err, src.get(name, name)))
    d = f.reports.get("data_check") or {}
    if d.get("rejected"):
        reasons = ", ".join(f"{k} {v}" for k, v in (d.get("rejects_by_reason") or {}).items()) or "-"
        out.append(_risk("转换时拒绝了记录 records rejected at conversion",
                         f"{d['rejected']}/{d.get('read', '?')} 条被拒绝（{reasons}），见 "
                         f"`{(d.get('outputs') or {}).get('rejects', 'data/rejects.jsonl')}`", src["data_check"]))
    short = [(s.get("category"), sp, s.get(sp), s.get(f"{sp}_target")) for s in d.get("stratification") or []
             for sp in ("train", "valid", "test")
             if isinstance(s.get(sp), int) and isinstance(s.get(f"{sp}_target"), int) and s[sp] < s[f"{sp}_target"]]
    if short:
        out.append(_risk("分层抽样不足 stratification shortfall",
                         f"{len(short)} 处划分少于目标（同一 group 的记录必须留在同一划分）：" +
                         "；".join(f"{c} {sp} {n}/{t}" for c, sp, n, t in short), src["data_check"]))
    pre = f.reports.get("preflight") or {}
    over = pre.get("over_max_length") or (f.reports.get("train") or {}).get("preflight", {}).get("over_max_length") or {}
    n_over = sum(v for v in over.values() if isinstance(v, int))
    if n_over:
        ids = [i for v in (pre.get("over_max_length_ids") or {}).values() for i in v][:5]
        out.append(_risk("记录超过 max_length records over max_length",
                         f"{n_over} 条超过 train.max_length={pre.get('max_length', '?')} tokens（"
                         + ", ".join(f"{k} {v}" for k, v in over.items()) + "）" + (f"，例如 {', '.join(map(str, ids))}" if ids else "")
                         + "；ms-swift 会静默丢弃它们", src["preflight"]))
    for p in pre.get("problems") or []:
        out.append(_risk("训练前检查问题 preflight problem", str(p), src["preflight"]))
    out += _risks_train(f)
    out += _risks_eval(f)
    out += _risks_serving(f)
    out += _risks_provenance(f)
    out += _risks_tracking(f)
    if not isinstance(f.reports.get("edge_bench"), dict) and "edge_bench" not in f.unreadable:
        out.append(_risk("端侧变体基准未执行 edge-variant benchmark not run",
                         "ONNX / INT8 / GGUF 等端侧变体的大小、速度与质量尚无测量（参考报告同样留作后续阶段）",
                         src["edge_bench"]))
    return out


def _risks_stages(f: Facts) -> list[dict[str, str]]:
    out = []
    man = f.reports.get("manifest")
    src = f.sources["manifest"]
    if man is None and "manifest" not in f.unreadable:
        out.append(_risk("没有运行清单 no run manifest", "该运行没有 run_manifest.json：阶段状态、耗时与版本均无记录；"
                         f"用 `python -m edgecloud run --params {f.params_file}` 运行", src))
    elif man and man.get("status") not in ("ok", None):
        out.append(_risk(f"运行状态 run status: {man.get('status')}",
                         f"最近一次调用 {man.get('started_utc', '-')} 开始，结束于 {man.get('ended_utc') or '未结束 not ended'}", src))
    for s in f.stages:
        if s.status == "failed":
            err = (s.record or {}).get("error") or {}
            out.append(_risk(f"阶段失败 stage failed: {s.name}",
                             f"cell {err.get('cell')}，{err.get('ename')}: {err.get('evalue')}；"
                             f"笔记本 `{(s.record or {}).get('notebook')}`，修正后运行 {_run_cmd(f, s.name)}", src))
        elif s.status not in ("ok", "no_record", "not_run"):
            out.append(_risk(f"阶段未结束 stage not finished: {s.name}", f"清单状态 status {s.status}", src))
    not_run = [s for s in f.stages if s.status == "not_run"]
    if not_run:
        out.append(_risk("阶段未运行 stages not run", "；".join(
            f"{s.name}（缺少 {', '.join(s.missing_products)}）" for s in not_run) + f"；运行 {_run_cmd(f, not_run[0].name)}", src))
    no_rec = [s.name for s in f.stages if s.status == "no_record"]
    if no_rec and man:
        why = "较早的、参数不同的调用，清单已丢弃其记录" if man.get("note") else "较早的调用"
        out.append(_risk("阶段在运行清单中无记录 stages without a manifest record",
                         f"{', '.join(no_rec)} 的报告存在，但运行清单没有它们的状态与耗时（报告来自{why}）", src))
    return out


def _risks_train(f: Facts) -> list[dict[str, str]]:
    t = f.reports.get("train")
    if not t:
        return []
    src, out = f.sources["train"], []
    low = t.get("disk_free_min_gb")
    if t.get("disk_low") or (isinstance(low, (int, float)) and low < f.min_free_disk_gb):
        out.append(_risk("训练期间磁盘空间不足 low free disk during training",
                         f"训练中最低剩余 {low} GiB，低于阈值 train.min_free_disk_gb={f.min_free_disk_gb} GiB", src))
    if t.get("completed") is False:
        out.append(_risk("训练未完成 training not completed",
                         f"只记录到 step {t.get('last_step')}/{t.get('max_steps')}（{t.get('action', '-')}）；"
                         f"再次运行 {_run_cmd(f, '03_train')} 会从最后的检查点续训", src))
    if t.get("skipped_log_lines"):
        out.append(_risk("训练日志有无法解析的行 unparsed training log lines",
                         f"{len(t['skipped_log_lines'])} 行被跳过", src))
    if not (t.get("best") or {}).get("checkpoint"):
        out.append(_risk("没有最佳检查点 no best checkpoint", "训练报告中没有带 eval loss 的检查点", src))
    return out


def _risks_eval(f: Facts) -> list[dict[str, str]]:
    ft = next((r for r in _routers(f) if r.get("router") == "finetuned_calibrated"), None) or \
        next((r for r in _routers(f) if r.get("router") == "finetuned"), None)
    base = _best_baseline(f)
    if not ft or not base or ft.get("accuracy") is None or round(ft["accuracy"], 4) > round(base["accuracy"], 4):
        return []
    return [_risk("微调路由未超过最佳基线 fine-tuned routing not above the best baseline",
                  f"微调 accuracy {_fmt(ft['accuracy'], 'pct')}，基线 {base.get('label') or base.get('router')} "
                  f"{_fmt(base['accuracy'], 'pct')}（测试集中 {f.reports['eval'].get('test_cloud', '?')}/"
                  f"{f.reports['eval'].get('test_records', '?')} 条需云端）；比较 F1 {_fmt(ft.get('f1'), 'float3')} 对 "
                  f"{_fmt(base.get('f1'), 'float3')}", f.sources["eval"])]


def _risks_serving(f: Facts) -> list[dict[str, str]]:
    out = []
    e2e = f.reports.get("e2e") or {}
    s = e2e.get("summary") or {}
    not_conf = (s.get("status") or {}).get("cloud_not_configured", 0) or sum(
        1 for r in e2e.get("results") or [] if r.get("status") == "cloud_not_configured")
    if f.cloud_mode == "none" or not_conf:
        out.append(_risk("云端未配置 cloud tier not configured",
                         f"deploy.cloud.mode={f.cloud_mode}；联测中 {not_conf} 条回复状态为 cloud_not_configured"
                         "（复杂请求只得到端侧的转发回复）", f.sources["e2e"] if not_conf else f.sources["manifest"]))
    elif f.cloud_mode == "local_standin":
        out.append(_risk("云端为本地替身 cloud tier is a local stand-in",
                         "deploy.cloud.mode=local_standin：云端回答来自未微调的基座模型，只验证转发链路，不代表真实云端 LLM 的回答质量",
                         f.sources["deploy"] if f.reports.get("deploy") else f.sources["manifest"]))
    per_case = s.get("per_case") or e2e.get("results") or []
    empty = [c.get("id") for c in per_case if c.get("non_empty") is False]
    if empty:
        out.append(_risk("联测空回复 empty end-to-end replies", f"{len(empty)}/{len(per_case)} 条为空：{', '.join(empty)}",
                         f.sources["e2e"]))
    wrong = [c for c in per_case if c.get("routed_ok") is False]
    if wrong:
        out.append(_risk("联测路由错误 end-to-end cases routed wrong", f"{len(wrong)}/{len(per_case)} 条："
                         + "；".join(f"{c.get('id')} {c.get('category')} 期望 {c.get('expected_tier')} 实际 {c.get('tier')}"
                                    for c in wrong), f.sources["e2e"]))
    if s.get("errors"):
        out.append(_risk("联测请求出错 end-to-end request errors", f"{s['errors']} 条请求出错", f.sources["e2e"]))
    br = e2e.get("browser")
    if isinstance(br, dict) and (br.get("ok") is False or br.get("console_errors")):
        out.append(_risk("网页客户端问题 web client problems",
                         f"浏览器检查 {'失败' if br.get('ok') is False else '通过'}，控制台错误 {len(br.get('console_errors') or [])} 条",
                         f.sources["e2e"]))
    smoke = f.reports.get("deploy") or {}
    if smoke and (smoke.get("ok") is False or smoke.get("problems")):
        out.append(_risk("网关冒烟问题 gateway smoke problems",
                         "；".join(map(str, smoke.get("problems") or [])) or "冒烟测试未通过", f.sources["deploy"]))
    return out


def _risks_provenance(f: Facts) -> list[dict[str, str]]:
    ref = (f.reports.get("manifest") or {}).get("params_sha256")
    if not ref:
        return []
    other = [n for n in ("data_check", "model", "train", "eval", "deploy")
             if isinstance(f.reports.get(n), dict) and f.reports[n].get("params_sha256") not in (None, ref)]
    if not other:
        return []
    return [_risk("报告出自不同参数 reports written with other params",
                  f"{', '.join(f'`{f.sources[n]}`' for n in other)} 的 params_sha256 与运行清单（{ref[:12]}…）不同："
                  "这些阶段之后参数文件改过；重跑它们可使全部报告出自同一组参数", f.sources["manifest"])]


def _risks_tracking(f: Facts) -> list[dict[str, str]]:
    """The experiment tracker (edgecloud.tracking) could not record the run: the run itself went on."""
    t = (f.reports.get("manifest") or {}).get("tracking")
    if not isinstance(t, dict) or t.get("status") in ("ok", "off"):
        return []
    return [_risk("实验追踪失败 experiment tracking failed",
                  f"运行未记入实验追踪 {t.get('uri')}（步骤 step: {t.get('step')}；{t.get('error')}）；运行本身不受影响。"
                  f"检查 MLFLOW_TRACKING_URI 或追踪服务器后补记 log it later: `python -m edgecloud track --params {f.params_file}`"
                  "（`compare` 也可直接读取运行目录）",
                  f.sources["manifest"])]


# ---------------------------------------------------------------------------------------------
# Public API


def render_markdown(f: Facts) -> str:
    risk_list = compute_risks(f)
    started = str((f.reports.get("manifest") or {}).get("started_utc") or "")[:10]
    head = [f"# 端侧训练联测整理（{f.run_name}{'，' + started if started else ''}）", "",
            f"运行 run `{f.run_name}`，参数 params `{f.params_file}`；由 edgecloud 从各阶段报告生成，请勿手改 "
            "(generated from the stage reports, do not edit).", ""]
    metrics = ["## 关键指标", ""] + _section_data(f) + _section_model(f) + _section_train(f) + _section_eval(f) \
        + _section_deploy(f) + _section_e2e(f) + _section_bench(f)
    parts = head + _section_conclusions(f, risk_list) + metrics + _section_best(f) + _section_artifacts(f) \
        + _section_sync(f) + _section_risks(f, risk_list)
    return "\n".join(parts).rstrip() + "\n"


def risks(params: Params) -> list[dict]:
    """The run's risks: [{"risk": zh+en title, "detail": text with numbers, "source": report path}]."""
    return compute_risks(gather(params))


def write_summary(params: Params) -> Path:
    """Write outputs/<run>/reports/summary_<run>.md and return its path."""
    path = _paths(params)["summary_md"]
    text = render_markdown(gather(params))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# HTML: the summary followed by every executed notebook, one self-contained file

_HTML_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,5})(\s)")


def _demote_headings(source: str) -> str:
    """One level down, so that each notebook's own title sits under its stage heading."""
    out, fenced = [], False
    for line in source.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        out.append(line if fenced else _HEADING.sub(r"#\1\2", line))
    return "\n".join(out)


def _executed_notebooks(params: Params) -> list[tuple[str, str, Path]]:
    """(name, title, path) of the run's executed notebooks: STAGES order, then any other notebook."""
    nb_dir = RunDirs(params.run_name).notebooks
    found = [(s.name, s.title, artifacts.path("stage_notebook", params, stage=s.name)) for s in STAGES]
    out = [(name, title, p) for name, title, p in found if p.is_file()]
    known = {p for _, _, p in out}
    if nb_dir.is_dir():
        out += [(p.stem, p.stem, p) for p in sorted(nb_dir.glob("*.ipynb")) if p not in known]
    return out


def build_notebook(summary_md: str, notebooks: list[tuple[str, str, str, Any]]) -> Any:
    """One notebook: the summary as a markdown cell, then (heading, cells) per executed notebook."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(summary_md, id="summary"))
    for i, (name, title, note, stage_nb) in enumerate(notebooks):
        if i == 0:
            nb.metadata.update({k: copy.deepcopy(v) for k, v in stage_nb.metadata.items()
                                if k in ("kernelspec", "language_info")})
        nb.cells.append(nbformat.v4.new_markdown_cell(f"# 阶段 {name} · {STAGE_ZH.get(name, '')} {title}\n\n{note}",
                                                      id=f"stage-{name}"))
        for j, cell in enumerate(stage_nb.cells):
            c = copy.deepcopy(cell)
            c["id"] = f"{name}-{j}"
            if c.cell_type == "markdown":
                c.source = _demote_headings(c.source)
            nb.cells.append(c)
    return nb


def _stage_note(params: Params, name: str, path: Path) -> str:
    manifest, _ = _load(RunDirs(params.run_name).manifest)
    rec = ((manifest or {}).get("stages") or {}).get(name)
    state = (f"状态 status {rec.get('status')}，{rec.get('duration_s', '-')} s，{rec.get('start_utc', '-')}"
             if rec else "运行清单无记录 no manifest record")
    return f"执行后的笔记本 executed notebook `{rel(path)}`；{state}。"


def write_html(params: Params) -> Path | None:
    """outputs/<run>/reports/summary_<run>.html: the summary, then each stage's executed notebook.

    Returns None (and writes nothing) when the run has no executed notebook.
    """
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    found = _executed_notebooks(params)
    if not found:
        return None
    parts = [(name, title, _stage_note(params, name, path), nbformat.read(path, as_version=4))
             for name, title, path in found]
    md_path = _paths(params)["summary_md"]
    summary = md_path.read_text(encoding="utf-8") if md_path.is_file() else render_markdown(gather(params))
    nb = build_notebook(summary, parts)
    exporter = HTMLExporter(extra_loaders=[DictLoader({"edgecloud_summary.html.j2": _HTML_TEMPLATE})],
                            template_file="edgecloud_summary.html.j2", embed_images=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f"summary_{params.run_name}"}})
    out = _paths(params)["summary_html"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out

