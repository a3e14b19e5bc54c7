"""Load and failure behaviour of the edge gateway, on loopback, against the real serving stack.

Not a test: it records numbers with the machine's details. Four parts, each bounded in count and time:

1. load: N chat requests through the gateway at concurrency C (short edge-type prompts of
   data/e2e/cases.jsonl, cycled, small max_tokens), then the same N requests straight to the edge
   model server (with the system prompt the gateway adds); status codes, lost requests, 5xx,
   p50/p95/p99, and the gateway's added latency (difference of p50s, and the median of the
   gateway-reported timings_ms.total - timings_ms.edge over requests the edge answered);
2. bad inputs: a table of malformed requests and the status code + error code each got;
3. edge killed mid-run: a batch at concurrency 8, the edge server's process group SIGKILLed after
   ~10 answers; every request must still get a 200 with a non-empty reply (cloud fallback);
4. cloud down: a fresh stack, the cloud stand-in's process group SIGKILLed, then prompts the edge
   forwards; each must come back 200 with the edge's own forward reply and status cloud_unavailable.

    .venv/bin/python benchmarks/gateway_load.py [--requests 200] [--concurrency 16] [--max-tokens 8]

Stacks run under their own run name (default `gateway-load-bench`, files under outputs/<that>/), so
the logs and gateway.json of a `default` stack that may be running are never overwritten; the model
and adapter are the ones the params' run (`default`) prepared and trained. Every stack is stopped by
the `running_stack` context manager. Writes benchmarks/results/gateway_load_<date>.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from edgecloud.model import best_adapter
from edgecloud.params import load_params
from edgecloud.paths import ROOT, rel
from edgecloud.provenance import machine, versions
from edgecloud.runner import VERSIONED
from edgecloud.serve.stack import running_stack
from edgecloud.train.prepare import prepared_model_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import pct  # noqa: E402

PORTS = ["deploy.gateway_port=8400", "deploy.edge_port=8401", "deploy.cloud_port=8402"]
CLIENT_TIMEOUT_S = 300.0  # the model servers serialise requests: queueing at concurrency 16 takes a while
EXTRA_COMPLEX = [
    "Derive the closed form of the sum of k*2^k for k from 1 to n, justify each step, and prove it by induction.",
    "比较三种家庭储能方案（磷酸铁锂、三元锂、铅酸）在十年使用周期内的总成本、安全性和维护要求，给出详细计算和推荐理由。",
    "Write a detailed migration plan for moving a 2 TB PostgreSQL database to a new region with under 5 minutes "
    "of downtime, including rollback steps, verification queries and a timeline.",
]


def latency_summary(ms: list[float]) -> dict[str, Any]:
    return {
        "n": len(ms),
        "p50_ms": pct(ms, 50),
        "p95_ms": pct(ms, 95),
        "p99_ms": pct(ms, 99),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
    }


def load_cases() -> list[dict[str, Any]]:
    return [
        json.loads(l) for l in (ROOT / "data/e2e/cases.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()
    ]


async def one(
    client: httpx.AsyncClient, url: str, payload: dict[str, Any], sem: asyncio.Semaphore, done: list[int] | None = None
) -> dict[str, Any]:
    """One POST; a lost request (exception, no response) is recorded with its exception name."""
    async with sem:
        t0 = time.perf_counter()
        try:
            resp = await client.post(url, json=payload)
        except httpx.HTTPError as exc:
            return {
                "lost": True,
                "error": f"{type(exc).__name__}: {exc}"[:200],
                "ms": (time.perf_counter() - t0) * 1000,
            }
        ms = (time.perf_counter() - t0) * 1000
        out: dict[str, Any] = {"lost": False, "code": resp.status_code, "ms": ms}
        try:
            body = resp.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            try:
                out["reply"] = body["choices"][0]["message"]["content"]
            except (KeyError, IndexError, TypeError):
                out["reply"] = None
            meta = body.get("edgecloud")
            if isinstance(meta, dict):
                out.update(
                    tier=meta.get("tier"),
                    status=meta.get("status"),
                    timings=meta.get("timings_ms"),
                    detail=meta.get("detail"),
                )
            if isinstance(body.get("error"), dict):
                out["error_code"] = body["error"].get("code")
        if done is not None:
            done[0] += 1
        return out


def summarize(results: list[dict[str, Any]], wall_s: float) -> dict[str, Any]:
    answered = [r for r in results if not r["lost"]]
    ok_ms = [r["ms"] for r in answered if r["code"] == 200]
    return {
        "requests": len(results),
        "wall_s": round(wall_s, 1),
        "throughput_rps": round(len(answered) / wall_s, 2) if wall_s else None,
        "codes": dict(Counter(str(r["code"]) for r in answered)),
        "lost": sum(r["lost"] for r in results),
        "http_5xx": sum(1 for r in answered if r["code"] >= 500),
        "empty_replies_200": sum(1 for r in answered if r["code"] == 200 and not (r.get("reply") or "").strip()),
        "latency_200": latency_summary(ok_ms),
        "lost_errors": sorted({r["error"] for r in results if r["lost"]})[:5],
    }


async def batch(url: str, payloads: list[dict[str, Any]], concurrency: int) -> tuple[list[dict[str, Any]], float]:
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(trust_env=False, timeout=CLIENT_TIMEOUT_S, limits=limits) as client:
        t0 = time.perf_counter()
        results = await asyncio.gather(*(one(client, url, p, sem) for p in payloads))
        return list(results), time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------
# Parts


def run_load(stack, params, prompts: list[str], n: int, conc: int, max_tokens: int) -> dict[str, Any]:
    queries = [prompts[i % len(prompts)] for i in range(n)]
    gw_payloads = [
        {"model": "edge-gateway", "messages": [{"role": "user", "content": q}], "max_tokens": max_tokens}
        for q in queries
    ]
    print(f"[load] {n} requests through the gateway at concurrency {conc} ...", flush=True)
    gw, gw_wall = asyncio.run(batch(stack.gateway_url + "/v1/chat/completions", gw_payloads, conc))
    gw_sum = summarize(gw, gw_wall)
    gw_sum["tier_status"] = dict(Counter(f"{r.get('tier')}/{r.get('status')}" for r in gw if not r["lost"]))
    print(f"  {json.dumps({k: gw_sum[k] for k in ('codes', 'lost', 'http_5xx', 'latency_200', 'wall_s')})}", flush=True)

    sys_prompt = params.data.system_prompt
    direct_payloads = [
        {
            "model": stack.served_model,
            "messages": [{"role": "system", "content": sys_prompt}, {"role": "user", "content": q}],
            "max_tokens": max_tokens,
        }
        for q in queries
    ]
    print(f"[load] the same {n} requests straight to the edge server ...", flush=True)
    direct, d_wall = asyncio.run(batch(stack.edge_url + "/chat/completions", direct_payloads, conc))
    d_sum = summarize(direct, d_wall)
    print(f"  {json.dumps({k: d_sum[k] for k in ('codes', 'lost', 'http_5xx', 'latency_200', 'wall_s')})}", flush=True)

    overhead = [
        r["timings"]["total"] - r["timings"]["edge"]
        for r in gw
        if not r["lost"] and r["code"] == 200 and r.get("tier") == "edge" and r.get("timings")
    ]
    p50_gw, p50_d = gw_sum["latency_200"]["p50_ms"], d_sum["latency_200"]["p50_ms"]
    added = {
        "p50_difference_ms": round(p50_gw - p50_d, 1) if p50_gw is not None and p50_d is not None else None,
        "p95_difference_ms": round(gw_sum["latency_200"]["p95_ms"] - d_sum["latency_200"]["p95_ms"], 1)
        if p50_gw is not None and p50_d is not None
        else None,
        "gateway_reported_total_minus_edge_median_ms": round(statistics.median(overhead), 2) if overhead else None,
        "gateway_reported_total_minus_edge_p95_ms": pct(overhead, 95),
        "gateway_reported_n": len(overhead),
        "note": "total - edge from the gateway's own timings_ms, over requests the edge answered itself "
        "(tier edge); the p50 difference also includes client-side and queueing noise",
    }
    return {
        "prompts": len(prompts),
        "max_tokens": max_tokens,
        "concurrency": conc,
        "gateway": gw_sum,
        "direct_edge": d_sum,
        "gateway_added_latency": added,
    }


def bad_inputs(stack, params) -> list[dict[str, Any]]:
    """Requests a client might get wrong, and what the gateway answered to each."""
    url = stack.gateway_url + "/v1/chat/completions"
    user = [{"role": "user", "content": "Turn on the kitchen light."}]
    # the limits the gateway runs with: GatewayConfig defaults unless the stack's config sets them
    cfg = json.loads(Path(stack.gateway_config).read_text(encoding="utf-8"))
    from edgecloud.serve.gateway import GatewayConfig

    gc = GatewayConfig.model_validate(cfg)
    max_body, max_chars = gc.max_body_bytes, gc.max_prompt_chars
    J = "application/json"
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("malformed JSON", "POST", {"content": b'{"messages": [', "ct": J}),
        ("body is a JSON array", "POST", {"json": [1, 2]}),
        ("no messages key", "POST", {"json": {"model": "edge-gateway"}}),
        ("empty messages list", "POST", {"json": {"messages": []}}),
        ("message not an object", "POST", {"json": {"messages": ["hello"]}}),
        ("wrong role ('tool')", "POST", {"json": {"messages": [{"role": "tool", "content": "hi"}]}}),
        (
            "last message from assistant",
            "POST",
            {"json": {"messages": [*user, {"role": "assistant", "content": "ok"}]}},
        ),
        ("empty user message", "POST", {"json": {"messages": [{"role": "user", "content": "   "}]}}),
        ("content is a number", "POST", {"json": {"messages": [{"role": "user", "content": 42}]}}),
        (
            f"oversized body (> max_body_bytes={max_body})",
            "POST",
            {"json": {"messages": [{"role": "user", "content": "x" * (max_body + 1000)}]}},
        ),
        (
            f"over-long prompt ({max_chars + 1} chars > max_prompt_chars)",
            "POST",
            {"json": {"messages": [{"role": "user", "content": "y" * (max_chars + 1)}]}},
        ),
        ("unknown model", "POST", {"json": {"model": "gpt-9", "messages": user}}),
        ("max_tokens 0", "POST", {"json": {"messages": user, "max_tokens": 0}}),
        ("max_tokens a string", "POST", {"json": {"messages": user, "max_tokens": "8"}}),
        ("temperature 5", "POST", {"json": {"messages": user, "temperature": 5, "max_tokens": 8}}),
        ("stream not a boolean", "POST", {"json": {"messages": user, "stream": "yes", "max_tokens": 8}}),
        (
            "form-encoded body (non-JSON content type)",
            "POST",
            {"content": b"messages=hello", "ct": "application/x-www-form-urlencoded"},
        ),
        (
            "valid JSON sent as text/plain",
            "POST",
            {"content": json.dumps({"messages": user, "max_tokens": 8}).encode(), "ct": "text/plain"},
        ),
        ("GET on the chat route", "GET", {}),
    ]
    rows = []
    with httpx.Client(trust_env=False, timeout=CLIENT_TIMEOUT_S) as client:
        for name, method, spec in cases:
            kw: dict[str, Any] = {}
            if "json" in spec:
                kw["json"] = spec["json"]
            if "content" in spec:
                kw["content"] = spec["content"]
                kw["headers"] = {"content-type": spec["ct"]}
            try:
                resp = client.request(method, url, **kw)
            except httpx.HTTPError as exc:
                rows.append({"request": name, "code": None, "error_code": None, "message": f"{type(exc).__name__}"})
                continue
            try:
                body = resp.json()
            except ValueError:
                body = {}
            err = body.get("error") if isinstance(body, dict) else None
            if isinstance(err, dict):
                code, msg = err.get("code"), (err.get("message") or "")[:160]
            elif isinstance(body, dict) and "detail" in body:
                code, msg = None, str(body["detail"])[:160]
            else:
                code, msg = None, f"status {body.get('edgecloud', {}).get('status')}" if isinstance(body, dict) else ""
            rows.append({"request": name, "code": resp.status_code, "error_code": code, "message": msg})
            print(f"  [bad input] {name}: {resp.status_code} {code}", flush=True)
    keys = cfg.get("api_keys_env")
    rows.append(
        {
            "request": "missing bearer key",
            "code": None,
            "error_code": None,
            "message": "skipped: no client keys configured (deploy.api_keys_env is null)"
            if not keys
            else f"skipped: keys configured via {keys} but not exercised",
        }
    )
    return rows


def run_edge_kill(stack, prompts: list[str], n: int, conc: int, max_tokens: int, kill_after: int) -> dict[str, Any]:
    """A batch through the gateway; the edge server's process group is SIGKILLed after `kill_after` answers."""
    edge_pid = stack.pids["edge"]
    payloads = [
        {"messages": [{"role": "user", "content": prompts[i % len(prompts)]}], "max_tokens": max_tokens}
        for i in range(n)
    ]
    url = stack.gateway_url + "/v1/chat/completions"
    info: dict[str, Any] = {"edge_pid": edge_pid}

    async def go() -> list[dict[str, Any]]:
        sem, done = asyncio.Semaphore(conc), [0]
        async with httpx.AsyncClient(trust_env=False, timeout=CLIENT_TIMEOUT_S) as client:
            tasks = [asyncio.create_task(one(client, url, p, sem, done)) for p in payloads]
            t0 = time.perf_counter()
            while done[0] < kill_after and time.perf_counter() - t0 < 240 and not all(t.done() for t in tasks):
                await asyncio.sleep(0.05)
            info["completed_before_kill"] = done[0]
            try:
                os.killpg(edge_pid, signal.SIGKILL)
                info["killed"] = True
            except ProcessLookupError:
                info["killed"] = False
            info["kill_at_s"] = round(time.perf_counter() - t0, 2)
            print(f"[edge-kill] SIGKILL to the edge process group {edge_pid} after {done[0]} answers", flush=True)
            res = await asyncio.gather(*tasks)
            info["wall_s"] = round(time.perf_counter() - t0, 1)
            return list(res)

    results = asyncio.run(go())
    # the requests finishing first are the ones answered before the kill; order by completion is not kept,
    # so the split is by status instead
    s = summarize(results, info["wall_s"])
    info.update(
        {
            "requests": n,
            "concurrency": conc,
            "max_tokens": max_tokens,
            "codes": s["codes"],
            "lost": s["lost"],
            "http_5xx": s["http_5xx"],
            "all_200_non_empty": s["lost"] == 0 and s["codes"] == {"200": n} and s["empty_replies_200"] == 0,
            "empty_replies_200": s["empty_replies_200"],
            "tier_status": dict(Counter(f"{r.get('tier')}/{r.get('status')}" for r in results if not r["lost"])),
            "fallback_details": sorted(
                {(r.get("detail") or "")[:120] for r in results if r.get("status") == "edge_unavailable_fallback"}
            )[:4],
            "latency_200": s["latency_200"],
        }
    )
    print(f"  {json.dumps({k: info[k] for k in ('codes', 'lost', 'tier_status', 'all_200_non_empty')})}", flush=True)
    return info


