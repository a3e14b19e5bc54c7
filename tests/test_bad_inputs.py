"""Bad raw files never pass silently: each is either read record by record (a record that cannot be
used is rejected with its line and reason, never altered) or stopped with an error that names the
file and says what to do.

Every file is made in tmp_path at test time from the rows of CASES (no binary fixtures in git).
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from edgecloud.data.convert import convert
from edgecloud.data.raw_files import MAX_RAW_BYTES
from edgecloud.data.records import convert_files
from edgecloud.errors import DataError, ParamsError
from edgecloud.params import DEFAULT_FORWARD_REPLY, load_params
from edgecloud.paths import RunDirs

SAVE = "save the file as UTF-8"


def rec(query: str, response: str = "Okay.") -> dict:
    return {"query": query, "response": response, "needs_cloud": False}


def jsonl(*records: dict) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)


GOOD = jsonl(rec("Turn on the light"), rec("Set a timer for 5 minutes"))


@dataclass
class Read:
    """The file is read: `accepted` records go through, `rejects` are (line, reason, phrase of the detail)."""

    accepted: int
    rejects: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Fails:
    """Reading stops with a DataError whose message names the file and holds every phrase."""

    phrases: tuple[str, ...]


Builder = Callable[[Path], Path]


def make(name: str, content: bytes) -> Builder:
    def build(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(content)
        return path

    return build


def directory(tmp: Path) -> Path:
    d = tmp / "raw_dir.jsonl"
    d.mkdir()
    (d / "part1.jsonl").write_bytes(GOOD)
    return d


def symlink_loop(tmp: Path) -> Path:
    link = tmp / "loop.jsonl"
    link.symlink_to(link)
    return link


def broken_link(tmp: Path) -> Path:
    link = tmp / "gone.jsonl"
    link.symlink_to(tmp / "nowhere.jsonl")
    return link


def huge(tmp: Path) -> Path:
    path = tmp / "huge.jsonl"
    with path.open("wb") as fh:  # sparse: no disk blocks are written
        fh.write(GOOD)
        fh.truncate(MAX_RAW_BYTES + 1)
    return path


LATIN1_JSON = json.dumps(
    [rec("Allume la lumière du salon"), rec("What time is it"), rec("Café au lait, s'il te plaît")],
    ensure_ascii=False,
    indent=1,
).encode("latin-1")

CASES: list[tuple[str, Builder, Read | Fails]] = [
    # -- 1. text that is not UTF-8: the record is rejected, never altered; the others go through
    (
        "jsonl line with stray bytes",
        make(
            "stray.jsonl",
            GOOD + b'{"query": "caf\xe9 \xff\xfe light on", "response": "ok"}\n' + jsonl(rec("What time is it")),
        ),
        Read(3, [(3, "bad_encoding", "line 3, column 15 (byte offset")]),
    ),
    (
        "jsonl file in Latin-1",
        make(
            "latin1.jsonl",
            jsonl(rec("Allume la lumière"), rec("Set an alarm"), rec("Réveille-moi à 7h")).decode().encode("latin-1"),
        ),
        Read(1, [(1, "bad_encoding", "0xE8 are not UTF-8"), (3, "bad_encoding", SAVE)]),
    ),
    (
        "json array in Latin-1",
        make("latin1.json", LATIN1_JSON),
        Read(1, [(1, "bad_encoding", "item 1, line 3, column"), (3, "bad_encoding", "item 3, line")]),
    ),
    # -- 2. a CSV that is not UTF-8: the same policy, row by row (was a raw UnicodeDecodeError)
    (
        "csv in Windows-1252",
        make("cp1252.csv", "query,response\nWhat’s the time,It is 3 pm\nSet a timer,Done\n".encode("cp1252")),
        Read(1, [(2, "bad_encoding", "line 2, column 5 (byte offset 19): bytes 0x92")]),
    ),
    (
        "csv header not UTF-8",
        make("header.csv", "requête,réponse\nx,y\n".encode("latin-1")),
        Fails(("the CSV header is not UTF-8", "line 1, column", SAVE)),
    ),
    # -- 3. a UTF-8 byte-order mark is skipped everywhere
    (
        "csv with BOM (Excel 'CSV UTF-8')",
        make("excel.csv", codecs.BOM_UTF8 + "query,response\n打开灯,好的\nHi,Hello\n".encode()),
        Read(2),
    ),
    ("jsonl with BOM", make("bom.jsonl", codecs.BOM_UTF8 + GOOD), Read(2)),
    ("json with BOM", make("bom.json", codecs.BOM_UTF8 + json.dumps([rec("Hi")]).encode()), Read(1)),
    # -- 6. unreadable files are named, with what is wrong
    (
        "invalid json file",
        make("broken.json", b'[\n  {"query": "a", "response": "b"},\n  oops\n]'),
        Read(0, [(3, "bad_json", "line 3, column 3: expected a JSON value")]),
    ),
    ("empty file", make("empty.jsonl", b""), Fails(("is empty (0 bytes)", "remove it from data.raw_files"))),
    ("only blank lines", make("blank.jsonl", b"\n  \n\n"), Fails(("holds no records (only blank lines)",))),
    ("csv with only a header", make("header_only.csv", b"query,response\n"), Fails(("no rows after the header",))),
    ("empty json array", make("empty.json", b"[]"), Fails(("an empty JSON array",))),
    ("a directory", directory, Fails(("is a directory, not a file", "part1.jsonl", "list the files themselves"))),
    # -- 7. bad_json details say line and column in words
    (
        "raw tab in a string",
        make("tab.jsonl", GOOD + b'{"query": "Set a timer for\t5 minutes", "response": "ok"}\n'),
        Read(
            2,
            [
                (
                    3,
                    "bad_json",
                    "line 3, column 27: invalid control character (a tab; a raw newline or tab inside a "
                    "string? escape it",
                )
            ],
        ),
    ),
    (
        "two records on one line",
        make("two.jsonl", b'{"query": "a", "response": "b"} {"query": "c", "response": "d"}\n'),
        Read(
            0,
            [(1, "bad_json", "line 1, column 33: more text after the end of the JSON value (two records on one line?")],
        ),
    ),
    (
        "single quotes",
        make("single.jsonl", b"{'query': 'a', 'response': 'b'}\n" + GOOD),
        Read(2, [(1, "bad_json", "line 1, column 2: expected a key in double quotes")]),
    ),
    # -- also: other encodings, binary files, NUL bytes, size, links, CSV structure
    (
        "utf-16 with BOM",
        make("utf16.jsonl", GOOD.decode().encode("utf-16")),
        Fails(("is UTF-16 (little-endian) text", SAVE)),
    ),
    (
        "utf-16 big-endian csv",
        make("utf16be.csv", codecs.BOM_UTF16_BE + "query,response\nx,y\n".encode("utf-16-be")),
        Fails(("is UTF-16 (big-endian) text", SAVE)),
    ),
    ("utf-32", make("utf32.json", "[]".encode("utf-32")), Fails(("is UTF-32 (little-endian) text", SAVE))),
    ("excel workbook", make("book.csv", b"PK\x03\x04" + b"\x00" * 40), Fails(("a ZIP archive", "CSV UTF-8"))),
    (
        "NUL byte in a line",
        make("nul.jsonl", GOOD + b'{"query": "a\x00b", "response": "ok"}\n'),
        Read(2, [(3, "bad_encoding", f"line 3, column 13 (byte offset {len(GOOD) + 12}): a NUL byte")]),
    ),
    (
        "NUL byte in a json file",
        make("nul.json", b'[{"query": "a", "response": "b"},\n {"query": "\x00"}]'),
        Read(0, [(2, "bad_encoding", "line 2, column 13 (byte offset 46): a NUL byte")]),
    ),
    (
        "NUL byte in a csv row",
        make("nul.csv", b"query,response\na\x00b,ok\nc,d\n"),
        Read(1, [(2, "bad_encoding", "a NUL byte")]),
    ),
    (
        "lone surrogate escape",
        make("surrogate.jsonl", b'{"query": "smile \\ud83d", "response": "ok"}\n' + GOOD),
        Read(2, [(1, "bad_encoding", "field 'query' holds U+D83D")]),
    ),
    ("huge file (sparse)", huge, Fails(("over the 2,147,483,648-byte (2 GiB) limit", "split it into smaller files"))),
    ("symbolic link loop", symlink_loop, Fails(("is a symbolic link loop", "fix the link"))),
    (
        "broken symbolic link",
        broken_link,
        Fails(("gone.jsonl is a broken symbolic link: it points to", "nowhere.jsonl")),
    ),
    (
        "csv row with an unquoted comma",
        make("comma.csv", b"id,query,response\n1,Hello, world,Hi!\n2,x,y\n"),
        Read(1, [(2, "bad_csv_row", "4 values but the header has 3 columns (an unquoted comma")]),
    ),
    (
        "csv value under an unnamed column",
        make("unnamed.csv", b"query,,response\na,oops,b\nc,,d\n"),
        Read(1, [(2, "bad_csv_row", "a value in column 2, which has no name")]),
    ),
    (
        "csv unclosed quote",
        make("quote.csv", b'query,response\nx,y\n"never closed,z\nw,v\n'),
        Fails(("line 3: not valid CSV (unexpected end of data)", "double quotes")),
    ),
    (
        "csv header naming a column twice",
        make("twice.csv", b"query,response,query\na,b,c\n"),
        Fails(("names 'query' more than once",)),
    ),
    (
        "CRLF and CR line endings",
        make("crlf.jsonl", GOOD.replace(b"\n", b"\r\n") + jsonl(rec("Hi")).replace(b"\n", b"\r")),
        Read(3),
    ),
]


@pytest.mark.parametrize("name,build,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_raw_file(tmp_path, name, build, expected):
    path = build(tmp_path)
    if isinstance(expected, Fails):
        with pytest.raises(DataError) as info:
            convert_files([path], "auto", DEFAULT_FORWARD_REPLY, 1024)
        message = str(info.value)
        assert path.name in message, message
        for phrase in expected.phrases:
            assert phrase in message, message
        return
    accepted, rejects, counts = convert_files([path], "auto", DEFAULT_FORWARD_REPLY, 1024)
    (c,) = counts.values()
    assert c["accepted"] + c["rejected"] == c["read"]
    assert (c["accepted"], c["rejected"]) == (expected.accepted, len(expected.rejects)) == (len(accepted), len(rejects))
    assert [(r.line, r.reason) for r in rejects] == [(line, reason) for line, reason, _ in expected.rejects]
    for r, (_, _, phrase) in zip(rejects, expected.rejects):
        assert phrase in r.detail, r.detail
        assert r.source.endswith(path.name) and r.raw
        json.dumps(r.to_dict(), ensure_ascii=False).encode("utf-8")  # the rejects file can hold it
    for ex in accepted:  # nothing accepted was altered by decoding
        for text in (ex.query, ex.response, *(m["content"] for m in ex.history)):
            assert "\ufffd" not in text and text.encode("utf-8")


def test_bad_bytes_are_shown_not_replaced_in_the_reject(tmp_path):
    path = make("stray.jsonl", b'{"query": "caf\xe9 \xff\xfe light on", "response": "ok"}\n' + GOOD)(tmp_path)
    _, rejects, _ = convert_files([path], "auto", DEFAULT_FORWARD_REPLY, 1024)
    assert rejects[0].raw == '{"query": "caf\\xe9 \\xff\\xfe light on", "response": "ok"}'
    assert "bytes 0xE9 are not UTF-8" in rejects[0].detail


# ---------------------------------------------------------------------------------------------
# The same files through load_params (its data check reads them with the same reader) and convert


def params_for(write_params, raw: Path, split: str = "{train: 40, valid: 10, test: 10}") -> Path:
    return write_params(f"data:\n  raw_files: ['{raw}']\n  split: {split}\n")


def test_csv_not_utf8_is_named_by_the_params_check_not_a_traceback(write_params, tmp_path):
    raw = make("cp1252.csv", "query,response\nWhat’s the time,It is 3 pm\n".encode("cp1252"))(tmp_path)
    with pytest.raises(ParamsError) as info:
        load_params(params_for(write_params, raw))
    msg = str(info.value)
    assert "hold only 0 readable records" in msg and "cp1252.csv: 0 (1 unreadable" in msg
    assert "bad_encoding: line 2, column 5 (byte offset 19)" in msg and SAVE in msg


def test_invalid_json_file_is_named_with_line_and_column_by_the_params_check(write_params, tmp_path):
    raw = make("broken.json", b'[\n  {"query": "a", "response": "b"},\n  oops\n]')(tmp_path)
    with pytest.raises(
        ParamsError,
        match=r"broken\.json: 0 \(1 unreadable, the first: bad_json: line 3, column 3: "
        r"expected a JSON value",
    ):
        load_params(params_for(write_params, raw))


@pytest.mark.parametrize(
    "build,phrase",
    [
        (make("empty.jsonl", b""), "is empty (0 bytes)"),
        (directory, "is a directory, not a file"),
        (symlink_loop, "is a symbolic link loop"),
        (make("utf16.jsonl", GOOD.decode().encode("utf-16")), "is UTF-16 (little-endian) text"),
    ],
    ids=["empty", "directory", "symlink loop", "utf-16"],
)
def test_unreadable_raw_file_is_named_by_the_params_check(write_params, tmp_path, build, phrase):
    raw = build(tmp_path)
    with pytest.raises(ParamsError) as info:
        load_params(params_for(write_params, raw))
    msg = str(info.value)
    assert "key 'data.raw_files.0'" in msg and raw.name in msg and phrase in msg, msg


def test_bad_encoding_line_lands_in_the_rejects_file(run_name, tmp_path):
    raw = make(
        "mixed.jsonl",
        jsonl(*(rec(f"Set a timer for {n} minutes") for n in range(1, 5)))
        + b'{"query": "caf\xe9 light on", "response": "ok"}\n',
    )(tmp_path)
    p = load_params(
        "params/smoke.yaml",
        [f"run_name={run_name}", f"data.raw_files=['{raw}']", "data.split={train: rest, valid: 1, test: 1}"],
    )
    rep = convert(p).report
    assert (rep["read"], rep["accepted"], rep["rejected"]) == (5, 4, 1)
    assert rep["rejects_by_reason"] == {"bad_encoding": 1}
    text = (RunDirs(run_name).data / "rejects.jsonl").read_text(encoding="utf-8")
    (reject,) = [json.loads(line) for line in text.splitlines()]
    assert reject["line"] == 5 and reject["reason"] == "bad_encoding" and "caf\\xe9" in reject["raw"]
    assert "\ufffd" not in text
    for split in ("train", "valid", "test"):
        assert "\ufffd" not in (RunDirs(run_name).data / f"{split}.jsonl").read_text(encoding="utf-8")


def test_too_few_accepted_records_point_to_the_rejects_file(run_name, tmp_path):
    # 4 readable records pass the params check; one is a duplicate, so only 3 are accepted
    raw = make("few.jsonl", GOOD + b"not json\n" + jsonl(rec("Hi"), rec("Hi")))(tmp_path)
    p = load_params(
        "params/smoke.yaml",
        [f"run_name={run_name}", f"data.raw_files=['{raw}']", "data.split={train: rest, valid: 2, test: 1}"],
    )
    rejects = f"outputs/{run_name}/data/rejects.jsonl"
    with pytest.raises(
        DataError,
        match=rf"only 3 records were accepted: not enough .* 2 of 5 raw records were "
        rf"rejected .*see {rejects}",
    ):
        convert(p)


def test_split_larger_than_accepted_records_points_to_the_rejects_file(run_name, tmp_path):
    # 5 readable records pass the params check; one is a duplicate, so only 4 are accepted
    raw = make("few.jsonl", GOOD + b"not json\n" + jsonl(rec("Hi"), rec("Bye"), rec("Hi")))(tmp_path)
    p = load_params(
        "params/smoke.yaml",
        [f"run_name={run_name}", f"data.raw_files=['{raw}']", "data.split={train: 3, valid: 1, test: 1}"],
    )
    with pytest.raises(
        DataError,
        match=rf"only 4 were accepted; 2 of 6 raw records were rejected .*"
        rf"see outputs/{run_name}/data/rejects.jsonl",
    ):
        convert(p)
