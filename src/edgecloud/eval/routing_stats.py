"""Statistics of a *scored* router: ROC, the threshold chosen on the validation split, cost-quality curves.

Convention used throughout: every request has a routing score, higher = more likely to need the cloud
(for the edge model, the log-probability of its forward reply: <= 0 and possibly very negative; for
`routers.TfidfRouter`, log-odds), and a threshold t: **score >= t forwards to the cloud**. The positive
class is "needs the cloud" (`needs_cloud` true). Pure Python, no numpy or sklearn; the decision-level
metrics (confusion matrix, Wilson intervals) are `metrics.routing` and `metrics.wilson`.

Sweeping t from above the highest score down to the lowest gives one operating point per distinct
score value; tied scores move together, so ties are never split by input order and every function
here is deterministic and independent of the order of the requests.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from edgecloud.eval.metrics import routing

METHODS = ("margin_midpoint", "youden")
_EPS = 1e-12  # objective values closer than this count as tied (they come from integer counts)


def _scores(labels: Sequence[bool], scores: Sequence[float]) -> list[float]:
    if len(labels) != len(scores):
        raise ValueError(f"labels ({len(labels)}) and scores ({len(scores)}) differ in length")
    if len(labels) == 0:
        raise ValueError("no requests")
    out = [float(s) for s in scores]
    if any(math.isnan(s) for s in out):
        raise ValueError("a score is NaN")
    return out


def _sweep(labels: Sequence[bool], scores: list[float]) -> list[tuple[float | None, int, int]]:
    """Operating points (threshold, tp, fp) from forwarding nothing (threshold None) to forwarding all,
    one per distinct score value, in decreasing threshold order."""
    pairs = sorted(zip(scores, (bool(l) for l in labels)), key=lambda p: -p[0])
    points: list[tuple[float | None, int, int]] = [(None, 0, 0)]
    tp = fp = i = 0
    while i < len(pairs):
        value = pairs[i][0]
        while i < len(pairs) and pairs[i][0] == value:
            tp += pairs[i][1]
            fp += not pairs[i][1]
            i += 1
        points.append((value, tp, fp))
    return points


def _trapezoid(y: Sequence[float], x: Sequence[float]) -> float:
    return sum((x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2 for i in range(1, len(x)))


def roc(labels: Sequence[bool], scores: Sequence[float]) -> dict[str, Any]:
    """ROC curve of "forward to cloud" and its area.

    Returns {"fpr", "tpr", "thresholds", "auc", "n", "positives"}: point i forwards the requests with
    score >= thresholds[i]. The first point forwards nothing; its threshold is max(score) + 1 (a finite
    number, as scikit-learn < 1.3 did, so the report stays valid JSON) and the curve starts at (0, 0).
    Tied scores form one point, so the curve has a diagonal segment there; the AUC is the trapezoid area
    under these points, which equals the Mann-Whitney probability that a random cloud request scores
    above a random edge request, ties counting 1/2 (scikit-learn's `roc_auc_score`).
    Raises ValueError when only one class is present (the curve is undefined).
    """
    s = _scores(labels, scores)
    pos = sum(bool(l) for l in labels)
    neg = len(s) - pos
    if pos == 0 or neg == 0:
        raise ValueError("ROC needs both cloud and edge requests")
    points = _sweep(labels, s)
    fpr = [fp / neg for _, _, fp in points]
    tpr = [tp / pos for _, tp, _ in points]
    thresholds = [max(s) + 1.0] + [t for t, _, _ in points[1:]]
    return {
        "fpr": fpr,
        "tpr": tpr,
        "thresholds": thresholds,
        "auc": _trapezoid(tpr, fpr),
        "n": len(s),
        "positives": pos,
    }


def choose_threshold(
    labels: Sequence[bool],
    scores: Sequence[float],
    method: str = "margin_midpoint",
    prior: float | None = None,
    tolerance: float = 0.0,
) -> tuple[float, dict[str, Any]]:
    """The threshold of a scored router, chosen on the validation split (score >= threshold forwards).

    Every threshold between two neighbouring distinct validation scores (lo, hi] makes the same
    decisions on validation, so the choice is among these intervals:

    1. Objective per interval. `method="margin_midpoint"`: validation accuracy; with `prior` = pi
       (the share of requests expected to need the cloud in deployment, 0 < pi < 1) the accuracy is
       re-weighted to that prior: pi * TPR + (1 - pi) * TNR. `method="youden"`: Youden's J = TPR - FPR
       (the same ranking as accuracy under pi = 0.5, i.e. balanced accuracy; `prior` is not used).
    2. Among the intervals attaining the best value, the **widest** one in score units, and the
       threshold is its **midpoint**: the middle of the gap between the two classes, not the edge of a
       validation score, so a test score a little off the validation ones is not flipped.
       Equal widths: the higher interval (fewer requests to the cloud).
    3. The two unbounded intervals (above every score: forward nothing; at or below the lowest:
       forward everything) have no midpoint and make the router constant, which the always-edge /
       always-cloud baselines already are: they are chosen only when strictly better than every
       bounded interval; the threshold then lies half the mean spacing of the distinct scores (0.5
       when there is a single distinct score) beyond the extreme score.

    `tolerance`: intervals within this much of the best objective count as tied (the "one-error rule" with
    1/n: a validation split of 100 cannot tell 99 % from 98 %, so a sliver between two validation scores
    that gains one record does not beat a wide gap that gives it up).

    Deterministic, and independent of the order of the requests. Returns (threshold, info) with info:
    method, prior, objective (name) and objective_value, threshold, interval [lo, hi] (None for an
    unbounded end), validation_accuracy, width (None when unbounded), tied_intervals (how many
    intervals attained the best value), and validation:
    `metrics.routing` of the validation decisions at the threshold (accuracy, recall, cloud share,
    Wilson intervals, ...).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if prior is not None and not 0 < prior < 1:
        raise ValueError(f"prior must be in (0, 1), got {prior}")
    s = _scores(labels, scores)
    if not all(math.isfinite(x) for x in s):
        raise ValueError("choose_threshold needs finite scores (clip log-probabilities, e.g. max(lp, -1e4))")
    n = len(s)
    pos = sum(bool(l) for l in labels)
    neg = n - pos
    if (method == "youden" or prior is not None) and (pos == 0 or neg == 0):
        raise ValueError(
            f"{method}{' with a prior' if prior is not None else ''} needs both classes in the validation split"
        )
    # _sweep goes from "forward nothing" down; intervals[j] = (lo, hi, tp, fp) forwards scores > lo
    sweep = _sweep(labels, s)
    values = [t for t, _, _ in sweep[1:]]  # distinct scores, decreasing
    intervals: list[tuple[float | None, float | None, int, int]] = []
    for j, (_, tp, fp) in enumerate(sweep):
        hi = None if j == 0 else values[j - 1]  # forwards scores >= hi (None: forwards nothing)
        lo = values[j] if j < len(values) else None  # the next lower distinct score (None: -inf)
        intervals.append((lo, hi, tp, fp))

    def objective(tp: int, fp: int) -> float:
        tpr = tp / pos if pos else 0.0
        tnr = (neg - fp) / neg if neg else 0.0
        if method == "youden":
            return tpr - (1 - tnr)
        if prior is not None:
            return prior * tpr + (1 - prior) * tnr
        return (tp + neg - fp) / n

    obj = [objective(tp, fp) for _, _, tp, fp in intervals]
    best = max(obj)
    tied = [j for j, v in enumerate(obj) if v >= best - tolerance - _EPS]
    bounded = [j for j in tied if intervals[j][0] is not None and intervals[j][1] is not None]
    if bounded:
        # widest first; equal widths (within float noise): the higher interval, i.e. the smaller j
        j = min(bounded, key=lambda j: (-round(intervals[j][1] - intervals[j][0], 12), j))
        lo, hi = intervals[j][0], intervals[j][1]
        threshold, width = (lo + hi) / 2, hi - lo
    else:
        j = tied[0]  # forward nothing (j = 0) before forward everything
        lo, hi = intervals[j][0], intervals[j][1]
        pad = (values[0] - values[-1]) / (2 * (len(values) - 1)) if len(values) > 1 else 0.5
        threshold = values[0] + pad if hi is None else values[-1] - pad
        width = math.inf
    decisions = [x >= threshold for x in s]
    info = {
        "method": method,
        "prior": prior,
        "objective": "youden_j"
        if method == "youden"
        else ("prior_weighted_accuracy" if prior is not None else "accuracy"),
        "objective_value": obj[j],
        "threshold": threshold,
        "interval": [lo, hi],
        "validation_accuracy": sum(d == bool(l) for d, l in zip(decisions, labels)) / n,
        "width": None if math.isinf(width) else width,
        "tied_intervals": len(tied),
        "tolerance": tolerance,
        "best_objective_value": best,
        "validation": routing([bool(l) for l in labels], decisions),
    }
    return threshold, info


def cost_quality(
    labels: Sequence[bool], scores_or_decisions: Sequence[float] | Sequence[bool], levels: Sequence[float] = (0.5, 0.8)
) -> dict[str, Any]:
    """RouteLLM's cost-quality view (Ong et al. 2024, "RouteLLM: Learning to Route LLMs with Preference
    Data") of a router, over every threshold.

    Cost = cloud share, the fraction of requests sent to the cloud. Quality of one request is 1 when it
    is answered well and 0 otherwise; in our setting the cloud answers every request well and the edge
    answers only the requests that do not need the cloud, so a request scores 0 exactly when it needs
    the cloud and stays at the edge. Hence, with p the share of requests that need the cloud:
    always-edge has quality 1 - p, always-cloud 1, and a router (1 - p) + p * recall.

    - PGR (performance gap recovered) at a threshold = (quality - q_edge) / (q_cloud - q_edge), which
      here is the forward recall (TPR).
    - APGR = the area under PGR against cloud share over [0, 1] (trapezoid through the operating points,
      i.e. mixing neighbouring thresholds at random), as RouteLLM's evaluate.py computes it:
      (AUC_router - AUC_edge) / (AUC_cloud - AUC_edge). The random router (the straight line from
      always-edge to always-cloud) has APGR 0.5 and the perfect router 1 - p/2 (it reaches PGR 1 at
      cloud share p). Since cloud share = p * TPR + (1 - p) * FPR, APGR = p/2 + (1 - p) * AUC(ROC).
    - apgr_normalised = (APGR - 0.5) / (APGR_oracle - 0.5): the area between the router's curve and the
      random line, normalised by the perfect router's: 1 for a perfect router, about 0 for a random one,
      negative for a worse one; it equals 2 * AUC - 1 (the Gini coefficient), so it adds no information
      beyond the ROC, but reads on the cost axis.
    - CPT(x) ("call-performance threshold") = the smallest cloud share at which PGR reaches x, linearly
      interpolated between operating points as RouteLLM's evaluate.py does (np.interp): keys cpt_50 and
      cpt_80 for the default levels 0.5 and 0.8.

    `scores_or_decisions`: scores (higher = forward), or booleans (a router that only decides; its curve
    is always-edge -> its operating point -> always-cloud). Returns per operating point (forward
    nothing first, increasing cloud share): thresholds (the first is max + 1, as in `roc`), cloud_share,
    accuracy (routing accuracy), quality, pgr; and kind, n, positives, edge_quality, cloud_quality,
    apgr, apgr_oracle, apgr_random, apgr_normalised, cpt_<level>. PGR-based numbers are None when no
    request needs the cloud (no gap to recover); apgr_normalised also when every request does.
    """
    decisions = all(type(x).__name__ in ("bool", "bool_") for x in scores_or_decisions)  # numpy too
    s = _scores(labels, [float(x) for x in scores_or_decisions])
    n = len(s)
    pos = sum(bool(l) for l in labels)
    neg = n - pos
    points = _sweep(labels, s)
    share = [(tp + fp) / n for _, tp, fp in points]
    out: dict[str, Any] = {
        "kind": "decisions" if decisions else "scores",
        "n": n,
        "positives": pos,
        "thresholds": [max(s) + 1.0] + [t for t, _, _ in points[1:]],
        "cloud_share": share,
        "accuracy": [(tp + neg - fp) / n for _, tp, fp in points],
        "quality": [(neg + tp) / n for _, tp, _ in points],
        "pgr": [tp / pos for _, tp, _ in points] if pos else None,
        "edge_quality": neg / n,
        "cloud_quality": 1.0,
        "apgr_random": 0.5,
    }
    if not pos:
        out.update(apgr=None, apgr_oracle=None, apgr_normalised=None, **{_cpt_key(x): None for x in levels})
        return out
    pgr = out["pgr"]
    apgr = _trapezoid(pgr, share)
    oracle = 1 - pos / (2 * n)
    out.update(
        apgr=apgr,
        apgr_oracle=oracle,
        apgr_normalised=(apgr - 0.5) / (oracle - 0.5) if neg else None,
        **{_cpt_key(x): _cpt(pgr, share, x) for x in levels},
    )
    return out


def _cpt_key(level: float) -> str:
    return f"cpt_{100 * level:g}"


def _cpt(pgr: list[float], share: list[float], level: float) -> float | None:
    """Smallest cloud share where the piecewise-linear PGR curve reaches `level` (None: never)."""
    for i, g in enumerate(pgr):
        if g >= level - _EPS:
            if i == 0 or g == pgr[i - 1]:
                return share[i]
            return share[i - 1] + (level - pgr[i - 1]) / (g - pgr[i - 1]) * (share[i] - share[i - 1])
    return None