def run_cloud_down(stack, queries: list[tuple[str, str]]) -> dict[str, Any]:
    cloud_pid = stack.pids["cloud"]
    os.killpg(cloud_pid, signal.SIGKILL)
    print(f"[cloud-down] SIGKILL to the cloud stand-in's process group {cloud_pid}", flush=True)
    time.sleep(1.0)
    rows = []
    with httpx.Client(trust_env=False, timeout=CLIENT_TIMEOUT_S) as client:
        for source, q in queries:  # no max_tokens: the gateway's default, so the edge's forward reply is whole
            t0 = time.perf_counter()
            try:
                resp = client.post(
                    stack.gateway_url + "/v1/chat/completions", json={"messages": [{"role": "user", "content": q}]}
                )
            except httpx.HTTPError as exc:
                rows.append({"source": source, "query": q[:60], "code": None, "lost": f"{type(exc).__name__}"})
                continue
            body = resp.json() if resp.headers.get("content-type", "").startswith("application/json") else {}
            meta = body.get("edgecloud") or {}
            reply = ((body.get("choices") or [{}])[0].get("message") or {}).get("content") or ""
            row = {
                "source": source,
                "query": q[:60],
                "code": resp.status_code,
                "tier": meta.get("tier"),
                "status": meta.get("status"),
                "edge_decision": meta.get("edge_decision"),
                "reply_non_empty": bool(reply.strip()),
                "reply": reply[:100],
                "detail": (meta.get("detail") or "")[:100],
                "ms": round((time.perf_counter() - t0) * 1000, 1),
            }
            rows.append(row)
            print(
                f"  [cloud-down] {source}: {row['code']} {row['tier']}/{row['status']} "
                f"decision={row['edge_decision']} non-empty={row['reply_non_empty']}",
                flush=True,
            )
    forwarded = [r for r in rows if r.get("edge_decision") == "forward"]
    return {
        "cloud_pid": cloud_pid,
        "rows": rows,
        "all_200_non_empty": all(r.get("code") == 200 and r.get("reply_non_empty") for r in rows),
        "forwarded": len(forwarded),
        "forwarded_with_status_cloud_unavailable": sum(r["status"] == "cloud_unavailable" for r in forwarded),
    }


