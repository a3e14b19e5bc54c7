"""Figures of the stages, drawn from data (no I/O here; saving is figures.save_figure).

The exception are the `*_figure` functions of the scored router (ROC, cost-quality, score
distribution): they draw in the thesis style whoever calls them and save the PDF + PNG through
`figures.save_figure` themselves, returning the paths; the drawing itself is `*_chart` (`roc_chart`,
`cost_quality_chart`, `score_distribution_chart`), which returns the Figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import pandas as pd

from edgecloud.data.records import Example
from edgecloud.data.split import SPLITS

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
    ax1.plot(
        [r["step"] for r in evals],
        [r["eval_loss"] for r in evals],
        "o-",
        label="eval loss",
        color="#C44E52",
        lw=1.2,
        ms=4,
    )
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
        ax1.annotate(
            f"best: step {best_step}", (best_step, ax1.get_ylim()[1]), ha="right", va="top", fontsize=7, color="grey"
        )
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
                ax.text(
                    j,
                    i,
                    m[i][j],
                    ha="center",
                    va="center",
                    fontsize=10,
                    color="white" if m[i][j] > 0.6 * max(max(row) for row in m) else "black",
                )
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
    # constrained layout: `loc="outside ..."` places the legend below the axes, inside the figure
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(5.79, 3.4), layout="constrained")
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
    fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize=7)
    fig.suptitle("路由器的成本、准确率与端侧回答质量", fontsize=10)
    return fig


# ---------------------------------------------------------------------------------------------
# Scored routers: ROC, cost-quality, score distribution

EDGE_COLOUR, CLOUD_COLOUR = "#4C72B0", "#C44E52"
POINT_MARKERS = ["s", "D", "^", "v", "P", "X", "o"]


def _save(draw: Callable[[], "Figure"], path_stem: str | Path) -> dict[str, Path]:
    """Draw in the thesis style, save `<path_stem>.pdf` and `.png`, close the figure."""
    import matplotlib.pyplot as plt

    from edgecloud.publish import figures

    stem = Path(path_stem)
    with plt.style.context(figures.STYLE):  # fonts resolve when saving, so save inside the context
        fig = draw()
        try:
            return figures.save_figure(fig, stem.parent, stem.name)
        finally:
            plt.close(fig)


def _operating_point(curve: Mapping[str, Any], threshold: float) -> int:
    """Index of the point of a roc / cost_quality curve that `score >= threshold` makes: the last point
    whose threshold is >= the given one (thresholds decrease along the curve)."""
    idx = [i for i, t in enumerate(curve["thresholds"]) if t >= threshold]
    return idx[-1] if idx else 0


def roc_chart(
    curves: Mapping[str, Mapping[str, Any]], marks: Mapping[str, float] | None = None, title: str | None = None
) -> "Figure":
    """ROC of each scored router (`routing_stats.roc` dicts), AUC in the legend; `marks` (name ->
    threshold) puts a dot on the operating point that threshold makes."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.79, 3.3))
    ax.plot([0, 1], [0, 1], ls="--", lw=0.8, color="grey", label="随机 random (AUC = 0.5)")
    for i, (name, c) in enumerate(curves.items()):
        colour = f"C{i}"
        ax.plot(c["fpr"], c["tpr"], color=colour, lw=1.4, label=f"{name} (AUC = {c['auc']:.3f})")
        if marks and name in marks:
            k = _operating_point(c, marks[name])
            ax.plot(c["fpr"][k], c["tpr"][k], "o", color=colour, ms=5, mec="white", mew=0.8, zorder=4)
    if marks:
        ax.plot([], [], "o", color="grey", ms=5, label="验证集所选阈值 threshold chosen on valid")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.grid(True, axis="both", alpha=0.3)
    ax.set_xlabel("假阳性率 FPR（端侧请求被转发）")
    ax.set_ylabel("真阳性率 TPR（云端请求被转发）")
    ax.legend(loc="center left", bbox_to_anchor=(1.04, 0.5))
    fig.suptitle(title or "路由分数的 ROC 曲线 ROC of the routing score", fontsize=10)
    return fig


