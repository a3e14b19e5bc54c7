"""What the edge benchmark's passes amount to: from the workers' recorded numbers to the report's rows.

Pure arithmetic on what `edgecloud.edge.bench` measured (no model, no timing, tested as such): medians with
their spread, speed-ups as per-pass ratios against torch-fp32, teacher-forced agreement, 04_eval's routing and
quality scoring, the four bars (issue 14's thresholds) and the recommendation; `summarize` puts them together
into the report that `bench.run_bench` writes.
"""

from __future__ import annotations

import statistics
from typing import Any, Sequence

from edgecloud.edge.variants import BASELINE, VARIANTS
from edgecloud.eval import metrics
from edgecloud.params import Params
from edgecloud.routing import decide


def spread(values: Sequence[float | None]) -> dict[str, Any]:
    """Median with min, max and count of the values that exist (a pass that produced none is left out)."""
    vals = [float(v) for v in values if v is not None]
    if not vals:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}


def paired_ratio(variant: Sequence[float | None], baseline: Sequence[float | None]) -> dict[str, Any]:
    """Per-pass ratio variant/baseline (same pass, same prompts), then its spread: robust to load drifting
    between passes, which moves both numbers of a pass together."""
    return spread([v / b for v, b in zip(variant, baseline) if v is not None and b])


def agreement(base: Sequence[Sequence[int]], other: Sequence[Sequence[int]]) -> dict[str, Any]:
    """Share of teacher-forced positions where the variant's argmax equals fp32's."""
    if len(base) != len(other):
        raise ValueError("agreement needs the same records for both variants")
    total = sum(len(b) for b in base)
    same = sum(x == y for b, o in zip(base, other) for x, y in zip(b, o))
    return {"matches": same, "positions": total, "rate": same / total if total else None}


def recommend(rows: list[dict[str, Any]], within_points: float) -> dict[str, Any]:
    """The fastest measured variant (median decode tokens/s) that meets all four bars (`row["bars"]`: speed-up,
    size, routing within `within_points` of torch-fp32, agreement). When none meets all four, the fastest whose
    routing accuracy is within `within_points` of fp32's, and the rule says that no variant met them all."""
    base = next((r for r in rows if r["variant"] == BASELINE and r["status"] == "ok"), None)
    if base is None:
        return {"variant": None, "reason": f"{BASELINE} was not measured"}
    limit = base["routing_accuracy"] - within_points / 100
    ok = [
        r
        for r in rows
        if r["status"] == "ok" and r["decode_tps"]["median"] is not None and r["routing_accuracy"] >= limit - 1e-9
    ]
    routing_rule = (
        f"routing accuracy >= {limit:.3f} ({BASELINE} {base['routing_accuracy']:.3f} - {within_points:g} point(s))"
    )
    all_four = [r for r in ok if (r.get("bars") or {}).get("all_met")]
    if all_four:
        best = max(all_four, key=lambda r: r["decode_tps"]["median"])
        rule = f"fastest decode tokens/s among the variants meeting all four bars (speed-up, size, {routing_rule}, agreement)"
    else:
        best = max(ok, key=lambda r: r["decode_tps"]["median"])
        rule = f"no variant meets all four bars: fastest decode tokens/s with {routing_rule}"
    return {
        "variant": best["variant"],
        "rule": rule,
        "all_bars_met": bool(all_four),
        "candidates": [r["variant"] for r in (all_four or ok)],
    }


def bars(row: dict[str, Any], params: Params) -> dict[str, Any]:
    """Issue 6's bars for one variant, each with its number and threshold."""
    eb = params.edge_bench
    speed = row["speedup"]["median"]
    checks = {
        "speedup": {"value": speed, "bar": eb.bar_speedup, "met": speed is not None and speed >= eb.bar_speedup},
        "size_ratio": {
            "value": row["size_ratio"],
            "bar": eb.bar_size_ratio,
            "met": row["size_ratio"] is not None and row["size_ratio"] >= eb.bar_size_ratio,
        },
        "routing_within_points": {
            "value": row["routing_delta_points"],
            "bar": eb.within_points,
            "met": row["routing_delta_points"] is not None and row["routing_delta_points"] >= -eb.within_points - 1e-9,
        },
        "agreement": {
            "value": row["agreement"]["rate"],
            "bar": eb.bar_agreement,
            "met": row["agreement"]["rate"] is not None and row["agreement"]["rate"] >= eb.bar_agreement,
        },
    }
    return {"all_met": all(c["met"] for c in checks.values()), **checks}


