"""Figures of the stages, drawn from data (no I/O here; saving is publish.save_figure)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .records import Example
from .split import SPLITS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SPLIT_COLOURS = {"train": "#4C72B0", "valid": "#DD8452", "test": "#55A868"}


def categories(splits: dict[str, list[Example]]) -> "Figure":
    """Records per category, stacked by split; cloud categories marked, so the balance is visible."""
    import matplotlib.pyplot as plt

    rows = [(e.category + (" ☁" if e.needs_cloud else ""), s) for s in SPLITS for e in splits[s]]
    df = pd.DataFrame(rows, columns=["category", "split"])
    table = df.pivot_table(index="category", columns="split", aggfunc="size", fill_value=0)
    table = table.reindex(columns=list(SPLITS), fill_value=0).sort_values("train")
    fig, ax = plt.subplots()
    left = None
    for s in SPLITS:
        ax.barh(table.index, table[s], left=left, label=s, color=SPLIT_COLOURS[s])
        left = table[s] if left is None else left + table[s]
    ax.set_xlabel("记录数 records")
    ax.set_title("各类别记录数（☁ = 需转发云端）")
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    return fig


def lengths(splits: dict[str, list[Example]]) -> "Figure":
    """Request length in characters, edge vs cloud: complex requests are longer, but not separably so."""
    import matplotlib.pyplot as plt

    all_ex = [e for s in SPLITS for e in splits[s]]
    edge = [len(e.query) for e in all_ex if not e.needs_cloud]
    cloud = [len(e.query) for e in all_ex if e.needs_cloud]
    fig, ax = plt.subplots()
    top = max(edge + cloud)
    bins = list(range(0, top + 10, max(5, top // 30)))
    ax.hist(edge, bins=bins, alpha=0.75, label=f"端侧 edge (n={len(edge)})", color="#4C72B0")
    ax.hist(cloud, bins=bins, alpha=0.75, label=f"云端 cloud (n={len(cloud)})", color="#C44E52")
    ax.set_xlabel("请求长度（字符） request length (characters)")
    ax.set_ylabel("记录数 records")
    ax.set_title("请求长度分布")
    ax.legend()
    return fig
