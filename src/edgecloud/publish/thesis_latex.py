"""Compiling the thesis: latexmk + xelatex into <thesis>/build/, the first TeX errors of its log with file and
line, and the files the compile read (latexmk's -recorder list), which tells whether every generated part
reached the PDF.

`thesis.publish` compiles after syncing the run into the thesis (publish.compile); the Word version is
`thesis_docx`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

from edgecloud.paths import rel
from edgecloud.procs import die_with_parent

COMPILE_TIMEOUT_S = 600


def latex_errors(log_text: str, limit: int = 8) -> list[str]:
    """The error lines of a TeX log (`! ...`, or `file:line: ...` with -file-line-error) and the line after."""
    lines = log_text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.startswith("!") or re.match(r"^\S+\.(tex|sty|cls):\d+: ", line):
            out.append(" ".join(x.strip() for x in lines[i : i + 2]))
    return out[:limit]


def compile_thesis(
    thesis: Path, main_tex: str, echo: Callable[[str], None] = print, timeout_s: float = COMPILE_TIMEOUT_S
) -> dict[str, Any]:
    """latexmk -xelatex into thesis/build/; returns ok, pdf, seconds, log and the first TeX errors."""
    main = thesis / main_tex
    if not main.is_file():
        return {
            "ok": False,
            "pdf": None,
            "seconds": 0.0,
            "log": None,
            "error": f"{rel(main)} not found: set publish.main_tex to the thesis' root .tex file",
        }
    if shutil.which("latexmk") is None or shutil.which("xelatex") is None:
        return {
            "ok": False,
            "pdf": None,
            "seconds": 0.0,
            "log": None,
            "error": "latexmk/xelatex not installed: run `make sysdeps` (Debian: latexmk texlive-xetex "
            "texlive-lang-chinese texlive-latex-recommended)",
        }
    build = thesis / "build"
    cmd = [
        "latexmk",
        "-xelatex",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        f"-outdir={build}",
        main.name,
    ]
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0"), "FORCE_SOURCE_DATE": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=main.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {
            "ok": False,
            "pdf": None,
            "seconds": round(time.perf_counter() - t0, 1),
            "log": None,
            "error": f"latexmk did not finish in {timeout_s:.0f} s",
        }
    seconds = round(time.perf_counter() - t0, 1)
    stem = Path(main_tex).stem
    log = build / f"{stem}.log"
    pdf = build / f"{stem}.pdf"
    ok = proc.returncode == 0 and pdf.is_file()
    errors = latex_errors(log.read_text(encoding="utf-8", errors="replace")) if log.is_file() else []
    result = {
        "ok": ok,
        "pdf": rel(pdf) if pdf.is_file() else None,
        "seconds": seconds,
        "log": rel(log) if log.is_file() else None,
        "error": None if ok else ("; ".join(errors) or out[-2000:]),
    }
    echo(
        f"compiled {rel(main)} -> {result['pdf']} in {seconds} s"
        if ok
        else f"compiling {rel(main)} failed: {result['error']} (log: {result['log']})"
    )
    return result


def recorded_inputs(thesis: Path, main_tex: str) -> set[str]:
    """Files the last compile read (latexmk's -recorder .fls), relative to the thesis folder."""
    fls = thesis / "build" / f"{Path(main_tex).stem}.fls"
    found = set()
    if fls.is_file():
        for line in fls.read_text(encoding="utf-8", errors="replace").splitlines():
            m = re.match(r"^INPUT (.+)$", line)
            if m:
                p = Path(m.group(1))
                p = p if p.is_absolute() else (thesis / p)
                try:
                    found.add(p.resolve().relative_to(thesis.resolve()).as_posix())
                except ValueError:
                    continue
    return found
