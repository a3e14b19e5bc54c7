"""Parsing ms-swift's logging.jsonl into the reference table and choosing the best checkpoint."""
from edgecloud.trainlog import best_checkpoint, parse_logging, table_rows

from conftest import FIXTURES

LOGS = FIXTURES / "swift_logs"


def test_complete_run_gives_the_reference_table_with_step_0():
    log = parse_logging(LOGS / "complete.jsonl")
    assert log.completed and log.max_steps == 150 and log.last_step == 150
    rows = table_rows(log)
    assert [r["step"] for r in rows] == [0, 50, 100, 150]
    assert rows[0]["train_loss"] is None and rows[0]["eval_loss"] == 2.13
    assert rows[2] == {"step": 100, "train_loss": log.train[19]["loss"], "eval_loss": 0.0245, "eval_token_acc": 0.9957}
    best = best_checkpoint(log, [50, 100, 150])
    assert best["step"] == 100 and best["eval_loss"] == 0.0245 and best["reason"] == "lowest eval loss"
    assert log.final["best_model_checkpoint"].endswith("checkpoint-100")  # agrees with ms-swift's own choice


def test_run_without_eval_lines_still_gives_a_table_and_says_why():
    log = parse_logging(LOGS / "no_eval.jsonl")
    assert log.evals == [] and log.completed
    rows = table_rows(log)
    assert rows == [{"step": 20, "train_loss": log.train[-1]["loss"], "eval_loss": None, "eval_token_acc": None}]
    best = best_checkpoint(log, [10, 20])
    assert best["step"] == 20 and best["eval_loss"] is None and "no evaluation was logged" in best["reason"]


def test_interrupted_run_with_a_cut_off_line():
    log = parse_logging(LOGS / "interrupted.jsonl")
    assert not log.completed and log.skipped_lines == [15]
    assert log.last_step == 60
    rows = table_rows(log)
    assert [r["step"] for r in rows] == [0, 50, 60]  # the last step had no eval: train loss only
    assert rows[-1]["eval_loss"] is None and rows[-1]["train_loss"] == 0.18
    assert best_checkpoint(log, [50])["step"] == 50
    assert "no evaluation step has a saved checkpoint" in best_checkpoint(log, [60])["reason"]


def test_best_checkpoint_tie_takes_the_earlier_step_and_says_so():
    log = parse_logging(LOGS / "tie.jsonl")
    best = best_checkpoint(log, [10, 20, 30])
    assert best["step"] == 10 and "tied at steps [10, 20]" in best["reason"]
    assert [r["step"] for r in table_rows(log)] == [0, 10, 20, 30]


def test_missing_file_is_an_empty_log(tmp_path):
    log = parse_logging(tmp_path / "nope.jsonl")
    assert log.evals == [] and log.train == [] and not log.completed
    assert best_checkpoint(log, [])["step"] is None
