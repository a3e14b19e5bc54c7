"""The gateway smoke test (网关冒烟): is every part of a running stack healthy, and does a request of
each kind get an explicit answer?

Three requests through the gateway's OpenAI endpoint: a simple edge request, a complex request
(a proof) and a bad request (no messages). The smoke test checks the plumbing, not the model: a
few-step smoke adapter does not forward reliably, so what the complex request did (tier, status,
edge decision) is recorded as it happened, never asserted. It passes when every part is healthy,
both real requests get a non-empty reply with an explicit tier and status, and the bad request
gets the expected OpenAI-style 400.
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable

import httpx

from edgecloud import artifacts
from edgecloud.errors import EdgecloudError
from edgecloud.jsonio import write_json
from edgecloud.params import Params
from edgecloud.paths import rel
from edgecloud.serve.stack import Stack

REQUESTS: list[dict[str, Any]] = [
    {
        "name": "edge",
        "label": "简单请求 edge request",
        "expect": "reply",
        "body": {"messages": [{"role": "user", "content": "打开客厅的灯"}]},
    },
    {
        "name": "complex",
        "label": "复杂请求 complex request",
        "expect": "reply",
        "body": {
            "messages": [
                {"role": "user", "content": "请证明：对任意正整数 n，1+3+5+…+(2n−1)=n²，写出数学归纳法的每一步。"}
            ]
        },
    },
    {
        "name": "bad",
        "label": "错误请求 bad request (no messages)",
        "expect": "error 400 missing_messages",
        "body": {"model": "edge-gateway"},
    },
]


class SmokeFailed(EdgecloudError):
    """A part of the stack is unhealthy or a request did not get the answer it should."""


def report_paths(params: Params) -> dict[str, Any]:
    return {"json": artifacts.path("deploy", params), "md": artifacts.path("deploy_md", params)}


def _client_headers(params: Params) -> dict[str, str]:
    """A client key from the variable the gateway reads, when the gateway requires one (never recorded)."""
    name = params.deploy.api_keys_env
    if not name:
        return {}
    keys = [k.strip() for k in os.environ.get(name, "").split(",") if k.strip()]
    return {"Authorization": f"Bearer {keys[0]}"} if keys else {}


def check_health(client: httpx.Client, stack: Stack) -> tuple[list[dict[str, Any]], float | None]:
    """One row per part from the gateway's /healthz (which probes each tier's /v1/models)."""
    url = f"{stack.gateway_url}/healthz"
    t0 = time.perf_counter()
    try:
        resp = client.get(url, timeout=30.0)
        body = resp.json()
    except (httpx.HTTPError, ValueError) as exc:
        return [
            {"part": "gateway", "ok": False, "detail": f"{url}: {type(exc).__name__}: {exc}", "url": stack.gateway_url}
        ], None
    ms = round((time.perf_counter() - t0) * 1000, 1)
    gw = body.get("gateway", {})
    edge, cloud = body.get("edge", {}), body.get("cloud", {})
    rows = [
        {
            "part": "gateway",
            "ok": bool(gw.get("ok")),
            "detail": f"HTTP {resp.status_code}, status {body.get('status')}",
            "url": stack.gateway_url,
        },
        {
            "part": "edge",
            "ok": bool(edge.get("ok")),
            "detail": f"{edge.get('model')}: {edge.get('detail')}",
            "url": stack.edge_url,
        },
    ]
    if stack.cloud_mode != "none":
        rows.append(
            {
                "part": "cloud",
                "ok": bool(cloud.get("ok")),
                "url": stack.cloud_url,
                "detail": f"{stack.cloud_model}: {cloud.get('detail')} ({stack.cloud_label})",
            }
        )
    return rows, ms


def send(
    client: httpx.Client, stack: Stack, req: dict[str, Any], headers: dict[str, str], timeout_s: float
) -> dict[str, Any]:
    """POST one request; what came back, and whether it is what this kind of request should get."""
    t0 = time.perf_counter()
    row: dict[str, Any] = {
        "name": req["name"],
        "label": req["label"],
        "expect": req["expect"],
        "query": (req["body"].get("messages") or [{}])[-1].get("content"),
    }
    try:
        resp = client.post(
            f"{stack.gateway_url}/v1/chat/completions", json=req["body"], headers=headers, timeout=timeout_s
        )
    except httpx.HTTPError as exc:
        return {
            **row,
            "http_status": None,
            "latency_s": round(time.perf_counter() - t0, 3),
            "ok": False,
            "problem": f"{type(exc).__name__}: {exc}",
        }
    row.update(http_status=resp.status_code, latency_s=round(time.perf_counter() - t0, 3))
    try:
        body = resp.json()
    except ValueError:
        return {**row, "ok": False, "problem": "the response is not JSON"}
    if req["expect"] == "reply":
        meta = body.get("edgecloud") or {}
        reply = ((body.get("choices") or [{}])[0].get("message") or {}).get("content") or ""
        row.update(
            reply=reply,
            model=body.get("model"),
            tier=meta.get("tier"),
            status=meta.get("status"),
            edge_decision=meta.get("edge_decision"),
            edge_reply=meta.get("edge_reply"),
            forward_match=meta.get("forward_match"),
            detail=meta.get("detail"),
            timings_ms=meta.get("timings_ms"),
        )
        problems = []
        if resp.status_code != 200:
            problems.append(f"HTTP {resp.status_code}: {body.get('error', {}).get('message')}")
        if not reply.strip():
            problems.append("empty reply")
        if not (row["tier"] and row["status"]):
            problems.append("no explicit tier/status in the edgecloud metadata")
    else:
        err = body.get("error") or {}
        row.update(error_code=err.get("code"), error_type=err.get("type"), error_message=err.get("message"))
        problems = []
        if resp.status_code != 400 or err.get("code") != "missing_messages" or not err.get("message"):
            problems.append(f"expected an OpenAI-style 400 missing_messages, got HTTP {resp.status_code} {body}")
    return {**row, "ok": not problems, "problem": "; ".join(problems) or None}


def run_smoke(params: Params, stack: Stack, echo: Callable[[str], None] = print, check: bool = True) -> dict[str, Any]:
    """Health of every part, the three requests, and the report files; raises SmokeFailed (after writing
    the report) when `check` and anything failed."""
    d = params.deploy
    timeout_s = d.edge_timeout_s + (d.cloud_timeout_s if d.cloud.mode != "none" else 0) + 10
    headers = _client_headers(params)
    with httpx.Client(trust_env=False) as client:
        health, health_ms = check_health(client, stack)
        for h in health:
            echo(f"  health {h['part']}: {'ok' if h['ok'] else 'NOT OK'} ({h['detail']})")
        requests = []
        for req in REQUESTS:
            row = send(client, stack, req, headers, timeout_s)
            requests.append(row)
            what = (
                f"tier {row.get('tier')}, status {row.get('status')}, edge_decision {row.get('edge_decision')}"
                if req["expect"] == "reply"
                else f"error {row.get('error_code')}"
            )
            echo(
                f"  {req['name']}: HTTP {row['http_status']} in {row['latency_s']:.2f} s, {what}"
                + ("" if row["ok"] else f"  PROBLEM: {row['problem']}")
            )
    problems = [f"{h['part']} is not healthy: {h['detail']}" for h in health if not h["ok"]]
    problems += [f"{r['name']} request: {r['problem']}" for r in requests if not r["ok"]]
    complex_row = next(r for r in requests if r["name"] == "complex")
    report = {
        "run_name": params.run_name,
        "ok": not problems,
        "problems": problems,
        "gateway_url": stack.gateway_url,
        "edge": {"url": stack.edge_url, "model": stack.served_model},
        "cloud": {
            "mode": stack.cloud_mode,
            "url": stack.cloud_url,
            "model": stack.cloud_model,
            "label": stack.cloud_label,
        },
        "health": health,
        "health_latency_ms": health_ms,
        "requests": requests,
        # What the complex request did, stated plainly: a smoke adapter is not expected to forward.
        "complex_forwarded_to_cloud": complex_row.get("tier") == "cloud",
        "startup_s": dict(stack.started_s),
        "logs": {k: rel(v) for k, v in stack.logs.items()},
        "gateway_config": rel(stack.gateway_config),
        "max_new_tokens": d.max_new_tokens,
        "params_sha256": params.sha256(),
    }
    paths = report_paths(params)
    write_json(paths["json"], report)
    paths["md"].write_text(markdown(report), encoding="utf-8")
    echo(f"Smoke test {'passed' if report['ok'] else 'FAILED'}: {rel(paths['json'])}, {rel(paths['md'])}")
    if check and problems:
        raise SmokeFailed(
            "the gateway smoke test failed:\n  - "
            + "\n  - ".join(problems)
            + f"\n(report: {rel(paths['md'])}; logs: {', '.join(report['logs'].values())})"
        )
    return report


def _cell(v: Any, limit: int = 80) -> str:
    text = "-" if v is None or v == "" else str(v)
    text = " ".join(text.split())
    return (text[:limit] + "…" if len(text) > limit else text).replace("|", "\\|")


def request_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per request, as the notebook table and the Markdown report show them."""
    rows = []
    for r in report["requests"]:
        result = f"{r.get('tier')} / {r.get('status')}" if r["expect"] == "reply" else f"error {r.get('error_code')}"
        rows.append(
            {
                "请求 request": r["label"],
                "HTTP": r.get("http_status"),
                "tier / status": result,
                "edge_decision": r.get("edge_decision") or "-",
                "latency s": f"{r['latency_s']:.2f}",
                "通过 pass": "yes" if r["ok"] else "NO",
                "回复 reply": _cell(r.get("reply") or r.get("error_message"), 60),
            }
        )
    return rows


