"""Real HTTP servers on loopback for tests that need the gateway and its tiers without `swift deploy`.

The same approach as tests/test_gateway.py: uvicorn serves an app in a thread on a socket bound to a
free loopback port. The tiers here answer by a rule on the last user message (for example: forward
the complex cases, answer the rest), so a whole case list can run through the unmodified gateway.
They stand in for the tiers' HTTP behaviour only, not for the edge model.
"""
from __future__ import annotations

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
        config = uvicorn.Config(app, log_config=None, log_level="warning", lifespan="on",
                                timeout_graceful_shutdown=2)
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


def rule_upstream(model: str, answer: Callable[[str], str]) -> tuple[FastAPI, list[dict[str, Any]]]:
    """An OpenAI-compatible app whose reply is `answer(last user message)`; returns it and its request log."""
    app = FastAPI()
    requests: list[dict[str, Any]] = []

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        requests.append(body)
        last = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        return {"id": "chatcmpl-rule", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer(last)},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12}}

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
