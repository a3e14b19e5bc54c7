"""Small pure helpers of the run report: numbers and sizes as text, Markdown tables, the line that says
which stage to run for a missing report, and the few lookups in Facts that both the sections
(`summary_sections`, `summary_metrics`) and the risks (`summary_risks`) make. The names keep the
underscore of the one module they came from: they are for the summary_* modules only.
"""

from __future__ import annotations

from typing import Any

from edgecloud.paths import resolve
from edgecloud.publish.numbers import format_value
from edgecloud.publish.summary_facts import Facts


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
    out = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|",
    ]
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
        return [
            f"_报告无法读取 report unreadable: `{f.sources[report]}` ({f.unreadable[report]})；"
            f"重新运行 re-run {_run_cmd(f, stage)}_"
        ]
    return [f"_尚无报告 no report (`{f.sources[report]}`)：阶段 {stage} 未运行或未完成，运行 run {_run_cmd(f, stage)}_"]


def _routers(f: Facts) -> list[dict[str, Any]]:
    ev = f.reports.get("eval") or {}
    return [r for r in ev.get("routers") or [] if isinstance(r, dict)]


def _best_baseline(f: Facts) -> dict[str, Any] | None:
    base = [
        r
        for r in _routers(f)
        if r.get("router") not in ("finetuned", "finetuned_calibrated") and r.get("accuracy") is not None
    ]
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
