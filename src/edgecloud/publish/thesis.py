"""Publish a run into the thesis: copy figures, tables and number macros, never touch the author's text.

08_publish (and `python -m edgecloud publish`) copies every generated file of figures/<run>/
into the thesis folder, into the chapter folder the params' publishing map names, and writes an
appendix `generated/edgecloud_all.tex` that shows every table and figure (so a new result is visible
in the PDF before the author places it in a chapter). It keeps a manifest in the thesis
(`.edgecloud-sync.json`: each file it wrote, with its checksum) and only ever overwrites a file that
is in that manifest and unchanged since it wrote it: a file the author made or edited is refused and
reported, never replaced. Each publish writes a sync report (every file, checksum, new / changed /
unchanged / refused / unmapped / stale) to outputs/<run>/reports/thesis_sync_<run>.json and .md, and
can compile the thesis with latexmk + xelatex (`edgecloud.publish.thesis_latex`). The Word version's source,
`docx_source.md`, is one more generated file under the same rules; pandoc builds it into build/thesis.docx
(`edgecloud.publish.thesis_docx`).
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from edgecloud import artifacts
from edgecloud.errors import EdgecloudError
from edgecloud.jsonio import read_json, sha256_file, write_json
from edgecloud.params import Params
from edgecloud.paths import RunDirs, rel, resolve
from edgecloud.publish import thesis_docx
from edgecloud.publish.numbers import write_numbers
from edgecloud.publish.thesis_latex import compile_thesis

SYNC_MANIFEST = ".edgecloud-sync.json"
ALL_ARTIFACTS = "edgecloud_all.tex"
FIGURE_EXTS = (".pdf", ".png")


class PublishError(EdgecloudError):
    pass


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def sync_report_path(params: Params) -> Path:
    return artifacts.path("thesis_sync", params)


def thesis_dir_for(params: Params, override: str | Path | None = None) -> Path:
    d = resolve(override if override is not None else params.publish.thesis_dir)
    skeleton = params.publish.skeleton
    if not d.exists() and skeleton and override is None:
        src = resolve(skeleton)
        if not (src / params.publish.main_tex).is_file():
            raise PublishError(
                f"publish.skeleton {skeleton!r}: {rel(src / params.publish.main_tex)} not found; "
                "point it at a thesis folder (the sample is thesis/)"
            )
        shutil.copytree(
            src,
            d,
            ignore=shutil.ignore_patterns("generated", "build", SYNC_MANIFEST, "missfont.log", thesis_docx.DOCX_SOURCE),
        )
    if not d.is_dir():
        raise PublishError(
            f"thesis folder {d} does not exist: create it, or set publish.thesis_dir in the params "
            "file (or --thesis-dir) to your thesis folder; the sample thesis is thesis/ in this repo"
        )
    return d


def destination(params: Params, name: str) -> str | None:
    """Folder (relative to the thesis) of a generated file, by the first matching rule; None if unmapped."""
    for rule in params.publish.map:
        if fnmatch.fnmatchcase(name, rule.pattern):
            return rule.to.strip("/")
    return None


def sources(params: Params) -> list[Path]:
    """The generated files of the run (figures/<run>/), number macros included."""
    fig = RunDirs(params.run_name).figures
    return sorted(p for p in fig.iterdir() if p.is_file() and not p.name.startswith(".")) if fig.is_dir() else []


def load_sync_manifest(thesis: Path) -> dict[str, Any]:
    path = thesis / SYNC_MANIFEST
    if not path.is_file():
        return {"files": {}}
    try:
        data = read_json(path)
    except ValueError as exc:
        raise PublishError(
            f"{path} is not valid JSON ({exc}): it records which thesis files edgecloud wrote; "
            "restore it from version control (deleting it makes every generated file 'foreign')"
        ) from None
    if not isinstance(data.get("files"), dict):
        raise PublishError(f"{path}: key 'files' missing; restore the file from version control")
    return data


def _sha_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def decide(dest: Path, dest_rel: str, new_sha: str, manifest: dict[str, Any]) -> tuple[str, str | None]:
    """(status, reason) for writing a file with checksum new_sha to dest."""
    if not dest.exists():
        return "new", None
    record = manifest["files"].get(dest_rel)
    if record is None:
        return "refused", "the file exists and edgecloud did not write it (not in .edgecloud-sync.json)"
    current = sha256_file(dest)
    if current != record["sha256"]:
        return "refused", "edited in the thesis since edgecloud wrote it (checksum differs from .edgecloud-sync.json)"
    return ("unchanged", None) if current == new_sha else ("changed", None)


def _tex_path(path: str) -> str:
    return path.replace("\\", "/")


def render_all_artifacts(params: Params, placed: list[tuple[str, str]]) -> str:
    """LaTeX appendix showing every published table and figure (dest paths relative to the thesis)."""
    from edgecloud.publish.figures import latex_escape

    tables = [d for _, d in placed if d.endswith(".tex") and not d.endswith("edge_numbers.tex")]
    figs: dict[str, str] = {}
    for _, d in placed:  # one figure per stem: the PDF (vector) when there is one, else the PNG
        stem, ext = os.path.splitext(d)
        if ext in FIGURE_EXTS and (ext == ".pdf" or stem not in figs):
            figs[stem] = d
    lines = [
        f"% Generated by edgecloud publish for run '{params.run_name}': every table and figure of the run.",
        "% Do not edit; `\\input` it where the thesis should show them (the sample puts it in an appendix).",
        "{\\renewcommand{\\label}[1]{}% the chapters may use the same tables with their labels",
    ]
    for i, t in enumerate(tables, 1):
        lines.append(f"\\input{{{_tex_path(os.path.splitext(t)[0])}}}")
        if i % 3 == 0:
            lines.append("\\clearpage")
    lines.append("\\clearpage")
    for i, (stem, f) in enumerate(sorted(figs.items()), 1):
        name = latex_escape(Path(stem).name)
        lines += [
            "\\begin{figure}[htbp]\\centering",
            f"\\includegraphics[width=\\linewidth,height=0.4\\textheight,keepaspectratio]{{{_tex_path(f)}}}",
            f"\\caption{{{name}（运行 {latex_escape(params.run_name)}）}}",
            "\\end{figure}",
        ]
        if i % 2 == 0:
            lines.append("\\clearpage")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _write(dest: Path, data: bytes) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".edgecloud-tmp")
    tmp.write_bytes(data)
    tmp.replace(dest)


def _place(
    thesis: Path, manifest: dict[str, Any], run_name: str, label: str, dest_rel: str, data: bytes
) -> dict[str, Any]:
    """Write one file into the thesis if `decide` allows it, update the manifest; return its report row."""
    dest = thesis / dest_rel
    sha = _sha_bytes(data)
    status, reason = decide(dest, dest_rel, sha, manifest)
    if status in ("new", "changed"):
        _write(dest, data)
        manifest["files"][dest_rel] = {"sha256": sha, "source": label, "run_name": run_name, "written_utc": _now()}
    elif status == "unchanged":
        manifest["files"][dest_rel]["run_name"] = run_name
    return {"source": label, "dest": dest_rel, "sha256": sha, "status": status, "reason": reason}


def _docx_source(params: Params, thesis: Path, placed: list[tuple[str, str]], echo: Callable[[str], None]) -> str:
    """The text of docx_source.md: the Markdown chapters with the published tables, PNG figures and numbers."""
    numbers = read_json(RunDirs(params.run_name).figures / "edge_numbers.json")["numbers"]
    dests = [d for _, d in placed]
    chapters = thesis_docx.chapters_of(thesis, params.publish.docx_chapters)
    text, unresolved = thesis_docx.assemble(
        thesis,
        chapters,
        [d for d in dests if d.endswith(".md")],
        [d for d in dests if d.endswith(".png")],
        numbers,
        params.run_name,
    )
    if not chapters:
        echo(f"  Word version: no Markdown chapter matches publish.docx_chapters {params.publish.docx_chapters}")
    if unresolved:
        echo(f"  Word version: shown as ?? (no value in edge_numbers.json): {', '.join(unresolved)}")
    return text


def sync(params: Params, thesis: Path, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Copy the run's generated files into the thesis; return the sync report (not yet compiled)."""
    write_numbers(params)
    manifest = load_sync_manifest(thesis)
    rows: list[dict[str, Any]] = []
    placed: list[tuple[str, str]] = []
    planned: list[tuple[str, str, bytes]] = []  # (source label, dest_rel, bytes)
    for src in sources(params):
        folder = destination(params, src.name)
        if folder is None:
            rows.append(
                {
                    "source": rel(src),
                    "dest": None,
                    "sha256": sha256_file(src),
                    "status": "unmapped",
                    "reason": "no rule of publish.map matches this file name",
                }
            )
            continue
        dest_rel = f"{folder}/{src.name}"
        planned.append((rel(src), dest_rel, src.read_bytes()))
        placed.append((rel(src), dest_rel))
    if planned:
        gen_folder = destination(params, "edge_numbers.tex") or "generated"
        planned.append(
            (
                "(generated: every table and figure)",
                f"{gen_folder}/{ALL_ARTIFACTS}",
                render_all_artifacts(params, placed).encode("utf-8"),
            )
        )

    rows += [_place(thesis, manifest, params.run_name, *item) for item in planned]
    produced = {dest_rel for _, dest_rel, _ in planned}
    if params.publish.docx:  # after the tables and figures are in place: it is built from the thesis' copies
        docx_rel = thesis_docx.DOCX_SOURCE
        rows.append(
            _place(
                thesis,
                manifest,
                params.run_name,
                "(generated: Word source from the Markdown chapters)",
                docx_rel,
                _docx_source(params, thesis, placed, echo).encode("utf-8"),
            )
        )
        produced.add(docx_rel)
    for dest_rel, record in sorted(manifest["files"].items()):
        if dest_rel not in produced and (thesis / dest_rel).exists():
            rows.append(
                {
                    "source": record.get("source"),
                    "dest": dest_rel,
                    "sha256": record["sha256"],
                    "status": "stale",
                    "reason": f"written by an earlier publish (run {record.get('run_name')}); this run does not "
                    "produce it; left in place",
                }
            )
    manifest.update(
        tool="edgecloud",
        note="Files edgecloud wrote into this thesis, with their checksums. "
        "edgecloud only overwrites a file listed here whose checksum still matches.",
    )
    write_json(thesis / SYNC_MANIFEST, manifest)

    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    report = {
        "run_name": params.run_name,
        "thesis_dir": rel(thesis),
        "created_utc": _now(),
        "files": rows,
        "counts": counts,
        "compile": None,
    }
    echo(
        f"published run {params.run_name!r} into {rel(thesis)}: "
        + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    )
    for r in rows:
        if r["status"] == "refused":
            echo(f"  refused {r['dest']}: {r['reason']}")
    return report


