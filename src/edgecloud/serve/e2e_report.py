"""06_e2e's report: the tables, the latency figure and `reports/client_web_e2e_<run>.{json,md}`.

What `edgecloud.serve.e2e` measured (its results and `summarize`) and, when it ran, the headless browser's
check (`edgecloud.serve.browser`) become the summary table in the reference's order, one row per case, the
client-measured latency of each case coloured by the tier that answered, and the report the run report and
the thesis read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from edgecloud import artifacts
from edgecloud.jsonio import sha256_file, write_json
from edgecloud.paths import rel, resolve
from edgecloud.serve.e2e import API_PATH, routed_tier, summarize

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from edgecloud.params import Params

TIER_COLOURS = {"edge": "#1b7f3b", "cloud": "#1f5fbf", None: "#999999"}  # as the web client draws them


# ---------------------------------------------------------------------------------------------
# Tables


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.0%}"


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.0f}"


def summary_table(summary: dict[str, Any]) -> pd.DataFrame:
    """指标 / 数值 in the reference's order, then routing and latency."""
    lat = summary["latency_ms"]
    rows = [
        ("总用例", str(summary["cases"])),
        ("非空回复", str(summary["non_empty"])),
        ("非空成功率", _pct(summary["non_empty_rate"])),
        ("复杂推理用例", str(summary["complex_cases"])),
        ("复杂推理“转发云端”命中", str(summary["complex_forward_hits"])),
        ("端侧用例留在端侧 edge cases kept at the edge", f"{summary['edge_kept']} / {summary['edge_cases']}"),
        (
            "路由准确率 routing accuracy",
            f"{_pct(summary['routing_accuracy'])} ({summary['routing_correct']}/{summary['cases']})",
        ),
        ("客户端延迟 client latency p50 / p95 (ms)", f"{_num(lat['client']['p50'])} / {_num(lat['client']['p95'])}"),
        ("网关延迟 gateway latency p50 / p95 (ms)", f"{_num(lat['gateway']['p50'])} / {_num(lat['gateway']['p95'])}"),
    ]
    return pd.DataFrame(rows, columns=["指标", "数值"])


