"""Stage 01_convert end to end on real files: splits, rejects and the data check report."""

from __future__ import annotations

import json

import pytest

from edgecloud.data.convert import convert
from edgecloud.errors import DataError
from edgecloud.params import load_params
from edgecloud.paths import RunDirs


def read_jsonl(path):
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def test_smoke_profile_converts_into_exact_group_disjoint_splits(run_name):
    p = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    res = convert(p)
    rep = res.report
    dirs = RunDirs(run_name)
    assert rep["splits"] == {"train": 40, "valid": 10, "test": 10, "total": 60}
    assert rep["read"] == 60 and rep["rejected"] == 0 and rep["parse_success_rate"] == 1.0
    assert set(rep["overlap"]["exact_duplicates_across_splits"].values()) == {0}
    assert set(rep["overlap"]["groups_across_splits"].values()) == {0}
    on_disk = json.loads((dirs.reports / "edge_swift_data_check.json").read_text(encoding="utf-8"))
    assert on_disk["splits"] == rep["splits"]
    for split, n in (("train", 40), ("valid", 10), ("test", 10)):
        rows = read_jsonl(dirs.data / f"{split}.jsonl")
        assert len(rows) == n
        for row in rows:
            roles = [m["role"] for m in row["messages"]]
            assert roles == ["system", "user", "assistant"]
            assert row["messages"][0]["content"] == p.data.system_prompt
            if row["needs_cloud"]:
                assert row["messages"][-1]["content"] == p.data.forward_reply
    assert (dirs.data / "rejects.jsonl").read_text() == ""


def test_convert_is_idempotent(run_name):
    p = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    convert(p)
    first = {s: (RunDirs(run_name).data / f"{s}.jsonl").read_bytes() for s in ("train", "valid", "test")}
    convert(p)
    assert first == {s: (RunDirs(run_name).data / f"{s}.jsonl").read_bytes() for s in ("train", "valid", "test")}


def test_malformed_raw_file_lands_every_record_in_a_split_or_rejects(run_name):
    # the malformed file has 2 good records; add the 3 of the CSV fixture so a 3/1/1 split is possible
    p = load_params(
        "params/smoke.yaml",
        [
            f"run_name={run_name}",
            "data.raw_files=[tests/fixtures/malformed.jsonl, tests/fixtures/formats/query_response.csv]",
            "data.split={train: rest, valid: 1, test: 1}",
        ],
    )
    res = convert(p)
    rep = res.report
    assert rep["read"] == 19 and rep["accepted"] == 5 and rep["rejected"] == 14
    assert rep["accepted"] + rep["rejected"] == rep["read"]
    assert rep["rejects_by_reason"]["duplicate"] == 2 and len(rep["rejects_by_reason"]) == 13
    rejects = read_jsonl(RunDirs(run_name).data / "rejects.jsonl")
    assert len(rejects) == 14
    assert all({"source", "line", "reason", "detail", "raw"} <= set(r) for r in rejects)
    assert {r["source"] for r in rejects} == {"tests/fixtures/malformed.jsonl"}


def test_zero_accepted_records_stop_with_a_clear_message(run_name, tmp_path):
    bad = RunDirs(run_name).root / "all_bad.jsonl"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text('not json\n{"text": 1}\n' * 3, encoding="utf-8")
    p = load_params(
        "params/smoke.yaml",
        [f"run_name={run_name}", f"data.raw_files=[{bad}]", "data.split={train: 1, valid: 1, test: 1}"],
    )
    with pytest.raises(DataError, match=r"0 of 6 raw records were accepted .*rejects.jsonl"):
        convert(p)
    assert len(read_jsonl(RunDirs(run_name).data / "rejects.jsonl")) == 6


def test_fewer_records_than_the_split_needs_stop(run_name):
    p = load_params(
        "params/smoke.yaml",
        [
            f"run_name={run_name}",
            "data.raw_files=[tests/fixtures/malformed.jsonl]",
            "data.split={train: 5, valid: 1, test: 1}",
        ],
    )
    with pytest.raises(DataError, match=r"needs 7 records .* only 2 were accepted"):
        convert(p)
