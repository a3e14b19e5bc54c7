"""Reading ms-swift's `logging.jsonl`: the reference training table and the best checkpoint.

ms-swift writes one JSON line per logging step (`loss`, `token_acc`, ...), one per evaluation
(`eval_loss`, `eval_token_acc`), and a last line with `best_model_checkpoint` when the run ends.
An interrupted run has no last line and may end in half a line; a run without a validation set has
no eval lines. All three must still give a table, and say what is missing.
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
    skipped_lines: list[int] = field(default_factory=list)  # lines that were not JSON (a cut-off write)

    @property
    def completed(self) -> bool:
        return self.final is not None and "best_model_checkpoint" in self.final

    @property
    def last_step(self) -> int:
        steps = [r["step"] for r in self.train + self.evals]
        return max(steps) if steps else 0


def parse_logging(path: Path) -> TrainLog:
    log = TrainLog()
    if not path.is_file():
        return log
    for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            log.skipped_lines.append(lineno)
            continue
        if not isinstance(rec, dict):
            log.skipped_lines.append(lineno)
            continue
        gs = rec.get("global_step/max_steps")
        if isinstance(gs, str) and "/" in gs:
            log.max_steps = int(gs.split("/", 1)[1])
        if "best_model_checkpoint" in rec or "last_model_checkpoint" in rec:
            log.final = rec
        elif "eval_loss" in rec:
            log.evals.append({"step": _step(rec), "eval_loss": rec["eval_loss"],
                              "eval_token_acc": rec.get("eval_token_acc")})
        elif "loss" in rec:
            log.train.append({"step": _step(rec), "loss": rec["loss"], "token_acc": rec.get("token_acc"),
                              "learning_rate": rec.get("learning_rate"), "elapsed_time": rec.get("elapsed_time"),
                              "remaining_time": rec.get("remaining_time")})
    return log


def train_loss_at(log: TrainLog, step: int) -> float | None:
    """The train loss logged at `step`, else the last one logged before it (None before any)."""
    before = [r for r in log.train if r["step"] is not None and r["step"] <= step]
    return before[-1]["loss"] if before else None


def table_rows(log: TrainLog) -> list[dict[str, Any]]:
    """The reference table: one row per evaluation (step 0 included), plus the last step if it had none."""
    rows = []
    for ev in sorted(log.evals, key=lambda r: r["step"]):
        rows.append({"step": ev["step"], "train_loss": train_loss_at(log, ev["step"]) if ev["step"] else None,
                     "eval_loss": ev["eval_loss"], "eval_token_acc": ev["eval_token_acc"]})
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
        return {"step": fallback, "eval_loss": None, "reason": f"{why}; using the last checkpoint"
                if fallback is not None else why}
    best_loss = min(e["eval_loss"] for e in candidates)
    tied = sorted(e["step"] for e in candidates if e["eval_loss"] == best_loss)
    reason = "lowest eval loss" + (f" (tied at steps {tied}; the earliest is taken)" if len(tied) > 1 else "")
    return {"step": tied[0], "eval_loss": best_loss, "reason": reason}
