"""The benchmark's arithmetic on recorded timings: medians and spread, paired ratios, agreement,
prompt choice, the recommendation and the bars. No model, no timing: deterministic and fast."""

from __future__ import annotations

import pytest

from edgecloud.edge.backends import lookup_draft
from edgecloud.edge.bench import pick_speed_prompts
from edgecloud.edge.bench_stats import agreement, bars, paired_ratio, recommend, score_quality, spread
from edgecloud.edge.report import all_bars_table, bars_table, table
from edgecloud.params import Params


def test_spread_is_median_min_max_of_the_values_that_exist():
    assert spread([3.0, 1.0, 2.0, None]) == {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}
    assert spread([4.0, 1.0]) == {"median": 2.5, "min": 1.0, "max": 4.0, "n": 2}
    assert spread([None]) == {"median": None, "min": None, "max": None, "n": 0}


def test_speedup_is_the_median_of_per_pass_ratios_not_the_ratio_of_medians():
    # pass 2 ran while the CPU was busy: both numbers fell together, the ratio did not
    fp32 = [24.0, 12.0, 25.0]
    q8 = [144.0, 70.0, 150.0]
    r = paired_ratio(q8, fp32)
    assert r["median"] == pytest.approx(6.0)
    assert r["min"] == pytest.approx(70 / 12) and r["n"] == 3
    assert paired_ratio([10.0, None], [5.0, 5.0])["n"] == 1  # a pass without a number is left out
    assert paired_ratio([10.0], [0.0])["n"] == 0  # no division by a zero baseline


def test_agreement_counts_matching_positions_over_all_replies():
    base = [[1, 2, 3], [4, 5]]
    assert agreement(base, base) == {"matches": 5, "positions": 5, "rate": 1.0}
    assert agreement(base, [[1, 9, 3], [4, 0]])["rate"] == pytest.approx(3 / 5)
    with pytest.raises(ValueError):
        agreement(base, [[1, 2, 3]])


def test_speed_prompts_spread_over_the_length_range():
    lengths = [50, 10, 40, 30, 20]
    assert [lengths[i] for i in pick_speed_prompts(lengths, 3)] == [10, 30, 50]
    assert [lengths[i] for i in pick_speed_prompts(lengths, 1)] == [30]
    assert sorted(pick_speed_prompts(lengths, 9)) == [0, 1, 2, 3, 4]


def row(name, tps, acc, status="ok", speed=None, size=None, agree=None, delta=None):
    return {
        "variant": name,
        "status": status,
        "decode_tps": {"median": tps},
        "routing_accuracy": acc,
        "speedup": {"median": speed},
        "size_ratio": size,
        "agreement": {"rate": agree},
        "routing_delta_points": delta,
    }


def test_recommendation_without_a_variant_meeting_all_bars_is_the_fastest_within_one_point_of_fp32():
    rows = [
        row("torch-fp32", 24, 0.90),
        row("gguf-q8_0", 140, 0.90),
        row("genai-int4", 220, 0.88),
        row("gguf-q4_0", 200, 0.895),
        row("genai-int8", 300, 0.0, status="skipped"),
    ]
    rec = recommend(rows, within_points=1.0)
    assert rec["variant"] == "gguf-q4_0"  # int4 is faster but 2 points worse; the skipped one is not measured
    assert not rec["all_bars_met"] and rec["rule"].startswith("no variant meets all four bars")
    assert "genai-int4" not in rec["candidates"] and "genai-int8" not in rec["candidates"]
    assert recommend(rows, within_points=2.0)["variant"] == "genai-int4"
    assert recommend([row("gguf-q8_0", 1, 1.0)], 1.0)["variant"] is None  # no baseline, no recommendation


def test_recommendation_is_the_fastest_variant_meeting_all_four_bars():
    p = Params()
    rows = [
        row("torch-fp32", 16, 0.96, speed=1.0, size=1.0, agree=1.0, delta=0.0),
        row("gguf-q8_0", 160, 0.96, speed=10.0, size=3.8, agree=0.97, delta=0.0),  # meets all four
        row("gguf-q4_0", 170, 0.96, speed=10.6, size=6.0, agree=0.81, delta=0.0),  # agreement 81 %
        row("ort-int8", 180, 0.96, speed=11.2, size=2.0, agree=0.95, delta=0.0),  # size 2x
        row("genai-int4-mixed", 150, 0.96, speed=9.4, size=4.7, agree=0.92, delta=0.0),  # speed 9.4x
    ]
    for r in rows:
        r["bars"] = bars(r, p)
    rec = recommend(rows, within_points=1.0)
    assert rec["variant"] == "gguf-q8_0" and rec["all_bars_met"] and rec["candidates"] == ["gguf-q8_0"]
    assert "all four bars" in rec["rule"]


