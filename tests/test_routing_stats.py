"""Statistics of a scored router (routing_stats), the TF-IDF baseline and the scored-router figures."""

import math
import random

import pytest

from edgecloud.eval.metrics import wilson
from edgecloud.eval.routers import TfidfRouter
from edgecloud.eval.routing_stats import choose_threshold, cost_quality, roc
from edgecloud.publish import plots


def random_data(seed: int, n: int = 300, ties: int = 1):
    """Labels (about 1 in 4 needs the cloud) and informative scores rounded to `ties` decimals, so many tie."""
    rng = random.Random(seed)
    labels = [rng.random() < 0.25 for _ in range(n)]
    scores = [round(rng.gauss(1.0 if l else 0.0, 1.0), ties) for l in labels]
    return labels, scores


# ---------------------------------------------------------------------------------------------
# Wilson


def test_wilson_known_values():
    assert wilson(9, 10) == pytest.approx((0.5958, 0.9821), abs=1e-4)
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(10, 10)[1] == 1.0 and wilson(0, 10)[0] == 0.0
    assert wilson(0, 0) == (None, None)
    with pytest.raises(ValueError):
        wilson(11, 10)


@pytest.mark.parametrize("k,n", [(1, 7), (13, 50), (40, 50), (400, 1000)])
def test_wilson_bounds_solve_the_score_equation_and_are_symmetric(k, n):
    """The Wilson bounds are the p where |k/n - p| = z * sqrt(p (1 - p) / n)."""
    lo, hi = wilson(k, n)
    for p in (lo, hi):
        assert abs(k / n - p) == pytest.approx(1.96 * math.sqrt(p * (1 - p) / n), rel=1e-9)
    lo2, hi2 = wilson(n - k, n)
    assert (lo, hi) == pytest.approx((1 - hi2, 1 - lo2))
    assert lo < k / n < hi


# ---------------------------------------------------------------------------------------------
# ROC


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roc_matches_sklearn_on_random_data_with_ties(seed):
    from sklearn.metrics import roc_auc_score, roc_curve

    labels, scores = random_data(seed)
    assert len(set(scores)) < len(scores) / 3  # many ties
    r = roc(labels, scores)
    assert r["auc"] == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
    assert r["fpr"] == pytest.approx(list(fpr)) and r["tpr"] == pytest.approx(list(tpr))
    assert r["thresholds"][1:] == pytest.approx(list(thr[1:]))
    assert r["thresholds"][0] > max(scores)  # forwards nothing, finite (JSON)


def test_roc_auc_is_the_mann_whitney_probability_with_ties_one_half():
    labels, scores = random_data(5, n=80)
    pos = [s for s, l in zip(scores, labels) if l]
    neg = [s for s, l in zip(scores, labels) if not l]
    mw = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / (len(pos) * len(neg))
    assert roc(labels, scores)["auc"] == pytest.approx(mw, abs=1e-12)


def test_roc_edge_cases():
    labels = [True, False, True, False]
    assert roc(labels, [0.0] * 4)["auc"] == 0.5  # all tied: one diagonal segment
    assert roc(labels, [-1, -9, -2, -8])["auc"] == 1.0
    assert roc(labels, [-9, -1, -8, -2])["auc"] == 0.0
    r = roc(labels, [-1, -9, -1, -8])
    assert r["fpr"][0] == r["tpr"][0] == 0 and r["fpr"][-1] == r["tpr"][-1] == 1
    with pytest.raises(ValueError):
        roc([True, True], [0.1, 0.2])
    with pytest.raises(ValueError):
        roc([True, False], [0.1])


# ---------------------------------------------------------------------------------------------
# choose_threshold

NEG, POS = [-9.0, -8.0, -7.0], [-3.0, -2.0, -1.0]


