"""Routers compared in 04_eval: trivial baselines, a keyword/length heuristic, and model routers.

A model router decides by its reply (the shared detector `routing.is_forward`); the heuristic
decides from the request alone. Its length thresholds are fitted on the *train* split, so the test
split stays unseen by every router.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

KEYWORDS_ZH = ("证明", "推导", "分析", "规划", "计划", "行程", "代码", "实现", "算法", "论文", "详细", "步骤",
               "比较", "策略", "优化", "设计", "论述", "报告")
KEYWORDS_EN = ("prove", "proof", "derive", "derivation", "analy", "essay", "plan", "itinerary", "implement",
               "code", "algorithm", "in depth", "in-depth", "compare", "strategy", "step by step", "design",
               "report", "optimi")


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

            def acc(t: int) -> tuple[int, int]:
                router.max_len[lang] = t
                return sum(router.forward(q) == l for q, l in items), t

            router.max_len[lang] = max(candidates, key=acc)
        return router
