"""A closed-loop HTTP/1.1 load generator for the gateway overhead benchmark.

`concurrency` workers, each on its own keep-alive connection, send the same POST again and again
until the time is up; requests that end in the first `warmup_s` seconds are not recorded. Each response is read whole
(Content-Length or chunked), and its latency (request written -> last byte) and time to the first
body byte are recorded. It is written on bare asyncio streams, not an HTTP client library, so that
it spends as little CPU per request as possible: it shares the machine with the gateway it measures
(the benchmark checks it is not the bottleneck by measuring the upstream straight first).

Responses are checked, not just counted: status 200, and for a sample (the first on each connection
and every `CHECK_EVERY`th) the body is parsed as JSON / SSE and its text compared with the expected
reply; a response that fails a check counts as an error with its reason.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

CHECK_EVERY = 25
READ_LIMIT = 1024 * 1024


@dataclass
class Cell:
    """What one load run measured."""

    latencies_ms: list[float] = field(default_factory=list)
    first_byte_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    checked: int = 0
    measured_s: float = 0.0


def pct(values: list[float], q: float) -> float | None:
    """Percentile by linear interpolation (q in 0..100)."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return round(v[lo] + (v[hi] - v[lo]) * (k - lo), 2)


class BadResponse(Exception):
    pass


def request_bytes(
    host: str, port: int, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> bytes:
    raw = json.dumps(body).encode()
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    return (
        f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(raw)}\r\naccept: */*\r\n{extra}\r\n"
    ).encode() + raw


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, float]:
    """(status, body, perf_counter of the first body byte) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked = None, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        if length is None:
            raise BadResponse("response without content-length or chunked encoding")
        body = await reader.readexactly(length)
        return status, body, time.perf_counter()
    parts, first = [], 0.0
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, if any
                pass
            return status, b"".join(parts), first
        parts.append(await reader.readexactly(size))
        if not first:
            first = time.perf_counter()
        await reader.readexactly(2)


def text_of(body: bytes, stream: bool) -> str:
    """The reply text of a chat.completion body or of its SSE stream (deltas joined)."""
    if not stream:
        return json.loads(body)["choices"][0]["message"]["content"]
    out = []
    events = [e for e in body.split(b"\n\n") if e.strip()]
    if not events or events[-1].strip() != b"data: [DONE]":
        raise BadResponse("stream does not end with data: [DONE]")
    for event in events[:-1]:
        for line in event.split(b"\n"):
            if line.startswith(b"data:"):
                for choice in json.loads(line[5:])["choices"]:
                    out.append((choice.get("delta") or {}).get("content") or "")
    return "".join(out)


async def _worker(
    host: str,
    port: int,
    request: bytes,
    stream: bool,
    expected: str,
    record_from: float,
    stop_at: float,
    cell: Cell,
    check: Callable[[bytes], str | None] | None,
) -> None:
    reader = writer = None
    n = 0
    try:
        while time.perf_counter() < stop_at:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port, limit=READ_LIMIT)
            t0 = time.perf_counter()
            try:
                writer.write(request)
                status, body, first = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, BadResponse) as exc:
                if time.perf_counter() >= record_from:
                    cell.errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
                writer.close()
                reader = writer = None
                continue
            t1 = time.perf_counter()
            problem = None
            if status != 200:
                problem = f"HTTP {status}"
            elif n == 0 or n % CHECK_EVERY == 0:
                try:
                    got = text_of(body, stream)
                    problem = None if got == expected else f"reply {got[:40]!r} != expected"
                    problem = problem or (check(body) if check else None)
                except (ValueError, KeyError, IndexError, TypeError, BadResponse) as exc:
                    problem = f"unreadable body: {type(exc).__name__}: {exc}"[:120]
                cell.checked += 1
            n += 1
            if t1 < record_from:  # counted when it ends in the window: at saturation a request outlasts the warm-up
                continue
            if problem:
                cell.errors[problem] += 1
            else:
                cell.latencies_ms.append((t1 - t0) * 1000)
                cell.first_byte_ms.append((first - t0) * 1000)
    finally:
        if writer is not None:
            writer.close()


async def run_cell(
    host: str,
    port: int,
    path: str,
    body: dict[str, Any],
    expected: str,
    concurrency: int,
    duration_s: float,
    warmup_s: float,
    check: Callable[[bytes], str | None] | None = None,
    headers: dict[str, str] | None = None,
) -> Cell:
    """`concurrency` closed-loop workers for warmup_s + duration_s; requests count that end after the warm-up."""
    request = request_bytes(host, port, path, body, headers)
    cell = Cell()
    start = time.perf_counter()
    record_from, stop_at = start + warmup_s, start + warmup_s + duration_s
    await asyncio.gather(
        *(
            _worker(host, port, request, bool(body.get("stream")), expected, record_from, stop_at, cell, check)
            for _ in range(concurrency)
        )
    )
    cell.measured_s = time.perf_counter() - record_from  # the last responses end a little after stop_at
    return cell
