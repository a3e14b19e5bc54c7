"""The run's key numbers as LaTeX macros and JSON, read from the stage reports.

The abstract and the conclusion cite numbers such as the best eval loss; typed by hand they drift
from the run the moment it is repeated. Here each number is read from the report a stage wrote,
formatted once, and written twice: `edge_numbers.tex` (one `\\newcommand` per number, with a comment
naming the report and key it comes from) and `edge_numbers.json` (the same text plus the raw value),
so LaTeX, Markdown and the summary report all show the same digits. A number whose report is
missing (its stage has not run) is written as a visible `??` and marked missing, never guessed.
Which numbers there are, and where each is read from, is the list `number_sources.NUMBERS`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from edgecloud import artifacts
from edgecloud.jsonio import read_json, write_json
from edgecloud.params import Params
from edgecloud.paths import rel
from edgecloud.publish.number_sources import NUMBERS

MISSING_TEX = r"\textbf{??}"
MACRO_NAME = re.compile(r"^Edge[A-Za-z]+$")  # LaTeX control words are letters only


def report_paths(params: Params) -> dict[str, Path]:
    """The reports the numbers (and the summary) are read from, by artifact key (`artifacts.REPORTS`)."""
    return {key: artifacts.path(key, params) for key in artifacts.REPORTS}


def _tex_escape(text: str) -> str:
    from edgecloud.publish.figures import latex_escape

    return latex_escape(text)


def format_value(value: Any, fmt: str) -> tuple[str, str]:
    """(display text, LaTeX text) of a value."""
    if fmt == "text":
        return str(value), _tex_escape(str(value))
    if fmt == "int":
        return f"{int(value)}", f"{int(value)}"
    if fmt.startswith("float"):
        s = f"{float(value):.{int(fmt[-1])}f}"
        return s, s
    if fmt in ("pct", "pct1"):
        digits = 1 if fmt == "pct1" else 0
        s = f"{100 * float(value):.{digits}f}"
        return f"{s}%", rf"{s}\%"
    if fmt == "times":
        s = f"{float(value):.1f}"
        return f"{s}x", rf"{s}$\times$"
    if fmt == "seconds":
        s = f"{float(value):.1f}"
        return f"{s} s", rf"{s}\,s"
    if fmt == "minutes":
        s = f"{float(value) / 60:.1f}"
        return f"{s} min", rf"{s}\,min"
    if fmt == "millions":
        s = f"{float(value) / 1e6:.1f}"
        return f"{s}M", f"{s}M"
    raise ValueError(f"unknown number format {fmt!r}")


def collect(params: Params) -> dict[str, dict[str, Any]]:
    """Every key number: value, display/LaTeX text, source report and key; missing ones say why."""
    paths = report_paths(params)
    loaded: dict[str, Any] = {}
    out: dict[str, dict[str, Any]] = {}
    for n in NUMBERS:
        if not MACRO_NAME.match(n.name):
            raise ValueError(f"{n.name!r} is not a valid macro name (letters only, starting with Edge)")
        path = paths[n.report]
        entry: dict[str, Any] = {"description": n.description, "source": rel(path), "key": n.key}
        if n.report not in loaded:
            try:
                loaded[n.report] = read_json(path) if path.is_file() else None
            except ValueError:  # a damaged report: its numbers show as missing, the summary lists it as a risk
                loaded[n.report] = None
        report = loaded[n.report]
        try:
            value = n.get(report) if report is not None else None
        except (KeyError, StopIteration, TypeError, IndexError):
            value = None
        if value is None:
            why = "report missing or unreadable" if report is None else f"key {n.key} missing or empty in the report"
            entry.update(value=None, text=None, tex=MISSING_TEX, missing=why)
        else:
            text, tex = format_value(value, n.fmt)
            entry.update(value=value, text=text, tex=tex, missing=None)
        out[n.name] = entry
    return out


def numbers_table(numbers: dict[str, dict[str, Any]]) -> Any:
    """The 08 notebook's table of the key numbers (`collect`): macro, value (?? and why when missing),
    description, source report."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "macro": f"\\{k}",
                "value": v["text"] or "?? (" + v["missing"] + ")",
                "description": v["description"],
                "source": v["source"],
            }
            for k, v in numbers.items()
        ]
    )


def render_tex(numbers: dict[str, dict[str, Any]], header: str) -> str:
    lines = [f"% {line}" for line in header.splitlines()]
    for name, e in numbers.items():
        note = f"missing: {e['missing']} ({e['source']})" if e["missing"] else f"{e['source']} : {e['key']}"
        lines.append(f"\\newcommand{{\\{name}}}{{{e['tex']}}} % {e['description']}; {note}")
    return "\n".join(lines) + "\n"


def parse_tex(text: str) -> dict[str, str]:
    """Macro name -> LaTeX body of a generated file (what the tests compare with the JSON)."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^\\newcommand\{\\([A-Za-z]+)\}\{(.*)\} % ", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def write_numbers(params: Params, out_dir: Path | None = None) -> dict[str, Path]:
    """Write edge_numbers.tex and edge_numbers.json into figures/<run>/ (or out_dir)."""
    paths = {"tex": artifacts.path("numbers_tex", params), "json": artifacts.path("numbers_json", params)}
    if out_dir is not None:
        paths = {k: out_dir / p.name for k, p in paths.items()}
    paths["tex"].parent.mkdir(parents=True, exist_ok=True)
    numbers = collect(params)
    header = (
        f"Key numbers of run '{params.run_name}', generated by edgecloud from the stage reports.\n"
        "Do not edit: every run rewrites this file. Each line names the report and key of its number;\n"
        f"a number shown as ?? has no report yet (its stage has not run). {len(numbers)} macros."
    )
    paths["tex"].write_text(render_tex(numbers, header), encoding="utf-8")
    # no timestamp: re-writing the same numbers gives the same bytes, so publishing stays idempotent
    write_json(paths["json"], {"run_name": params.run_name, "params_sha256": params.sha256(), "numbers": numbers})
    return paths