def score_quality(
    rows: list[dict[str, Any]],
    replies: list[str],
    scores: list[float | None] | None = None,
    threshold: float | None = None,
) -> dict[str, Any]:
    """04_eval's scoring: routing by the shared decision (`routing.decide`: the calibrated score when the run
    has a calibration, else the reply), ROUGE-L of edge replies kept at the edge."""
    scores = scores or [None] * len(replies)
    forwarded = [decide(t, s, threshold) for t, s in zip(replies, scores)]
    routing = metrics.routing([r["needs_cloud"] for r in rows], forwarded)
    pairs = [
        (t, r["messages"][-1]["content"]) for r, t, f in zip(rows, replies, forwarded) if not r["needs_cloud"] and not f
    ]
    q = metrics.quality(pairs)
    return {
        "routing_accuracy": routing["accuracy"],
        "forward_f1": routing["f1"],
        "routing": routing,
        "rouge_l": q["rouge_l"],
        "char_f1": q["char_f1"],
        "edge_answered": q["n"],
        "non_empty_rate": sum(bool(t.strip()) for t in replies) / len(replies) if replies else None,
    }


def summarize(
    params: Params,
    names: list[str],
    exported: dict[str, dict[str, Any]],
    passes: dict[str, list[dict[str, Any]]],
    failed: dict[str, str],
    inp: dict[str, Any],
) -> dict[str, Any]:
    eb = params.edge_bench
    tok, rows, enc = inp["tok"], inp["rows"], inp["enc"]

    def pass_median(p: dict[str, Any], key: str) -> float | None:
        return spread([s[key] for s in p["speed"]])["median"]

    base_passes = passes.get(BASELINE, [])
    base_tps = [pass_median(p, "decode_tokens_per_s") for p in base_passes]
    base_forced = [q["forced"] for q in base_passes[0]["quality"]] if base_passes else None
    base_size = exported[BASELINE].get("size_bytes")
    out_rows = []
    for name in names:
        ex = exported[name]
        row: dict[str, Any] = {"variant": name, "label": VARIANTS[name].label, "backend": VARIANTS[name].backend}
        if ex["status"] != "ok" or name in failed or not passes[name]:
            row.update(
                status=ex["status"] if ex["status"] != "ok" else "failed",
                reason=ex.get("reason") or failed.get(name, "no pass finished"),
            )
            out_rows.append(row)
            continue
        ps = passes[name]
        q = ps[0]["quality"]
        replies = [tok.decode(x["tokens"], skip_special_tokens=True).strip() for x in q]
        tps = [pass_median(p, "decode_tokens_per_s") for p in ps]
        row.update(
            {
                "status": "ok",
                "tool": ex["tool"],
                "size_mb": ex["size_bytes"] / 1e6,
                "size_ratio": base_size / ex["size_bytes"] if base_size else None,
                "load_s": spread([p["load_s"] for p in ps]),
                "peak_rss_mb": spread([p["peak_rss_mb"] for p in ps]),
                "ttft_ms": spread([1000 * pass_median(p, "ttft_s") for p in ps]),
                "decode_tps": spread(tps),
                "batch_tps": spread([p["batch"]["tokens_per_s"] for p in ps]),
                "batch_mode": f"batch {ps[0]['batch']['size']}, "
                + (
                    "one batched forward"
                    if ps[0]["batch"]["batched"]
                    else "sequential (runtime serves one sequence at a time)"
                ),
                "speedup": paired_ratio(tps, base_tps),
                "first_tokens": ps[0]["first_tokens"],
                **score_quality(rows, replies, [x.get("score") for x in q], inp.get("threshold")),
                "latency_p50_s": metrics.percentile([x["latency_s"] for x in q], 50),
                "agreement": agreement(base_forced, [x["forced"] for x in q])
                if base_forced
                else {"matches": None, "positions": None, "rate": None},
                "replies": [{"id": e["id"], "reply": t} for e, t in zip(enc, replies)],
            }
        )
        out_rows.append(row)
    base_row = next((r for r in out_rows if r["variant"] == BASELINE and r["status"] == "ok"), None)
    for row in out_rows:
        if row["status"] == "ok":
            row["routing_delta_points"] = (
                100 * (row["routing_accuracy"] - base_row["routing_accuracy"]) if base_row else None
            )
            row["bars"] = bars(row, params) if base_row else None
    rec = recommend(out_rows, eb.within_points)
    return {
        "run_name": params.run_name,
        "baseline": BASELINE,
        "test_records": len(rows),
        "test_cloud": sum(r["needs_cloud"] for r in rows),
        "settings": eb.model_dump(mode="json"),
        "speed_prompt_tokens": [len(enc[i]["prompt"]) for i in inp["speed_idx"]],
        "batch_prompt_tokens": [len(enc[i]["prompt"]) for i in inp["batch_idx"]],
        "variants": out_rows,
        "recommendation": rec,
        "recommended_bars": next((r["bars"] for r in out_rows if r["variant"] == rec.get("variant")), None),
        # every variant meeting all four bars; the recommendation is the fastest of them
        "meeting_all_bars": [
            r["variant"] for r in out_rows if r["status"] == "ok" and (r.get("bars") or {}).get("all_met")
        ],
        "params_sha256": params.sha256(),
    }
