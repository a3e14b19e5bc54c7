"""After nbval has run every notebook on the smoke profile (pytest collects this file after the .ipynb files
of this folder; 08_publish has published the run into outputs/smoke/thesis): publishing again changes
nothing, the thesis compiles with every generated table, figure and number, its Word version opens with them,
and the run's summary lists only files that exist."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from edgecloud.params import load_params
from edgecloud.paths import RunDirs, resolve
from edgecloud.publish import thesis, thesis_docx, thesis_latex
from edgecloud.stages import STAGES, available_stages

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def smoke():
    p = load_params("params/smoke.yaml")
    missing = [str(prod) for st in available_stages() for prod in st.products(p) if not prod.exists()]
    assert not missing, (
        f"the smoke run is incomplete ({missing[:3]} ...): `make test` runs the notebooks "
        "before this file; alone, run `python -m edgecloud run --params params/smoke.yaml` first"
    )
    return p


def test_the_smoke_run_compiles_into_the_sample_thesis_with_every_part(smoke):
    dst = thesis.thesis_dir_for(smoke)
    assert (dst / thesis.SYNC_MANIFEST).is_file(), "08_publish should have published the smoke run here"
    rep = thesis.publish(smoke, compile=True, echo=print)
    assert rep["compile"]["ok"], rep["compile"]["error"]
    assert set(rep["counts"]) == {"unchanged"}, rep["counts"]  # the same run published twice: idempotent
    published = [r["dest"] for r in rep["files"]]
    inputs = thesis_latex.recorded_inputs(dst, "main.tex")
    wanted = [
        d
        for d in published
        if d.endswith(".tex") or d.endswith(".pdf") or (d.endswith(".png") and d[:-4] + ".pdf" not in published)
    ]
    assert len(wanted) >= 15
    assert not [d for d in wanted if d not in inputs], "generated parts missing from the PDF"
    text = subprocess.run(["pdftotext", str(dst / "build" / "main.pdf"), "-"], capture_output=True, text=True).stdout
    flat = text.replace("\n", " ")
    assert "尚未生成" not in flat, "a chapter refers to a table or figure that the smoke run did not produce"
    data = json.loads((RunDirs(smoke.run_name).figures / "edge_numbers.json").read_text(encoding="utf-8"))["numbers"]
    assert not [k for k, v in data.items() if v["missing"]], "every stage ran, so every number has its report"
    for key in ("EdgeBestEvalLoss", "EdgeEndToEndCases", "EdgeDataTotal"):
        assert data[key]["text"] in flat
    assert "??" not in flat


def test_the_smoke_run_summary_lists_only_files_that_exist(smoke):
    from edgecloud.publish.summary import write_summary
    from edgecloud.publish.summary_html import write_html

    md = write_summary(smoke).read_text(encoding="utf-8")
    index = md.split("## 产物索引", 1)[1].split("\n## ", 1)[0]
    index = "\n".join(line for line in index.splitlines() if line.startswith("- "))  # not the note on the summary
    paths = set(re.findall(r"`((?:outputs|figures)/[^`\s]+)`", index))
    assert len(paths) >= 20, "the artifact index should list the run's reports, data, notebooks and figures"
    assert not [p for p in paths if not resolve(p).exists()]
    for st in STAGES[:6]:
        assert st.name in md
    html = write_html(smoke)
    executed = list(RunDirs(smoke.run_name).notebooks.glob("*.ipynb"))  # the runner's; nbval runs in place
    assert (html is None) == (not executed)
    if html is not None:
        assert html.stat().st_size > 10_000


def test_the_markdown_chapter_links_resolve_after_publishing(smoke):
    dst = thesis.thesis_dir_for(smoke)
    md = (dst / "chapter_5_edge_cloud_architecture.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", md)
    assert len(links) >= 4
    assert not [link for link in links if not (dst / link).is_file()]


def test_the_smoke_run_word_version_has_its_text_tables_numbers_and_images(smoke):
    import docx

    built = thesis.thesis_dir_for(smoke) / thesis_docx.DOCX_OUTPUT
    assert built.is_file(), "08_publish builds the Word version with pandoc (`make sysdeps` installs it)"
    doc = docx.Document(str(built))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    data = json.loads((RunDirs(smoke.run_name).figures / "edge_numbers.json").read_text(encoding="utf-8"))["numbers"]
    assert "第五章 端云协同架构" in text and f"{data['EdgeEndToEndCases']['text']} 条固定联测用例" in text
    for key in ("EdgeDataTotal", "EdgeBestEvalLoss", "EdgeEndToEndNonEmptyRate"):  # each is in a table of the run
        assert data[key]["text"] in cells, key
    assert len(doc.tables) >= 8 and len(doc.inline_shapes) >= 8
    assert "??" not in text and "尚未生成" not in text
