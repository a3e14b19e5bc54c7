"""The Word version of the thesis: publish writes docx_source.md (Markdown chapters, tables, PNG figures,
numbers from edge_numbers.json) under the sync rules and builds build/thesis.docx with pandoc, which opens
with its Chinese text, tables, numbers and images; without pandoc the build is skipped, not a crash."""

from __future__ import annotations

import json
import shutil

import pytest

from edgecloud.errors import ParamsError
from edgecloud.params import load_params
from edgecloud.paths import RunDirs
from edgecloud.publish import thesis, thesis_docx

from test_thesis import run, skeleton  # noqa: F401  (the publish tests' run with fixture reports, sample thesis)

QUIET = {"echo": lambda s: None}


def _numbers(params) -> dict:
    path = RunDirs(params.run_name).figures / "edge_numbers.json"
    return json.loads(path.read_text(encoding="utf-8"))["numbers"]


def _docx_text(path) -> tuple[list[str], list[str], int]:
    """(paragraph texts, table cell texts, inline images) of a .docx, read with python-docx."""
    import docx

    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return [p.text for p in doc.paragraphs], cells, len(doc.inline_shapes)


def _style(doc, name: str):
    """A style by its name as pandoc writes it (python-docx's lookup expects Word's lower-case built-in names)."""
    return next(s for s in doc.styles if s.name == name)


def test_publish_builds_the_word_version_with_text_tables_numbers_and_images(run, skeleton):
    if shutil.which("pandoc") is None:
        pytest.fail("pandoc missing: `make sysdeps` installs it")
    rep = thesis.publish(run, skeleton, compile=False, docx=True, **QUIET)
    assert rep["docx"]["ok"], rep["docx"]["error"]
    row = next(r for r in rep["files"] if r["dest"] == thesis_docx.DOCX_SOURCE)
    assert row["status"] == "new"
    source = (skeleton / thesis_docx.DOCX_SOURCE).read_text(encoding="utf-8")
    nums = _numbers(run)
    assert "\\Edge" not in source.split("# 第五章", 1)[1], "every number macro is substituted (not in comments)"
    assert f"{nums['EdgeEndToEndCases']['text']} 条固定联测用例" in source
    assert "](generated/chapter5/06_web_client.png)" in source and ".pdf)" not in source
    assert "generated/chapter5/06_latency.png 尚未生成" in source  # this run has no latency figure

    paragraphs, cells, images = _docx_text(skeleton / thesis_docx.DOCX_OUTPUT)
    text = "\n".join(paragraphs + cells)
    assert "第五章 端云协同架构" in text and "复杂推理场景“转发云端”命中" in text  # no space added at line ends
    assert "12 条固定联测用例中 12 条返回非空回复（100%）" in text
    assert nums["EdgeBestEvalLoss"]["text"] in cells  # the training table, with the run's best eval loss
    assert "训练过程 training" in text  # its caption
    assert images >= 3  # the web client in chapter 5, and the appendix' figures
    assert "??" not in text

    again = thesis.publish(run, skeleton, compile=False, docx=False, **QUIET)  # same inputs, same source
    assert next(r for r in again["files"] if r["dest"] == thesis_docx.DOCX_SOURCE)["status"] == "unchanged"


def test_the_author_s_docx_source_is_never_overwritten(run, skeleton):
    own = skeleton / thesis_docx.DOCX_SOURCE
    own.write_text("# 我自己的 Word 稿\n", encoding="utf-8")
    rep = thesis.publish(run, skeleton, compile=False, **QUIET)
    row = next(r for r in rep["files"] if r["dest"] == thesis_docx.DOCX_SOURCE)
    assert row["status"] == "refused" and "did not write" in row["reason"]
    assert own.read_text(encoding="utf-8") == "# 我自己的 Word 稿\n"

    own.unlink()
    thesis.publish(run, skeleton, compile=False, **QUIET)
    own.write_text(own.read_text(encoding="utf-8") + "\n作者的补充。\n", encoding="utf-8")
    (skeleton / "chapter_5_edge_cloud_architecture.md").write_text("# 新的一章\n", encoding="utf-8")
    rep = thesis.publish(run, skeleton, compile=False, **QUIET)
    row = next(r for r in rep["files"] if r["dest"] == thesis_docx.DOCX_SOURCE)
    assert row["status"] == "refused" and "edited" in row["reason"]
    assert own.read_text(encoding="utf-8").endswith("\n作者的补充。\n")


