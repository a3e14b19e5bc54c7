"""06_e2e: the fixed client cases of the reference run, sent through the gateway's backend API path.

The reference run judged its deployment by 12 fixed requests sent the way the web client sends
them (`POST /api/chat`): did every one get a non-empty reply, and did the 2 complex-reasoning ones
make the edge model say 转发云端 ("forward to cloud")? This module repeats that measurement on the
deployed stack, adds routing accuracy over all cases and latency (as the client sees it and as the
gateway reports it), and writes the report in the reference's form. The real-browser half of the
stage is `edgecloud.serve.browser`.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edgecloud import artifacts
from edgecloud.errors import DataError, EdgecloudError
from edgecloud.eval.metrics import percentile
from edgecloud.jsonio import sha256_file, write_json
from edgecloud.paths import rel, resolve

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from edgecloud.params import Params

EDGE_CATEGORIES = ("device_control", "timer_reminder", "lookup", "translation", "arithmetic", "chitchat")
TIER_COLOURS = {"edge": "#1b7f3b", "cloud": "#1f5fbf", None: "#999999"}  # as the web client draws them
API_PATH = "/api/chat"


class Case(BaseModel):
    """One fixed client request and the tier it should end up on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    lang: Literal["zh", "en"]
    category: str = Field(min_length=1)
    query: str = Field(min_length=1)
    expected_tier: Literal["edge", "cloud"]
    history: list[dict[str, str]] = Field(default_factory=list, description="earlier turns, sent with the request "
                                          "as the web page does; expected_tier belongs to the last request")


