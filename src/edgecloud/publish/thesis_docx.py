"""The Word version of the thesis: `docx_source.md` assembled from the Markdown chapters, built with pandoc.

The reference run kept a Markdown source of its Word thesis and typed the numbers into it. Here
publish writes that source, `docx_source.md` in the thesis folder, from the author's Markdown chapters
(`publish.docx_chapters`, e.g. `chapter_5_edge_cloud_architecture.md`):

- a number is cited as the LaTeX macro of the same name, `\\EdgeEndToEndCases` (or `\\EdgeEndToEndCases{}`),
  and replaced by its text from `edge_numbers.json`, the file the LaTeX macros are written from; a number
  whose stage has not run, or a name that is not a number, becomes a visible `**??**`;
- a link to a Markdown table (`[...](generated/chapter5/06_e2e.md)`) becomes the table's “caption” in the
  sentence (when the link text is the path), and the table follows the paragraph, with a Word table caption;
- images are PNG (a link to `x.pdf` uses `x.png`); a table or image that is not there is a visible
  "尚未生成 (not generated yet)", as in the LaTeX version;
- an appendix shows every published Markdown table and PNG figure of the run, as `edgecloud_all.tex` does.

The text depends only on its inputs (no timestamp), so publishing twice leaves it unchanged; publish writes
it under the same sync rules as every generated file (`edgecloud.publish.thesis.decide`). `build_docx` then runs
pandoc in the thesis folder into `build/thesis.docx` (a line break inside Chinese text adds no space), with the styles of `publish.reference_docx` if set;
without pandoc the build is reported as skipped with the install hint, never a crash.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

from edgecloud import artifacts
from edgecloud.paths import rel, resolve
from edgecloud.procs import die_with_parent

DOCX_SOURCE = artifacts.ARTIFACTS["docx_source"].pattern  # relative to the thesis folder (the registry's)
DOCX_OUTPUT = artifacts.ARTIFACTS["thesis_docx"].pattern
PANDOC_TIMEOUT_S = 300
PANDOC_HINT = (
    "pandoc not installed: run `make sysdeps` (Debian package pandoc; macOS: brew install pandoc), then publish again"
)
MISSING_NUMBER = "**??**"

_MACRO = re.compile(r"\\(Edge[A-Za-z]+)(\{\})?")
_VERBATIM = re.compile(r"<!--.*?-->|(`+)(.+?)\1", re.S)  # an HTML comment or a `code span`
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|$])")


def _not_generated(path: str) -> str:
    return f"**[{path} 尚未生成 (not generated yet)]**"


def substitute_numbers(text: str, numbers: dict[str, dict[str, Any]]) -> tuple[str, list[str]]:
    """Replace every `\\EdgeName` by its display text (HTML comments are left as written); return the text and
    the names that had no value."""
    unresolved: list[str] = []

    def value(m: re.Match[str], code: bool) -> str:
        entry = numbers.get(m.group(1))
        shown = entry.get("text") if entry else None
        if shown is None:
            unresolved.append(m.group(1))
            return "??" if code else MISSING_NUMBER
        return shown if code else _MD_SPECIAL.sub(r"\\\1", shown)

    out, pos = [], 0
    for span in _VERBATIM.finditer(text):  # a comment stays as written; inside `code` the value goes in unescaped
        out.append(_MACRO.sub(lambda m: value(m, False), text[pos : span.start()]))
        out.append(_MACRO.sub(lambda m: value(m, True), span.group(0)) if span.group(1) else span.group(0))
        pos = span.end()
    out.append(_MACRO.sub(lambda m: value(m, False), text[pos:]))
    return "".join(out), unresolved


def table_block(markdown: str) -> tuple[str, str | None]:
    """(pandoc Markdown, caption) of a generated table file: `**caption**` then the pipe table becomes the
    table followed by `: caption`, which pandoc turns into a Word table caption. Other files go in as is."""
    m = re.match(r"\s*\*\*(.+?)\*\*\s*\n\s*\n(\|.*)", markdown, re.S)
    if not m:
        return markdown.strip(), None
    return f"{m.group(2).rstrip()}\n\n: {m.group(1)}", m.group(1)


def _in_thesis(thesis: Path, base: Path, target: str) -> str | None:
    """A link target as a path relative to the thesis folder; None for URLs, anchors and paths outside it."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("#"):
        return None
    try:
        return (base / target).resolve().relative_to(thesis.resolve()).as_posix()
    except ValueError:
        return None