def test_without_pandoc_the_rest_is_published_and_the_word_version_is_skipped(run, skeleton, monkeypatch):
    monkeypatch.setattr(thesis_docx.shutil, "which", lambda name: None)
    said = []
    rep = thesis.publish(run, skeleton, compile=False, docx=True, echo=said.append)
    assert rep["docx"]["skipped"] and not rep["docx"]["ok"] and "make sysdeps" in rep["docx"]["error"]
    assert any("pandoc" in s for s in said)
    assert (skeleton / thesis_docx.DOCX_SOURCE).is_file() and (skeleton / "generated/edge_numbers.tex").is_file()
    assert "Word: skipped" in thesis.render_sync_markdown(rep)


def test_a_missing_number_or_an_unknown_name_shows_as_a_visible_placeholder():
    nums = {
        "EdgeDataTotal": {"text": "500"},
        "EdgeDatasetName": {"text": "edge_swift_v1"},
        "EdgeEndToEndCases": {"text": None},
    }
    text, unresolved = thesis_docx.substitute_numbers(
        "<!-- cite \\EdgeDataTotal -->共 \\EdgeDataTotal{} 条，\\EdgeDatasetName 与 `\\EdgeDatasetName`；"
        "\\EdgeEndToEndCases，\\EdgeNoSuch。",
        nums,
    )
    assert text == "<!-- cite \\EdgeDataTotal -->共 500 条，edge\\_swift\\_v1 与 `edge_swift_v1`；**??**，**??**。"
    assert unresolved == ["EdgeEndToEndCases", "EdgeNoSuch"]


def test_reference_docx_is_validated_like_the_other_params():
    with pytest.raises(ParamsError, match=r"publish\.reference_docx.*file not found: templates/nope\.docx"):
        load_params("params/smoke.yaml", ["publish.reference_docx=templates/nope.docx"])
    with pytest.raises(ParamsError, match=r"publish\.reference_docx.*not a \.docx"):
        load_params("params/smoke.yaml", ["publish.reference_docx=params/smoke.yaml"])


def test_reference_docx_styles_are_used(run, skeleton, tmp_path):
    if shutil.which("pandoc") is None:
        pytest.fail("pandoc missing: `make sysdeps` installs it")
    import subprocess

    import docx

    ref = tmp_path / "reference.docx"
    ref.write_bytes(
        subprocess.run(
            ["pandoc", "--print-default-data-file", "reference.docx"], capture_output=True, check=True
        ).stdout
    )
    styled = docx.Document(str(ref))
    _style(styled, "Heading 1").font.size = docx.shared.Pt(31)
    styled.save(str(ref))
    p = load_params("params/smoke.yaml", [f"run_name={run.run_name}", f"publish.reference_docx={ref}"])
    rep = thesis.publish(p, skeleton, compile=False, docx=True, **QUIET)
    assert rep["docx"]["ok"], rep["docx"]["error"]
    built = docx.Document(str(skeleton / thesis_docx.DOCX_OUTPUT))
    assert _style(built, "Heading 1").font.size == docx.shared.Pt(31)


def test_a_thesis_started_from_the_skeleton_does_not_inherit_its_word_source(run, skeleton, tmp_path):
    thesis.publish(run, skeleton, compile=False, **QUIET)  # the skeleton has been published into once
    assert (skeleton / thesis_docx.DOCX_SOURCE).is_file()
    p = load_params(
        "params/smoke.yaml",
        [f"run_name={run.run_name}", f"publish.thesis_dir={tmp_path / 'mine'}", f"publish.skeleton={skeleton}"],
    )
    rep = thesis.publish(p, compile=False, **QUIET)
    assert "refused" not in rep["counts"]  # a copied docx_source.md would be a file edgecloud did not write here
    assert next(r for r in rep["files"] if r["dest"] == thesis_docx.DOCX_SOURCE)["status"] == "new"