def test_margin_midpoint_picks_the_middle_of_the_gap():
    labels = [False] * 3 + [True] * 3
    t, info = choose_threshold(labels, NEG + POS)
    assert t == -5.0  # middle of (-7, -3], not the edge -3
    assert info["interval"] == [-7.0, -3.0] and info["width"] == 4.0
    assert info["method"] == "margin_midpoint" and info["objective"] == "accuracy"
    assert info["objective_value"] == 1.0 and info["validation"]["accuracy"] == 1.0
    assert info["tied_intervals"] == 1


def test_threshold_is_stable_to_a_point_far_away_and_to_the_order():
    labels = [False] * 3 + [True] * 3
    t, _ = choose_threshold(labels, NEG + POS)
    assert choose_threshold(labels + [True], NEG + POS + [1e6])[0] == t
    assert choose_threshold(labels + [False], NEG + POS + [-1e6])[0] == t
    labels2, scores2 = random_data(3, n=120)
    t2, info2 = choose_threshold(labels2, scores2)
    order = list(range(len(labels2)))
    random.Random(1).shuffle(order)
    t3, info3 = choose_threshold([labels2[i] for i in order], [scores2[i] for i in order])
    assert t2 == t3 and info2 == info3


def test_margin_midpoint_takes_the_widest_of_the_best_intervals():
    # forward >= -6 and forward >= -2 both make 5 of 6 right; (-5, -2] is wider than (-8, -6]
    labels = [False, False, True, False, True, True]
    t, info = choose_threshold(labels, [-9, -8, -6, -5, -2, -1])
    assert info["tied_intervals"] == 2 and info["objective_value"] == pytest.approx(5 / 6)
    assert t == -3.5 and info["interval"] == [-5, -2]
    # the same labels with the wider gap lower down: (-8, -4] beats (-3.5, -2], though it forwards more
    t, info = choose_threshold(labels, [-9, -8, -4, -3.5, -2, -1])
    assert info["tied_intervals"] == 2 and t == -6 and info["interval"] == [-8, -4]


def test_youden_and_prior_move_the_threshold_on_imbalanced_data():
    labels = [False] * 9 + [True] * 2
    scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 6.5, 9]
    assert choose_threshold(labels, scores)[0] == 8.5  # accuracy: forward only the 9 (10 of 11 right)
    t, info = choose_threshold(labels, scores, method="youden")
    assert t == 6.25 and info["objective"] == "youden_j"  # J = 1 - 2/9 beats 1/2
    # a 50 % prior weighs the classes equally: the same argmax as Youden
    assert choose_threshold(labels, scores, prior=0.5)[0] == 6.25
    with pytest.raises(ValueError):
        choose_threshold(labels, scores, method="f1")


@pytest.mark.parametrize("seed", [0, 4])
def test_youden_equals_balanced_prior_on_random_data(seed):
    labels, scores = random_data(seed)
    assert choose_threshold(labels, scores, "youden")[0] == choose_threshold(labels, scores, prior=0.5)[0]


def test_threshold_lies_strictly_between_scores_and_degenerate_splits_are_constant():
    labels, scores = random_data(7, n=60)
    t, info = choose_threshold(labels, scores)
    assert t not in scores
    assert info["validation"]["accuracy"] == pytest.approx(sum((s >= t) == l for s, l in zip(scores, labels)) / 60)
    t_none, info_none = choose_threshold([False] * 4, [-3, -2, -2, -1])
    assert t_none > -1 and info_none["interval"] == [-1, None] and info_none["width"] is None
    t_all, _ = choose_threshold([True] * 3, [-3, -2, -1])
    assert t_all < -3


def test_curves_agree_with_the_decisions_a_threshold_makes():
    from edgecloud.eval.metrics import routing

    labels, scores = random_data(2, n=90)
    t, info = choose_threshold(labels, scores)
    r = routing(labels, [s >= t for s in scores])
    assert info["validation"] == r and info["validation_accuracy"] == r["accuracy"]
    curve, cq = roc(labels, scores), cost_quality(labels, scores)
    k = plots._operating_point(curve, t)
    assert (curve["tpr"][k], curve["fpr"][k]) == pytest.approx((r["recall"], r["fp"] / (r["fp"] + r["tn"])))
    assert (cq["cloud_share"][k], cq["accuracy"][k]) == pytest.approx((r["cloud_share"], r["accuracy"]))


