"""benchmarks/gateway_stream.py --edge swift (benchmarks/stream_swift.py): its pure parts, without a model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import gateway_stream  # noqa: E402
import stream_swift  # noqa: E402

from edgecloud.paths import OUTPUTS_DIR  # noqa: E402


def _rec(rid: str, cloud: bool, turns: int = 1) -> str:
    msgs = [{"role": "system", "content": "s"}]
    for i in range(turns):
        msgs += [{"role": "user", "content": f"{rid} q{i}"}, {"role": "assistant", "content": "a"}]
    return json.dumps({"id": rid, "lang": "en", "category": "c", "needs_cloud": cloud, "messages": msgs})


def test_prompts_are_the_first_single_turn_records_of_each_kind(tmp_path):
    f = tmp_path / "test.jsonl"
    f.write_text(
        "\n".join(
            [
                _rec("a", False, turns=2),
                _rec("b", False),
                _rec("c", True),
                _rec("d", False),
                _rec("e", True),
                _rec("f", False),
            ]
        )
        + "\n"
    )
    got = stream_swift.pick_prompts(f, 2)
    assert [p["id"] for p in got["edge"]] == ["b", "d"] and [p["id"] for p in got["forward"]] == ["c", "e"]
    assert got["edge"][0]["user"] == "b q0"


def test_the_trained_run_is_read_from_the_source_outputs(tmp_path):
    assert (
        stream_swift.source_path("outputs/default/train/checkpoint-150", tmp_path)
        == tmp_path / "default" / "train" / "checkpoint-150"
    )
    assert (
        stream_swift.in_source(OUTPUTS_DIR / "default" / "reports" / "x.json", tmp_path)
        == tmp_path / "default" / "reports" / "x.json"
    )


def test_summary_and_markdown_from_rows():
    rows = []
    for r in range(3):
        rows.append(
            {
                "round": r,
                "kind": "edge",
                "id": "e",
                "idle_probe_ttft_ms": 100.0,
                "direct": {"ttft_ms": 200.0, "total_ms": 900.0},
                "gateway": {"ttft_ms": 210.0, "total_ms": 910.0},
                "tier": "edge",
                "status": "ok",
                "same_text": True,
                "probe_after_hang_up_ttft_ms": 700.0,
                "busy_after_hang_up_ms": 600.0,
            }
        )
        rows.append(
            {
                "round": r,
                "kind": "forward",
                "id": "f",
                "idle_probe_ttft_ms": 100.0,
                "direct": {"ttft_ms": 200.0, "total_ms": 1000.0},
                "gateway": {"ttft_ms": 210.0, "total_ms": 990.0},
                "tier": "edge",
                "status": "late_forward",
                "gateway_forced": {"ttft_ms": 260.0, "total_ms": 660.0},
                "forced_tier": "cloud",
                "probe_after_forward_ttft_ms": 800.0,
                "busy_after_forward_ms": 700.0,
            }
        )
    s = stream_swift.summarize(rows)
    assert s["edge"]["same_text"] == "3/3" and s["edge"]["busy_after_hang_up_ms"] == 600.0
    assert s["forward"]["forced_tiers"] == {"cloud": 3} and s["forward"]["statuses"] == {"late_forward": 3}
    assert s["forward"]["busy_after_forward_ms"] == 700.0 and s["forward"]["forced_total_ms"] == 660.0
    rec = {
        "machine": {"cpu_model": "cpu", "logical_cpus": 2, "isa": []},
        "versions": {"torch": "t"},
        "summary": s,
        "stack": {"started_s": {"edge": 30.0}, "routing_threshold": 0.3},
        "source": {"run": "default", "adapter": "ckpt"},
        "created_utc": "2026-12-02T00:00:00+00:00",
        "loadavg_start": ["1"],
        "loadavg_end": ["1"],
        "nice": 19,
        "cloud_token_ms": 20.0,
        "max_tokens": 64,
        "per_kind": 1,
        "rounds": 3,
    }
    md = stream_swift.markdown(rec)
    assert "| gateway, edge answers (stream) | 3 | 210.0 | 910.0 |" in md and "700.0 ms more" in md


def test_the_swift_mode_is_an_option_of_the_benchmark(monkeypatch):
    seen = {}
    monkeypatch.setattr(gateway_stream, "main_swift", lambda args: seen.setdefault("args", args) and 0)
    monkeypatch.setattr(gateway_stream.signal, "signal", lambda *a: None)  # keep pytest's own SIGTERM handling
    assert gateway_stream.main(["--edge", "swift", "--run", "default", "--per-kind", "2"]) == 0
    assert (seen["args"].run, seen["args"].per_kind, seen["args"].max_tokens) == ("default", 2, None)