def roc_figure(
    curves: Mapping[str, Mapping[str, Any]],
    path_stem: str | Path,
    marks: Mapping[str, float] | None = None,
    title: str | None = None,
) -> dict[str, Path]:
    """`roc_chart` saved as `<path_stem>.pdf` and `.png` (e.g. figures/<run>/04_roc)."""
    return _save(lambda: roc_chart(curves, marks, title), path_stem)


def _point(value: Any) -> dict[str, Any]:
    """A fixed router as a point: (cloud_share, accuracy, ci) or a `metrics.routing` result."""
    if isinstance(value, Mapping):
        return {
            "x": value["cloud_share"],
            "y": value["accuracy"],
            "ci": value.get("accuracy_ci"),
            "x_ci": value.get("cloud_share_ci"),
            "pgr": value.get("recall"),
            "pgr_ci": value.get("recall_ci"),
        }
    x, y, ci = value
    return {"x": x, "y": y, "ci": ci, "x_ci": None, "pgr": None, "pgr_ci": None}


def _err(centre: float, ci: Sequence[float | None] | None) -> list[list[float]] | None:
    if not ci or ci[0] is None or ci[1] is None:
        return None
    return [[max(0.0, centre - ci[0])], [max(0.0, ci[1] - centre)]]


def cost_quality_chart(
    curves: Mapping[str, Mapping[str, Any]], points: Mapping[str, Any], title: str | None = None
) -> "Figure":
    """Cost-quality view (RouteLLM): left, routing accuracy against the cloud share for every threshold
    of each scored router (`routing_stats.cost_quality` dicts) and the fixed routers as points with
    Wilson 95 % error bars; right, the quality gap recovered (PGR = forward recall) against the cloud
    share, with the random line and the perfect router, APGR in the legend.

    `points`: name -> (cloud_share, accuracy, [low, high]) or a `metrics.routing` result (then the
    cloud-share interval is a horizontal bar and the point also appears on the right, at its recall).
    """
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(5.79, 4.0), layout="constrained")  # see `tradeoff`
    ax2.plot([0, 1], [0, 1], ls="--", lw=0.8, color="grey", label="随机 random (APGR = 0.5)")
    ref = next((c for c in curves.values() if c.get("pgr") is not None), None)
    if ref is not None:
        p = ref["positives"] / ref["n"]
        ax2.plot(
            [0, p, 1], [0, 1, 1], ls=":", lw=1.0, color="black", label=f"理想 perfect (APGR = {ref['apgr_oracle']:.2f})"
        )
    for i, (name, c) in enumerate(curves.items()):
        colour = f"C{i}"
        apgr = "" if c.get("apgr") is None else f"（APGR {c['apgr']:.2f}）"
        ax1.plot(c["cloud_share"], c["accuracy"], color=colour, lw=1.3, label=f"{name}{apgr}")
        if c.get("pgr") is not None:
            ax2.plot(c["cloud_share"], c["pgr"], color=colour, lw=1.3)
    for j, (name, value) in enumerate(points.items()):
        pt = _point(value)
        style = dict(
            fmt=POINT_MARKERS[j % len(POINT_MARKERS)],
            color=f"C{len(curves) + j}",
            ms=5.5,
            capsize=2.5,
            elinewidth=0.9,
            mec="white",
            mew=0.6,
            zorder=4,
        )
        ax1.errorbar(
            pt["x"], pt["y"], yerr=_err(pt["y"], pt["ci"]), xerr=_err(pt["x"], pt["x_ci"]), label=name, **style
        )
        if pt["pgr"] is not None:
            ax2.errorbar(
                pt["x"], pt["pgr"], yerr=_err(pt["pgr"], pt["pgr_ci"]), xerr=_err(pt["x"], pt["x_ci"]), **style
            )
    for ax in (ax1, ax2):
        ax.set_xlim(-0.03, 1.03)
        ax.set_ylim(-0.03, 1.05)
        ax.grid(True, axis="both", alpha=0.3)
        ax.set_xlabel("云端占比 cloud share（成本 cost）")
    ax1.set_ylabel("路由准确率 routing accuracy")
    ax2.set_ylabel("质量差距恢复 PGR（= 转发召回 recall）")
    ax1.set_title("准确率 accuracy", fontsize=9)
    ax2.set_title("质量 quality", fontsize=9)
    handles, labels = ax1.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    fig.legend(handles + h2, labels + l2, loc="outside lower center", ncol=2, fontsize=7)
    fig.suptitle(title or "路由的成本与质量 cost vs quality of the routers", fontsize=10)
    return fig