def render_pages(pdf: Path, out_dir: Path, first: int = 1, last: int = 4, dpi: int = 60) -> list[Path]:
    """PNG images of some PDF pages (poppler's pdftoppm), to look at the thesis from a notebook."""
    if shutil.which("pdftoppm") is None:
        raise PublishError("pdftoppm not found: run `make sysdeps` (Debian package poppler-utils)")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(first), "-l", str(last), str(pdf), str(out_dir / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(out_dir.glob("page-*.png"))


def refused_message(report: dict[str, Any]) -> str | None:
    refused = [r for r in report["files"] if r["status"] == "refused"]
    if not refused:
        return None
    items = "\n".join(f"  {r['dest']}: {r['reason']}" for r in refused)
    return (
        f"{len(refused)} file(s) were not written because edgecloud would overwrite a file it does not own:\n"
        f"{items}\nRename or move your file (or, if it is an old generated copy, delete it) and publish again."
    )


def render_sync_markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# 论文同步 Thesis sync — run `{report['run_name']}`",
        "",
        f"- thesis: `{report['thesis_dir']}`",
        f"- time (UTC): {report['created_utc']}",
        "- counts: " + ", ".join(f"{s} {n}" for s, n in sorted(report["counts"].items())),
    ]
    c = report.get("compile")
    if c:
        lines.append(
            f"- compile: {'ok' if c['ok'] else 'FAILED'} ({c['seconds']} s), PDF `{c['pdf']}`"
            + (f", error: {c['error']}" if c.get("error") else "")
        )
    d = report.get("docx")
    if d:
        lines.append(
            "- Word: "
            + ("skipped" if d.get("skipped") else "ok" if d["ok"] else "FAILED")
            + (f" ({d['seconds']} s), `{d['docx']}`" if d["ok"] else f": {d['error']}")
        )
    lines += ["", "| file in the thesis | source | status | sha256 | note |", "|---|---|---|---|---|"]
    for r in report["files"]:
        lines.append(
            f"| `{r['dest'] or '-'}` | `{r['source']}` | {r['status']} | {r['sha256'][:12]} | {r['reason'] or ''} |"
        )
    return "\n".join(lines) + "\n"


