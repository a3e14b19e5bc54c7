"""Reading raw files: every record of a JSONL, JSON or CSV file as a `RawRecord`, before any interpretation
(`edgecloud.data.records` turns each into an example or a reject; the params check counts with the same reader).

Every raw file is read by `read_raw`, with one policy for every format:
- the text is UTF-8; a UTF-8 byte-order mark (Excel's "CSV UTF-8", Notepad) is skipped;
- a record (a JSONL line, a CSV row, an item of a JSON array) holding bytes that are not UTF-8 or a
  NUL byte is rejected as `bad_encoding` with its line, column and byte offset: never decoded with
  replacement characters, never altered; the other records of the file still go through;
- a file that cannot be read as text at all stops with a DataError naming it and saying what to do:
  missing, a directory, a symbolic link loop, not a regular file, empty or without records, over
  MAX_RAW_BYTES, UTF-16/UTF-32 (a byte-order mark), a ZIP/Excel/gzip/Parquet file.
"""

from __future__ import annotations

import codecs
import csv
import errno
import json
import re
import stat
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import IO, Any, Iterator

from edgecloud.errors import DataError
from edgecloud.paths import rel

MAX_RAW_BYTES = 2 * 1024**3  # refused before reading: the converter holds every record in memory
SAVE_AS_UTF8 = "save the file as UTF-8 (Excel: 'CSV UTF-8'; an editor: encoding UTF-8)"

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)"),
)
_BINARY_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
    (b"\x1f\x8b", "gzip-compressed"),
    (b"PAR1", "a Parquet file"),
)
_UNDECODABLE = re.compile("[\udc80-\udcff]+")  # bytes that are not UTF-8, after surrogateescape decoding
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")
_JSON_WS = re.compile(r"[ \t\n\r]*")


@dataclass
class RawRecord:
    """One record as read from disk, before any interpretation."""

    source: str  # file path relative to the workspace root
    line: int  # 1-based line (JSONL, CSV) or item number (JSON array)
    raw: str  # the text as read (for the rejects file; bytes that are not UTF-8 shown as \\xNN)
    data: Any = None
    error: str | None = None  # set when the record could not even be parsed: where and what is wrong
    reason: str | None = None  # the reject reason that goes with `error` (bad_json, bad_encoding, bad_csv_row)


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
            raise DataError(
                f"{link} is a broken symbolic link: it points to {source}, which does not exist; "
                "fix the link or list the real file in data.raw_files"
            ) from None
        raise DataError(f"file not found: {source} (paths are relative to the workspace root)") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError(
                f"{source} is a symbolic link loop (the link never reaches a file): "
                "fix the link or list the real file in data.raw_files"
            ) from None
        raise DataError(f"{source}: cannot read it ({exc.strerror}); check the path and its permissions") from None
    if stat.S_ISDIR(st.st_mode):
        inside = sorted(p.name for p in path.iterdir() if p.suffix.lower() in (".jsonl", ".json", ".csv"))[:3]
        example = f" (it holds {', '.join(inside)}{', ...' if len(inside) == 3 else ''})" if inside else ""
        raise DataError(f"{source} is a directory, not a file{example}: list the files themselves in data.raw_files")
    if not stat.S_ISREG(st.st_mode):
        raise DataError(
            f"{source} is not a regular file (a pipe, socket or device?): save the data to a "
            ".jsonl, .json or .csv file and list that in data.raw_files"
        )
    if st.st_size > MAX_RAW_BYTES:
        raise DataError(
            f"{source} is {st.st_size:,} bytes, over the {MAX_RAW_BYTES:,}-byte (2 GiB) limit for a raw "
            "file: refused before reading (every record is held in memory); split it into smaller "
            "files and list them all in data.raw_files"
        )
    if st.st_size == 0:
        raise DataError(f"{source} is empty (0 bytes): put the records in it or remove it from data.raw_files")


def _text_start(fh: IO[bytes], source: str) -> int:
    """Byte offset where the text starts (past a UTF-8 byte-order mark); stop on UTF-16/32 and binary files."""
    head = fh.read(4)
    for bom, name in _WIDE_BOMS:
        if head.startswith(bom):
            raise DataError(
                f"{source} is {name} text (it starts with that byte-order mark): raw files are read "
                f"as UTF-8 only; {SAVE_AS_UTF8}"
            )
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            raise DataError(
                f"{source} is {name}, not text: export the data as UTF-8 JSONL, JSON or CSV "
                "(Excel: Save As 'CSV UTF-8') and list that file in data.raw_files"
            )
    start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    fh.seek(start)
    return start


