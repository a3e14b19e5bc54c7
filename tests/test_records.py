"""Reading every supported raw format, and losing nothing when records are malformed."""

from __future__ import annotations

import json

import pytest

from edgecloud.data.raw_files import read_raw
from edgecloud.data.records import REASONS, convert_files
from edgecloud.jsonio import write_jsonl
from edgecloud.params import DEFAULT_FORWARD_REPLY

from conftest import FIXTURES

FMT = FIXTURES / "formats"


def convert(path, fmt="auto", max_chars=1024):
    return convert_files([path], fmt, DEFAULT_FORWARD_REPLY, max_chars)


def test_alpaca_jsonl_converts_with_labels_and_inferred_fields():
    acc, rej, counts = convert(FMT / "alpaca.jsonl")
    assert rej == [] and len(acc) == 3
    assert acc[0].query == "把客厅的灯关掉" and acc[0].response.startswith("好的")
    assert acc[1].query == "Translate into English\n早上好" and acc[1].needs_cloud is False
    assert acc[0].lang == "zh" and acc[1].lang == "zh"  # any Chinese in the request makes it zh
    assert acc[2].needs_cloud is True and acc[2].response == DEFAULT_FORWARD_REPLY
    assert counts == {"tests/fixtures/formats/alpaca.jsonl": {"read": 3, "accepted": 3, "rejected": 0}}


def test_sharegpt_json_array_converts_and_infers_forward_label_from_reply():
    acc, rej, _ = convert(FMT / "sharegpt.json")
    assert rej == [] and [e.category for e in acc] == ["arithmetic", "planning", "chitchat"]
    assert [e.needs_cloud for e in acc] == [False, True, False]
    assert acc[1].response == DEFAULT_FORWARD_REPLY  # the raw forward text is replaced by the fixed marker reply
    assert acc[0].line == 1 and acc[2].line == 3
    assert acc[0].lang == "en" and acc[2].lang == "zh"


def test_query_response_csv_converts_with_string_labels():
    acc, rej, _ = convert(FMT / "query_response.csv")
    assert rej == []
    assert [(e.id, e.needs_cloud) for e in acc] == [("qr-1", False), ("qr-2", False), ("qr-3", True)]
    assert acc[0].line == 2  # CSV line numbers count the header


def test_messages_jsonl_keeps_history_and_drops_foreign_system_prompt():
    acc, rej, _ = convert(FMT / "messages.jsonl")
    assert rej == []
    assert acc[1].needs_cloud is True
    assert acc[2].query == "Set a timer for 3 minutes"
    assert acc[2].history == [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    swift = acc[0].to_swift("SYSTEM")
    assert [m["role"] for m in swift["messages"]] == ["system", "user", "assistant"]
    assert swift["messages"][0]["content"] == "SYSTEM"


def test_forced_format_rejects_records_of_another_format():
    acc, rej, _ = convert(FMT / "messages.jsonl", fmt="alpaca")
    assert acc == [] and {r.reason for r in rej} == {"missing_field"}


def test_malformed_file_loses_nothing_and_names_every_reason():
    acc, rej, counts = convert(FIXTURES / "malformed.jsonl")
    c = counts["tests/fixtures/malformed.jsonl"]
    assert c["read"] == 16 and c["accepted"] + c["rejected"] == c["read"]
    assert [e.id for e in acc] == ["ok-1", "ok-2"]
    by_line = {r.line: r.reason for r in rej}
    assert by_line == {
        2: "bad_json",
        3: "not_an_object",
        4: "unknown_format",
        5: "bad_field_type",
        6: "unknown_role",
        7: "wrong_role_order",
        8: "empty_request",
        9: "empty_reply",
        10: "bad_label",
        11: "label_conflict",
        12: "too_long",
        13: "duplicate",
        14: "duplicate",
        15: "missing_field",
    }
    # the fixture covers every documented reason but those of undecodable text and CSV rows, which
    # tests/test_bad_inputs.py covers with files made at test time
    assert set(REASONS) - set(by_line.values()) == {"bad_encoding", "bad_csv_row"}
    dup = next(r for r in rej if r.line == 13)
    assert "malformed.jsonl:1" in dup.detail
    assert all(r.raw for r in rej)  # the raw text travels with the reject


def test_json_file_that_does_not_parse_is_one_rejected_record(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"query": "a"}, oops]', encoding="utf-8")
    acc, rej, counts = convert(bad)
    assert acc == [] and len(rej) == 1 and rej[0].reason == "bad_json"
    assert list(counts.values())[0] == {"read": 1, "accepted": 0, "rejected": 1}


@pytest.mark.parametrize("name", ["alpaca.jsonl", "sharegpt.json", "query_response.csv", "messages.jsonl"])
def test_raw_text_is_kept_for_every_format(name):
    recs = list(read_raw(FMT / name))
    assert recs and all(r.raw and r.error is None for r in recs)
    assert all(isinstance(json.loads(r.raw), (dict, list)) or r.raw for r in recs)