# ---------------------------------------------------------------------------------------------
# Cases


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate a cases JSONL file; a bad line stops with the file, the line and what is wrong."""
    fpath = resolve(path)
    where = rel(fpath)
    if not fpath.is_file():
        raise DataError(f"E2E cases file not found: {where} (set e2e.cases_file; the default is data/e2e/cases.jsonl)")
    cases: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(fpath.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where} line {lineno}: not valid JSON ({exc.msg}, column {exc.colno})") from None
        if not isinstance(doc, dict):
            raise DataError(f"{where} line {lineno}: expected a JSON object with id, lang, category, query, "
                            "expected_tier")
        try:
            case = Case.model_validate(doc)
        except ValidationError as exc:
            problems = "; ".join(
                f"'{'.'.join(str(x) for x in e['loc']) or '(line)'}': "
                + ("unknown key" if e["type"] == "extra_forbidden" else e["msg"].removeprefix("Value error, "))
                for e in exc.errors())
            raise DataError(f"{where} line {lineno}: {problems}") from None
        if not case.query.strip():
            raise DataError(f"{where} line {lineno}: 'query' is blank")
        if case.id in seen:
            raise DataError(f"{where} line {lineno}: id {case.id!r} is already used on line {seen[case.id]}")
        seen[case.id] = lineno
        cases.append(case.model_dump())
    if not cases:
        raise DataError(f"{where}: no cases (one JSON object per line)")
    return cases


def client_api_key(params: "Params") -> str | None:
    """The first client key of the gateway (deploy.api_keys_env names the variable), or None without auth."""
    name = params.deploy.api_keys_env
    if not name:
        return None
    keys = [k.strip() for k in os.environ.get(name, "").split(",") if k.strip()]
    if not keys:
        raise EdgecloudError(f"deploy.api_keys_env is {name!r} but that environment variable is empty: "
                             "export the gateway's client keys in it")
    return keys[0]


def request_timeout_s(params: "Params") -> float:
    """What one request may take: the edge, then the cloud, plus a margin for the gateway itself."""
    return params.deploy.edge_timeout_s + params.deploy.cloud_timeout_s + 10.0


# ---------------------------------------------------------------------------------------------
# Running


def routed_tier(edge_decision: str | None) -> str | None:
    """The tier the edge model chose: a forward counts as cloud, an answer as edge, no decision as none."""
    return {"forward": "cloud", "answer": "edge"}.get(edge_decision or "")


def run_cases(gateway_url: str, cases: list[dict[str, Any]], timeout_s: float,
              api_key: str | None = None) -> list[dict[str, Any]]:
    """Send each case as the web client does (`POST /api/chat`, with the case's earlier turns), one after another.

    A failed request is recorded with its error rather than raised: the report counts it as an
    empty reply, which is what the reference's "non-empty" figure measures.
    """
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    results = []
    # trust_env=False: the gateway is on loopback, and a proxy variable must not take the request elsewhere
    with httpx.Client(base_url=gateway_url.rstrip("/"), timeout=timeout_s, trust_env=False) as client:
        for case in cases:
            row: dict[str, Any] = {**case, "reply": "", "tier": None, "status": None, "edge_decision": None,
                                   "edge_reply": None, "http_status": None, "error": None,
                                   "latency_ms_client": None, "latency_ms_gateway": None,
                                   "edge_ms": None, "cloud_ms": None}
            start = time.perf_counter()
            try:
                body_in: dict[str, Any] = {"message": case["query"]}
                if case.get("history"):
                    body_in["history"] = case["history"]
                resp = client.post(API_PATH, json=body_in, headers=headers)
            except httpx.HTTPError as exc:
                row["error"] = f"{type(exc).__name__}: {exc}"
            else:
                row["http_status"] = resp.status_code
                try:
                    body = resp.json()
                except ValueError:
                    body = None
                if resp.status_code != 200 or not isinstance(body, dict):
                    err = body.get("error", {}) if isinstance(body, dict) else {}
                    row["error"] = f"HTTP {resp.status_code}: {err.get('message') if isinstance(err, dict) else ''}"
                else:
                    timings = body.get("timings_ms") or {}
                    row.update(reply=body.get("reply") or "", tier=body.get("tier"), status=body.get("status"),
                               edge_decision=body.get("edge_decision"), edge_reply=body.get("edge_reply"),
                               latency_ms_gateway=body.get("latency_ms"), edge_ms=timings.get("edge"),
                               cloud_ms=timings.get("cloud"))
            row["latency_ms_client"] = round((time.perf_counter() - start) * 1000, 1)
            row["routed"] = routed_tier(row["edge_decision"])
            row["routed_ok"] = row["routed"] == case["expected_tier"]
            row["non_empty"] = bool(row["reply"].strip())
            results.append(row)
    return results


# ---------------------------------------------------------------------------------------------
# Summary


def _ms(values: list[float]) -> dict[str, float | None]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 1)

    return {"n": len(values), "p50": r(percentile(values, 50)), "p95": r(percentile(values, 95)),
            "max": r(max(values)) if values else None}


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The reference's figures (cases, non-empty, complex cases and their forward hits) plus routing and latency."""
    n = len(results)
    non_empty = sum(1 for r in results if (r.get("reply") or "").strip())
    complex_ = [r for r in results if r["expected_tier"] == "cloud"]
    edge = [r for r in results if r["expected_tier"] == "edge"]
    hits = sum(1 for r in complex_ if r.get("edge_decision") == "forward")
    kept = sum(1 for r in edge if r.get("edge_decision") == "answer")
    correct = hits + kept
    tiers: dict[str, int] = {}
    statuses: dict[str, int] = {}
    for r in results:
        tiers[str(r.get("tier"))] = tiers.get(str(r.get("tier")), 0) + 1
        statuses[str(r.get("status"))] = statuses.get(str(r.get("status")), 0) + 1
    client = [r["latency_ms_client"] for r in results if r.get("latency_ms_client") is not None]
    gateway = [r["latency_ms_gateway"] for r in results if r.get("latency_ms_gateway") is not None]
    by_tier = {t: _ms([r["latency_ms_client"] for r in results if r.get("tier") == t
                       and r.get("latency_ms_client") is not None]) for t in ("edge", "cloud")}
    return {
        "cases": n,
        "non_empty": non_empty,
        "non_empty_rate": non_empty / n if n else None,
        "errors": sum(1 for r in results if r.get("error")),
        "complex_cases": len(complex_),
        "complex_forward_hits": hits,
        "edge_cases": len(edge),
        "edge_kept": kept,
        "routing_correct": correct,
        "routing_accuracy": correct / n if n else None,
        "answered_by": tiers,
        "status": statuses,
        "latency_ms": {"client": _ms(client), "gateway": _ms(gateway), "client_by_tier": by_tier},
        "all_non_empty": n > 0 and non_empty == n,
        "all_complex_forwarded": bool(complex_) and hits == len(complex_),
        "per_case": [{**{k: r.get(k) for k in ("id", "lang", "category", "expected_tier", "edge_decision", "tier",
                                                "status", "latency_ms_client", "latency_ms_gateway")},
                      "routed_ok": routed_tier(r.get("edge_decision")) == r["expected_tier"],
                      "non_empty": bool((r.get("reply") or "").strip())} for r in results],
    }


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
        ("路由准确率 routing accuracy", f"{_pct(summary['routing_accuracy'])} "
                                       f"({summary['routing_correct']}/{summary['cases']})"),
        ("客户端延迟 client latency p50 / p95 (ms)", f"{_num(lat['client']['p50'])} / {_num(lat['client']['p95'])}"),
        ("网关延迟 gateway latency p50 / p95 (ms)", f"{_num(lat['gateway']['p50'])} / {_num(lat['gateway']['p95'])}"),
    ]
    return pd.DataFrame(rows, columns=["指标", "数值"])


