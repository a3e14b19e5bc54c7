"""Figures and tables in the forms the thesis needs, from one style.

A figure is saved as PDF (vector, for LaTeX) and PNG (for Markdown/Word and for looking at);
a table as LaTeX (booktabs, caption, label) and Markdown, both from the same DataFrame, so the
two versions of the thesis can never show different numbers.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import matplotlib
import pandas as pd

STYLE = Path(__file__).with_name("styles") / "thesis.mplstyle"
CJK_FONT = "Noto Sans CJK SC"

os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # PDFs that did not change do not churn on re-runs


def use_style() -> bool:
    """Apply the thesis style; return whether a font that draws Chinese is available."""
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    plt.style.use(STYLE)
    names = {f.name for f in font_manager.fontManager.ttflist}
    has_cjk = CJK_FONT in names or "Noto Sans CJK JP" in names
    if not has_cjk:
        warnings.warn(
            "No CJK font found (install Debian's fonts-noto-cjk, `make sysdeps`): Chinese labels will render as boxes.",
            stacklevel=2,
        )
    return has_cjk


def save_figure(fig: "matplotlib.figure.Figure", out_dir: Path, name: str) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"pdf": out_dir / f"{name}.pdf", "png": out_dir / f"{name}.png"}
    fig.savefig(paths["pdf"], metadata={"CreationDate": None, "ModDate": None})
    fig.savefig(paths["png"], metadata={"Software": None})
    return paths


def latex_escape(text: str) -> str:
    for a, b in (
        ("✓", "是"),
        ("✗", "否"),
        ("★", "*"),  # the thesis' Latin font has no check marks or stars
        ("\\", r"\textbackslash{}"),
        ("&", r"\&"),
        ("%", r"\%"),
        ("_", r"\_"),
        ("#", r"\#"),
        ("$", r"\$"),
        ("{", r"\{"),
        ("}", r"\}"),
    ):
        text = text.replace(a, b)
    return text


def to_latex(df: pd.DataFrame, caption: str, label: str) -> str:
    """booktabs LaTeX of a DataFrame whose cells are already formatted as the thesis shows them."""
    shown = df.copy()
    shown.columns = [latex_escape(str(c)) for c in shown.columns]
    shown = shown.map(lambda v: latex_escape(str(v)))
    align = "".join("r" if pd.api.types.is_numeric_dtype(df[c]) else "l" for c in df.columns)
    tex = shown.style.hide(axis="index").to_latex(
        hrules=True,
        caption=latex_escape(caption),
        label=label,
        column_format=align,
        position="htbp",
        position_float="centering",
    )
    return _shrink_to_fit(tex)


def _shrink_to_fit(tex: str) -> str:
    """Scale the tabular down to the line width only when it is wider (a table with many columns would
    otherwise run into the margin); needs graphicx, which any thesis with figures loads."""
    start, end = tex.index("\\begin{tabular}"), tex.index("\\end{tabular}") + len("\\end{tabular}")
    return (
        tex[:start] + "\\setbox0=\\hbox{%\n" + tex[start:end] + "}%\n"
        "\\ifdim\\wd0>\\linewidth\\resizebox{\\linewidth}{!}{\\box0}\\else\\box0\\fi\n" + tex[end:].lstrip("\n")
    )


def to_markdown(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    align = ["---:" if pd.api.types.is_numeric_dtype(df[c]) else "---" for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join(align) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |")
    return "\n".join(lines) + "\n"


def save_table(df: pd.DataFrame, out_dir: Path, name: str, caption: str, label: str) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"tex": out_dir / f"{name}.tex", "md": out_dir / f"{name}.md"}
    paths["tex"].write_text(to_latex(df, caption, label), encoding="utf-8")
    paths["md"].write_text(f"**{caption}**\n\n" + to_markdown(df), encoding="utf-8")
    return paths