def _physical_lines(fh: IO[bytes], offset: int) -> Iterator[tuple[int, int, bytes]]:
    """(1-based line, byte offset, bytes with the line ending), split at \\n, \\r\\n and \\r like text mode."""
    lineno = 0
    for chunk in fh:
        for piece in _LONE_CR.split(chunk) if b"\r" in chunk else (chunk,):
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
        if n := t.count("\n", self.pos, pos):
            self.line += n
            self.line_start = t.rfind("\n", self.pos, pos) + 1
        self.byte += len(t[self.pos : pos].encode("utf-8", "surrogateescape"))
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
        return line, (
            f"line {line}, column {col} (byte offset {byte}): bytes {shown} are not UTF-8 (the file is "
            f"in another encoding: Latin-1, Windows-1252, GBK?); {SAVE_AS_UTF8}"
        )
    nul = text.find("\x00", start, end)
    if nul >= 0:
        line, col, byte = loc.at(nul)
        return line, (
            f"line {line}, column {col} (byte offset {byte}): a NUL byte (0x00), which text never holds "
            f"(UTF-16 without a byte-order mark, or a binary file?); {SAVE_AS_UTF8}"
        )
    return None


_JSON_HINTS = (
    ("Expecting value", "expected a JSON value (a missing value, a trailing comma, or text that is not JSON?)"),
    (
        "Expecting property name enclosed in double quotes",
        "expected a key in double quotes (a trailing comma, or single quotes instead of double ones?)",
    ),
    (
        "Expecting ',' delimiter",
        "expected ',' or a closing bracket (a missing comma, or an unescaped \" inside a string?)",
    ),
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
        what = f"invalid control character ({name}; a raw newline or tab inside a string? escape it as \\n or \\t)"
    elif exc.msg.startswith("Extra data"):
        what = "more text after the end of the JSON value (" + (
            "two records on one line? put one record per line)"
            if jsonl
            else "several JSON documents in one file? make it one JSON array, or save it as .jsonl)"
        )
    else:
        what = next(
            (hint for prefix, hint in _JSON_HINTS if exc.msg.startswith(prefix)), exc.msg[:1].lower() + exc.msg[1:]
        )
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
        raise DataError(f"{source} holds no records ({what}): put the records in it or remove it from data.raw_files")


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
            raise DataError(
                f"{source} line {line}: not valid CSV ({exc}): a stray or unclosed double quote? Fix the "
                "row: a field holding a comma, a quote or a newline goes in double quotes, with each "
                'quote inside it doubled ("")'
            ) from None
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
                raise DataError(
                    f"{source} line {first_line}: the CSV header names {', '.join(map(repr, twice))} "
                    "more than once: rename or remove the extra columns"
                )
            continue
        raw = text.rstrip("\r\n")
        if problem:
            yield RawRecord(source, first_line, printable(raw), error=problem[1], reason="bad_encoding")
            continue
        lost = [i for i, (h, v) in enumerate(zip_longest(header, row)) if not h and v and v.strip()]
        if lost:
            what = (
                f"{len(row)} values but the header has {len(header)} columns (an unquoted comma inside a "
                "field? put the field in double quotes)"
                if len(row) > len(header)
                else f"a value in column {lost[0] + 1}, which has no name in the header: name the column"
            )
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
        yield RawRecord(
            source,
            line,
            printable(text[:2000]),
            error=f"{detail}; the whole file is rejected as one record",
            reason="bad_encoding",
        )
        return
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        detail = f"{json_error_detail(exc, jsonl=False)}; the whole file is rejected as one record"
        if bad := _encoding_problem(_Locator(text, 1, start)):
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
            yield RawRecord(
                source, i, printable(text[a:b])[:2000], error=f"item {i}, {problem[1]}", reason="bad_encoding"
            )
        else:
            yield RawRecord(source, i, json.dumps(item, ensure_ascii=False)[:2000], item)
