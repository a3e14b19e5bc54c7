"""Parsing ms-swift's logging.jsonl into the reference table and choosing the best checkpoint."""

from edgecloud.train.trainlog import best_checkpoint, parse_logging, table_rows

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


# ---------------------------------------------------------------------------------------------
# A run interrupted and resumed from its last checkpoint: ms-swift appends the resumed process's
# records to the same logging.jsonl, after the interrupted one's (records shaped as ms-swift writes
# them: one json.dumps per line, the step in "global_step/max_steps", times restarting per process).

import json  # noqa: E402


def swift_train(step, loss, elapsed="1m 10s", max_steps=150):
    return {
        "loss": loss,
        "grad_norm": 3.11812806,
        "learning_rate": 0.00013067,
        "token_acc": 0.76459144,
        "epoch": round(step / 213, 8),
        "global_step/max_steps": f"{step}/{max_steps}",
        "elapsed_time": elapsed,
        "remaining_time": "7m 30s",
        "train_speed(s/it)": 8.183187,
    }


def swift_eval(step, loss, acc=0.78555556, elapsed="1m 52s", max_steps=150):
    return {
        "eval_loss": loss,
        "eval_runtime": 63.8284,
        "eval_samples_per_second": 1.567,
        "eval_steps_per_second": 0.392,
        "eval_token_acc": acc,
        "epoch": round(step / 213, 8),
        "global_step/max_steps": f"{step}/{max_steps}",
        "elapsed_time": elapsed,
        "remaining_time": "7m 30s",
        "train_speed(s/it)": 9.008818,
    }


def swift_final(last, best, step):
    return {
        "train_dataset": "120.0\u00b110, min=90, max=200, size=400",
        "val_dataset": "121\u00b15, min=94, max=184, size=50",
        "model_parameter_info": "PeftModelForCausalLM: 135.7M Params (2.4M Trainable [1.8%])",
        "last_model_checkpoint": f"/x/checkpoint-{last}",
        "best_model_checkpoint": f"/x/checkpoint-{best}",
        "best_metric": 1.2,
        "global_step": step,
        "log_history": [{"train_runtime": 400.0, "step": step}],
        "memory": 0,
    }


def lines(*records):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def killed_run(upto=60):
    """Step 0 eval, train every 5 steps, eval + checkpoint at 50, killed after logging step `upto`."""
    recs = [swift_eval(0, 4.28, 0.64, "42s")]
    for s in range(5, upto + 1, 5):
        recs.append(swift_train(s, round(3 - s / 100, 4)))
        if s == 50:
            recs.append(swift_eval(50, 1.9, 0.7))
    return recs


def resumed_run(start=55, stop=150, eval_on_start=True):
    """The resumed process: (with eval_on_start) the checkpoint-50 adapter evaluated again, then steps
    from `start`, with losses unlike the killed run's so that the winner is visible."""
    recs = [swift_eval(50, 1.8, 0.71, "40s")] if eval_on_start else []
    for s in range(start, stop + 1, 5):
        recs.append(swift_train(s, round(2 - s / 200, 4), elapsed="30s"))
        if s % 50 == 0:
            recs.append(swift_eval(s, round(2 - s / 100, 4), 0.8))
    return recs


def test_resumed_run_counts_each_step_once_and_the_resumed_record_wins(tmp_path):
    path = tmp_path / "logging.jsonl"
    killed = lines(*killed_run(60))
    cut = json.dumps(swift_train(65, 2.35))[:40]  # killed mid-write: half a line, no newline
    resumed = resumed_run()
    # the resumed process's first record lands right after the half line
    path.write_text(killed + cut + lines(*resumed, swift_final(150, 100, 150)), encoding="utf-8")
    log = parse_logging(path)
    assert log.skipped_lines == [15]  # the cut-off write; the record glued after it is still read
    assert [r["step"] for r in log.train] == list(range(5, 151, 5))  # each step once
    assert [r["step"] for r in log.evals] == [0, 50, 100, 150]
    by_step = {r["step"]: r for r in log.train}
    assert by_step[55]["loss"] == 2 - 55 / 200 and by_step[60]["loss"] == 2 - 60 / 200  # the resumed run's
    assert by_step[50]["loss"] == 3 - 50 / 100  # before the checkpoint: the killed run's, kept
    assert log.evals[1] == {"step": 50, "eval_loss": 1.8, "eval_token_acc": 0.71}  # re-evaluated on resume
    assert log.resumes == [{"step": 50, "line": 15, "replaced": 3}]  # eval 50, train 55 and 60 of the killed run
    assert log.completed and log.last_step == 150
    rows = table_rows(log)
    assert [r["step"] for r in rows] == [0, 50, 100, 150]
    assert rows[1] == {"step": 50, "train_loss": 2.5, "eval_loss": 1.8, "eval_token_acc": 0.71}
    assert best_checkpoint(log, [50, 100, 150])["step"] == 150


def test_closing_line_of_a_killed_process_does_not_mark_the_resumed_run_completed(tmp_path):
    """ms-swift writes its closing line in a `finally`, so a process stopped by Ctrl-C may leave one; a
    resume without eval_on_start starts with a train line; the resumed run is itself interrupted."""
    path = tmp_path / "logging.jsonl"
    path.write_text(
        lines(*killed_run(60), swift_final(50, 50, 60), *resumed_run(55, 65, eval_on_start=False)), encoding="utf-8"
    )
    log = parse_logging(path)
    assert not log.completed and log.final is None and log.skipped_lines == []
    assert [r["step"] for r in log.train] == list(range(5, 66, 5))
    assert [r["loss"] for r in log.train[-3:]] == [2 - 55 / 200, 2 - 60 / 200, 2 - 65 / 200]
    assert [r["step"] for r in log.evals] == [0, 50]
    assert log.resumes == [{"step": 50, "line": 16, "replaced": 2}]
    assert [r["step"] for r in table_rows(log)] == [0, 50, 65]


def test_follower_prints_only_what_this_process_writes(tmp_path):
    from edgecloud.train.trainlog import LogFollower

    path = tmp_path / "logging.jsonl"
    cut = json.dumps(swift_train(65, 2.35))[:40]
    path.write_text(lines(*killed_run(60)) + cut, encoding="utf-8")
    follow = LogFollower(path)  # made when the resumed process starts
    assert follow.poll() == []  # the interrupted run's lines are not replayed
    ev50, t55, t60 = resumed_run(55, 60)[:3]
    with path.open("a", encoding="utf-8") as f:
        f.write(lines(ev50, t55) + json.dumps(t60)[:30])  # the last one half written so far
    assert follow.poll() == [ev50, t55]
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(t60)[30:] + "\n")
    assert follow.poll() == [t60] and follow.poll() == []
    final = swift_final(150, 100, 150)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(final))
    assert follow.poll(final=True) == [final]


def test_follower_of_a_new_run_reads_from_the_start(tmp_path):
    from edgecloud.train.trainlog import LogFollower

    path = tmp_path / "logging.jsonl"
    follow = LogFollower(path)
    assert follow.poll() == []
    path.write_text(lines(*killed_run(10)), encoding="utf-8")
    assert [r["global_step/max_steps"] for r in follow.poll()] == ["0/150", "5/150", "10/150"]