# ---------------------------------------------------------------------------------------------


def markdown(rec: dict[str, Any]) -> str:
    m, v, L = rec["machine"], rec["versions"], rec["load"]
    lines = [
        f"# Gateway load and failure behaviour ({rec['created_utc']})",
        "",
        f"{m['cpu_model']}, {m['logical_cpus']} CPUs; ms-swift {v.get('ms-swift')}, torch {v.get('torch')}; "
        f"{rec['params_file']} with {', '.join(rec['overrides'])}; edge model {rec['edge_model']} "
        f"(adapter {rec['adapter']}), loopback only.",
        "",
        f"## Load: {L['gateway']['requests']} requests at concurrency {L['concurrency']}, "
        f"max_tokens {L['max_tokens']} ({L['prompts']} edge-type prompts of data/e2e/cases.jsonl, cycled)",
        "",
        "| target | codes | lost | 5xx | p50 ms | p95 ms | p99 ms | wall s | req/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in (("gateway /v1/chat/completions", L["gateway"]), ("edge server directly", L["direct_edge"])):
        lat = s["latency_200"]
        lines.append(
            f"| {name} | {s['codes']} | {s['lost']} | {s['http_5xx']} | {lat['p50_ms']} | {lat['p95_ms']} | "
            f"{lat['p99_ms']} | {s['wall_s']} | {s['throughput_rps']} |"
        )
    a = L["gateway_added_latency"]
    lines += [
        "",
        f"Gateway tiers/statuses: {L['gateway']['tier_status']}.",
        "",
        f"Gateway added latency: p50 difference {a['p50_difference_ms']} ms (p95 difference "
        f"{a['p95_difference_ms']} ms); gateway-reported total - edge: median "
        f"{a['gateway_reported_total_minus_edge_median_ms']} ms, p95 {a['gateway_reported_total_minus_edge_p95_ms']}"
        f" ms over {a['gateway_reported_n']} edge-answered requests.",
        "",
    ]
    E = rec["edge_kill"]
    lines += [
        f"## Edge killed mid-run: {E['requests']} requests at concurrency {E['concurrency']}, edge process "
        f"group SIGKILLed after {E.get('completed_before_kill')} answers (t={E.get('kill_at_s')} s)",
        "",
        "| tier/status | count |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {n} |" for k, n in sorted(E["tier_status"].items())]
    lines += [
        "",
        f"Codes {E['codes']}, lost {E['lost']}, 5xx {E['http_5xx']}, empty replies {E['empty_replies_200']}: "
        f"all 200 with a non-empty reply: **{E['all_200_non_empty']}**.",
        "",
    ]
    C = rec["cloud_down"]
    lines += [
        "## Cloud stand-in killed, then prompts the edge forwards",
        "",
        "| prompt | code | tier | status | edge decision | reply non-empty | reply (start) |",
        "|---|---:|---|---|---|---|---|",
    ]
    for r in C["rows"]:
        reply = (r.get("reply") or "").replace("|", "\\|").replace("\n", " ")[:60]
        lines.append(
            f"| {r['source']}: {r['query'][:40]}… | {r.get('code')} | {r.get('tier')} | {r.get('status')} | "
            f"{r.get('edge_decision')} | {r.get('reply_non_empty')} | {reply} |"
        )
    lines += [
        "",
        f"All 200 with a non-empty reply: **{C['all_200_non_empty']}**; forwarded by the edge: "
        f"{C['forwarded']}, of them with status cloud_unavailable: {C['forwarded_with_status_cloud_unavailable']}.",
        "",
        "## Bad inputs",
        "",
        "| request | HTTP code | error code | message |",
        "|---|---:|---|---|",
    ]
    for r in rec["bad_inputs"]:
        msg = (r.get("message") or "").replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {r['request']} | {r['code'] if r['code'] is not None else '-'} | {r['error_code'] or '-'} | {msg} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--params", default="params/default.yaml")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=8)
    ap.add_argument("--kill-requests", type=int, default=40)
    ap.add_argument("--kill-concurrency", type=int, default=8)
    ap.add_argument("--kill-after", type=int, default=10)
    ap.add_argument(
        "--bench-run-name",
        default="gateway-load-bench",
        help="run name the stacks run under (their logs and gateway.json go to outputs/<name>/)",
    )
    ap.add_argument("--out", default="benchmarks/results")
    args = ap.parse_args(argv)

    params = load_params(args.params, PORTS)
    model_dir, adapter = prepared_model_dir(params), best_adapter(params)  # the params' own run prepared them
    stack_params = params.model_copy(update={"run_name": args.bench_run_name})
    from edgecloud.paths import RunDirs

    RunDirs(args.bench_run_name).reports.mkdir(parents=True, exist_ok=True)  # running_stack writes its command there
    from edgecloud.eval.calibrate import calibration_path

    if calibration_path(
        params
    ).is_file():  # the bench's stack routes as the run's deployed one (threshold, suppression)
        shutil.copyfile(calibration_path(params), calibration_path(stack_params))
    cases = load_cases()
    edge_prompts = [c["query"] for c in cases if c["expected_tier"] == "edge"]
    complex_q = [(c["id"], c["query"]) for c in cases if c["expected_tier"] == "cloud"]
    complex_q += [(f"extra-{i + 1}", q) for i, q in enumerate(EXTRA_COMPLEX)]

    import torch

    rec: dict[str, Any] = {
        "benchmark": "gateway_load",
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "params_file": args.params,
        "overrides": PORTS,
        "stack_run_name": args.bench_run_name,
        "edge_model": params.model.name,
        "model_dir": rel(model_dir),
        "adapter": rel(adapter),
        "args": vars(args),
        "client_timeout_s": CLIENT_TIMEOUT_S,
        "deploy": params.deploy.model_dump(mode="json"),
        "machine": {**machine(), "torch_threads": torch.get_num_threads()},
        "versions": versions(VERSIONED),
    }
    t_all = time.perf_counter()
    with running_stack(stack_params, model_dir=model_dir, adapter=adapter) as stack:
        rec["stack1"] = {"pids": stack.pids, "ports": stack.ports, "started_s": stack.started_s}
        rec["load"] = run_load(stack, params, edge_prompts, args.requests, args.concurrency, args.max_tokens)
        print("[bad inputs]", flush=True)
        rec["bad_inputs"] = bad_inputs(stack, params)
        rec["edge_kill"] = run_edge_kill(
            stack, edge_prompts, args.kill_requests, args.kill_concurrency, args.max_tokens, args.kill_after
        )
    with running_stack(stack_params, model_dir=model_dir, adapter=adapter) as stack:
        rec["stack2"] = {"pids": stack.pids, "ports": stack.ports, "started_s": stack.started_s}
        rec["cloud_down"] = run_cloud_down(stack, complex_q)
    rec["total_wall_s"] = round(time.perf_counter() - t_all, 1)

    out_dir = ROOT / args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"gateway_load_{datetime.now(timezone.utc):%Y%m%d}"
    stem.with_suffix(".json").write_text(json.dumps(rec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md = markdown(rec)
    stem.with_suffix(".md").write_text(md, encoding="utf-8")
    print(md)
    print(f"wrote {rel(stem.with_suffix('.json'))} and {rel(stem.with_suffix('.md'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
