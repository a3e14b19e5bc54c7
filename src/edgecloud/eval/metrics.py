"""Metrics of 04_eval: routing (forward = positive class), answer quality, latency.

Routing proportions (accuracy, forward recall and precision, cloud share) carry Wilson score 95 %
intervals: the test split has 50 records, so a point estimate alone overstates what it shows.
Score-based statistics (ROC, threshold choice, cost-quality curves) are in `routing_stats`.

Answer quality compares an edge reply with the reference reply. Chinese has no spaces, so text is
tokenised into single CJK characters and Latin words; ROUGE-L is the LCS F-measure over those
tokens, and character F1 is the bag-of-characters overlap F1 used for Chinese reading comprehension
(CMRC-style), which forgives word order.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from typing import Any, Iterable, Sequence

_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+(?:[.'][A-Za-z0-9]+)*")


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text or "")]


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(prediction: str, reference: str) -> float:
    p, r = tokens(prediction), tokens(reference)
    lcs = _lcs(p, r)
    if lcs == 0:
        return 0.0
    prec, rec = lcs / len(p), lcs / len(r)
    return 2 * prec * rec / (prec + rec)


def char_f1(prediction: str, reference: str) -> float:
    p = Counter("".join(tokens(prediction)))
    r = Counter("".join(tokens(reference)))
    common = sum((p & r).values())
    if common == 0:
        return 0.0
    prec, rec = common / sum(p.values()), common / sum(r.values())
    return 2 * prec * rec / (prec + rec)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float] | tuple[None, None]:
    """Wilson score interval of a binomial proportion k/n (z = 1.96: 95 %).

    Unlike the normal (Wald) interval it stays inside [0, 1] and is not degenerate at k = 0 or k = n
    (9/10 -> (0.596, 0.982); 0/10 -> (0, 0.278)), which matters on a 50-record test split.
    n = 0 (nothing to estimate: e.g. the precision of a router that never forwards) gives
    (None, None), written as null in JSON reports, rather than a made-up (0, 1).
    """
    if n < 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return None, None
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # exact at the ends (floating point would give 1e-17 / 0.9999999999999999)
    return (0.0 if k == 0 else max(0.0, centre - half)), (1.0 if k == n else min(1.0, centre + half))


def routing(labels: Sequence[bool], forwarded: Sequence[bool]) -> dict[str, Any]:
    """Confusion matrix and scores with 'forward to cloud' as the positive class.

    Proportions come with Wilson 95 % intervals as [low, high] lists (`wilson`; [None, None] when the
    denominator is 0): `accuracy_ci` (tp + tn of n), `recall_ci` (tp of tp + fn: forward recall),
    `precision_ci` (tp of tp + fp: forward precision), `cloud_share_ci` (tp + fp of n). F1 has no
    binomial interval and gets none. Empty denominators keep their point value 0.0, as before.
    """
    if len(labels) != len(forwarded):
        raise ValueError("labels and decisions differ in length")
    tp = sum(l and f for l, f in zip(labels, forwarded))
    fp = sum(not l and f for l, f in zip(labels, forwarded))
    fn = sum(l and not f for l, f in zip(labels, forwarded))
    tn = sum(not l and not f for l, f in zip(labels, forwarded))
    n = len(labels)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": n,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "accuracy": (tp + tn) / n if n else 0.0,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "cloud_share": (tp + fp) / n if n else 0.0,
        "accuracy_ci": list(wilson(tp + tn, n)),
        "precision_ci": list(wilson(tp, tp + fp)),
        "recall_ci": list(wilson(tp, tp + fn)),
        "cloud_share_ci": list(wilson(tp + fp, n)),
    }


def quality(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Mean ROUGE-L and char F1 over (reply, reference) pairs."""
    pairs = list(pairs)
    if not pairs:
        return {"n": 0, "rouge_l": None, "char_f1": None}
    return {
        "n": len(pairs),
        "rouge_l": statistics.fmean(rouge_l(p, r) for p, r in pairs),
        "char_f1": statistics.fmean(char_f1(p, r) for p, r in pairs),
    }


def latency(latencies: Sequence[float], new_tokens: Sequence[int]) -> dict[str, Any]:
    total = sum(latencies)
    return {
        "p50_s": percentile(latencies, 50),
        "p95_s": percentile(latencies, 95),
        "tokens_per_s": sum(new_tokens) / total if total > 0 else None,
    }
