"""Thesis publishing: number macros match their JSON and reports; sync is idempotent, refuses foreign or
edited files; the sample thesis compiles with every generated table, figure and number."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs
from edgecloud.publish import figures, numbers, thesis, thesis_latex
from edgecloud.publish.number_sources import NUMBERS

FIXTURE_REPORTS = ROOT / "tests" / "fixtures" / "run_reports"


@pytest.fixture
def run(run_name):
    """A throw-away run holding the default run's reports (trimmed copies) and two generated figures/tables."""
    p = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    for key, path in numbers.report_paths(p).items():
        src = FIXTURE_REPORTS / f"{key}.json"
        if src.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, path)
    d = RunDirs(p.run_name).ensure()
    df = pd.DataFrame({"节点 step": ["step 50", "step 100"], "eval loss": ["1.2543", "**1.1574**"]})
    figures.save_table(df, d.figures, "03_train", caption="训练过程 training", label="tab:train")
    figures.save_table(df, d.figures, "06_e2e", caption="联测 e2e", label="tab:e2e")
    wide = pd.DataFrame({f"很长的列名 column {i}": ["0.123456 / 0.654321", "✓"] for i in range(11)})
    figures.save_table(wide, d.figures, "04_routers", caption="宽表 wide", label="tab:eval-routers")
    _figure(d.figures, "03_training_curves")
    (d.figures / "06_web_client.png").write_bytes(publish_png())
    yield p
    for folder in (d.root, d.figures):
        shutil.rmtree(folder, ignore_errors=True)