def cost_quality_figure(
    curves: Mapping[str, Mapping[str, Any]], points: Mapping[str, Any], path_stem: str | Path, title: str | None = None
) -> dict[str, Path]:
    """`cost_quality_chart` saved as `<path_stem>.pdf` and `.png` (e.g. figures/<run>/04_cost_quality)."""
    return _save(lambda: cost_quality_chart(curves, points, title), path_stem)


def score_distribution_chart(
    scores_by_label: Mapping[bool, Sequence[float]], threshold: float | None, title: str | None = None, bins: int = 30
) -> "Figure":
    """Histograms of the routing score of the requests that need the cloud (True) and those that do not
    (False), on shared bins, with the threshold (score >= threshold forwards) as a vertical line."""
    import matplotlib.pyplot as plt

    edge = [float(x) for x in scores_by_label.get(False, [])]
    cloud = [float(x) for x in scores_by_label.get(True, [])]
    values = edge + cloud + ([threshold] if threshold is not None else [])
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = [lo + (hi - lo) * i / bins for i in range(bins + 1)]
    fig, ax = plt.subplots(figsize=(5.79, 2.9))
    from matplotlib.ticker import MaxNLocator

    h_edge = ax.hist(
        edge, bins=edges, alpha=0.7, color=EDGE_COLOUR, label=f"端侧请求 edge (needs_cloud = false, n={len(edge)})"
    )[0]
    h_cloud = ax.hist(
        cloud, bins=edges, alpha=0.7, color=CLOUD_COLOUR, label=f"云端请求 cloud (needs_cloud = true, n={len(cloud)})"
    )[0]
    top = max([*h_edge, *h_cloud, 1])
    ax.set_ylim(0, top * 1.5)  # head room for the legend above the bars
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if threshold is not None:
        ax.axvline(threshold, color="black", ls="--", lw=1.0, label=f"阈值 threshold = {threshold:.3g}")
        ax.axvspan(threshold, hi + (hi - lo) * 0.02, color="grey", alpha=0.08, lw=0)
        right = (threshold - lo) / (hi - lo) > 0.75  # near the right edge: the label goes left of the line
        ax.annotate(
            "转发云端 forward →",
            (threshold, 1),
            xycoords=("data", "axes fraction"),
            xytext=(-4 if right else 4, -4),
            textcoords="offset points",
            ha="right" if right else "left",
            va="top",
            fontsize=7,
            color="dimgrey",
        )
    ax.set_xlim(lo - (hi - lo) * 0.02, hi + (hi - lo) * 0.02)
    ax.set_xlabel("路由分数 routing score（越高越应转发 higher = forward）")
    ax.set_ylabel("请求数 requests")
    ax.set_title(title or "路由分数分布 distribution of the routing score")
    ax.legend(loc="upper left")
    return fig


def score_distribution_figure(
    scores_by_label: Mapping[bool, Sequence[float]],
    threshold: float | None,
    path_stem: str | Path,
    title: str | None = None,
    bins: int = 30,
) -> dict[str, Path]:
    """`score_distribution_chart` saved as `<path_stem>.pdf` and `.png` (e.g. figures/<run>/04_score_distribution)."""
    return _save(lambda: score_distribution_chart(scores_by_label, threshold, title, bins), path_stem)
