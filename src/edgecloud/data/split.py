"""Train/valid/test split: exact sizes, stratified by (category, needs_cloud), whole groups only.

Records of one paraphrase group (one phrasing template) stay in one split, so the test split
measures generalisation to phrasings never seen in training rather than recall of a template.
Exact sizes with whole groups is a small subset-sum problem: fill each stratum's share greedily
in a seeded order, then top up the remainder from the strata furthest below their share.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

from edgecloud.data.records import Example
from edgecloud.errors import DataError

SPLITS = ("train", "valid", "test")


def apportion(total: int, weights: dict[tuple, int]) -> dict[tuple, int]:
    """Largest-remainder apportionment of `total` over keys proportionally to `weights`."""
    wsum = sum(weights.values())
    if wsum == 0:
        return {k: 0 for k in weights}
    raw = {k: total * w / wsum for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), k))[:rest]:
        out[k] += 1
    return out


def apportion_by_label(total: int, weights: dict[tuple[str, bool], int]) -> dict[tuple[str, bool], int]:
    """Apportion first between the labels, then between the categories of each label, so that the
    edge/cloud proportion of a split is as exact as rounding allows (category-level rounding alone
    drifted a 50-record test split from 10 to 8 cloud records)."""
    by_label: dict[tuple, int] = {}
    for (_cat, label), w in weights.items():
        by_label[(label,)] = by_label.get((label,), 0) + w
    label_share = apportion(total, by_label)
    out: dict[tuple[str, bool], int] = {}
    for (label,), n in label_share.items():
        out.update(apportion(n, {k: w for k, w in weights.items() if k[1] == label}))
    return out


def stratum(ex: Example) -> tuple[str, bool]:
    return (ex.category, ex.needs_cloud)


@dataclass
class SplitResult:
    splits: dict[str, list[Example]]
    targets: dict[str, dict[tuple, int]]  # per split, per stratum: the proportional share

    def sizes(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.splits.items()}


def resolve_sizes(
    n: int, train: int | str, valid: int, test: int, rejects_note: str = "see rejects.jsonl for the rest"
) -> dict[str, int]:
    """Exact split sizes for `n` accepted records; `rejects_note` says where the rejected ones are."""
    if train == "rest":
        train = n - valid - test
        if train < 1:
            raise DataError(
                f"only {n} records were accepted: not enough for valid={valid} and test={test} "
                f"plus at least one training record; {rejects_note}, or lower data.split"
            )
    need = int(train) + valid + test
    if need > n:
        raise DataError(
            f"the split needs {need} records (train={train}, valid={valid}, test={test}) but only {n} "
            f"were accepted; {rejects_note}, or lower data.split"
        )
    if need < n:
        raise DataError(
            f"{n} records were accepted but the split takes {need}: every record must land in a split. "
            f"Set data.split.train to {n - valid - test} or to 'rest'"
        )
    return {"train": int(train), "valid": valid, "test": test}


def split_examples(examples: Sequence[Example], sizes: dict[str, int], seed: int) -> SplitResult:
    """Split into exactly `sizes` (which must sum to len(examples)), keeping groups whole."""
    if sum(sizes.values()) != len(examples):
        raise DataError(f"split sizes {sizes} do not add up to the {len(examples)} records")
    rng = random.Random(seed)
    groups: dict[str, list[Example]] = defaultdict(list)
    for ex in sorted(examples, key=lambda e: e.id):
        groups[ex.group].append(ex)
    # a group belongs to the stratum of most of its records (ties: the first by id)
    group_stratum = {g: Counter(stratum(e) for e in exs).most_common(1)[0][0] for g, exs in groups.items()}
    strata: dict[tuple, list[str]] = defaultdict(list)
    for g in sorted(groups):
        strata[group_stratum[g]].append(g)
    for key in sorted(strata):
        rng.shuffle(strata[key])
    weights = {k: sum(len(groups[g]) for g in gs) for k, gs in strata.items()}

    assigned: dict[str, str] = {}
    targets: dict[str, dict[tuple, int]] = {}
    for name in ("test", "valid"):
        share = apportion_by_label(sizes[name], weights)
        targets[name] = share
        got: dict[tuple, int] = defaultdict(int)
        for key in sorted(strata):
            for g in strata[key]:
                if g not in assigned and got[key] + len(groups[g]) <= share[key]:
                    assigned[g] = name
                    got[key] += len(groups[g])
        deficit = sizes[name] - sum(got.values())
        while deficit > 0:
            free = [
                (key, g)
                for key in sorted(strata)
                for g in strata[key]
                if g not in assigned and len(groups[g]) <= deficit
            ]
            if not free:
                raise DataError(
                    f"cannot fill the {name} split with exactly {sizes[name]} records while keeping "
                    "paraphrase groups whole: the groups are too large. Use smaller groups or other sizes"
                )
            key, g = max(free, key=lambda kg: (share[kg[0]] - got[kg[0]], len(groups[kg[1]])))
            assigned[g] = name
            got[key] += len(groups[g])
            deficit -= len(groups[g])
    targets["train"] = {k: weights[k] - targets["test"][k] - targets["valid"][k] for k in weights}

    out: dict[str, list[Example]] = {s: [] for s in SPLITS}
    for g in sorted(groups):
        out[assigned.get(g, "train")].extend(groups[g])
    for s in SPLITS:
        out[s].sort(key=lambda e: e.id)
    return SplitResult(out, targets)
