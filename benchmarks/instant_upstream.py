"""An OpenAI-compatible upstream that answers at once, for measuring the gateways in front of it.

It returns one fixed chat completion (`REPLY`) for every POST /v1/chat/completions: a
chat.completion object, or with `"stream": true` the same text as chat.completion.chunk SSE events
(role, the reply in `STREAM_PIECES` pieces, finish with usage, `[DONE]`), written in one go with
chunked transfer encoding. GET /v1/models lists the served model. Anything else is a 404.

It is a bare asyncio protocol (no framework) so that it costs next to nothing per request: the
gateway benchmark measures what a gateway adds, so the upstream must never be what limits it.
HTTP/1.1 with keep-alive, bodies by Content-Length (clients here do not send chunked requests).

    python benchmarks/instant_upstream.py --port 8500 [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from typing import Any

REPLY = "OK, the kitchen light is on now."
MODEL = "bench-upstream"
STREAM_PIECES = 4
USAGE = {"prompt_tokens": 12, "completion_tokens": 9, "total_tokens": 21}
MAX_HEAD_BYTES = 16 * 1024
MAX_BODY_BYTES = 1024 * 1024


def completion(model: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-instant",
            "object": "chat.completion",
            "created": 1700000000,
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": REPLY}, "finish_reason": "stop"}],
            "usage": USAGE,
        }
    ).encode()


def stream_events(model: str) -> list[bytes]:
    """The SSE events of the streamed answer, each `data: ...\\n\\n`."""
    base = {"id": "chatcmpl-instant", "object": "chat.completion.chunk", "created": 1700000000, "model": model}

    def event(delta: dict[str, str], finish: str | None = None, **extra: Any) -> bytes:
        body = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body)}\n\n".encode()

    step = -(-len(REPLY) // STREAM_PIECES)
    pieces = [REPLY[i : i + step] for i in range(0, len(REPLY), step)]
    return [
        event({"role": "assistant", "content": ""}),
        *(event({"content": p}) for p in pieces),
        event({}, "stop", usage=USAGE),
        b"data: [DONE]\n\n",
    ]


def _response(status: str, body: bytes, content_type: str = "application/json") -> bytes:
    return f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body


def _chunked_response(events: list[bytes]) -> bytes:
    out = [
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
        b"transfer-encoding: chunked\r\n\r\n"
    ]
    out += [f"{len(e):x}\r\n".encode() + e + b"\r\n" for e in events]
    out.append(b"0\r\n\r\n")
    return b"".join(out)


class Answers:
    """Responses built once per model name (the gateways ask under different names)."""

    def __init__(self) -> None:
        self._plain: dict[str, bytes] = {}
        self._stream: dict[str, bytes] = {}

    def chat(self, model: str, stream: bool) -> bytes:
        cache = self._stream if stream else self._plain
        if model not in cache:
            if len(cache) > 64:  # a client cycling model names must not grow this without bound
                cache.clear()
            cache[model] = _chunked_response(stream_events(model)) if stream else _response("200 OK", completion(model))
        return cache[model]


ANSWERS = Answers()
NOT_FOUND = _response("404 Not Found", b'{"error": {"message": "not found", "code": "not_found"}}')
BAD_REQUEST = _response(
    "400 Bad Request", b'{"error": {"message": "body is not a JSON object", "code": "invalid_json"}}'
)
MODELS = _response("200 OK", json.dumps({"object": "list", "data": [{"id": MODEL, "object": "model"}]}).encode())


def answer(method: bytes, path: bytes, body: bytes) -> bytes:
    """The response bytes for one request."""
    path = path.split(b"?", 1)[0]
    if method == b"POST" and path in (b"/v1/chat/completions", b"/chat/completions"):
        try:
            req = json.loads(body)
            model, stream = str(req.get("model") or MODEL), req.get("stream") is True
        except (ValueError, AttributeError):
            return BAD_REQUEST
        return ANSWERS.chat(model, stream)
    if method == b"GET" and path in (b"/v1/models", b"/models"):
        return MODELS
    return NOT_FOUND


class Http11(asyncio.Protocol):
    """Keep-alive HTTP/1.1: parse head + Content-Length body, write the prepared answer."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while self.transport is not None:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > MAX_HEAD_BYTES:
                    self.transport.close()
                return
            head = bytes(self.buf[:end]).split(b"\r\n")
            parts = head[0].split(b" ")
            if len(parts) != 3:
                self.transport.close()
                return
            length, close = 0, False
            for line in head[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value.strip() or 0)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            if length > MAX_BODY_BYTES:
                self.transport.close()
                return
            if len(self.buf) < end + 4 + length:
                return  # wait for the rest of the body
            body = bytes(self.buf[end + 4 : end + 4 + length])
            del self.buf[: end + 4 + length]
            self.transport.write(answer(parts[0], parts[1], body))
            if close:
                self.transport.close()
                return


async def serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Http11, host, port, backlog=2048, reuse_address=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"instant upstream on http://{host}:{port}/v1", file=sys.stderr, flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args(argv)
    asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