def _paragraph(thesis: Path, base: Path, para: str) -> str:
    """One paragraph of a chapter with its links resolved, followed by the tables it links to."""
    tables: list[str] = []

    def link(m: re.Match[str]) -> str:
        bang, label, target = m.groups()
        path = _in_thesis(thesis, base, target)
        if path is None:
            return m.group(0)
        if bang:
            if path.endswith(".pdf") and (thesis / (path[:-4] + ".png")).is_file():
                path = path[:-4] + ".png"  # Word takes the PNG twin of a vector figure
            return f"![{label}]({path})" if (thesis / path).is_file() else _not_generated(path)
        if path.endswith(".md"):
            if not (thesis / path).is_file():
                return _not_generated(path)
            block, caption = table_block((thesis / path).read_text(encoding="utf-8"))
            tables.append(block)
            return f"“{caption}”" if caption and label in (target, path, "") else label
        return f"[{label}]({path})"

    return "\n\n".join([_LINK.sub(link, para), *tables])


def assemble(
    thesis: Path,
    chapters: list[Path],
    tables: list[str],
    figures: list[str],
    numbers: dict[str, dict[str, Any]],
    run_name: str,
) -> tuple[str, list[str]]:
    """docx_source.md's text and the number names left unresolved.

    chapters: the author's Markdown files; tables and figures: the published .md tables and .png figures
    (paths relative to the thesis) shown in the appendix; numbers: the `numbers` map of edge_numbers.json."""
    names = ", ".join(c.relative_to(thesis).as_posix() for c in chapters) or "no Markdown chapter"
    parts = [
        f"<!-- Generated by edgecloud publish for run '{run_name}' from {names}, the run's Markdown tables "
        f"and PNG figures, numbers from edge_numbers.json. Do not edit: edit the chapters and publish again; "
        f"pandoc builds {DOCX_OUTPUT} from this file. -->"
    ]
    unresolved: list[str] = []
    for chapter in chapters:
        text, missing = substitute_numbers(chapter.read_text(encoding="utf-8"), numbers)
        unresolved += missing
        parts += [_paragraph(thesis, chapter.parent, p) for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    parts.append("# 附录 运行生成的全部图表 All generated tables and figures")
    parts += [table_block((thesis / t).read_text(encoding="utf-8"))[0] for t in tables if (thesis / t).is_file()]
    parts += [f"![{Path(f).stem}（运行 {run_name}）]({f})" for f in figures if (thesis / f).is_file()]
    return "\n\n".join(parts) + "\n", sorted(set(unresolved))


def chapters_of(thesis: Path, patterns: list[str]) -> list[Path]:
    """The Markdown chapters matching publish.docx_chapters, in pattern order, each once, never the output."""
    found: list[Path] = []
    for pattern in patterns:
        for p in sorted(thesis.glob(pattern)):
            if p.is_file() and p.name != DOCX_SOURCE and p not in found:
                found.append(p)
    return found


def build_docx(
    thesis: Path,
    reference_docx: str | None = None,
    echo: Callable[[str], None] = print,
    timeout_s: float = PANDOC_TIMEOUT_S,
) -> dict[str, Any]:
    """pandoc docx_source.md -> build/thesis.docx in the thesis folder; ok, skipped, docx, seconds, error."""
    result: dict[str, Any] = {"ok": False, "skipped": False, "docx": None, "seconds": 0.0, "error": None}
    source = thesis / DOCX_SOURCE
    if shutil.which("pandoc") is None:
        echo(f"Word version skipped: {PANDOC_HINT}")
        return {**result, "skipped": True, "error": PANDOC_HINT}
    if not source.is_file():
        return {**result, "error": f"{rel(source)} not found: publish writes it when publish.docx is true"}
    out = thesis / DOCX_OUTPUT
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        "pandoc",
        DOCX_SOURCE,
        "--from=markdown+east_asian_line_breaks",
        "--to=docx",
        f"--output={DOCX_OUTPUT}",
        "--resource-path=.",
    ]
    if reference_docx:
        ref = resolve(reference_docx)
        if not ref.is_file():
            return {**result, "error": f"publish.reference_docx: file not found: {rel(ref)}"}
        cmd.append(f"--reference-doc={ref}")
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0")}  # same text, same file
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=thesis, capture_output=True, text=True, env=env, timeout=timeout_s, preexec_fn=die_with_parent
        )
    except subprocess.TimeoutExpired:
        return {
            **result,
            "seconds": round(time.perf_counter() - t0, 1),
            "error": f"pandoc did not finish in {timeout_s:.0f} s",
        }
    seconds = round(time.perf_counter() - t0, 1)
    warnings = [line for line in proc.stderr.splitlines() if line.strip()]
    ok = proc.returncode == 0 and out.is_file()
    result.update(
        ok=ok,
        docx=rel(out) if ok else None,
        seconds=seconds,
        warnings=warnings[:8],
        error=None if ok else ("; ".join(warnings) or f"pandoc exit code {proc.returncode}"),
    )
    echo(
        f"built {rel(out)} with pandoc in {seconds} s" if ok else f"building the Word version failed: {result['error']}"
    )
    return result
