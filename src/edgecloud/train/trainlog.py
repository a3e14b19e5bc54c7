"""Reading ms-swift's `logging.jsonl`: the reference training table and the best checkpoint.

ms-swift writes one JSON line per logging step (`loss`, `token_acc`, ...), one per evaluation
(`eval_loss`, `eval_token_acc`), and a last line with `best_model_checkpoint` when the run ends.
An interrupted run has no last line and may end in half a line; a run without a validation set has
no eval lines. All three must still give a table, and say what is missing.

A run resumed from its last checkpoint appends to the same file: the interrupted process's records
after that checkpoint are followed by the resumed process's records for the same steps (and its
first record may be glued to the interrupted one's cut-off half line). The table keeps one record
per step and kind, the later one: the resumed run's, which produced the final adapter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _step(rec: dict[str, Any]) -> int | None:
    gs = rec.get("global_step/max_steps")
    if isinstance(gs, str) and "/" in gs:
        return int(gs.split("/", 1)[0])
    if isinstance(rec.get("step"), int):
        return rec["step"]
    return None


@dataclass
class TrainLog:
    train: list[dict[str, Any]] = field(default_factory=list)  # step, loss, token_acc, learning_rate
    evals: list[dict[str, Any]] = field(default_factory=list)  # step, eval_loss, eval_token_acc
    final: dict[str, Any] | None = None  # ms-swift's closing line (absent when interrupted)
    max_steps: int | None = None
    # lines that hold a cut-off write (a record glued after it is still read) or no usable record
    skipped_lines: list[int] = field(default_factory=list)
    # one per resume found in the file: {"step": the last step kept from the earlier process (where the
    # resumed one took over), "line": the resumed process's first record, "replaced": earlier records dropped}
    resumes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def completed(self) -> bool:
        return self.final is not None and "best_model_checkpoint" in self.final

    @property
    def last_step(self) -> int:
        steps = [r["step"] for r in self.train + self.evals]
        return max(steps) if steps else 0


def parse_line(line: str) -> tuple[dict[str, Any] | None, bool]:
    """One line of logging.jsonl: (its record or None, whether the line was damaged).

    A process killed mid-write leaves half a line without its newline, and the next process (a resume)
    appends its first record right after it: that record is recovered from the end of the line."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError:
        decoder = json.JSONDecoder()
        tail = line.rstrip()
        start = tail.find('{"', 1)
        while start > 0:
            try:
                rec, end = decoder.raw_decode(tail, start)
            except json.JSONDecodeError:
                rec, end = None, -1
            if isinstance(rec, dict) and end == len(tail):
                return rec, True
            start = tail.find('{"', start + 1)
        return None, True
    return (rec, False) if isinstance(rec, dict) else (None, True)


def parse_logging(path: Path) -> TrainLog:
    """The records of `path`, one per step for train and for eval lines: where a step was logged twice
    (a run resumed from a checkpoint before it), the later record wins, and the earlier process's records
    after the resume point are dropped, so the table follows the run that produced the final adapter."""
    log = TrainLog()
    if not path.is_file():
        return log
    kept: dict[str, list[dict[str, Any]]] = {"train": [], "eval": []}
    for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        rec, damaged = parse_line(line)
        if damaged:
            log.skipped_lines.append(lineno)
        if rec is None:
            continue
        gs = rec.get("global_step/max_steps")
        if isinstance(gs, str) and "/" in gs:
            log.max_steps = int(gs.split("/", 1)[1])
        if "best_model_checkpoint" in rec or "last_model_checkpoint" in rec:
            log.final = rec
            continue
        if "eval_loss" in rec:
            kind, row = (
                "eval",
                {"step": _step(rec), "eval_loss": rec["eval_loss"], "eval_token_acc": rec.get("eval_token_acc")},
            )
        elif "loss" in rec:
            kind, row = (
                "train",
                {
                    "step": _step(rec),
                    "loss": rec["loss"],
                    "token_acc": rec.get("token_acc"),
                    "learning_rate": rec.get("learning_rate"),
                    "elapsed_time": rec.get("elapsed_time"),
                    "remaining_time": rec.get("remaining_time"),
                },
            )
        else:
            continue
        step = row["step"]
        if step is None:
            log.skipped_lines.append(lineno)
            continue
        same = kept[kind]
        # a step not after the last one of its kind, or any step after a closing line: a new process
        # took over from a checkpoint at or before `step`
        if log.final is not None or (same and step <= same[-1]["step"]):
            log.final = None  # that closing line ended the earlier process, not the run
            # an evaluation at step s follows the train record of step s: a resumed eval at s keeps it
            keep = {
                "train": (lambda s: s <= step) if kind == "eval" else (lambda s: s < step),  # noqa: B023
                "eval": lambda s: s < step,  # noqa: B023  (both used in this iteration only)
            }
            before = sum(map(len, kept.values()))
            kept = {k: [r for r in rows if keep[k](r["step"])] for k, rows in kept.items()}
            steps = [r["step"] for rows in kept.values() for r in rows]
            log.resumes.append({"step": max(steps) if steps else 0, "line": lineno, "replaced": before - len(steps)})
        kept[kind].append(row)
    log.train, log.evals = kept["train"], kept["eval"]
    return log