# ---------------------------------------------------------------------------------------------
# cost_quality (RouteLLM APGR / CPT)


def test_cost_quality_hand_computed_case():
    # forward order: 0.9 (cloud), 0.8 (edge), 0.7 (cloud), 0.1 (edge); p = 1/2
    cq = cost_quality([True, False, True, False], [0.9, 0.8, 0.7, 0.1])
    assert cq["cloud_share"] == [0, 0.25, 0.5, 0.75, 1]
    assert cq["pgr"] == [0, 0.5, 0.5, 1, 1]
    assert cq["quality"] == [0.5, 0.75, 0.75, 1, 1] and cq["accuracy"] == [0.5, 0.75, 0.5, 0.75, 0.5]
    # trapezoids: 0.25*0.25 + 0.25*0.5 + 0.25*0.75 + 0.25*1 = 0.625
    assert cq["apgr"] == pytest.approx(0.625) and cq["apgr_oracle"] == pytest.approx(0.75)
    assert cq["apgr_normalised"] == pytest.approx(0.5)  # = 2 * AUC - 1 with AUC = 3/4
    assert cq["cpt_50"] == pytest.approx(0.25) and cq["cpt_80"] == pytest.approx(0.65)


def test_cost_quality_perfect_and_random_routers():
    labels = [True] * 20 + [False] * 80
    perfect = cost_quality(labels, [1.0 - i / 100 for i in range(100)])
    assert perfect["apgr_normalised"] == pytest.approx(1.0) and perfect["apgr"] == pytest.approx(1 - 0.2 / 2)
    assert perfect["cpt_50"] == pytest.approx(0.1) and perfect["cpt_80"] == pytest.approx(0.16)
    rng = random.Random(0)
    labels = [rng.random() < 0.2 for _ in range(5000)]
    rand = cost_quality(labels, [rng.random() for _ in labels])
    assert rand["apgr"] == pytest.approx(0.5, abs=0.03) and rand["apgr_normalised"] == pytest.approx(0, abs=0.06)
    assert rand["cpt_50"] == pytest.approx(0.5, abs=0.05)


@pytest.mark.parametrize("seed", [0, 1])
def test_apgr_is_a_function_of_auc_and_prevalence(seed):
    labels, scores = random_data(seed)
    cq, auc = cost_quality(labels, scores), roc(labels, scores)["auc"]
    p = sum(labels) / len(labels)
    assert cq["apgr"] == pytest.approx(p / 2 + (1 - p) * auc, abs=1e-12)
    assert cq["apgr_normalised"] == pytest.approx(2 * auc - 1, abs=1e-12)


def test_cost_quality_of_a_deciding_router_and_without_cloud_requests():
    cq = cost_quality([True, False, False, True], [True, False, True, False])
    assert cq["kind"] == "decisions" and cq["cloud_share"] == [0, 0.5, 1] and cq["pgr"] == [0, 0.5, 1]
    assert cq["apgr"] == pytest.approx(0.5)
    none = cost_quality([False, False], [0.3, 0.1])
    assert none["apgr"] is None and none["cpt_50"] is None and none["edge_quality"] == 1.0


# ---------------------------------------------------------------------------------------------
# TF-IDF router

# Templated like the shipped data (a phrasing template per group): valid uses other fillers than train.
SIMPLE_T = ["打开{}的灯", "Turn on the {} light", "{}明天天气怎么样", "What's the weather in {}?"]
COMPLEX_T = [
    "请详细证明并推导{}",
    "Prove {} step by step with a rigorous derivation",
    "请详细分析{}的发展策略并写一份报告",
    "Write an in-depth analysis and strategy report on {}",
]
TRAIN_FILL = ["客厅", "kitchen", "北京", "Paris", "卧室", "garage", "上海", "Berlin"]
VALID_FILL = ["书房", "hallway", "广州", "Madrid"]