def health_table(report: dict[str, Any]) -> Any:
    """The 05 notebook's health table: one row per part of the stack (part, ok, detail) from the gateway's /healthz."""
    import pandas as pd

    return pd.DataFrame(report["health"])[["part", "ok", "detail"]]


def requests_table(report: dict[str, Any]) -> Any:
    """The smoke requests (request_rows) as a table: the 05 notebook shows it and saves it for the thesis
    (05_gateway_smoke); the Markdown report prints the same rows."""
    import pandas as pd

    return pd.DataFrame(request_rows(report))


def markdown(report: dict[str, Any]) -> str:
    run = report["run_name"]
    out = [
        f"# 网关冒烟测试 gateway smoke test: {run}",
        "",
        f"结果 result: **{'通过 PASS' if report['ok'] else '未通过 FAIL'}**",
        "",
    ]
    if report["problems"]:
        out += ["问题 problems:", "", *[f"- {p}" for p in report["problems"]], ""]
    cloud = report["cloud"]
    out += [
        "## 部署 deployment",
        "",
        f"- 网关 gateway: {report['gateway_url']} (config `{report['gateway_config']}`)",
        f"- 端侧 edge: `swift deploy` {report['edge']['model']} + LoRA adapter at {report['edge']['url']}",
        f"- 云端 cloud: mode `{cloud['mode']}`"
        + (f", {cloud['label']}: {cloud['model']} at {cloud['url']}" if cloud["mode"] != "none" else ""),
        f"- max_new_tokens: {report['max_new_tokens']}",
        "",
        "## 启动时间 startup (s)",
        "",
        "| part | seconds |",
        "|---|---:|",
        *[f"| {k} | {v} |" for k, v in report["startup_s"].items()],
        "",
        "## 健康检查 health (`/healthz`)",
        "",
        "| 部件 part | ok | detail |",
        "|---|---|---|",
        *[f"| {h['part']} | {'yes' if h['ok'] else 'NO'} | {_cell(h['detail'], 120)} |" for h in report["health"]],
        "",
        "## 请求 requests",
        "",
    ]
    rows = request_rows(report)
    cols = list(rows[0])
    out += [
        "| " + " | ".join(cols) + " |",
        "|" + "|".join("---" for _ in cols) + "|",
        *["| " + " | ".join(_cell(r[c], 200) for c in cols) + " |" for r in rows],
        "",
    ]
    c = next(r for r in report["requests"] if r["name"] == "complex")
    out += [
        f"复杂请求 complex request: answered by tier `{c.get('tier')}` (status `{c.get('status')}`, edge decision "
        f"`{c.get('edge_decision')}`). Recorded as it happened: whether the edge forwards is measured by "
        "04_eval, not asserted here.",
        "",
        "## 日志 logs",
        "",
        *[f"- {k}: `{v}`" for k, v in report["logs"].items()],
        "",
    ]
    return "\n".join(out)
