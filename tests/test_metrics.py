"""Metric arithmetic of 04_eval on hand-made predictions."""

import pytest

from edgecloud.eval import metrics
from edgecloud.eval.routers import HeuristicRouter


def test_routing_confusion_matrix_and_scores():
    labels = [True, True, True, False, False, False, False, False]
    forwarded = [True, True, False, True, False, False, False, False]
    r = metrics.routing(labels, forwarded)
    assert (r["tp"], r["fp"], r["fn"], r["tn"]) == (2, 1, 1, 4)
    assert r["accuracy"] == pytest.approx(6 / 8)
    assert r["precision"] == pytest.approx(2 / 3) and r["recall"] == pytest.approx(2 / 3)
    assert r["f1"] == pytest.approx(2 / 3) and r["cloud_share"] == pytest.approx(3 / 8)


def test_routing_degenerate_routers():
    labels = [True, False, False, False]
    edge = metrics.routing(labels, [False] * 4)
    assert edge["precision"] == 0.0 and edge["recall"] == 0.0 and edge["f1"] == 0.0 and edge["accuracy"] == 0.75
    cloud = metrics.routing(labels, [True] * 4)
    assert cloud["recall"] == 1.0 and cloud["precision"] == 0.25 and cloud["cloud_share"] == 1.0
    with pytest.raises(ValueError):
        metrics.routing([True], [])


def test_routing_has_wilson_intervals_and_keeps_its_keys():
    labels = [True, True, True, False, False, False, False, False]
    forwarded = [True, True, False, True, False, False, False, False]
    r = metrics.routing(labels, forwarded)
    assert {"n", "tp", "fp", "fn", "tn", "accuracy", "precision", "recall", "f1", "cloud_share"} <= set(r)
    assert r["accuracy_ci"] == pytest.approx(list(metrics.wilson(6, 8)))
    assert r["recall_ci"] == pytest.approx(list(metrics.wilson(2, 3)))
    assert r["precision_ci"] == pytest.approx(list(metrics.wilson(2, 3)))
    assert r["cloud_share_ci"] == pytest.approx(list(metrics.wilson(3, 8)))
    for key in ("accuracy", "recall", "precision", "cloud_share"):
        lo, hi = r[f"{key}_ci"]
        assert 0 <= lo < r[key] < hi <= 1
    # 9 of 10 right: the textbook Wilson interval
    nine = metrics.routing([True] + [False] * 9, [False] * 10)
    assert nine["accuracy_ci"] == pytest.approx([0.596, 0.982], abs=1e-3)
    # a router that never forwards has no precision to estimate: [None, None] (null in the JSON report)
    assert nine["precision_ci"] == [None, None] and nine["precision"] == 0.0
    assert nine["cloud_share_ci"][0] == 0.0 and nine["recall_ci"] == [0.0, pytest.approx(0.7935, abs=1e-4)]


def test_tokens_split_chinese_into_characters_and_latin_into_words():
    assert metrics.tokens("好的，已打开 Wi-Fi 3.5 度") == ["好", "的", "已", "打", "开", "wi", "fi", "3.5", "度"]


def test_rouge_l_on_known_pairs():
    assert metrics.rouge_l("好的，已为你打开客厅的灯。", "好的，已为你打开客厅的灯。") == 1.0
    assert metrics.rouge_l("", "好的") == 0.0
    # LCS("a b c d", "a c d e") = 3 -> P = R = 3/4
    assert metrics.rouge_l("a b c d", "a c d e") == pytest.approx(0.75)
    # order matters for ROUGE-L but not for char F1
    assert metrics.rouge_l("灯开了", "开了灯") < 1.0 and metrics.char_f1("灯开了", "开了灯") == 1.0


def test_char_f1_counts_overlap_with_multiplicity():
    # pred 好好的 vs ref 好的: common = 好 x1 + 的 x1 = 2; P = 2/3, R = 1
    assert metrics.char_f1("好好的", "好的") == pytest.approx(0.8)
    assert metrics.char_f1("abc", "xyz") == 0.0


def test_percentiles_and_latency():
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5
    assert metrics.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) == pytest.approx(9.55)
    assert metrics.percentile([], 50) is None
    lat = metrics.latency([1.0, 3.0], [10, 30])
    assert lat["p50_s"] == 2.0 and lat["tokens_per_s"] == 10.0


def test_quality_means_over_pairs():
    q = metrics.quality([("好的", "好的"), ("abc", "xyz")])
    assert q["n"] == 2 and q["rouge_l"] == 0.5 and q["char_f1"] == 0.5
    assert metrics.quality([])["rouge_l"] is None


def test_heuristic_router_keywords_and_fitted_length():
    r = HeuristicRouter()
    assert r.forward("请证明根号2是无理数") and r.forward("Implement an LRU cache in Python")
    assert not r.forward("打开客厅的灯") and not r.forward("What's 3 plus 4?")
    queries = ["a" * 10, "b" * 12, "c" * 50, "d" * 60]
    fitted = HeuristicRouter.fit(queries, [False, False, True, True])
    assert 12 <= fitted.max_len["en"] < 50
    assert [fitted.forward(q) for q in queries] == [False, False, True, True]


def test_router_score_on_hand_made_predictions():
    from edgecloud.eval.evaluate import score

    rows = [{"needs_cloud": False}, {"needs_cloud": False}, {"needs_cloud": True}, {"needs_cloud": False}]
    preds = [
        {
            "needs_cloud": False,
            "reply": "好的，已打开客厅的灯。",
            "reference": "好的，已打开客厅的灯。",
            "latency_s": 1.0,
            "new_tokens": 10,
        },
        {
            "needs_cloud": False,
            "reply": "转发云端 (forward to cloud)",
            "reference": "3 + 4 = 7.",
            "latency_s": 2.0,
            "new_tokens": 8,
        },
        {
            "needs_cloud": True,
            "reply": "转发云端 (forward to cloud)",
            "reference": None,
            "latency_s": 3.0,
            "new_tokens": 8,
        },
        {"needs_cloud": False, "reply": "", "reference": "Hello!", "latency_s": 4.0, "new_tokens": 0},
    ]
    forwarded = [False, True, True, False]
    s = score("finetuned", rows, forwarded, preds, preds)
    assert (s["tp"], s["fp"], s["fn"], s["tn"]) == (1, 1, 0, 2) and s["accuracy"] == 0.75
    # quality only over edge requests kept at the edge: the exact reply (1.0) and the empty one (0.0)
    assert s["edge_answered"] == 2 and s["rouge_l"] == 0.5 and s["char_f1"] == 0.5
    assert s["non_empty_rate"] == 0.75 and s["p50_s"] == 2.5 and s["tokens_per_s"] == 2.6
    cloud = score("always_cloud", rows, [True] * 4, None, None)
    assert cloud["cloud_share"] == 1.0 and cloud["rouge_l"] is None and cloud["p50_s"] is None