def cases_table(results: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per case: what was asked, where it should go, where the edge sent it, what came back."""

    def short(text: str | None, n: int = 40) -> str:
        text = " ".join((text or "").split())
        return text if len(text) <= n else text[: n - 1] + "…"

    return pd.DataFrame(
        [
            {
                "用例 case": r["id"],
                "类别 category": r["category"],
                "期望 expected": r["expected_tier"],
                "端侧决策 edge decision": r.get("edge_decision") or "-",
                "回答层 tier": r.get("tier") or "-",
                "状态 status": r.get("status") or (r.get("error") and "error") or "-",
                "路由正确 routed ok": "✓" if routed_tier(r.get("edge_decision")) == r["expected_tier"] else "✗",
                "非空 non-empty": "✓" if (r.get("reply") or "").strip() else "✗",
                "延迟 latency (ms)": _num(r.get("latency_ms_client")),
                "回复 reply": short(r.get("reply") or r.get("error")),
            }
            for r in results
        ]
    )


# ---------------------------------------------------------------------------------------------
# Figure and report


WEB_CASE_COLUMNS = [
    "id",
    "expected_tier",
    "tier_shown",
    "response_tier",
    "latency_badge",
    "non_empty",
    "tier_matches",
    "ok",
]


def web_cases_table(browser_result: dict[str, Any]) -> pd.DataFrame:
    """The 06 notebook's table of the headless-browser check: one row per case, the fields as the check recorded
    them (what the page showed against what the API answered)."""
    return pd.DataFrame(browser_result["cases"])[WEB_CASE_COLUMNS]


def latency_figure(results: list[dict[str, Any]]) -> "Figure":
    """Client-measured latency of each case, coloured by the tier that answered; complex cases marked [云]."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fig, ax = plt.subplots()
    labels = [r["id"].removeprefix("e2e-") + (" [云]" if r["expected_tier"] == "cloud" else "") for r in results]
    values = [(r.get("latency_ms_client") or 0) / 1000 for r in results]
    colours = [TIER_COLOURS.get(r.get("tier"), TIER_COLOURS[None]) for r in results]
    ax.bar(range(len(results)), values, color=colours)
    gateway = [(i, r["latency_ms_gateway"] / 1000) for i, r in enumerate(results) if r.get("latency_ms_gateway")]
    if gateway:
        ax.scatter(
            [i for i, _ in gateway],
            [v for _, v in gateway],
            marker="_",
            s=120,
            color="black",
            zorder=3,
            label="网关报告 gateway-reported",
        )
    ax.set_xticks(range(len(results)), labels, rotation=0)
    ax.set_xlabel("用例 case（[云] = 复杂推理 complex）")
    ax.set_ylabel("延迟 latency (s)")
    ax.set_title("联测用例延迟（按回答层着色）")
    handles = [
        Patch(color=TIER_COLOURS["edge"], label="端侧 edge"),
        Patch(color=TIER_COLOURS["cloud"], label="云端 cloud"),
    ]
    if any(r.get("tier") not in ("edge", "cloud") for r in results):
        handles.append(Patch(color=TIER_COLOURS[None], label="无回复 no reply"))
    if gateway:
        handles += ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left")
    return fig


def _md_table(df: pd.DataFrame) -> str:
    from edgecloud.publish.figures import to_markdown

    return to_markdown(df)


def _browser_md(browser_result: dict[str, Any] | None) -> list[str]:
    if browser_result is None:
        return ["未运行（e2e.browser 为 false）. Not run (e2e.browser is false).", ""]
    cases = web_cases_table(browser_result).to_dict("records") if browser_result.get("cases") else []
    rows = pd.DataFrame(  # the rows of 06's web-client table, with the report's headers and marks
        [
            {
                "用例 case": c["id"],
                "期望 expected": c["expected_tier"],
                "页面显示层 tier shown": c["tier_shown"] or "-",
                "API 返回层 tier in response": c["response_tier"] or "-",
                "一致 match": "✓" if c["tier_matches"] else "✗",
                "非空 non-empty": "✓" if c["non_empty"] else "✗",
                "延迟标记 latency badge": c["latency_badge"] or "-",
            }
            for c in cases
        ]
    )
    lines = [
        f"- 浏览器 browser: {browser_result.get('browser', '-')}（headless）",
        f"- 页面 page: `{browser_result.get('url', '-')}`",
        f"- 结果 result: {'通过 passed' if browser_result.get('ok') else '未通过 failed'}",
        f"- 截图 screenshot: `{browser_result.get('screenshot', '-')}`",
        "",
    ]
    if len(rows):
        lines += [_md_table(rows)]
    return lines


def write_report(
    params: "Params",
    results: list[dict[str, Any]],
    summary: dict[str, Any],
    browser_result: dict[str, Any] | None,
    deployment: dict[str, Any] | None = None,
    multiturn: list[dict[str, Any]] | None = None,
) -> dict[str, Path]:
    """`reports/client_web_e2e_<run>.{json,md}`, the tables `06_e2e*` and the figure `06_latency`."""
    from edgecloud.publish import figures

    run = params.run_name
    cases_path = resolve(params.e2e.cases_file)
    report = {
        "run_name": run,
        "path": f"backend API ({API_PATH})",
        "cases_file": rel(cases_path),
        "cases_sha256": sha256_file(cases_path) if cases_path.is_file() else None,
        "deployment": deployment or {},
        "summary": summary,
        "results": results,
        "browser": browser_result,
        "multiturn": None
        if multiturn is None
        else {"cases_file": params.e2e.multiturn_file, "summary": summarize(multiturn), "results": multiturn},
    }
    paths = {"json": write_json(artifacts.path("e2e", params), report)}
    table = summary_table(summary)
    paths.update(
        {
            f"table_{k}": v
            for k, v in figures.save_table(
                table,
                *artifacts.stem("tab_06_e2e", params),
                caption=f"客户端联测（Backend API 路径，{summary['cases']} 条固定用例）",
                label="tab:e2e",
            ).items()
        }
    )
    cases = cases_table(results)
    paths.update(
        {
            f"cases_{k}": v
            for k, v in figures.save_table(
                cases,
                *artifacts.stem("tab_06_e2e_cases", params),
                caption="联测逐条用例 per-case results",
                label="tab:e2e-cases",
            ).items()
        }
    )
    import matplotlib.pyplot as plt

    # the thesis style whoever calls (a notebook sets it, a script may not); fonts resolve when saving, so save inside
    with plt.style.context(figures.STYLE):
        fig = latency_figure(results)
        paths.update(
            {f"latency_{k}": v for k, v in figures.save_figure(fig, *artifacts.stem("fig_06_latency", params)).items()}
        )
    plt.close(fig)

    ok = "全部" if summary["all_non_empty"] else "未全部"
    lines = [
        f"# 客户端联测 Client / web end-to-end test（{run}）",
        "",
        "## 本次结论 Conclusions",
        "",
        f"- {summary['cases']} 条固定联测用例{ok}返回非空回复（{summary['non_empty']}/{summary['cases']}），"
        f"复杂推理场景“转发云端”命中 {summary['complex_forward_hits']}/{summary['complex_cases']}。",
        f"- 路由准确率 routing accuracy {_pct(summary['routing_accuracy'])}"
        f"（{summary['routing_correct']}/{summary['cases']}；edge_decision 为 forward 记为转发云端）。",
    ]
    if summary["errors"]:
        lines.append(f"- 请求失败 failed requests: {summary['errors']}（见逐条用例 see per case）。")
    if browser_result is not None:
        lines.append(
            f"- 无头浏览器联测 headless browser check: "
            f"{'通过 passed' if browser_result.get('ok') else '未通过 failed'}"
            f"（{len(browser_result.get('cases', []))} 条用例）。"
        )
    lines += [
        "",
        f"## 联测（Backend API 路径 `POST {API_PATH}`）",
        "",
        _md_table(table),
        "## 逐条用例 Per case",
        "",
        _md_table(cases),
        "## 网页客户端 Web client (headless Chromium)",
        "",
        *_browser_md(browser_result),
    ]
    if deployment:
        lines += ["## 部署 Deployment", ""] + [f"- {k}: {v}" for k, v in deployment.items()] + [""]
    lines += [
        "## 产物索引 Artifacts",
        "",
        f"- 报告 report: `{rel(paths['json'])}`",
        f"- 表格 tables: `{rel(paths['table_tex'])}`, `{rel(paths['cases_tex'])}`",
        f"- 延迟图 latency figure: `{rel(paths['latency_pdf'])}`",
        "",
    ]
    md = artifacts.path("e2e_md", params)
    md.parent.mkdir(parents=True, exist_ok=True)
    md.write_text("\n".join(lines), encoding="utf-8")
    paths["md"] = md
    return paths
