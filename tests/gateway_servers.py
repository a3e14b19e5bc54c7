"""Real HTTP servers on loopback for tests that need the gateway and its tiers without `swift deploy`.

The same approach as tests/test_gateway.py: uvicorn serves an app in a thread on a socket bound to a
free loopback port. The tiers here answer by a rule on the last user message (for example: forward
the complex cases, answer the rest), so a whole case list can run through the unmodified gateway.
They stand in for the tiers' HTTP behaviour only, not for the edge model.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from typing import Any, Callable

import uvicorn
from fastapi import FastAPI, Request


class ServerThread:
    """uvicorn serving `app` in a thread on a socket bound to a free loopback port."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_config=None, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def request_stop(self) -> None:
        self.server.should_exit = True

    def stop(self) -> None:
        self.request_stop()
        self.thread.join(timeout=10)
        self.sock.close()
        assert not self.thread.is_alive(), "test server thread outlived its test"


def rule_upstream(
    model: str, answer: Callable[[str], str], delay_s: float = 0.0
) -> tuple[FastAPI, list[dict[str, Any]]]:
    """An OpenAI-compatible app whose reply is `answer(last user message)`, given after `delay_s` (the time a
    model would take); returns it and its request log."""
    import asyncio

    app = FastAPI()
    requests: list[dict[str, Any]] = []

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        requests.append(body)
        if delay_s:
            await asyncio.sleep(delay_s)
        last = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        return {
            "id": "chatcmpl-rule",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": answer(last)}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12},
        }

    @app.get("/v1/models")
    async def models() -> Any:
        return {"object": "list", "data": [{"id": model, "object": "model"}]}

    return app, requests


def free_ports(n: int) -> list[int]:
    """n distinct free TCP ports on 127.0.0.1 (bound then released: a server started at once gets them)."""
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class StreamingUpstream:
    """An OpenAI-compatible server that generates token by token, like `swift deploy` and edge/server.py:
    `stream: true` gets server-sent events (the first content chunk with `logprobs.top_logprobs` when asked),
    otherwise one chat.completion of the same tokens. `tokens(last user message)` scripts the reply,
    `top(last user message)` the first position's [(token, logprob)], `delay_s` the time per token.

    It records each generation: how many tokens it produced, whether it ran to the end, and whether it was
    stopped because its client went away (`cancelled`); `active` counts generations still running, the
    server's busy slots.

    `stream_drops`: a token left out of the streamed first position's top_logprobs, the others renormalised, as
    swift deploy (ms-swift 4.6, transformers engine) streams them after `begin_suppress_tokens`; its non-streamed
    reply gives the raw distribution."""

    def __init__(
        self,
        model: str,
        tokens: Callable[[str], list[str]],
        delay_s: float = 0.0,
        top: Callable[[str], list[tuple[str, float]]] | None = None,
        stream_drops: str | None = None,
    ) -> None:
        import asyncio
        import json

        from fastapi.responses import StreamingResponse

        self.model, self.tokens, self.delay_s, self.top = model, tokens, delay_s, top
        self.stream_drops = stream_drops
        self.requests: list[dict[str, Any]] = []
        self.generations: list[dict[str, Any]] = []
        self.active = 0
        app = FastAPI()

        def first_logprobs(last: str, n: int, streamed: bool = False) -> dict[str, Any] | None:
            if self.top is None:
                return None
            top = self.top(last)
            if streamed and self.stream_drops is not None:  # the suppressed token gone, the rest renormalised
                kept = [(t, lp) for t, lp in top if t != self.stream_drops]
                mass = math.log(sum(math.exp(lp) for _, lp in kept))
                top = [(t, lp - mass) for t, lp in kept]
            top = top[:n]
            return {
                "content": [
                    {
                        "token": top[0][0],
                        "logprob": top[0][1],
                        "top_logprobs": [{"token": t, "logprob": lp} for t, lp in top],
                    }
                ]
            }

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> Any:
            body = await request.json()
            self.requests.append(body)
            last = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
            toks = self.tokens(last)[: body.get("max_tokens") or 10**6]
            want_lp = bool(body.get("logprobs"))
            if not body.get("stream"):
                choice: dict[str, Any] = {
                    "index": 0,
                    "message": {"role": "assistant", "content": "".join(toks)},
                    "finish_reason": "stop",
                }
                if want_lp and (lp := first_logprobs(last, body.get("top_logprobs") or 1)):
                    choice["logprobs"] = lp
                return {
                    "id": "chatcmpl-s",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [choice],
                    "usage": {"prompt_tokens": 7, "completion_tokens": len(toks), "total_tokens": 7 + len(toks)},
                }
            record = {"produced": 0, "finished": False, "cancelled": False, "ended_at": None}
            self.generations.append(record)

            async def events() -> Any:
                head = {"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 0, "model": body["model"]}
                self.active += 1
                try:
                    yield (
                        "data: "
                        + json.dumps(
                            {**head, "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]}
                        )
                        + "\n\n"
                    )
                    for i, tok in enumerate(toks):
                        await asyncio.sleep(self.delay_s)  # "generating" the token
                        record["produced"] += 1
                        choice = {"index": 0, "delta": {"content": tok}, "finish_reason": None}
                        if i == 0 and want_lp and (lp := first_logprobs(last, body.get("top_logprobs") or 1, True)):
                            choice["logprobs"] = lp
                        yield "data: " + json.dumps({**head, "choices": [choice]}, ensure_ascii=False) + "\n\n"
                    yield (
                        "data: "
                        + json.dumps({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                        + "\n\n"
                    )
                    yield "data: [DONE]\n\n"
                    record["finished"] = True
                except BaseException:  # cancelled: the client (the gateway) closed the stream
                    record["cancelled"] = True
                    raise
                finally:
                    self.active -= 1
                    record["ended_at"] = time.monotonic()

            return StreamingResponse(events(), media_type="text/event-stream")

        @app.get("/v1/models")
        async def models() -> Any:
            return {"object": "list", "data": [{"id": model, "object": "model"}]}

        self.app = app


def main() -> None:
    """`python tests/gateway_servers.py PORT MODEL DELAY_S`: a rule upstream in a process of its own (answering
    "echo: <message>" after DELAY_S), for tests that kill an edge server with a signal."""
    import sys

    port, model, delay_s = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    app, _ = rule_upstream(model, lambda q: f"echo: {q}", delay_s)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
