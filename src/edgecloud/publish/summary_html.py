"""The run report's HTML: `reports/summary_<run>.html`, the summary followed by every executed notebook,
one self-contained file to share (nbconvert's lab template, images embedded).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from edgecloud import artifacts
from edgecloud.params import Params
from edgecloud.paths import RunDirs, rel
from edgecloud.publish.summary import render_markdown
from edgecloud.publish.summary_facts import STAGE_ZH, _load, _paths, gather
from edgecloud.stages import STAGES

_HTML_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,5})(\s)")


def _demote_headings(source: str) -> str:
    """One level down, so that each notebook's own title sits under its stage heading."""
    out, fenced = [], False
    for line in source.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        out.append(line if fenced else _HEADING.sub(r"#\1\2", line))
    return "\n".join(out)


def _executed_notebooks(params: Params) -> list[tuple[str, str, Path]]:
    """(name, title, path) of the run's executed notebooks: STAGES order, then any other notebook."""
    nb_dir = RunDirs(params.run_name).notebooks
    found = [(s.name, s.title, artifacts.path("stage_notebook", params, stage=s.name)) for s in STAGES]
    out = [(name, title, p) for name, title, p in found if p.is_file()]
    known = {p for _, _, p in out}
    if nb_dir.is_dir():
        out += [(p.stem, p.stem, p) for p in sorted(nb_dir.glob("*.ipynb")) if p not in known]
    return out


def build_notebook(summary_md: str, notebooks: list[tuple[str, str, str, Any]]) -> Any:
    """One notebook: the summary as a markdown cell, then (heading, cells) per executed notebook."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(summary_md, id="summary"))
    for i, (name, title, note, stage_nb) in enumerate(notebooks):
        if i == 0:
            nb.metadata.update(
                {k: copy.deepcopy(v) for k, v in stage_nb.metadata.items() if k in ("kernelspec", "language_info")}
            )
        nb.cells.append(
            nbformat.v4.new_markdown_cell(
                f"# 阶段 {name} · {STAGE_ZH.get(name, '')} {title}\n\n{note}", id=f"stage-{name}"
            )
        )
        for j, cell in enumerate(stage_nb.cells):
            c = copy.deepcopy(cell)
            c["id"] = f"{name}-{j}"
            if c.cell_type == "markdown":
                c.source = _demote_headings(c.source)
            nb.cells.append(c)
    return nb


def _stage_note(params: Params, name: str, path: Path) -> str:
    manifest, _ = _load(RunDirs(params.run_name).manifest)
    rec = ((manifest or {}).get("stages") or {}).get(name)
    state = (
        f"状态 status {rec.get('status')}，{rec.get('duration_s', '-')} s，{rec.get('start_utc', '-')}"
        if rec
        else "运行清单无记录 no manifest record"
    )
    return f"执行后的笔记本 executed notebook `{rel(path)}`；{state}。"


def write_html(params: Params) -> Path | None:
    """outputs/<run>/reports/summary_<run>.html: the summary, then each stage's executed notebook.

    Returns None (and writes nothing) when the run has no executed notebook.
    """
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    found = _executed_notebooks(params)
    if not found:
        return None
    parts = [
        (name, title, _stage_note(params, name, path), nbformat.read(path, as_version=4)) for name, title, path in found
    ]
    md_path = _paths(params)["summary_md"]
    summary = md_path.read_text(encoding="utf-8") if md_path.is_file() else render_markdown(gather(params))
    nb = build_notebook(summary, parts)
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"edgecloud_summary.html.j2": _HTML_TEMPLATE})],
        template_file="edgecloud_summary.html.j2",
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f"summary_{params.run_name}"}})
    out = _paths(params)["summary_html"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out