def raw_file(path, records):
    write_jsonl(path, records)
    return path


def test_messages_record_ending_in_the_request_takes_reply_and_label_from_its_fields(tmp_path):
    """The generator's conversation layout: history, then the final user turn; `response` and
    `needs_cloud` belong to that final turn."""
    raw = raw_file(
        tmp_path / "conv.jsonl",
        [
            {
                "id": "c-1",
                "lang": "zh",
                "category": "timer_reminder",
                "needs_cloud": False,
                "group": "g1",
                "messages": [
                    {"role": "user", "content": "证明√2是无理数"},
                    {"role": "assistant", "content": DEFAULT_FORWARD_REPLY},
                    {"role": "user", "content": "5分钟后提醒我喝水"},
                ],
                "response": "好的，5分钟后提醒你喝水。",
            },
            {
                "id": "c-2",
                "lang": "en",
                "category": "proof_derivation",
                "needs_cloud": True,
                "group": "g2",
                "messages": [
                    {"role": "user", "content": "Turn on the kitchen lights"},
                    {"role": "assistant", "content": "Okay, the kitchen lights are on."},
                    {"role": "user", "content": "Prove that √2 is irrational."},
                ],
                "response": None,
            },
            {
                "id": "c-3",
                "category": "chitchat",
                "needs_cloud": False,
                "messages": [
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello!"},
                    {"role": "user", "content": "Thanks"},
                ],
            },
        ],
    )
    acc, rej, _ = convert(raw)
    assert [e.id for e in acc] == ["c-1", "c-2"]
    edge, cloud = acc
    assert edge.query == "5分钟后提醒我喝水" and edge.needs_cloud is False
    assert edge.response == "好的，5分钟后提醒你喝水。"
    assert edge.history == [
        {"role": "user", "content": "证明√2是无理数"},
        {"role": "assistant", "content": DEFAULT_FORWARD_REPLY},
    ]
    assert cloud.query == "Prove that √2 is irrational." and cloud.needs_cloud is True
    assert cloud.response == DEFAULT_FORWARD_REPLY and len(cloud.history) == 2
    swift = edge.to_swift("SYSTEM")
    assert [m["role"] for m in swift["messages"]] == ["system", "user", "assistant", "user", "assistant"]
    assert swift["messages"][-1]["content"] == "好的，5分钟后提醒你喝水。"
    # an edge request with neither a final assistant turn nor `response` still has no reply
    assert len(rej) == 1 and rej[0].line == 3 and rej[0].reason == "empty_reply"


def test_forwarding_history_turns_get_the_configured_forward_reply(tmp_path):
    raw = raw_file(
        tmp_path / "conv.jsonl",
        [
            {
                "needs_cloud": False,
                "messages": [
                    {"role": "user", "content": "推导一下求根公式"},
                    {"role": "assistant", "content": "转发云端"},
                    {"role": "user", "content": "几点了"},
                    {"role": "assistant", "content": "现在是下午3点。"},
                    {"role": "user", "content": "关灯"},
                ],
                "response": "好的，灯已关闭。",
            },
        ],
    )
    acc, rej, _ = convert_files([raw], "auto", "FORWARD!", 1024)
    assert rej == []
    assert [m["content"] for m in acc[0].history] == ["推导一下求根公式", "FORWARD!", "几点了", "现在是下午3点。"]


def test_same_request_after_a_different_history_is_not_a_duplicate(tmp_path):
    def conv(rid, first, reply, final):
        return {
            "id": rid,
            "needs_cloud": False,
            "response": "Timer set for 5 minutes.",
            "messages": [
                {"role": "user", "content": first},
                {"role": "assistant", "content": reply},
                {"role": "user", "content": final},
            ],
        }

    raw = raw_file(
        tmp_path / "conv.jsonl",
        [
            {"id": "p-1", "query": "Set a timer for 5 minutes", "response": "Timer set for 5 minutes."},
            conv("h-1", "Hi", "Hello!", "Set a timer for 5 minutes"),
            conv("h-2", "Prove that √2 is irrational.", DEFAULT_FORWARD_REPLY, "Set a timer for 5 minutes"),
            conv("h-3", "hi", "Hello!", "set a timer for 5 minutes!"),  # h-1 again, up to case and punctuation
            {"id": "p-2", "query": "set a timer for 5 minutes.", "response": "Timer set for 5 minutes."},
        ],
    )
    acc, rej, _ = convert(raw)
    assert [e.id for e in acc] == ["p-1", "h-1", "h-2"]
    assert [(r.line, r.reason) for r in rej] == [(4, "duplicate"), (5, "duplicate")]
    assert "conv.jsonl:2" in rej[0].detail and "conv.jsonl:1" in rej[1].detail
