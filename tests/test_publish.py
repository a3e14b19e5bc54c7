"""Figures in PDF + PNG and tables in LaTeX + Markdown from one DataFrame, Chinese text included."""

from __future__ import annotations

import pandas as pd

from edgecloud.publish import figures


def test_table_with_chinese_and_latex_specials_in_both_forms(tmp_path):
    df = pd.DataFrame({"指标 metric": ["train_loss", "解析成功率 %"], "数值": [0.25, 1.0]})
    paths = figures.save_table(df, tmp_path, "t", caption="训练 & 评估", label="tab:t")
    tex = paths["tex"].read_text(encoding="utf-8")
    assert r"\toprule" in tex and r"\bottomrule" in tex and r"\label{tab:t}" in tex
    assert r"train\_loss" in tex and r"解析成功率 \%" in tex and r"训练 \& 评估" in tex
    assert "{lr}" in tex  # text left, numbers right
    md = paths["md"].read_text(encoding="utf-8")
    assert "| 指标 metric | 数值 |" in md and "| train_loss | 0.25 |" in md and "|---|---:|" in md


def test_figure_is_saved_as_pdf_and_png(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    assert figures.use_style(), "no CJK font: run `make sysdeps`"
    fig, ax = plt.subplots()
    ax.bar(["端侧", "云端"], [3, 1])
    paths = figures.save_figure(fig, tmp_path, "f")
    assert paths["pdf"].read_bytes()[:5] == b"%PDF-"
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