class LogFollower:
    """Reads the records appended to logging.jsonl after it was opened, as training writes them.

    Starts at the file's end: when a run is resumed, the interrupted process's records are already
    there, and re-printing them would replay old steps with old times as if they were new. Only whole
    lines are read (ms-swift ends each record with a newline) until `poll(final=True)`."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = path.stat().st_size if path.is_file() else 0

    def poll(self, final: bool = False) -> list[dict[str, Any]]:
        if not self.path.is_file():
            return []
        with self.path.open("rb") as f:
            if f.seek(0, 2) < self.offset:  # the file was replaced: read the new one from its start
                self.offset = 0
            f.seek(self.offset)
            data = f.read()
        end = len(data) if final else data.rfind(b"\n") + 1
        self.offset += end
        recs = []
        for line in data[:end].decode("utf-8", errors="replace").splitlines():
            rec = parse_line(line)[0] if line.strip() else None
            if rec is not None:
                recs.append(rec)
        return recs


def train_loss_at(log: TrainLog, step: int) -> float | None:
    """The train loss logged at `step`, else the last one logged before it (None before any)."""
    before = [r for r in log.train if r["step"] is not None and r["step"] <= step]
    return before[-1]["loss"] if before else None


def table_rows(log: TrainLog) -> list[dict[str, Any]]:
    """The reference table: one row per evaluation (step 0 included), plus the last step if it had none."""
    rows = []
    for ev in sorted(log.evals, key=lambda r: r["step"]):
        rows.append(
            {
                "step": ev["step"],
                "train_loss": train_loss_at(log, ev["step"]) if ev["step"] else None,
                "eval_loss": ev["eval_loss"],
                "eval_token_acc": ev["eval_token_acc"],
            }
        )
    last = log.last_step
    if last and last not in {r["step"] for r in rows}:
        rows.append({"step": last, "train_loss": train_loss_at(log, last), "eval_loss": None, "eval_token_acc": None})
    return rows


def best_checkpoint(log: TrainLog, checkpoint_steps: list[int]) -> dict[str, Any]:
    """Lowest eval loss among evaluations that have a saved checkpoint; ties go to the earlier step
    (the same adapter quality for fewer updates). Says why when there is none."""
    candidates = [e for e in log.evals if e["step"] in set(checkpoint_steps) and e["step"] > 0]
    if not candidates:
        why = "no evaluation was logged" if not log.evals else "no evaluation step has a saved checkpoint"
        fallback = max(checkpoint_steps) if checkpoint_steps else None
        return {
            "step": fallback,
            "eval_loss": None,
            "reason": f"{why}; using the last checkpoint" if fallback is not None else why,
        }
    best_loss = min(e["eval_loss"] for e in candidates)
    tied = sorted(e["step"] for e in candidates if e["eval_loss"] == best_loss)
    reason = "lowest eval loss" + (f" (tied at steps {tied}; the earliest is taken)" if len(tied) > 1 else "")
    return {"step": tied[0], "eval_loss": best_loss, "reason": reason}
