"""03_train resumed after an interrupt: the terminal shows only the resumed process's steps, and the
summary counts each step once and says where the run was resumed. ms-swift is replaced by a small
script that appends a resumed run's records to logging.jsonl (no model, no training)."""

from __future__ import annotations

import json
import sys

from edgecloud.params import load_params
from edgecloud.paths import RunDirs
from edgecloud.train import trainer

from test_trainlog import killed_run, lines, resumed_run, swift_final, swift_train

FAKE_SWIFT = """
import json, sys, time
path, chunks = sys.argv[1], json.load(open(sys.argv[2]))
for chunk in chunks:
    with open(path, "a", encoding="utf-8") as f:
        f.write(chunk)
    time.sleep(0.02)
"""


def test_a_resumed_run_shows_and_counts_each_step_once(run_name, tmp_path, monkeypatch):
    p = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    data = RunDirs(run_name).data
    data.mkdir(parents=True)
    for split in ("train", "valid"):
        (data / f"{split}.jsonl").write_text('{"id": "a", "messages": []}\n', encoding="utf-8")
    model_dir = tmp_path / "model"
    out = trainer.train_dir(p)
    (out / "checkpoint-50").mkdir(parents=True)
    (out / "checkpoint-50" / "adapter_config.json").write_text("{}", encoding="utf-8")
    (out / trainer.STATE_NAME).write_text(
        json.dumps(
            {
                "fingerprint": trainer.train_fingerprint(p, model_dir),
                "status": "running",
                "command": [],
                "device": "cpu",
            }
        )
    )
    # the interrupted process: logged up to step 60, killed while writing step 65
    (out / "logging.jsonl").write_text(
        lines(*killed_run(60)) + json.dumps(swift_train(65, 2.35))[:40], encoding="utf-8"
    )
    resumed = [json.dumps(r) + "\n" for r in [*resumed_run(), swift_final(150, 100, 150)]]
    resumed[3:4] = [resumed[3][:25], resumed[3][25:]]  # one record seen half written
    (tmp_path / "chunks.json").write_text(json.dumps(resumed))
    (tmp_path / "fake_swift.py").write_text(FAKE_SWIFT)
    monkeypatch.setattr(trainer, "pick_device", lambda preference: "cpu")
    monkeypatch.setattr(trainer, "swift_executable", lambda params: [sys.executable, str(tmp_path / "fake_swift.py")])
    monkeypatch.setattr(
        trainer,
        "swift_args",
        lambda params, model_dir, out_dir, device, resume_from=None: [
            str(out_dir / "logging.jsonl"),
            str(tmp_path / "chunks.json"),
        ],
    )

    shown: list[str] = []
    run = trainer.run_training(p, model_dir, echo=shown.append, poll_s=0.05)
    assert run.action == "resumed"
    assert shown[0].endswith(
        "train/checkpoint-50 (step 50); its log reached step 60: steps 51-60 are trained "
        "again and their new records replace the old ones"
    )
    progress = [s.split(":")[0].split()[-1] for s in shown if s.startswith("  ")]
    assert progress[:4] == ["50/150", "55/150", "60/150", "65/150"]  # no replay of steps 0-60 of the killed run
    assert len(progress) == len(set(progress)) + 2  # every step once, except the evals at 100 and 150 (train + eval)
    assert next(s for s in shown if "step 55/150" in s).startswith(f"  train step 55/150: loss {2 - 55 / 200:.4f}")

    summary = trainer.summarize(p, run)
    assert summary["completed"] and summary["resumes"] == [{"step": 50, "line": 15, "replaced": 3}]
    assert [r["step"] for r in summary["rows"]] == [0, 50, 100, 150]
    assert summary["rows"][1]["eval_loss"] == 1.8 and summary["skipped_log_lines"] == [15]
    md = (RunDirs(run_name).reports / f"swift_train_{run_name}_summary.md").read_text(encoding="utf-8")
    assert "- 续训 resumed at step 50: the interrupted process's 3 record(s) after it are dropped" in md
    assert f"| step 50 (resumed){' (best)' if summary['best']['step'] == 50 else ''} |" in md
