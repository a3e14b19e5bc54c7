"""Small I/O helpers for run artifacts: JSON/JSONL written the same way everywhere."""

from __future__ import annotations

import hashlib
import json
import statistics
from pathlib import Path
from typing import Any, Iterable


def write_json(path: Path, obj: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)  # a crash never leaves half a report behind
    return path


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]], compact: bool = False) -> int:
    """One JSON object per line (UTF-8, not ASCII-escaped, '\\n' line ends on every platform), written to a
    temporary file first; `compact` drops the spaces after ',' and ':' (the shipped raw data files). Returns
    the number of rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    separators = (",", ":") if compact else None
    n = 0
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, separators=separators) + "\n")
            n += 1
    tmp.replace(path)
    return n


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def describe(values: list[float]) -> dict[str, float]:
    """min / p50 / mean / p95 / max, the length statistics the data check reports."""
    if not values:
        return {"n": 0}
    s = sorted(values)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return {
        "n": len(s),
        "min": s[0],
        "p50": statistics.median(s),
        "mean": round(statistics.fmean(s), 2),
        "p95": p95,
        "max": s[-1],
    }
