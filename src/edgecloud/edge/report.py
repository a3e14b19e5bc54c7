"""The benchmark report as the thesis shows it: a table (LaTeX + Markdown via publish.save_table) and a
speed-vs-quality figure, both from reports/edge_bench_<run>.json; no I/O here."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _med(d: dict[str, Any] | None, fmt: str, spread: bool = True) -> str:
    if not d or d.get("median") is None:
        return "-"
    s = format(d["median"], fmt)
    if spread and d.get("n", 0) > 1:
        s += f" ({format(d['min'], fmt)}–{format(d['max'], fmt)})"
    return s


def _num(v: float | None, fmt: str) -> str:
    return "-" if v is None else format(v, fmt)


def table(report: dict[str, Any]) -> pd.DataFrame:
    """One row per variant (skipped and failed ones with their reason); medians with (min–max) of the passes."""
    rec = report["recommendation"].get("variant")
    rows = []
    for r in report["variants"]:
        name = r["variant"] + (" ★" if r["variant"] == rec else "")
        if r["status"] != "ok":
            rows.append(
                {
                    "variant": name,
                    "size MB": "-",
                    "peak MB": "-",
                    "TTFT ms": "-",
                    "tokens/s": "-",
                    "× fp32": "-",
                    "batch tok/s": "-",
                    "routing acc.": "-",
                    "forward F1": "-",
                    "ROUGE-L": "-",
                    "agree": f"{r['status']}: {r['reason'].splitlines()[0][:60]}",
                }
            )
            continue
        rows.append(
            {
                "variant": name,
                "size MB": f"{r['size_mb']:.0f}",
                "peak MB": _med(r["peak_rss_mb"], ".0f", False),
                "TTFT ms": _med(r["ttft_ms"], ".0f"),
                "tokens/s": _med(r["decode_tps"], ".1f"),
                "× fp32": _med(r["speedup"], ".2f", False),
                "batch tok/s": _med(r["batch_tps"], ".1f", False),
                "routing acc.": f"{r['routing_accuracy']:.1%}",
                "forward F1": f"{r['forward_f1']:.3f}",
                "ROUGE-L": _num(r["rouge_l"], ".3f"),
                "agree": _num(r["agreement"]["rate"], ".1%"),
            }
        )
    return pd.DataFrame(rows)


BAR_LABELS = {
    "speedup": "decode speed-up vs fp32 (×)",
    "size_ratio": "fp32 size / size (×)",
    "routing_within_points": "routing accuracy − fp32 (points)",
    "agreement": "teacher-forced agreement",
}


def bars_table(report: dict[str, Any]) -> pd.DataFrame:
    """Issue 6's bars for the recommended variant: value, bar, met."""
    b = report.get("recommended_bars") or {}
    return pd.DataFrame(
        [
            {
                "bar": label,
                "value": _num(b[k]["value"], ".3f"),
                "threshold": f"{b[k]['bar']:g}",
                "met": "yes" if b[k]["met"] else "NO",
            }
            for k, label in BAR_LABELS.items()
            if k in b
        ]
    )


def all_bars_table(report: dict[str, Any]) -> pd.DataFrame:
    """Every measured variant against the four bars (value, and ✓ where the bar is met)."""
    rows = []
    for r in report["variants"]:
        if r["status"] != "ok" or not r.get("bars"):
            continue
        b = r["bars"]
        rows.append(
            {
                "variant": r["variant"],
                **{
                    label: _num(b[k]["value"], ".2f") + (" ✓" if b[k]["met"] else "") for k, label in BAR_LABELS.items()
                },
                "all met": "yes" if b["all_met"] else "no",
            }
        )
    return pd.DataFrame(rows)


def replies_table(report: dict[str, Any], n: int = 6) -> pd.DataFrame:
    """The first `n` replies of every measured variant side by side (one column per variant), to read how
    quantisation changes what the edge model says."""
    return pd.DataFrame(
        {r["variant"]: [x["reply"] for x in r["replies"][:n]] for r in report["variants"] if r["status"] == "ok"}
    )


def speed_quality(report: dict[str, Any]) -> "Figure":
    """Decode tokens/s (log scale) against routing accuracy (left) and teacher-forced agreement (right);
    marker area ~ size on disk; the recommended variant ringed."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

    ok = [r for r in report["variants"] if r["status"] == "ok"]
    rec = report["recommendation"].get("variant")
    colours = {"torch": "#4C72B0", "ort": "#DD8452", "llamacpp": "#55A868", "genai": "#C44E52"}
    fig, axes = plt.subplots(1, 2, sharex=True)
    for ax, key, label in (
        (axes[0], "routing_accuracy", "路由准确率 routing accuracy"),
        (axes[1], "agreement", "与 fp32 一致率 agreement"),
    ):
        placed: list[tuple[float, float]] = []
        ys = [r["agreement"]["rate"] if key == "agreement" else r[key] for r in ok]
        y_span = (max(v for v in ys if v is not None) - min(v for v in ys if v is not None)) or 1.0
        for r in ok:
            y = r["agreement"]["rate"] if key == "agreement" else r[key]
            x = r["decode_tps"]["median"]
            if x is None or y is None:
                continue
            # a label next to an earlier point's goes a line lower, so two close variants stay readable
            near = sum(abs(math.log10(x / px)) < 0.08 and abs(y - py) < 0.04 * y_span for px, py in placed)
            placed.append((x, y))
            ax.scatter(
                x,
                y,
                s=max(r["size_mb"] / 4, 8),
                color=colours.get(r["backend"], "grey"),
                alpha=0.75,
                edgecolors="black" if r["variant"] == rec else "none",
                linewidths=1.5,
            )
            ax.annotate(r["variant"], (x, y), fontsize=6, xytext=(3, 3 - 8 * near), textcoords="offset points")
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(FixedLocator([10, 20, 30, 50, 100, 150, 200, 300, 500]))
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("解码速度 decode tokens/s (batch 1)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    fig.suptitle(
        f"端侧变体：速度与质量（{report['machine']['cpu_model']}, {report['machine']['threads']} 线程）", fontsize=8
    )
    return fig
