"""Stage 01_convert: raw files -> ms-swift messages JSONL split into train/valid/test + a data check."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import combinations
from typing import Any

import pandas as pd

from edgecloud import artifacts
from edgecloud.data.records import REASONS, Example, Reject, convert_files, normalise_text
from edgecloud.data.split import SPLITS, resolve_sizes, split_examples
from edgecloud.errors import DataError
from edgecloud.jsonio import describe, sha256_file, write_json, write_jsonl
from edgecloud.params import Params
from edgecloud.paths import RunDirs, rel, resolve


@dataclass
class ConvertResult:
    report: dict[str, Any]
    splits: dict[str, list[Example]]
    rejects: list[Reject]


def _overlap(splits: dict[str, list[Example]], key) -> dict[str, int]:
    sets = {s: {key(e) for e in exs} for s, exs in splits.items()}
    return {f"{a}-{b}": len(sets[a] & sets[b]) for a, b in combinations(SPLITS, 2)}


def build_report(
    params: Params,
    splits: dict[str, list[Example]],
    rejects: list[Reject],
    per_file: dict[str, dict[str, int]],
    targets: dict[str, dict[tuple, int]],
) -> dict[str, Any]:
    all_ex = [e for s in SPLITS for e in splits[s]]
    read = sum(c["read"] for c in per_file.values())
    n_acc = len(all_ex)

    def counts(key) -> dict[str, Any]:
        return dict(sorted(Counter(key(e) for e in all_ex).items()))

    strata = sorted({(e.category, e.needs_cloud) for e in all_ex})
    return {
        "dataset_name": params.data.dataset_name,
        "run_name": params.run_name,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "params_sha256": params.sha256(),
        "raw_files": [{"path": p, **c, "sha256": sha256_file(resolve(p))} for p, c in per_file.items()],
        "read": read,
        "accepted": n_acc,
        "rejected": len(rejects),
        "parse_success_rate": round(n_acc / read, 4) if read else 0.0,
        "rejects_by_reason": dict(sorted(Counter(r.reason for r in rejects).items())),
        "splits": {**{s: len(splits[s]) for s in SPLITS}, "total": n_acc},
        "by_category": counts(lambda e: e.category),
        "by_language": counts(lambda e: e.lang),
        "by_label": {"edge": sum(not e.needs_cloud for e in all_ex), "cloud": sum(e.needs_cloud for e in all_ex)},
        "per_split": {
            s: {
                "by_category": dict(sorted(Counter(e.category for e in splits[s]).items())),
                "by_language": dict(sorted(Counter(e.lang for e in splits[s]).items())),
                "cloud": sum(e.needs_cloud for e in splits[s]),
            }
            for s in SPLITS
        },
        "stratification": [
            {
                "category": c,
                "needs_cloud": nc,
                **{f"{s}_target": targets[s].get((c, nc), 0) for s in SPLITS},
                **{s: sum((e.category, e.needs_cloud) == (c, nc) for e in splits[s]) for s in SPLITS},
            }
            for c, nc in strata
        ],
        "length_chars": {
            "query": describe([len(e.query) for e in all_ex]),
            "response_edge": describe([len(e.response) for e in all_ex if not e.needs_cloud]),
            **{f"query_{s}": describe([len(e.query) for e in splits[s]]) for s in SPLITS},
        },
        "overlap": {
            "exact_duplicates_across_splits": _overlap(splits, lambda e: normalise_text(e.query)),
            "groups_across_splits": _overlap(splits, lambda e: e.group),
        },
        "groups": len({e.group for e in all_ex}),
        "seed": params.seed,
        "outputs": {s: rel(artifacts.path(f"{s}_split", params)) for s in SPLITS}
        | {"rejects": rel(artifacts.path("rejects", params))},
        "reject_reasons_known": REASONS,
    }


def convert(params: Params) -> ConvertResult:
    """Read params.data.raw_files, write the three splits, rejects.jsonl and the data check report."""
    RunDirs(params.run_name).ensure()
    rejects_path = artifacts.path("rejects", params)
    paths = [resolve(f) for f in params.data.raw_files]
    accepted, rejects, per_file = convert_files(
        paths, params.data.format, params.data.forward_reply, params.data.max_chars
    )
    write_jsonl(rejects_path, (r.to_dict() for r in rejects))
    read = sum(c["read"] for c in per_file.values())
    reasons = Counter(r.reason for r in rejects).most_common(3)
    if not accepted:
        raise DataError(
            f"0 of {read} raw records were accepted from {', '.join(map(rel, paths))} "
            f"(top reasons: {reasons}); see {rel(rejects_path)}"
        )
    rejects_note = (
        f"{len(rejects)} of {read} raw records were rejected (top reasons: {reasons}): see {rel(rejects_path)}"
        if rejects
        else f"none of the {read} raw records was rejected: add data"
    )
    sp = params.data.split
    sizes = resolve_sizes(len(accepted), sp.train, sp.valid, sp.test, rejects_note)
    result = split_examples(accepted, sizes, params.seed)
    for s in SPLITS:
        write_jsonl(
            artifacts.path(f"{s}_split", params), (e.to_swift(params.data.system_prompt) for e in result.splits[s])
        )
    report = build_report(params, result.splits, rejects, per_file, result.targets)
    assert report["accepted"] + report["rejected"] == report["read"], "a raw record was lost"
    write_json(artifacts.path("data_check", params), report)
    return ConvertResult(report, result.splits, rejects)


def split_table(report: dict[str, Any]) -> pd.DataFrame:
    """The reference's data-conversion table: train / valid / test / total / parse success rate."""
    s = report["splits"]
    return pd.DataFrame(
        {
            "指标 metric": ["train", "valid", "test", "总计 total", "解析成功率 parse rate"],
            "数值 value": [s["train"], s["valid"], s["test"], s["total"], f"{report['parse_success_rate']:.0%}"],
        }
    )


def category_table(splits: dict[str, list[Example]]) -> pd.DataFrame:
    rows = [(e.category, e.needs_cloud, s) for s in SPLITS for e in splits[s]]
    df = pd.DataFrame(rows, columns=["category", "needs_cloud", "split"])
    table = df.pivot_table(index=["category", "needs_cloud"], columns="split", aggfunc="size", fill_value=0)
    table = table.reindex(columns=list(SPLITS), fill_value=0)
    table["total"] = table.sum(axis=1)
    return table.reset_index()
