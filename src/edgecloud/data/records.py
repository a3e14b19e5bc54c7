"""Reading raw files in the formats people have, and turning each record into one edge example.

Every raw record ends in exactly one place: an accepted `Example` or a `Reject` carrying the file,
line and reason. Nothing is dropped silently, so `accepted + rejected == read` always holds.
"""
from __future__ import annotations

import codecs
import csv
import errno
import json
import re
import stat
from dataclasses import asdict, dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import IO, Any, Iterator

from edgecloud.errors import DataError
from edgecloud.paths import rel
from edgecloud.routing import is_forward

FORMATS = ("query_response", "alpaca", "sharegpt", "messages")

# Reasons a record is rejected (the keys of the data check's `rejects_by_reason`).
REASONS = {
    "bad_json": "the line is not valid JSON",
    "not_an_object": "the record is not a JSON object",
    "unknown_format": "no known format fits the record's keys",
    "missing_field": "a field the format requires is missing",
    "bad_field_type": "a field has the wrong type",
    "unknown_role": "a message role is not system/user/assistant",
    "wrong_role_order": "messages are not [system] user assistant (user assistant)...",
    "empty_request": "the user request is empty",
    "empty_reply": "an edge record has no reference reply",
    "bad_label": "needs_cloud is not true/false",
    "label_conflict": "needs_cloud is false but the reply forwards to the cloud",
    "too_long": "the request or reply is longer than data.max_chars",
    "duplicate": "the same request (or id) appeared earlier",
    "bad_encoding": "the record is not UTF-8 text (bytes of another encoding, a NUL byte, a lone surrogate)",
    "bad_csv_row": "a CSV row has values outside the header's named columns (an unquoted comma?)",
}


@dataclass
class RawRecord:
    """One record as read from disk, before any interpretation."""

    source: str  # file path relative to the workspace root
    line: int  # 1-based line (JSONL, CSV) or item number (JSON array)
    raw: str  # the text as read (for the rejects file; bytes that are not UTF-8 shown as \\xNN)
    data: Any = None
    error: str | None = None  # set when the record could not even be parsed: where and what is wrong
    reason: str | None = None  # the reject reason that goes with `error` (bad_json, bad_encoding, bad_csv_row)


@dataclass
class Reject:
    source: str
    line: int
    reason: str
    detail: str
    raw: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Example:
    """A normalised single-turn example of the edge task."""

    id: str
    lang: str
    category: str
    needs_cloud: bool
    group: str
    query: str
    response: str
    source: str
    line: int
    history: list[dict[str, str]] = field(default_factory=list)

    def to_swift(self, system_prompt: str) -> dict[str, Any]:
        """ms-swift `messages` format, with the metadata the evaluation needs alongside."""
        messages = [{"role": "system", "content": system_prompt}, *self.history,
                    {"role": "user", "content": self.query}, {"role": "assistant", "content": self.response}]
        return {"messages": messages, "id": self.id, "lang": self.lang, "category": self.category,
                "needs_cloud": self.needs_cloud, "group": self.group}


class _Rejected(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# ---------------------------------------------------------------------------------------------
# Reading files


# Every raw file is read by `read_raw`, with one policy for every format:
# - the text is UTF-8; a UTF-8 byte-order mark (Excel's "CSV UTF-8", Notepad) is skipped;
# - a record (a JSONL line, a CSV row, an item of a JSON array) holding bytes that are not UTF-8 or a
#   NUL byte is rejected as `bad_encoding` with its line, column and byte offset: never decoded with
#   replacement characters, never altered; the other records of the file still go through;
# - a file that cannot be read as text at all stops with a DataError naming it and saying what to do:
#   missing, a directory, a symbolic link loop, not a regular file, empty or without records, over
#   MAX_RAW_BYTES, UTF-16/UTF-32 (a byte-order mark), a ZIP/Excel/gzip/Parquet file.

MAX_RAW_BYTES = 2 * 1024**3  # refused before reading: the converter holds every record in memory
SAVE_AS_UTF8 = "save the file as UTF-8 (Excel: 'CSV UTF-8'; an editor: encoding UTF-8)"

_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32 (little-endian)"), (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)"),
              (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)"), (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)"))