def _figure(out_dir: Path, name: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures.use_style()
    fig, ax = plt.subplots()
    ax.plot([0, 50, 100], [2.07, 1.25, 1.16], label="验证损失 eval loss")
    ax.legend()
    figures.save_figure(fig, out_dir, name)
    plt.close(fig)


def publish_png() -> bytes:
    import io

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.text(0.1, 0.5, "网页 web")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


@pytest.fixture
def skeleton(tmp_path):
    """A copy of the sample thesis without anything generated."""
    dst = tmp_path / "thesis"
    shutil.copytree(
        ROOT / "thesis",
        dst,
        ignore=shutil.ignore_patterns("generated", "build", ".edgecloud-sync.json", "docx_source.md"),
    )
    return dst


def test_number_macros_match_the_json_and_the_reports(run):
    paths = numbers.write_numbers(run)
    macros = numbers.parse_tex(paths["tex"].read_text(encoding="utf-8"))
    data = json.loads(paths["json"].read_text(encoding="utf-8"))["numbers"]
    assert set(macros) == set(data) == {n.name for n in NUMBERS}
    assert all(macros[k] == v["tex"] for k, v in data.items())
    assert macros["EdgeBestEvalLoss"] == "1.1574" and data["EdgeBestEvalLoss"]["value"] == pytest.approx(1.15743446)
    assert macros["EdgeBestStep"] == "100" and macros["EdgeFinetunedRoutingAcc"] == r"82\%"
    assert macros["EdgeDatasetName"] == r"edge\_swift\_v1"
    assert data["EdgeBestEvalLoss"]["source"].endswith(f"swift_train_{run.run_name}_summary.json")
    for line in paths["tex"].read_text(encoding="utf-8").splitlines():  # every macro names its report
        if line.startswith("\\newcommand"):
            assert re.search(r"% .+; (outputs/\S+\.json : \S+|missing: .+ \(outputs/\S+\.json\))$", line), line


def test_a_missing_report_gives_a_visible_placeholder_not_a_guess(run):
    numbers.report_paths(run)["e2e"].unlink()
    data = numbers.collect(run)
    assert data["EdgeEndToEndCases"]["tex"] == numbers.MISSING_TEX and data["EdgeEndToEndCases"]["missing"]
    assert data["EdgeBestStep"]["missing"] is None


def test_macro_file_is_valid_latex(run, tmp_path):
    if shutil.which("xelatex") is None:
        pytest.fail("xelatex missing: `make sysdeps` installs TeX Live")
    numbers.write_numbers(run, tmp_path)
    doc = tmp_path / "doc.tex"
    names = "\n\n".join(f"\\{n.name}" for n in NUMBERS)  # a paragraph each
    doc.write_text(
        "\\documentclass[UTF8,fontset=ubuntu]{ctexart}\n\\input{edge_numbers}\n"
        f"\\begin{{document}}\n{names}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    res = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stdout[-1500:]
    text = subprocess.run(["pdftotext", "doc.pdf", "-"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert "1.1574" in text and "edge_swift_v1" in text and "82%" in text


def test_publishing_twice_is_idempotent_and_keeps_a_manifest(run, skeleton):
    first = thesis.publish(run, skeleton, compile=False, echo=lambda s: None)
    assert first["counts"].get("new", 0) >= 8 and "refused" not in first["counts"]
    dests = {r["dest"] for r in first["files"]}
    assert {
        "generated/chapter2/03_train.tex",
        "generated/chapter2/03_training_curves.pdf",
        "generated/chapter5/06_web_client.png",
        "generated/edge_numbers.tex",
        "generated/edgecloud_all.tex",
    } <= dests
    mtimes = {d: (skeleton / d).stat().st_mtime_ns for d in dests}
    second = thesis.publish(run, skeleton, compile=False, echo=lambda s: None)
    assert set(second["counts"]) == {"unchanged"}
    assert all((skeleton / d).stat().st_mtime_ns == mtimes[d] for d in dests)
    manifest = json.loads((skeleton / thesis.SYNC_MANIFEST).read_text(encoding="utf-8"))
    for r in second["files"]:
        assert manifest["files"][r["dest"]]["sha256"] == r["sha256"] == thesis.sha256_file(skeleton / r["dest"])
    report = json.loads(thesis.sync_report_path(run).read_text(encoding="utf-8"))
    assert report["counts"] == {"unchanged": len(dests)}


def test_a_changed_result_is_rewritten_and_reported_as_changed(run, skeleton):
    thesis.publish(run, skeleton, compile=False, echo=lambda s: None)
    df = pd.DataFrame({"节点 step": ["step 100"], "eval loss": ["0.9000"]})
    figures.save_table(df, RunDirs(run.run_name).figures, "03_train", caption="训练过程", label="tab:train")
    rep = thesis.publish(run, skeleton, compile=False, echo=lambda s: None)
    status = {r["dest"]: r["status"] for r in rep["files"]}
    assert status["generated/chapter2/03_train.tex"] == "changed"
    assert status["generated/chapter2/03_train.md"] == "changed"
    assert status["generated/chapter5/06_e2e.tex"] == "unchanged"
    assert "0.9000" in (skeleton / "generated/chapter2/03_train.tex").read_text(encoding="utf-8")


def test_refuses_to_overwrite_a_file_it_did_not_write_or_that_the_author_edited(run, skeleton):
    foreign = skeleton / "generated" / "chapter2" / "03_train.tex"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("% the author's own table\n", encoding="utf-8")
    rep = thesis.publish(run, skeleton, compile=False, echo=lambda s: None)
    row = next(r for r in rep["files"] if r["dest"] == "generated/chapter2/03_train.tex")
    assert row["status"] == "refused" and "did not write" in row["reason"]
    assert foreign.read_text(encoding="utf-8") == "% the author's own table\n"

    edited = skeleton / "generated" / "chapter5" / "06_e2e.tex"
    edited.write_text(edited.read_text(encoding="utf-8") + "% a note by the author\n", encoding="utf-8")
    df = pd.DataFrame({"a": ["new result"]})
    figures.save_table(df, RunDirs(run.run_name).figures, "06_e2e", caption="联测", label="tab:e2e")
    rep = thesis.publish(run, skeleton, compile=False, echo=lambda s: None)
    row = next(r for r in rep["files"] if r["dest"] == "generated/chapter5/06_e2e.tex")
    assert row["status"] == "refused" and "edited" in row["reason"]
    assert edited.read_text(encoding="utf-8").endswith("% a note by the author\n")
    for chapter in (skeleton / "chapters").iterdir():  # the author's text is never touched
        assert chapter.read_bytes() == (ROOT / "thesis" / "chapters" / chapter.name).read_bytes()


def test_unmapped_files_are_reported_not_copied(run, skeleton):
    (RunDirs(run.run_name).figures / "notes.txt").write_text("x", encoding="utf-8")
    rep = thesis.publish(run, skeleton, compile=False, echo=lambda s: None)
    row = next(r for r in rep["files"] if r["source"].endswith("notes.txt"))
    assert row["status"] == "unmapped" and row["dest"] is None
    assert not list(skeleton.rglob("notes.txt"))


def test_a_missing_thesis_folder_is_a_clear_error(run, tmp_path):
    with pytest.raises(thesis.PublishError, match="does not exist.*publish.thesis_dir"):
        thesis.publish(run, tmp_path / "nope", compile=False)


def test_sample_thesis_compiles_with_every_generated_table_figure_and_number(run, skeleton):
    rep = thesis.publish(run, skeleton, compile=True, echo=lambda s: None)
    assert rep["compile"]["ok"], rep["compile"]["error"]
    inputs = thesis_latex.recorded_inputs(skeleton, "main.tex")
    published = [r["dest"] for r in rep["files"] if r["status"] in ("new", "changed", "unchanged")]
    tables = [d for d in published if d.endswith(".tex")]
    figures = [d for d in published if d.endswith(".pdf") or (d.endswith(".png") and d[:-4] + ".pdf" not in published)]
    assert tables and figures
    missing = [d for d in tables + figures if d not in inputs]
    assert not missing, f"not in the compiled PDF: {missing}"
    text = subprocess.run(
        ["pdftotext", str(skeleton / "build" / "main.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "1.1574" in text and "82%" in text  # numbers from the macros, in the abstract and chapter 2
    overfull = re.findall(
        r"Overfull \\hbox \(([\d.]+)pt too wide\)",
        (skeleton / "build" / "main.log").read_text(encoding="utf-8", errors="replace"),
    )
    assert not [w for w in overfull if float(w) > 5], f"a table runs into the margin: {overfull}"
    assert "Missing character" not in (skeleton / "build" / "main.log").read_text(encoding="utf-8", errors="replace")
    # parts of the chapters this run did not generate show as a visible box instead of breaking the build
    flat = " ".join(text.split())
    assert "generated/chapter2/01_split.tex 尚未生成" in flat and "generated/chapter2/03_train.tex" not in flat


def test_a_latex_error_is_reported_with_file_and_line(run, skeleton):
    thesis.publish(run, skeleton, compile=False, echo=lambda s: None)
    (skeleton / "chapters" / "conclusion.tex").write_text("\\chapter{结论}\n\\undefinedcommand\n", encoding="utf-8")
    res = thesis_latex.compile_thesis(skeleton, "main.tex", echo=lambda s: None)
    assert not res["ok"] and "conclusion.tex:2" in res["error"] and "Undefined control sequence" in res["error"]


def test_figure_style_width_is_the_sample_thesis_text_width():
    style = figures.STYLE.read_text(encoding="utf-8")
    width_in = float(re.search(r"^figure\.figsize:\s*([\d.]+)", style, re.M).group(1))
    main = (ROOT / "thesis" / "main.tex").read_text(encoding="utf-8")
    textwidth_pt = float(re.search(r"textwidth=([\d.]+)pt", main).group(1))
    assert abs(width_in * 72.27 - textwidth_pt) < 1.0  # figures go in at 1:1, fonts keep their size
