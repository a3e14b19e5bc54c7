"""The edge variants behind the gateway: the 12 e2e cases against the fp32 stack and a variant's stack.

Not a test: it records numbers with the machine's details. Reads the 07_edge_bench report of the run
(reports/edge_bench_<run>.json, run the stage first), then, one after the other on loopback, starts
the serving stack twice with the same cloud tier (the local stand-in), once with `swift deploy` of
base + adapter (torch fp32, what 05/06 serve) and once with `deploy.edge_variant` = the variant
(default: the 07 recommendation), and sends the 12 cases of data/e2e/cases.jsonl through `/api/chat`
as 06_e2e does. Issue 6's bar: the variant's client p50 at most half the fp32 stack's, 12/12 non-empty,
2/2 forwarded.

    .venv/bin/python benchmarks/edge_bench.py [--params params/default.yaml] [--variant genai-int8 gguf-q8_0] [--rounds 1]

Writes benchmarks/results/edge_bench_<date>.json and .md (the 07 variant table is copied in, so one
file holds the whole result).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from datetime import datetime, timezone
from typing import Any

from edgecloud.edge import report as edge_report
from edgecloud.edge.bench import VERSIONED
from edgecloud.jsonio import read_json
from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs, rel
from edgecloud.provenance import machine, versions
from edgecloud.publish.figures import to_markdown
from edgecloud.serve import e2e
from edgecloud.serve.stack import running_stack


def run_cases_on(params_file: str, overrides: list[str], rounds: int) -> dict[str, Any]:
    p = load_params(params_file, overrides)
    cases = e2e.load_cases(p.e2e.cases_file)
    with running_stack(p) as stack:
        e2e.run_cases(stack.gateway_url, cases[:1], timeout_s=e2e.request_timeout_s(p))  # warm-up, not counted
        runs = [e2e.run_cases(stack.gateway_url, cases, timeout_s=e2e.request_timeout_s(p)) for _ in range(rounds)]
        edge = " ".join(stack.parts["edge"].command[1:4])
    summaries = [e2e.summarize(r) for r in runs]
    return {
        "edge_server": edge,
        "overrides": overrides,
        "rounds": summaries,
        "p50_ms": statistics.median(s["latency_ms"]["client"]["p50"] for s in summaries),
        "edge_p50_ms": statistics.median(s["latency_ms"]["client_by_tier"]["edge"]["p50"] or 0 for s in summaries),
        "non_empty": min(s["non_empty"] for s in summaries),
        "cases": summaries[0]["cases"],
        "forward_hits": min(s["complex_forward_hits"] for s in summaries),
        "complex_cases": summaries[0]["complex_cases"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default="params/default.yaml")
    ap.add_argument(
        "--variant",
        nargs="+",
        default=None,
        help="edge variant(s) to serve, one stack each (default: the 07 recommendation)",
    )
    ap.add_argument("--rounds", type=int, default=1, help="times the 12 cases are sent to each stack")
    ap.add_argument("--out", default="benchmarks/results")
    args = ap.parse_args(argv)
    p = load_params(args.params)
    path = RunDirs(p.run_name).reports / f"edge_bench_{p.run_name}.json"
    if not path.is_file():
        print(
            f"{rel(path)} is missing: run 07_edge_bench first (python -m edgecloud run --params {args.params} "
            "--only 07_edge_bench)",
            file=sys.stderr,
        )
        return 2
    bench = read_json(path)
    variants = args.variant or [bench["recommendation"]["variant"]]
    fp32 = run_cases_on(args.params, [], args.rounds)
    runs = {v: run_cases_on(args.params, [f"deploy.edge_variant={v}"], args.rounds) for v in variants}
    bar = {}
    for v, var in runs.items():
        ratio = var["p50_ms"] / fp32["p50_ms"] if fp32["p50_ms"] else None
        bar[v] = {
            "p50_ratio": ratio,
            "p50_bar": 0.5,
            "p50_met": ratio is not None and ratio <= 0.5,
            "non_empty_met": var["non_empty"] == var["cases"],
            "forwarded_met": var["forward_hits"] == var["complex_cases"],
        }
    stamp = datetime.now(timezone.utc)
    result = {
        "date": stamp.isoformat(timespec="seconds"),
        "params": args.params,
        "variants": variants,
        "machine": machine(),
        "versions": versions(VERSIONED),
        "e2e": {"torch-fp32 (swift deploy)": fp32, **runs},
        "e2e_bar": bar,
        "edge_bench_report": rel(path),
        "recommendation": bench["recommendation"],
        "recommended_bars": bench.get("recommended_bars"),
        "meeting_all_bars": bench.get("meeting_all_bars"),
    }
    out = ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    name = f"edge_bench_{stamp:%Y%m%d}"
    (out / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    m = bench["machine"]
    lines = [
        f"# Edge variants: benchmark of run `{p.run_name}` ({stamp:%Y-%m-%d})",
        "",
        f"Machine: {m['cpu_model']}, {m['logical_cpus']} logical CPUs, {m['threads']} threads used; "
        f"versions {json.dumps(bench['versions'])}.",
        "",
        f"## 07_edge_bench (reports/edge_bench_{p.run_name}.json)",
        "",
        "Medians over the passes with (min–max); × fp32 = median of per-pass decode-speed ratios; ★ = recommended.",
        "",
        to_markdown(edge_report.table(bench)),
        f"Recommendation: **{bench['recommendation']['variant']}** ({bench['recommendation'].get('rule')}); "
        f"variants meeting all four bars: {', '.join(bench.get('meeting_all_bars') or []) or 'see the table'}.",
        "",
        to_markdown(edge_report.bars_table(bench)),
        "## The gateway with the variant as its edge tier (12 e2e cases, /api/chat)",
        "",
        "| edge tier | client p50 ms | edge-answered p50 ms | non-empty | forwarded |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, r in result["e2e"].items():
        lines.append(
            f"| {label} | {r['p50_ms']:.0f} | {r['edge_p50_ms']:.0f} | {r['non_empty']}/{r['cases']} | "
            f"{r['forward_hits']}/{r['complex_cases']} |"
        )
    lines.append("")
    for v, b in bar.items():
        lines.append(
            f"- {v}: client p50 ratio to fp32 {b['p50_ratio']:.2f} (bar ≤ 0.5: {'met' if b['p50_met'] else 'NOT met'}); "
            f"non-empty {'met' if b['non_empty_met'] else 'NOT met'}; forwarded "
            f"{'met' if b['forwarded_met'] else 'NOT met'}."
        )
    lines.append("")
    (out / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
