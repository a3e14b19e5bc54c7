"""The tables the notebooks 03-08 show, each built by one function of the package (no table built in a notebook cell).

Each test feeds a small report of the shape the stage writes and checks the rows and values; where the notebook
used to build the table inline, the old cell's expression is kept here as the reference, so the notebook shows
exactly what it showed before.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from edgecloud.edge import report as edge_report
from edgecloud.eval.evaluate import errors_table
from edgecloud.params import load_params
from edgecloud.publish import numbers, thesis
from edgecloud.serve import e2e_report, smoke
from edgecloud.train.preflight import preflight_table

ROOT = Path(__file__).resolve().parents[1]

PREFLIGHT = {
    "ok": True,
    "problems": [],
    "max_length": 512,
    "token_lengths": {"train": {"n": 40, "max": 301, "p95": 188.5}, "valid": {"n": 10, "max": 97, "p95": 90}},
    "over_max_length": {"train": 0, "valid": 2},
    "over_max_length_ids": {"train": [], "valid": ["a", "b"]},
    "base_params": 134_515_008,
    "lora_trainable_params": 1_221_120,
    "disk_needed_bytes": 75 * 2**20,
    "disk_free_bytes": int(70.25 * 2**30),
    "memory_needed_bytes_estimate": int(2.5 * 2**30),
    "memory_available_bytes": int(11.04 * 2**30),
}


def test_preflight_table_one_row_per_check():
    df = preflight_table(PREFLIGHT)
    assert df.values.tolist() == [
        ["token length train (max / p95)", "301 / 188.5 (max_length 512)"],
        ["token length valid (max / p95)", "97 / 90"],
        ["records over max_length", "train 0, valid 2"],
        ["LoRA trainable parameters", "1,221,120 of 134,515,008"],
        ["disk needed / free", "75 MiB / 70.2 GiB"],
        ["memory needed (est.) / available", "2.5 GiB / 11.0 GiB"],
    ]


def test_errors_table_lists_each_wrongly_routed_request_and_is_empty_without_errors():
    errors = [
        {
            "id": "edge-0007",
            "lang": "zh",
            "category": "planning",
            "needs_cloud": True,
            "query": "帮我安排三天",
            "reply": "好的",
            "edge_reply": "好的",
            "score": -1.25,
            "decision_calibrated": False,
        },
        {
            "id": "edge-0031",
            "lang": "en",
            "category": "lookup",
            "needs_cloud": False,
            "query": "weather?",
            "reply": None,
            "edge_reply": "[转发云端]",
            "score": 0.4,
            "decision_calibrated": True,
        },
    ]
    df = errors_table({"errors_calibrated": errors})
    assert list(df.columns) == list(errors[0])
    assert df["id"].tolist() == ["edge-0007", "edge-0031"] and df["score"].tolist() == [-1.25, 0.4]
    assert df.equals(pd.DataFrame(errors))  # what the 04 notebook showed before
    assert len(errors_table({"errors_calibrated": []})) == 0
    assert len(errors_table({})) == 0  # a report without the key (older runs)


SMOKE = {
    "health": [
        {"part": "gateway", "ok": True, "detail": "200", "url": "http://127.0.0.1:1/healthz"},
        {"part": "edge", "ok": False, "detail": "connection refused", "url": "http://127.0.0.1:2"},
    ],
    "requests": [
        {
            "name": "simple",
            "label": "简单请求 simple",
            "expect": "reply",
            "http_status": 200,
            "tier": "edge",
            "status": "ok",
            "edge_decision": "answer",
            "latency_s": 0.4321,
            "ok": True,
            "reply": "好的，客厅的灯已打开。",
        },
        {
            "name": "bad",
            "label": "错误请求 bad",
            "expect": "error",
            "http_status": 400,
            "error_code": "invalid_request",
            "latency_s": 0.01,
            "ok": True,
            "error_message": "messages must not be empty",
        },
    ],
}


def test_smoke_health_and_requests_tables():
    health = smoke.health_table(SMOKE)
    assert health.values.tolist() == [["gateway", True, "200"], ["edge", False, "connection refused"]]
    requests = smoke.requests_table(SMOKE)
    assert requests.values.tolist() == [
        ["简单请求 simple", 200, "edge / ok", "answer", "0.43", "yes", "好的，客厅的灯已打开。"],
        ["错误请求 bad", 400, "error invalid_request", "-", "0.01", "yes", "messages must not be empty"],
    ]
    assert requests.equals(pd.DataFrame(smoke.request_rows(SMOKE)))  # the Markdown report's rows


def test_web_cases_table_keeps_the_checked_fields_in_order():
    web = {
        "cases": [
            {
                "id": "c01",
                "expected_tier": "edge",
                "tier_shown": "edge",
                "response_tier": "edge",
                "latency_badge": "0.8 s",
                "non_empty": True,
                "tier_matches": True,
                "ok": True,
                "reply": "x",
            },
            {
                "id": "c02",
                "expected_tier": "cloud",
                "tier_shown": None,
                "response_tier": "cloud",
                "latency_badge": None,
                "non_empty": False,
                "tier_matches": False,
                "ok": False,
                "reply": "",
            },
        ]
    }
    df = e2e_report.web_cases_table(web)
    assert list(df.columns) == [
        "id",
        "expected_tier",
        "tier_shown",
        "response_tier",
        "latency_badge",
        "non_empty",
        "tier_matches",
        "ok",
    ]
    assert df["id"].tolist() == ["c01", "c02"] and df["ok"].tolist() == [True, False]
    assert "reply" not in df.columns


def test_replies_table_puts_the_first_replies_of_each_measured_variant_side_by_side():
    report = {
        "variants": [
            {"variant": "fp32", "status": "ok", "replies": [{"reply": f"a{i}"} for i in range(8)]},
            {"variant": "q4_k_m", "status": "failed", "replies": []},
            {"variant": "int8", "status": "ok", "replies": [{"reply": f"b{i}"} for i in range(8)]},
        ]
    }
    df = edge_report.replies_table(report)
    assert list(df.columns) == ["fp32", "int8"]
    assert df.values.tolist() == [[f"a{i}", f"b{i}"] for i in range(6)]
    assert len(edge_report.replies_table(report, n=2)) == 2


def test_numbers_table_of_a_run_without_reports_shows_each_macro_as_missing():
    params = load_params(ROOT / "params" / "smoke.yaml", ["run_name=tables_no_reports"])
    nums = numbers.collect(params)
    df = numbers.numbers_table(nums)
    assert list(df.columns) == ["macro", "value", "description", "source"]
    assert len(df) == len(numbers.NUMBERS) == len(nums) > 5
    assert all(re.fullmatch(r"\\Edge[A-Za-z]+", m) for m in df["macro"])
    assert set(df["value"]) == {"?? (report missing or unreadable)"}


def test_numbers_table_shows_a_value_when_its_report_is_there(tmp_path):
    nums = {
        "EdgeTestRecords": {"text": "1000", "missing": None, "description": "records", "source": "r.json"},
        "EdgeTestAcc": {"text": None, "missing": "key x missing", "description": "acc", "source": "e.json"},
    }
    assert numbers.numbers_table(nums).values.tolist() == [
        ["\\EdgeTestRecords", "1000", "records", "r.json"],
        ["\\EdgeTestAcc", "?? (key x missing)", "acc", "e.json"],
    ]


def test_sync_file_tables_count_by_status_and_list_what_changed():
    files = [
        {"dest": "generated/a.tex", "source": "figures/t/a.tex", "status": "unchanged", "sha256": "1", "reason": None},
        {"dest": "generated/b.tex", "source": "figures/t/b.tex", "status": "updated", "sha256": "2", "reason": None},
        {"dest": None, "source": "figures/t/c.png", "status": "skipped", "sha256": "3", "reason": "no rule"},
        {"dest": "generated/d.tex", "source": "figures/t/d.tex", "status": "unchanged", "sha256": "4", "reason": None},
    ]
    report = {"files": files}
    counts = thesis.files_by_status_table(report)
    assert counts["files"].to_dict() == {"skipped": 1, "unchanged": 2, "updated": 1}
    changed = thesis.changed_files_table(report)
    assert list(changed.columns) == ["dest", "source", "status", "reason"]
    assert changed[["source", "status"]].values.tolist() == [
        ["figures/t/b.tex", "updated"],
        ["figures/t/c.png", "skipped"],
    ]
    assert changed["dest"].tolist()[0] == "generated/b.tex" and changed["reason"].tolist()[1] == "no rule"


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("0*.py")), ids=lambda p: p.stem)
def test_no_notebook_cell_builds_a_table(notebook):
    """pandas is not imported by any stage notebook: its tables come from the package."""
    code = notebook.read_text(encoding="utf-8")
    assert not re.search(r"^\s*import pandas|pd\.DataFrame|DataFrame\(", code, re.M), notebook.name
    cells = json.loads(notebook.with_suffix(".ipynb").read_text(encoding="utf-8"))["cells"]
    assert not any("DataFrame(" in "".join(c["source"]) for c in cells), notebook.with_suffix(".ipynb").name