def toy_split():
    def make(templates, fills):
        return [t.format(f) for f in fills for t in templates]

    train_q = make(SIMPLE_T, TRAIN_FILL) + make(COMPLEX_T, TRAIN_FILL)
    valid_q = make(SIMPLE_T, VALID_FILL) + make(COMPLEX_T, VALID_FILL)
    return (train_q, [False] * 32 + [True] * 32, valid_q, [False] * 16 + [True] * 16)


def test_tfidf_router_learns_a_separable_set_and_is_deterministic():
    train_q, train_l, valid_q, valid_l = toy_split()
    router = TfidfRouter().fit(train_q, train_l).calibrate(valid_q, valid_l)
    assert router.decide(train_q) == train_l
    assert roc(valid_l, router.score(valid_q))["auc"] == 1.0
    assert router.threshold_info["validation"]["accuracy"] == 1.0
    assert router.forward("请详细证明并推导费马小定理") and not router.forward("打开阳台的灯")
    again = TfidfRouter().fit(train_q, train_l).calibrate(valid_q, valid_l)
    assert again.score(valid_q + train_q) == router.score(valid_q + train_q) and again.threshold == router.threshold
    shuffled = TfidfRouter().fit(list(reversed(train_q)), list(reversed(train_l)))
    assert shuffled.score(valid_q) == pytest.approx(router.score(valid_q), rel=1e-6)
    with pytest.raises(RuntimeError):
        TfidfRouter().fit(train_q, train_l).forward("hi")  # no threshold before calibrate


def test_tfidf_router_selects_the_ngram_range_on_valid():
    train_q, train_l, valid_q, valid_l = toy_split()
    router = TfidfRouter.select(train_q, train_l, valid_q, valid_l, ngram_ranges=[(1, 4), (2, 5)])
    assert [r["ngram_range"] for r in router.selection] == [[1, 4], [2, 5]]
    assert sum(r["chosen"] for r in router.selection) == 1
    chosen = next(r for r in router.selection if r["chosen"])
    assert list(router.ngram_range) == chosen["ngram_range"] and router.threshold == chosen["threshold"]
    assert chosen["valid_auc"] == max(r["valid_auc"] for r in router.selection)


# ---------------------------------------------------------------------------------------------
# Figures


def _written(paths):
    assert set(paths) == {"pdf", "png"}
    assert paths["pdf"].read_bytes()[:5] == b"%PDF-" and paths["pdf"].stat().st_size > 1000
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and paths["png"].stat().st_size > 1000


@pytest.mark.parametrize("figure", ["roc", "cost_quality", "score_distribution"])
def test_figures_write_pdf_and_png(tmp_path, figure):
    from edgecloud.eval.metrics import routing

    labels, scores = random_data(0, n=100)
    rng = random.Random(1)
    weak = [s + rng.gauss(0, 1.5) for s in scores]
    if figure == "roc":
        paths = plots.roc_figure(
            {"LoRA 微调 fine-tuned": roc(labels, scores), "TF-IDF": roc(labels, weak)},
            tmp_path / "04_roc",
            marks={"TF-IDF": 0.5},
        )
    elif figure == "cost_quality":
        points = {
            "始终端侧 always-edge": routing(labels, [False] * 100),
            "始终云端 always-cloud": routing(labels, [True] * 100),
            "关键词/长度 heuristic": (0.3, 0.7, [0.61, 0.78]),
        }
        paths = plots.cost_quality_figure(
            {"LoRA 微调 fine-tuned": cost_quality(labels, scores), "TF-IDF": cost_quality(labels, weak)},
            points,
            tmp_path / "04_cost_quality",
        )
    else:
        lp = [min(0.0, (s - 3) * 4) for s in scores]  # log-probability-like: <= 0, long left tail
        t, _ = choose_threshold(labels, lp)
        paths = plots.score_distribution_figure(
            {True: [s for s, l in zip(lp, labels) if l], False: [s for s, l in zip(lp, labels) if not l]},
            t,
            tmp_path / "sub" / "04_score_distribution",
        )
    _written(paths)
