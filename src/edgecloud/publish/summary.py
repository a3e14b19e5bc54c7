"""The run report: `reports/summary_<run>.md` (and one shareable HTML) in the reference's structure.

The hand-written report of the reference run (../shared/reference/edge_training_report_2026-02-10.zh.md)
has six parts: 本次结论, 关键指标, 产物索引, 论文同步状态, 风险与备注 (and, here, 最佳检查点). Written by hand
its numbers drift from the run and its artifact list names files that were never made; here every
sentence is computed from the stage reports, headline numbers come from `numbers.collect` (so the
summary and the thesis macros show the same digits), the artifact index lists only files found on
disk, and a missing report says which stage to run instead of failing.

Shape: `gather` (`summary_facts`) does all the reading (reports, manifest, files on disk) into `Facts`;
the `_section_*` functions (`summary_metrics`: 关键指标, one per stage; `summary_sections`: the other
parts) and `compute_risks` (`summary_risks`) turn Facts into text, with the small helpers of
`summary_format`; `write_summary` here and `write_html` (`summary_html`) write. No I/O below `gather`,
except `write_html` reading the executed notebooks.
"""

from __future__ import annotations

from pathlib import Path

from edgecloud.params import Params
from edgecloud.publish.summary_facts import Facts, _paths, gather
from edgecloud.publish.summary_metrics import (
    _section_bench,
    _section_data,
    _section_deploy,
    _section_e2e,
    _section_eval,
    _section_model,
    _section_train,
)
from edgecloud.publish.summary_risks import compute_risks
from edgecloud.publish.summary_sections import (
    _section_artifacts,
    _section_best,
    _section_conclusions,
    _section_risks,
    _section_sync,
)


def render_markdown(f: Facts) -> str:
    risk_list = compute_risks(f)
    started = str((f.reports.get("manifest") or {}).get("started_utc") or "")[:10]
    head = [
        f"# 端侧训练联测整理（{f.run_name}{'，' + started if started else ''}）",
        "",
        f"运行 run `{f.run_name}`，参数 params `{f.params_file}`；由 edgecloud 从各阶段报告生成，请勿手改 "
        "(generated from the stage reports, do not edit).",
        "",
    ]
    metrics = (
        ["## 关键指标", ""]
        + _section_data(f)
        + _section_model(f)
        + _section_train(f)
        + _section_eval(f)
        + _section_deploy(f)
        + _section_e2e(f)
        + _section_bench(f)
    )
    parts = (
        head
        + _section_conclusions(f, risk_list)
        + metrics
        + _section_best(f)
        + _section_artifacts(f)
        + _section_sync(f)
        + _section_risks(f, risk_list)
    )
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