def files_by_status_table(report: dict[str, Any]) -> Any:
    """How many files of a sync (`sync` / `publish` report) ended in each status: the 08 notebook's count table."""
    import pandas as pd

    return pd.DataFrame(report["files"]).groupby("status").size().rename("files").to_frame()


def changed_files_table(report: dict[str, Any]) -> Any:
    """The files of a sync that are not unchanged (placed, refused, ...): destination, source, status, reason."""
    import pandas as pd

    files = pd.DataFrame(report["files"])
    return files[files["status"] != "unchanged"][["dest", "source", "status", "reason"]]


def publish(
    params: Params,
    thesis_dir: str | Path | None = None,
    compile: bool | None = None,
    echo: Callable[[str], None] = print,
    docx: bool | None = None,
) -> dict[str, Any]:
    """Sync the run into the thesis, optionally compile it (LaTeX) and build its Word version, write the sync
    report; return the report. compile defaults to publish.compile; the Word version is built when
    publish.docx is true and docx (by default: compile) is."""
    thesis = thesis_dir_for(params, thesis_dir)
    report = sync(params, thesis, echo)
    do_compile = params.publish.compile if compile is None else compile
    if do_compile:
        report["compile"] = compile_thesis(thesis, params.publish.main_tex, echo)
    report["docx"] = None
    if params.publish.docx and (do_compile if docx is None else docx):
        report["docx"] = thesis_docx.build_docx(thesis, params.publish.reference_docx, echo)
    path = sync_report_path(params)
    write_json(path, report)
    path.with_suffix(".md").write_text(render_sync_markdown(report), encoding="utf-8")
    return report