def test_bars_report_each_number_against_its_threshold():
    p = Params()
    ok = bars(row("gguf-q8_0", 150, 0.9, speed=10.2, size=3.7, agree=0.95, delta=-0.5), p)
    assert ok["all_met"] and ok["speedup"]["value"] == 10.2 and ok["speedup"]["bar"] == 10.0  # issue 14's bar
    slow = bars(row("gguf-q8_0", 100, 0.9, speed=9.9, size=3.7, agree=0.95, delta=0.0), p)
    assert not slow["all_met"] and not slow["speedup"]["met"] and slow["size_ratio"]["met"]
    worse = bars(row("x", 100, 0.9, speed=9, size=5, agree=0.89, delta=-2.0), p)
    assert not worse["agreement"]["met"] and not worse["routing_within_points"]["met"]


def test_quality_uses_the_gateway_detector_and_scores_only_edge_replies_kept_at_the_edge():
    rows = [
        {"needs_cloud": True, "messages": [{}, {}, {"content": "转发云端 (forward to cloud)"}]},
        {"needs_cloud": False, "messages": [{}, {}, {"content": "The capital of France is Paris."}]},
        {"needs_cloud": False, "messages": [{}, {}, {"content": "Timer set."}]},
    ]
    q = score_quality(rows, ["转发云端 (forward to cloud)", "The capital of France is Paris.", "转发云端"])
    assert q["routing_accuracy"] == pytest.approx(2 / 3)
    assert q["routing"]["tp"] == 1 and q["routing"]["fp"] == 1
    assert q["edge_answered"] == 1 and q["rouge_l"] == pytest.approx(1.0)
    assert q["forward_f1"] == pytest.approx(2 / 3)


def test_table_lists_skipped_variants_with_their_reason():
    base = {
        "variant": "torch-fp32",
        "status": "ok",
        "size_mb": 538.0,
        "peak_rss_mb": {"median": 900, "n": 1},
        "ttft_ms": {"median": 90.0, "min": 80.0, "max": 100.0, "n": 2},
        "decode_tps": {"median": 24.0, "min": 20.0, "max": 26.0, "n": 2},
        "speedup": {"median": 1.0, "n": 2},
        "batch_tps": {"median": 50.0, "n": 2},
        "routing_accuracy": 0.9,
        "forward_f1": 0.8,
        "rouge_l": 0.5,
        "agreement": {"rate": 1.0},
    }
    report = {
        "recommendation": {"variant": "torch-fp32"},
        "variants": [
            base,
            {"variant": "gguf-q8_0", "status": "skipped", "reason": "Python module(s) llama_cpp not installed"},
        ],
        "recommended_bars": {"speedup": {"value": 1.0, "bar": 10.0, "met": False}},
    }
    t = table(report)
    assert list(t["variant"]) == ["torch-fp32 ★", "gguf-q8_0"]
    assert t.loc[0, "tokens/s"] == "24.0 (20.0–26.0)"
    assert "skipped: Python module(s) llama_cpp" in t.loc[1, "agree"]
    assert bars_table(report).loc[0, "met"] == "NO"
    base["bars"] = bars({**base, "speedup": {"median": 10.5}, "size_ratio": 3.6, "routing_delta_points": 0.0}, Params())
    t = all_bars_table(report)
    assert list(t["variant"]) == ["torch-fp32"] and t.loc[0, "all met"] == "yes"
    assert t.loc[0, "decode speed-up vs fp32 (×)"] == "10.50 ✓"


def test_lookup_draft_continues_the_most_recent_earlier_occurrence_of_the_longest_suffix():
    # history ... 5 6 7 | 8 9 ... 5 6 7 -> the tokens after the earlier "5 6 7"
    assert lookup_draft([1, 5, 6, 7, 8, 9, 10, 2, 5, 6, 7], max_ngram=3, k=2) == [8, 9]
    # the most recent occurrence wins; k caps the draft; the draft may run into the suffix itself
    assert lookup_draft([4, 1, 4, 2, 4], max_ngram=1, k=1) == [2]
    assert lookup_draft([3, 4, 3, 4], max_ngram=3, k=8) == [3, 4]
    # shorter n-grams are tried when the longer suffix never occurred; no match at all: no draft
    assert lookup_draft([7, 8, 1, 2, 8], max_ngram=3, k=3) == [1, 2, 8]
    assert lookup_draft([1, 2, 3], max_ngram=3, k=4) == [] and lookup_draft([5], 3, 4) == []
    # a minimum n-gram length: a single repeated token is not enough evidence to draft
    assert lookup_draft([7, 8, 1, 2, 8], max_ngram=3, k=3, min_ngram=2) == []
    assert lookup_draft([1, 5, 6, 7, 8, 9, 10, 2, 5, 6, 7], max_ngram=3, k=2, min_ngram=2) == [8, 9]
