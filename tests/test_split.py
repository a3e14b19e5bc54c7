"""Exact, deterministic, stratified split that keeps paraphrase groups whole."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from edgecloud.data.records import Example
from edgecloud.data.split import apportion, resolve_sizes, split_examples
from edgecloud.errors import DataError


def make_examples(n_groups=120, seed=0):
    rng = random.Random(seed)
    cats = [("device_control", False), ("arithmetic", False), ("chitchat", False), ("coding", True)]
    out, i = [], 0
    for g in range(n_groups):
        cat, cloud = cats[g % len(cats)]
        for _ in range(rng.randint(1, 6)):
            i += 1
            out.append(
                Example(
                    id=f"e{i:04d}",
                    lang="zh",
                    category=cat,
                    needs_cloud=cloud,
                    group=f"{cat}/t{g}",
                    query=f"q{i}",
                    response="r",
                    source="x",
                    line=i,
                )
            )
    return out


def sizes_for(n, valid=40, test=40):
    return {"train": n - valid - test, "valid": valid, "test": test}


def test_sizes_are_exact_and_every_record_lands_once():
    exs = make_examples()
    res = split_examples(exs, sizes_for(len(exs)), seed=1)
    assert res.sizes() == sizes_for(len(exs))
    ids = [e.id for s in res.splits.values() for e in s]
    assert sorted(ids) == sorted(e.id for e in exs)


def test_groups_never_span_two_splits():
    exs = make_examples()
    res = split_examples(exs, sizes_for(len(exs)), seed=1)
    where = {}
    for name, part in res.splits.items():
        for e in part:
            assert where.setdefault(e.group, name) == name


def test_split_is_deterministic_for_a_seed_and_changes_with_it():
    exs = make_examples()
    a = split_examples(exs, sizes_for(len(exs)), seed=1)
    b = split_examples(list(reversed(exs)), sizes_for(len(exs)), seed=1)
    c = split_examples(exs, sizes_for(len(exs)), seed=2)
    ids = lambda r: {k: [e.id for e in v] for k, v in r.splits.items()}  # noqa: E731
    assert ids(a) == ids(b)
    assert ids(a) != ids(c)


def test_split_is_stratified_by_category_and_label():
    exs = make_examples(n_groups=200)
    res = split_examples(exs, sizes_for(len(exs), 60, 60), seed=3)
    total = Counter((e.category, e.needs_cloud) for e in exs)
    for name in ("valid", "test"):
        got = Counter((e.category, e.needs_cloud) for e in res.splits[name])
        for key, n in total.items():
            expected = 60 * n / len(exs)
            assert abs(got[key] - expected) <= 6, (name, key, got[key], expected)


def test_groups_too_large_for_exact_sizes_fail_clearly():
    exs = [
        Example(
            id=f"e{i}",
            lang="en",
            category="c",
            needs_cloud=False,
            group=f"g{i // 10}",
            query=f"q{i}",
            response="r",
            source="x",
            line=i,
        )
        for i in range(40)
    ]
    with pytest.raises(DataError, match="groups whole"):
        split_examples(exs, {"train": 25, "valid": 5, "test": 10}, seed=0)


def test_resolve_sizes_rest_too_few_and_too_many():
    assert resolve_sizes(100, "rest", 10, 10) == {"train": 80, "valid": 10, "test": 10}
    with pytest.raises(DataError, match="only 50 were accepted"):
        resolve_sizes(50, 40, 10, 10)
    with pytest.raises(DataError, match="Set data.split.train to 80"):
        resolve_sizes(100, 40, 10, 10)


def test_apportion_sums_exactly():
    shares = apportion(50, {("a",): 333, ("b",): 333, ("c",): 334})
    assert sum(shares.values()) == 50 and max(shares.values()) - min(shares.values()) <= 1


def test_label_ratio_of_a_split_follows_the_data():
    """Apportioning by label first: 20 % cloud data gives exactly 20 % cloud in valid and test."""
    exs = []
    for i in range(500):
        cloud = i % 5 == 0
        cat = (
            ("proof", "plan", "code", "essay")[i % 4]
            if cloud
            else ("dev", "timer", "look", "tr", "calc", "chat")[i % 6]
        )
        exs.append(
            Example(
                id=f"e{i:04d}",
                lang="en",
                category=cat,
                needs_cloud=cloud,
                group=f"g{i}",
                query=f"q{i}",
                response="r",
                source="x",
                line=i,
            )
        )
    res = split_examples(exs, {"train": 400, "valid": 50, "test": 50}, seed=0)
    assert sum(e.needs_cloud for e in res.splits["test"]) == 10
    assert sum(e.needs_cloud for e in res.splits["valid"]) == 10