_BINARY_MAGIC = ((b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?)"),
                 (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
                 (b"\x1f\x8b", "gzip-compressed"), (b"PAR1", "a Parquet file"))
_UNDECODABLE = re.compile("[\udc80-\udcff]+")  # bytes that are not UTF-8, after surrogateescape decoding
_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")
_JSON_WS = re.compile(r"[ \t\n\r]*")


def printable(text: str) -> str:
    """`text` safe to write as UTF-8: bytes that were not UTF-8 show as \\xNN, lone surrogates as \\udNNN."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _check_raw_file(path: Path, source: str) -> None:
    """Raise DataError, naming the file and what to do, unless `path` is a regular file that can be read."""
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            link = f"{rel(path.parent)}/{path.name}"  # the link itself: `source` is where it points
            raise DataError(f"{link} is a broken symbolic link: it points to {source}, which does not exist; "
                            "fix the link or list the real file in data.raw_files") from None
        raise DataError(f"file not found: {source} (paths are relative to the workspace root)") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError(f"{source} is a symbolic link loop (the link never reaches a file): "
                            "fix the link or list the real file in data.raw_files") from None
        raise DataError(f"{source}: cannot read it ({exc.strerror}); check the path and its permissions") from None
    if stat.S_ISDIR(st.st_mode):
        inside = sorted(p.name for p in path.iterdir() if p.suffix.lower() in (".jsonl", ".json", ".csv"))[:3]
        example = f" (it holds {', '.join(inside)}{', ...' if len(inside) == 3 else ''})" if inside else ""
        raise DataError(f"{source} is a directory, not a file{example}: list the files themselves in "
                        "data.raw_files")
    if not stat.S_ISREG(st.st_mode):
        raise DataError(f"{source} is not a regular file (a pipe, socket or device?): save the data to a "
                        ".jsonl, .json or .csv file and list that in data.raw_files")
    if st.st_size > MAX_RAW_BYTES:
        raise DataError(f"{source} is {st.st_size:,} bytes, over the {MAX_RAW_BYTES:,}-byte (2 GiB) limit for a raw "
                        "file: refused before reading (every record is held in memory); split it into smaller "
                        "files and list them all in data.raw_files")
    if st.st_size == 0:
        raise DataError(f"{source} is empty (0 bytes): put the records in it or remove it from data.raw_files")


def _text_start(fh: IO[bytes], source: str) -> int:
    """Byte offset where the text starts (past a UTF-8 byte-order mark); stop on UTF-16/32 and binary files."""
    head = fh.read(4)
    for bom, name in _WIDE_BOMS:
        if head.startswith(bom):
            raise DataError(f"{source} is {name} text (it starts with that byte-order mark): raw files are read "
                            f"as UTF-8 only; {SAVE_AS_UTF8}")
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            raise DataError(f"{source} is {name}, not text: export the data as UTF-8 JSONL, JSON or CSV "
                            "(Excel: Save As 'CSV UTF-8') and list that file in data.raw_files")
    start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    fh.seek(start)
    return start


def _physical_lines(fh: IO[bytes], offset: int) -> Iterator[tuple[int, int, bytes]]:
    """(1-based line, byte offset, bytes with the line ending), split at \\n, \\r\\n and \\r like text mode."""
    lineno = 0
    for chunk in fh:
        for piece in (_LONE_CR.split(chunk) if b"\r" in chunk else (chunk,)):
            if piece:
                lineno += 1
                yield lineno, offset, piece
                offset += len(piece)


class _Locator:
    """Line, column and byte offset of positions in a decoded text, asked for in increasing order."""

    def __init__(self, text: str, first_line: int = 1, offset: int = 0):
        self.text, self.line, self.byte = text, first_line, offset
        self.pos = self.line_start = 0

    def at(self, pos: int) -> tuple[int, int, int]:
        t = self.text
        if (n := t.count("\n", self.pos, pos)):
            self.line += n
            self.line_start = t.rfind("\n", self.pos, pos) + 1
        self.byte += len(t[self.pos:pos].encode("utf-8", "surrogateescape"))
        self.pos = pos
        return self.line, pos - self.line_start + 1, self.byte


def _encoding_problem(loc: _Locator, start: int = 0, end: int | None = None) -> tuple[int, str] | None:
    """(line, detail) of the first byte that is not UTF-8, or NUL byte, in loc.text[start:end], or None."""
    text = loc.text
    end = len(text) if end is None else end
    m = _UNDECODABLE.search(text, start, end)
    if m:
        line, col, byte = loc.at(m.start())
        shown = " ".join(f"0x{ord(c) - 0xDC00:02X}" for c in m.group()[:4]) + (" ..." if len(m.group()) > 4 else "")
        return line, (f"line {line}, column {col} (byte offset {byte}): bytes {shown} are not UTF-8 (the file is "
                      f"in another encoding: Latin-1, Windows-1252, GBK?); {SAVE_AS_UTF8}")
    nul = text.find("\x00", start, end)
    if nul >= 0:
        line, col, byte = loc.at(nul)
        return line, (f"line {line}, column {col} (byte offset {byte}): a NUL byte (0x00), which text never holds "
                      f"(UTF-16 without a byte-order mark, or a binary file?); {SAVE_AS_UTF8}")
    return None


_JSON_HINTS = (
    ("Expecting value", "expected a JSON value (a missing value, a trailing comma, or text that is not JSON?)"),
    ("Expecting property name enclosed in double quotes",
     "expected a key in double quotes (a trailing comma, or single quotes instead of double ones?)"),
    ("Expecting ',' delimiter", "expected ',' or a closing bracket (a missing comma, or an unescaped \" inside a string?)"),
    ("Expecting ':' delimiter", "expected ':' after the key"),
    ("Unterminated string", "a string is never closed (a missing closing quote, or a record broken across lines?)"),
    ("Invalid \\escape", "invalid backslash escape (a Windows path or a regex? write \\\\ for a backslash)"),
    ("Invalid \\uXXXX escape", "invalid \\uXXXX escape (\\u takes four hex digits)"),
    ("Unexpected UTF-8 BOM", "a byte-order mark (U+FEFF) inside the file (files joined together? remove it)"),
)


def json_error_detail(exc: json.JSONDecodeError, line: int | None = None, jsonl: bool = True) -> str:
    """A JSON syntax error in words, with its line and column: `line` is the file line of a JSONL record."""
    where = f"line {exc.lineno if line is None else line}, column {exc.colno}"
    if exc.msg.startswith("Invalid control character"):
        ch = exc.doc[exc.pos] if exc.pos < len(exc.doc) else "?"
        name = {"\t": "a tab", "\n": "a newline", "\r": "a carriage return"}.get(ch, f"U+{ord(ch):04X}")
        what = (f"invalid control character ({name}; a raw newline or tab inside a string? escape it as \\n or "
                "\\t)")
    elif exc.msg.startswith("Extra data"):
        what = ("more text after the end of the JSON value (" + ("two records on one line? put one record per line)"
                if jsonl else "several JSON documents in one file? make it one JSON array, or save it as .jsonl)"))
    else:
        what = next((hint for prefix, hint in _JSON_HINTS if exc.msg.startswith(prefix)),
                    exc.msg[:1].lower() + exc.msg[1:])
    return f"{where}: {what}"


def read_raw(path: Path) -> Iterator[RawRecord]:
    """Yield every record of a JSONL, JSON (array or single object) or CSV file (see the policy above)."""
    source = rel(path)
    _check_raw_file(path, source)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise DataError(f"{source}: cannot open it ({exc.strerror}); check its permissions") from None
    suffix = path.suffix.lower()
    reader = _read_csv if suffix == ".csv" else _read_json if suffix == ".json" else _read_jsonl
    n = 0
    with fh:
        for rec in reader(fh, source, _text_start(fh, source)):
            n += 1
            yield rec
    if n == 0:
        what = {".csv": "no rows after the header", ".json": "an empty JSON array"}.get(suffix, "only blank lines")
        raise DataError(f"{source} holds no records ({what}): put the records in it or remove it from "
                        "data.raw_files")


def _read_jsonl(fh: IO[bytes], source: str, start: int) -> Iterator[RawRecord]:
    for lineno, offset, chunk in _physical_lines(fh, start):
        line = chunk.decode("utf-8", "surrogateescape").rstrip("\r\n")
        if not line.strip():
            continue
        problem = _encoding_problem(_Locator(line, lineno, offset))
        if problem:
            yield RawRecord(source, lineno, printable(line), error=problem[1], reason="bad_encoding")
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRecord(source, lineno, line, error=json_error_detail(exc, lineno), reason="bad_json")
            continue
        yield RawRecord(source, lineno, line, data)


def _read_csv(fh: IO[bytes], source: str, start: int) -> Iterator[RawRecord]:
    pending: list[tuple[int, int, str]] = []  # (line, byte offset, text) of the lines of the row being read

    def lines() -> Iterator[str]:
        for lineno, offset, chunk in _physical_lines(fh, start):
            text = chunk.decode("utf-8", "surrogateescape")
            pending.append((lineno, offset, text))
            yield text

    reader = csv.reader(lines(), strict=True)  # an unclosed quote at the end is an error, not one huge field
    header: list[str] | None = None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = pending[0][0] if pending else reader.line_num
            raise DataError(f"{source} line {line}: not valid CSV ({exc}): a stray or unclosed double quote? Fix the "
                            "row: a field holding a comma, a quote or a newline goes in double quotes, with each "
                            "quote inside it doubled (\"\")") from None
        first_line, offset = pending[0][0], pending[0][1]
        text = "".join(t for _, _, t in pending)
        pending.clear()
        if not row:
            continue  # a blank line
        problem = _encoding_problem(_Locator(text, first_line, offset))
        if header is None:
            if problem:
                raise DataError(f"{source}: the CSV header is not UTF-8 text: {problem[1]}")
            header = [h.strip() for h in row]
            twice = sorted({h for h in header if h and header.count(h) > 1})
            if twice:
                raise DataError(f"{source} line {first_line}: the CSV header names {', '.join(map(repr, twice))} "
                                "more than once: rename or remove the extra columns")
            continue
        raw = text.rstrip("\r\n")
        if problem:
            yield RawRecord(source, first_line, printable(raw), error=problem[1], reason="bad_encoding")
            continue
        lost = [i for i, (h, v) in enumerate(zip_longest(header, row)) if not h and v and v.strip()]
        if lost:
            what = (f"{len(row)} values but the header has {len(header)} columns (an unquoted comma inside a "
                    "field? put the field in double quotes)" if len(row) > len(header) else
                    f"a value in column {lost[0] + 1}, which has no name in the header: name the column")
            yield RawRecord(source, first_line, raw, error=f"line {first_line}: {what}", reason="bad_csv_row")
            continue
        cells = {h: v for h, v in zip_longest(header, row) if h}
        data = {h: (v if v not in ("", None) else None) for h, v in cells.items()}
        yield RawRecord(source, first_line, json.dumps(cells, ensure_ascii=False), data)


def _item_spans(text: str) -> list[tuple[int, int]]:
    """Start and end of every item of the top-level JSON array `text` (already known to parse)."""
    dec = json.JSONDecoder()
    spans: list[tuple[int, int]] = []
    i = _JSON_WS.match(text).end() + 1  # past "["
    while True:
        i = _JSON_WS.match(text, i).end()
        if text[i] == "]":
            return spans
        _, end = dec.raw_decode(text, i)
        spans.append((i, end))
        i = _JSON_WS.match(text, end).end()
        if text[i] == ",":
            i += 1


def _read_json(fh: IO[bytes], source: str, start: int) -> Iterator[RawRecord]:
    text = fh.read().decode("utf-8", "surrogateescape")
    if "\x00" in text:  # no JSON parser takes it: the whole file is one rejected record
        line, detail = _encoding_problem(_Locator(text, 1, start))
        yield RawRecord(source, line, printable(text[:2000]), error=f"{detail}; the whole file is rejected as one "
                        "record", reason="bad_encoding")
        return
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        detail = f"{json_error_detail(exc, jsonl=False)}; the whole file is rejected as one record"
        if (bad := _encoding_problem(_Locator(text, 1, start))):
            detail += f" (and it is not UTF-8: {bad[1]})"
        yield RawRecord(source, exc.lineno, printable(text[:2000]), error=detail, reason="bad_json")
        return
    items = doc if isinstance(doc, list) else [doc]
    if not _UNDECODABLE.search(text):
        for i, item in enumerate(items, 1):
            yield RawRecord(source, i, json.dumps(item, ensure_ascii=False)[:2000], item)
        return
    # Not UTF-8 somewhere: reject the items that hold such bytes, each with where its first one is.
    loc = _Locator(text, 1, start)
    spans = _item_spans(text) if isinstance(doc, list) else [(0, len(text))]
    for i, (item, (a, b)) in enumerate(zip(items, spans), 1):
        problem = _encoding_problem(loc, a, b)
        if problem:
            yield RawRecord(source, i, printable(text[a:b])[:2000], error=f"item {i}, {problem[1]}",
                            reason="bad_encoding")
        else:
            yield RawRecord(source, i, json.dumps(item, ensure_ascii=False)[:2000], item)


# ---------------------------------------------------------------------------------------------
# Interpreting one record


def detect_format(data: dict[str, Any]) -> str | None:
    if "messages" in data:
        return "messages"
    if "conversations" in data:
        return "sharegpt"
    if "instruction" in data:
        return "alpaca"
    if "query" in data or "prompt" in data:
        return "query_response"
    return None


_ROLE_ALIASES = {"system": "system", "user": "user", "human": "user", "assistant": "assistant", "gpt": "assistant",
                 "bot": "assistant", "model": "assistant"}


def _text(data: dict[str, Any], key: str, required: bool) -> str | None:
    if key not in data or data[key] is None:
        if required:
            raise _Rejected("missing_field", f"field {key!r} is missing")
        return None
    value = data[key]
    if not isinstance(value, str):
        raise _Rejected("bad_field_type", f"field {key!r} should be text, got {type(value).__name__}")
    return value


def _turns(messages: Any, key: str, role_key: str, content_key: str) -> tuple[list[dict[str, str]], str, str | None]:
    """Validate a chat and return (history, last user text, final assistant text or None)."""
    if not isinstance(messages, list) or not messages:
        raise _Rejected("missing_field" if not messages else "bad_field_type", f"{key!r} must be a non-empty list")
    turns: list[tuple[str, str]] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or role_key not in m or content_key not in m:
            raise _Rejected("missing_field", f"{key}[{i}] needs {role_key!r} and {content_key!r}")
        role = _ROLE_ALIASES.get(str(m[role_key]).lower())
        if role is None:
            raise _Rejected("unknown_role", f"{key}[{i}] has role {m[role_key]!r}")
        content = m[content_key]
        if not isinstance(content, str):
            raise _Rejected("bad_field_type", f"{key}[{i}].{content_key} should be text")
        turns.append((role, content))
    if turns[0][0] == "system":
        turns = turns[1:]
    roles = [r for r, _ in turns]
    expected_user_last = ["user", "assistant"] * (len(roles) // 2) + ["user"] * (len(roles) % 2)
    if not roles or roles != expected_user_last[: len(roles)] or "system" in roles:
        raise _Rejected("wrong_role_order", f"roles are {roles}; expected user, assistant, user, assistant, ...")
    if roles[-1] == "user":
        return [{"role": r, "content": c} for r, c in turns[:-1]], turns[-1][1], None
    return [{"role": r, "content": c} for r, c in turns[:-2]], turns[-2][1], turns[-1][1]


def _label(data: dict[str, Any]) -> bool | None:
    if "needs_cloud" not in data or data["needs_cloud"] is None:
        return None
    v = data["needs_cloud"]
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("true", "1", "yes"):
        return True
    if isinstance(v, str) and v.strip().lower() in ("false", "0", "no"):
        return False
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    raise _Rejected("bad_label", f"needs_cloud is {v!r}; use true or false")


def _lang(text: str) -> str:
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def interpret(rec: RawRecord, fmt: str, forward_reply: str, max_chars: int) -> Example:
    """Turn a parsed raw record into an Example, or raise _Rejected with the reason."""
    if rec.error:
        raise _Rejected(rec.reason or "bad_json", rec.error)
    data = rec.data
    if not isinstance(data, dict):
        raise _Rejected("not_an_object", f"expected a JSON object, got {type(data).__name__}")
    kind = detect_format(data) if fmt == "auto" else fmt
    if kind is None:
        raise _Rejected("unknown_format", f"keys {sorted(data)} fit none of {', '.join(FORMATS)}")
    history: list[dict[str, str]] = []
    if kind in ("messages", "sharegpt"):
        key, role_key, content_key = (("messages", "role", "content") if kind == "messages"
                                      else ("conversations", "from", "value"))
        history, query, response = _turns(data.get(key), key, role_key, content_key)
        if response is None:  # the chat ends with the user's request: its reply may be in `response`
            response = _text(data, "response", False)
        # An earlier turn that forwarded gets the configured forward reply, like the final one.
        history = [{"role": m["role"], "content": forward_reply}
                   if m["role"] == "assistant" and is_forward(m["content"]) else m for m in history]
    elif kind == "alpaca":
        query = _text(data, "instruction", True) or ""
        extra = _text(data, "input", False)
        query = f"{query}\n{extra}" if extra and extra.strip() else query
        response = _text(data, "output", False)
    else:
        qkey = "query" if "query" in data else "prompt"
        query = _text(data, qkey, True) or ""
        response = _text(data, "response", False)

    query = query.strip()
    response = response.strip() if response else ""
    if not query:
        raise _Rejected("empty_request", "the request text is empty")
    label = _label(data)
    if label is None:
        if not response:
            raise _Rejected("empty_reply", "no reply and no needs_cloud label: cannot tell edge from cloud")
        label = is_forward(response)
    if label:
        response = forward_reply
    elif not response:
        raise _Rejected("empty_reply", "an edge request (needs_cloud false) needs a reference reply")
    elif is_forward(response):
        raise _Rejected("label_conflict", "needs_cloud is false but the reply forwards to the cloud")
    longest = max(len(query), len(response))
    if longest > max_chars:
        raise _Rejected("too_long", f"{longest} characters > data.max_chars={max_chars}")

    rid = data.get("id")
    rid = str(rid) if rid not in (None, "") else f"{Path(rec.source).stem}:{rec.line}"
    category = data.get("category") or "uncategorized"
    group = data.get("group") or f"id:{rid}"
    lang = data.get("lang") or _lang(query)
    for key, value in (("category", category), ("group", group), ("lang", lang)):
        if not isinstance(value, str):
            raise _Rejected("bad_field_type", f"field {key!r} should be text")
    texts = [("id", rid), ("category", category), ("group", group), ("lang", lang), ("query", query),
             ("response", response), *((f"history[{i}]", m["content"]) for i, m in enumerate(history))]
    for key, value in texts:
        if (m := _SURROGATE.search(value)):
            raise _Rejected("bad_encoding", f"field {key!r} holds U+{ord(m.group()):04X}, half of a surrogate pair "
                            "(a \\udXXX escape without its other half?), which is not a character: fix the escape")
    return Example(id=rid, lang=lang, category=category, needs_cloud=label, group=group, query=query,
                   response=response, source=rec.source, line=rec.line, history=history)


def normalise_text(text: str) -> str:
    """Key for duplicate detection: case, width of spaces and trailing punctuation do not matter."""
    return re.sub(r"[\s。．.!！?？]+$", "", " ".join(text.casefold().split()))


def duplicate_key(ex: Example) -> str:
    """Key under which two examples are the same request: the normalised request, preceded by the
    normalised earlier turns when there are any (the same request after a different conversation
    is a different example; a single request keeps its plain key)."""
    if not ex.history:
        return normalise_text(ex.query)
    turns = [f"{m['role']}:{normalise_text(m['content'])}" for m in ex.history]
    return "\x1e".join([*turns, f"user:{normalise_text(ex.query)}"])


def convert_files(paths: list[Path], fmt: str, forward_reply: str, max_chars: int
                  ) -> tuple[list[Example], list[Reject], dict[str, dict[str, int]]]:
    """Read and interpret every record of every file; return (accepted, rejects, per-file counts)."""
    accepted: list[Example] = []
    rejects: list[Reject] = []
    per_file: dict[str, dict[str, int]] = {}
    seen_text: dict[str, str] = {}
    seen_id: dict[str, str] = {}
    for path in paths:
        counts = per_file.setdefault(rel(path), {"read": 0, "accepted": 0, "rejected": 0})
        for rec in read_raw(path):
            counts["read"] += 1
            try:
                ex = interpret(rec, fmt, forward_reply, max_chars)
                key = duplicate_key(ex)
                if key in seen_text:
                    raise _Rejected("duplicate", f"same request as {seen_text[key]}")
                if ex.id in seen_id:
                    raise _Rejected("duplicate", f"id {ex.id!r} already used at {seen_id[ex.id]}")
            except _Rejected as rj:
                rejects.append(Reject(rec.source, rec.line, rj.reason, printable(rj.detail), printable(rec.raw[:2000])))
                counts["rejected"] += 1
                continue
            seen_text[key] = seen_id[ex.id] = f"{rec.source}:{rec.line}"
            accepted.append(ex)
            counts["accepted"] += 1
    return accepted, rejects, per_file