def cases_table(results: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per case: what was asked, where it should go, where the edge sent it, what came back."""
    def short(text: str | None, n: int = 40) -> str:
        text = " ".join((text or "").split())
        return text if len(text) <= n else text[: n - 1] + "…"

    return pd.DataFrame([{
        "用例 case": r["id"], "类别 category": r["category"], "期望 expected": r["expected_tier"],
        "端侧决策 edge decision": r.get("edge_decision") or "-", "回答层 tier": r.get("tier") or "-",
        "状态 status": r.get("status") or (r.get("error") and "error") or "-",
        "路由正确 routed ok": "✓" if routed_tier(r.get("edge_decision")) == r["expected_tier"] else "✗",
        "非空 non-empty": "✓" if (r.get("reply") or "").strip() else "✗",
        "延迟 latency (ms)": _num(r.get("latency_ms_client")),
        "回复 reply": short(r.get("reply") or r.get("error")),
    } for r in results])


# ---------------------------------------------------------------------------------------------
# Figure and report


WEB_CASE_COLUMNS = ["id", "expected_tier", "tier_shown", "response_tier", "latency_badge", "non_empty",
                    "tier_matches", "ok"]


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
        ax.scatter([i for i, _ in gateway], [v for _, v in gateway], marker="_", s=120, color="black", zorder=3,
                   label="网关报告 gateway-reported")
    ax.set_xticks(range(len(results)), labels, rotation=0)
    ax.set_xlabel("用例 case（[云] = 复杂推理 complex）")
    ax.set_ylabel("延迟 latency (s)")
    ax.set_title("联测用例延迟（按回答层着色）")
    handles = [Patch(color=TIER_COLOURS["edge"], label="端侧 edge"), Patch(color=TIER_COLOURS["cloud"], label="云端 cloud")]
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
    rows = pd.DataFrame([{
        "用例 case": c["id"], "期望 expected": c["expected_tier"], "页面显示层 tier shown": c.get("tier_shown") or "-",
        "API 返回层 tier in response": c.get("response_tier") or "-",
        "一致 match": "✓" if c.get("tier_matches") else "✗",
        "非空 non-empty": "✓" if c.get("non_empty") else "✗", "延迟标记 latency badge": c.get("latency_badge") or "-",
    } for c in browser_result.get("cases", [])])
    lines = [f"- 浏览器 browser: {browser_result.get('browser', '-')}（headless）",
             f"- 页面 page: `{browser_result.get('url', '-')}`",
             f"- 结果 result: {'通过 passed' if browser_result.get('ok') else '未通过 failed'}",
             f"- 截图 screenshot: `{browser_result.get('screenshot', '-')}`", ""]
    if len(rows):
        lines += [_md_table(rows)]
    return lines


def write_report(params: "Params", results: list[dict[str, Any]], summary: dict[str, Any],
                 browser_result: dict[str, Any] | None, deployment: dict[str, Any] | None = None,
                 multiturn: list[dict[str, Any]] | None = None) -> dict[str, Path]:
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
        "multiturn": None if multiturn is None else {
            "cases_file": params.e2e.multiturn_file, "summary": summarize(multiturn), "results": multiturn},
    }
    paths = {"json": write_json(artifacts.path("e2e", params), report)}
    table = summary_table(summary)
    paths.update({f"table_{k}": v for k, v in figures.save_table(
        table, *artifacts.stem("tab_06_e2e", params), caption=f"客户端联测（Backend API 路径，{summary['cases']} 条固定用例）",
        label="tab:e2e").items()})
    cases = cases_table(results)
    paths.update({f"cases_{k}": v for k, v in figures.save_table(
        cases, *artifacts.stem("tab_06_e2e_cases", params), caption="联测逐条用例 per-case results", label="tab:e2e-cases").items()})
    import matplotlib.pyplot as plt

    # the thesis style whoever calls (a notebook sets it, a script may not); fonts resolve when saving, so save inside
    with plt.style.context(figures.STYLE):
        fig = latency_figure(results)
        paths.update({f"latency_{k}": v for k, v in figures.save_figure(fig, *artifacts.stem("fig_06_latency", params)).items()})
    plt.close(fig)

    ok = "全部" if summary["all_non_empty"] else "未全部"
    lines = [
        f"# 客户端联测 Client / web end-to-end test（{run}）", "",
        "## 本次结论 Conclusions", "",
        f"- {summary['cases']} 条固定联测用例{ok}返回非空回复（{summary['non_empty']}/{summary['cases']}），"
        f"复杂推理场景“转发云端”命中 {summary['complex_forward_hits']}/{summary['complex_cases']}。",
        f"- 路由准确率 routing accuracy {_pct(summary['routing_accuracy'])}"
        f"（{summary['routing_correct']}/{summary['cases']}；edge_decision 为 forward 记为转发云端）。",
    ]
    if summary["errors"]:
        lines.append(f"- 请求失败 failed requests: {summary['errors']}（见逐条用例 see per case）。")
    if browser_result is not None:
        lines.append(f"- 无头浏览器联测 headless browser check: "
                     f"{'通过 passed' if browser_result.get('ok') else '未通过 failed'}"
                     f"（{len(browser_result.get('cases', []))} 条用例）。")
    lines += ["", f"## 联测（Backend API 路径 `POST {API_PATH}`）", "", _md_table(table),
              "## 逐条用例 Per case", "", _md_table(cases),
              "## 网页客户端 Web client (headless Chromium)", "", *_browser_md(browser_result)]
    if deployment:
        lines += ["## 部署 Deployment", ""] + [f"- {k}: {v}" for k, v in deployment.items()] + [""]
    lines += ["## 产物索引 Artifacts", "",
              f"- 报告 report: `{rel(paths['json'])}`",
              f"- 表格 tables: `{rel(paths['table_tex'])}`, `{rel(paths['cases_tex'])}`",
              f"- 延迟图 latency figure: `{rel(paths['latency_pdf'])}`", ""]
    md = artifacts.path("e2e_md", params)
    md.parent.mkdir(parents=True, exist_ok=True)
    md.write_text("\n".join(lines), encoding="utf-8")
    paths["md"] = md
    return paths
