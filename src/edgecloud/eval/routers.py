"""Routers compared in 04_eval: trivial baselines, a keyword/length heuristic, a learned text
baseline and model routers.

A model router decides by its reply (the shared detector `routing.is_forward`); the heuristic and
the TF-IDF router decide from the request alone. The heuristic's length thresholds and the TF-IDF
router's weights are fitted on the *train* split, the TF-IDF router's n-gram range and threshold on
the *valid* split, so the test split stays unseen by every router.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

KEYWORDS_ZH = (
    "证明",
    "推导",
    "分析",
    "规划",
    "计划",
    "行程",
    "代码",
    "实现",
    "算法",
    "论文",
    "详细",
    "步骤",
    "比较",
    "策略",
    "优化",
    "设计",
    "论述",
    "报告",
)
KEYWORDS_EN = (
    "prove",
    "proof",
    "derive",
    "derivation",
    "analy",
    "essay",
    "plan",
    "itinerary",
    "implement",
    "code",
    "algorithm",
    "in depth",
    "in-depth",
    "compare",
    "strategy",
    "step by step",
    "design",
    "report",
    "optimi",
)


def _lang(text: str) -> str:
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"


@dataclass
class HeuristicRouter:
    """Forward when the request has a 'complex task' keyword or is longer than its language's threshold."""

    max_len: dict[str, int] = field(default_factory=lambda: {"zh": 40, "en": 120})

    def has_keyword(self, query: str) -> bool:
        q = query.lower()
        return any(k in q for k in (KEYWORDS_ZH if _lang(query) == "zh" else KEYWORDS_EN))

    def forward(self, query: str) -> bool:
        return self.has_keyword(query) or len(query) > self.max_len[_lang(query)]

    @classmethod
    def fit(cls, queries: Sequence[str], labels: Sequence[bool]) -> "HeuristicRouter":
        """Pick each language's length threshold that maximises accuracy on the given (train) data."""
        router = cls()
        for lang in ("zh", "en"):
            items = [(q, l) for q, l in zip(queries, labels) if _lang(q) == lang]
            if not items:
                continue
            candidates = sorted({len(q) for q, _ in items}) + [10**6]

            def acc(t: int) -> tuple[int, int]:  # called in this iteration only
                router.max_len[lang] = t  # noqa: B023
                return sum(router.forward(q) == l for q, l in items), t  # noqa: B023

            router.max_len[lang] = max(candidates, key=acc)
        return router


# Candidates for TfidfRouter.select, the default first (it wins ties). Valid split of edge_requests_v1
# (50 records, 9 cloud): 1-4 grams ROC AUC 0.967 / accuracy 0.96, 2-5 grams 0.916 / 0.90 (1-3: 0.970 / 0.96,
# 1-5: 0.967 / 0.96, 3-5: 0.873 / 0.88); of edge_requests_v2 (100 records, 20 cloud): 1-4 0.985 / 0.96,
# 2-5 0.983 / 0.97. Ranges with single characters (which count in Chinese) are never worse on AUC.
TFIDF_NGRAM_RANGES: tuple[tuple[int, int], ...] = ((1, 4), (2, 5))


@dataclass
class TfidfRouter:
    """A strong learned text baseline: character n-gram TF-IDF + logistic regression on the request.

    Character n-grams within word boundaries (`char_wb`) need no tokeniser for Chinese (no spaces)
    and catch English stems ("deriv", "itinera") and Chinese words ("证明", "行程") alike;
    `sublinear_tf` damps repeated n-grams in long requests. Logistic regression with balanced class
    weights (about one request in five needs the cloud) and a fixed `random_state`: fitting is
    deterministic. `score` is the decision function, the log-odds of needing the cloud (higher =
    forward); the threshold is `routing_stats.choose_threshold` on the validation split, the same rule
    as for the edge model's score. `select` picks the n-gram range on the validation split too.
    """

    ngram_range: tuple[int, int] = (1, 4)
    C: float = 1.0
    threshold: float | None = None
    threshold_info: dict[str, Any] | None = None
    selection: list[dict[str, Any]] | None = None
    pipeline: Any = field(default=None, repr=False, compare=False)

    def fit(self, queries: Sequence[str], labels: Sequence[bool]) -> "TfidfRouter":
        """Fit vectoriser and classifier on the given (train) requests; needs both classes."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        if len(set(map(bool, labels))) < 2:
            raise ValueError("TfidfRouter.fit needs requests of both classes")
        self.pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.ngram_range), lowercase=True, sublinear_tf=True),
            LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, random_state=0),
        ).fit(list(queries), [bool(l) for l in labels])
        self.threshold = self.threshold_info = None
        return self

    def score(self, queries: Sequence[str]) -> list[float]:
        """Log-odds that each request needs the cloud (higher = forward)."""
        if self.pipeline is None:
            raise RuntimeError("TfidfRouter is not fitted")
        return [float(x) for x in self.pipeline.decision_function(list(queries))]

    def calibrate(
        self,
        queries: Sequence[str],
        labels: Sequence[bool],
        method: str = "margin_midpoint",
        prior: float | None = None,
    ) -> "TfidfRouter":
        """Choose the threshold on the given (validation) requests with `routing_stats.choose_threshold`."""
        from edgecloud.eval.routing_stats import choose_threshold

        self.threshold, self.threshold_info = choose_threshold(labels, self.score(queries), method, prior)
        return self

    def decide(self, queries: Sequence[str]) -> list[bool]:
        if self.threshold is None:
            raise RuntimeError("TfidfRouter has no threshold: call calibrate() on the validation split")
        return [s >= self.threshold for s in self.score(queries)]

    def forward(self, query: str) -> bool:
        return self.decide([query])[0]

    @classmethod
    def select(
        cls,
        train_queries: Sequence[str],
        train_labels: Sequence[bool],
        valid_queries: Sequence[str],
        valid_labels: Sequence[bool],
        ngram_ranges: Sequence[tuple[int, int]] = TFIDF_NGRAM_RANGES,
        method: str = "margin_midpoint",
        prior: float | None = None,
    ) -> "TfidfRouter":
        """Fit one router per n-gram range on train, calibrate each on valid, keep the best on valid.

        Best = highest validation ROC AUC (threshold-free), then the higher validation objective at the
        chosen threshold, then the earlier range in `ngram_ranges`. Every candidate's numbers are kept
        in `selection` of the returned router.
        """
        from edgecloud.eval.routing_stats import roc

        candidates, rows = [], []
        for rng in ngram_ranges:
            router = cls(ngram_range=tuple(rng)).fit(train_queries, train_labels)
            router.calibrate(valid_queries, valid_labels, method, prior)
            try:
                auc = roc(valid_labels, router.score(valid_queries))["auc"]
            except ValueError:  # one class only in valid: no AUC, the objective decides
                auc = None
            candidates.append(router)
            rows.append(
                {
                    "ngram_range": list(rng),
                    "valid_auc": auc,
                    "valid_objective": router.threshold_info["objective_value"],
                    "valid_accuracy": router.threshold_info["validation"]["accuracy"],
                    "threshold": router.threshold,
                }
            )
        best = max(
            range(len(rows)),
            key=lambda i: (
                -1.0 if rows[i]["valid_auc"] is None else rows[i]["valid_auc"],
                rows[i]["valid_objective"],
                -i,
            ),
        )
        for i, row in enumerate(rows):
            row["chosen"] = i == best
        chosen = candidates[best]
        chosen.selection = rows
        return chosen
