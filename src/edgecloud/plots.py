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

    rows = [(e.category + (" [云]" if e.needs_cloud else ""), s) for s in SPLITS for e in splits[s]]
    df = pd.DataFrame(rows, columns=["category", "split"])
    table = df.pivot_table(index="category", columns="split", aggfunc="size", fill_value=0)
    table = table.reindex(columns=list(SPLITS), fill_value=0).sort_values("train")
    fig, ax = plt.subplots()
    left = None
    for s in SPLITS:
        ax.barh(table.index, table[s], left=left, label=s, color=SPLIT_COLOURS[s])
        left = table[s] if left is None else left + table[s]
    ax.set_xlabel("记录数 records")
    ax.set_title("各类别记录数（[云] = 需转发云端 needs cloud）")
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


def training_curves(train: list[dict], evals: list[dict], best_step: int | None = None) -> "Figure":
    """Train and eval loss (left) and eval token accuracy (right) against the step."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(5.79, 2.6))
    ax1.plot([r["step"] for r in train], [r["loss"] for r in train], label="train loss", color="#4C72B0", lw=1.2)
    ax1.plot([r["step"] for r in evals], [r["eval_loss"] for r in evals], "o-", label="eval loss", color="#C44E52",
             lw=1.2, ms=4)
    ax1.set_xlabel("step")
    ax1.set_ylabel("loss")
    ax1.set_title("损失 loss")
    ax2.plot([r["step"] for r in evals], [r["eval_token_acc"] for r in evals], "o-", color="#55A868", lw=1.2, ms=4)
    ax2.set_xlabel("step")
    ax2.set_ylabel("eval token_acc")
    ax2.set_title("验证集 token 准确率")
    if best_step is not None:
        for ax in (ax1, ax2):
            ax.axvline(best_step, color="grey", ls="--", lw=0.8)
        ax1.annotate(f"best: step {best_step}", (best_step, ax1.get_ylim()[1]), ha="right", va="top", fontsize=7,
                     color="grey")
    ax1.legend()
    return fig


def confusion_matrices(routers: list[dict], names: list[str]) -> "Figure":
    """One 2x2 confusion matrix per router (rows: true label, columns: decision)."""
    import matplotlib.pyplot as plt

    chosen = [r for r in routers if r["router"] in names]
    fig, axes = plt.subplots(1, len(chosen), figsize=(5.79, 2.2))
    axes = [axes] if len(chosen) == 1 else list(axes)
    for ax, r in zip(axes, chosen):
        m = [[r["tn"], r["fp"]], [r["fn"], r["tp"]]]
        ax.imshow(m, cmap="Blues", vmin=0, vmax=max(max(row) for row in m) or 1)
        for i in range(2):
            for j in range(2):
                ax.text(j, i, m[i][j], ha="center", va="center", fontsize=10,
                        color="white" if m[i][j] > 0.6 * max(max(row) for row in m) else "black")
        ax.set_xticks([0, 1], ["端侧\nedge", "云端\ncloud"])
        ax.set_yticks([0, 1], ["edge", "cloud"])
        ax.set_title(r["label"], fontsize=8)
        ax.grid(False)
        ax.set_xlabel("决策 decision", fontsize=7)
    axes[0].set_ylabel("真实 label", fontsize=7)
    return fig


def tradeoff(routers: list[dict]) -> "Figure":
    """Routing accuracy (left) and edge-answer ROUGE-L (right) against the share sent to the cloud.
    Distinct markers keep routers that land on the same point apart; the legend names them."""
    import matplotlib.pyplot as plt

    markers = ["s", "D", "^", "o", "*"]
    sizes = [70, 55, 60, 45, 120]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(5.79, 3.0))
    for i, r in enumerate(routers):
        style = dict(marker=markers[i % 5], s=sizes[i % 5], color=f"C{i}", alpha=0.85, zorder=3 + i, label=r["label"])
        ax1.scatter(r["cloud_share"], r["accuracy"], **style)
        if r.get("rouge_l") is not None:
            ax2.scatter(r["cloud_share"], r["rouge_l"], **style)
    for ax in (ax1, ax2):
        ax.set_xlim(-0.05, 1.05)
        ax.set_xlabel("云端占比 cloud share")
    ax1.set_ylim(0, 1.05)
    ax1.set_ylabel("路由准确率 routing accuracy")
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("端侧回答 ROUGE-L")
    handles, labels = ax1.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=7)
    fig.suptitle("路由器的成本、准确率与端侧回答质量", fontsize=10)
    return fig
