"""The edge gateway over real HTTP on loopback: routing, fallbacks, input checks, auth, streaming, ops endpoints.

The gateway runs unmodified under uvicorn in a thread. Its tiers are scriptable OpenAI-compatible
servers defined here (also real HTTP on loopback) so that each test can inject one fault: a given
reply, a delay past the timeout, an HTTP 500, or nothing listening at all. They are fault
injection for the gateway, not a stand-in for the edge model (that is `swift deploy`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from edgecloud.errors import EdgecloudError, ParamsError
from edgecloud.params import DEFAULT_FORWARD_REPLY, DEFAULT_SYSTEM_PROMPT
from edgecloud.routing import is_forward
from edgecloud.serve.gateway import GatewayConfig, create_app, load_config, main

from conftest import ROOT
from gateway_servers import ServerThread

EDGE_MODEL = "edge-test-model"
CLOUD_MODEL = "cloud-test-model"
EDGE_ANSWER = "巴黎是法国的首都。"
CLOUD_ANSWER = "Here is the detailed derivation, step by step: first, ... therefore the result holds."
USER = {"role": "user", "content": "法国的首都是哪里？"}


# ---------------------------------------------------------------------------------------------
# Real servers on loopback


class Upstream:
    """A scriptable OpenAI-compatible server: set `reply`, `status` or `delay_s` before a request."""

    def __init__(self, model: str, reply: str) -> None:
        self.model, self.reply = model, reply
        self.status = 200
        self.delay_s = 0.0
        self.chat_requests: list[dict[str, Any]] = []
        self.model_requests: list[dict[str, str]] = []
        self.released = threading.Event()  # set at teardown so a delayed handler ends at once
        self.app = self._build()

    async def _wait(self) -> None:
        end = time.monotonic() + self.delay_s
        while time.monotonic() < end and not self.released.is_set():
            await asyncio.sleep(0.02)

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> Any:
            body = await request.json()
            self.chat_requests.append({"body": body, "headers": dict(request.headers)})
            await self._wait()
            if self.status != 200:
                return JSONResponse({"error": {"message": "injected failure"}}, status_code=self.status)
            return {
                "id": "chatcmpl-up",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": self.reply}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12},
            }

        @app.get("/v1/models")
        async def models(request: Request) -> Any:
            self.model_requests.append(dict(request.headers))
            await self._wait()
            if self.status != 200:
                return JSONResponse({"error": {"message": "injected failure"}}, status_code=self.status)
            return {"object": "list", "data": [{"id": self.model, "object": "model"}]}

        return app


@pytest.fixture
def serve() -> Iterator[Callable[[FastAPI], int]]:
    """Start apps on loopback; every one is stopped (and its thread joined) when the test ends."""
    started: list[ServerThread] = []

    def _serve(app: FastAPI) -> int:
        server = ServerThread(app)
        server.start()
        started.append(server)
        return server.port

    yield _serve
    for server in started:  # all at once: each takes a main-loop tick to notice
        server.request_stop()
    for server in reversed(started):
        server.stop()


def _start_upstream(serve: Callable[[FastAPI], int], model: str, reply: str) -> Iterator[Upstream]:
    up = Upstream(model, reply)
    up.url = f"http://127.0.0.1:{serve(up.app)}/v1"  # type: ignore[attr-defined]
    yield up
    up.released.set()


@pytest.fixture
def edge(serve: Callable[[FastAPI], int]) -> Iterator[Upstream]:
    yield from _start_upstream(serve, EDGE_MODEL, EDGE_ANSWER)


@pytest.fixture
def cloud(serve: Callable[[FastAPI], int]) -> Iterator[Upstream]:
    yield from _start_upstream(serve, CLOUD_MODEL, CLOUD_ANSWER)


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback URL where nothing listens: the port is bound (so nobody else takes it) but not listening."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    sock.close()


@pytest.fixture
def gateway(serve: Callable[[FastAPI], int]) -> Iterator[Callable[..., httpx.Client]]:
    """Start the real gateway app against the given tier URLs; returns an HTTP client for it."""
    clients: list[httpx.Client] = []

    def _start(edge_url: str, cloud_url: str | None = None, **overrides: Any) -> httpx.Client:
        settings: dict[str, Any] = {
            "edge_base_url": edge_url,
            "edge_model": EDGE_MODEL,
            "cloud_base_url": cloud_url,
            "cloud_model": CLOUD_MODEL if cloud_url else None,
            "cloud_label": "test cloud",
            "edge_timeout_s": 2.0,
            "cloud_timeout_s": 2.0,
            "health_timeout_s": 0.5,
            **overrides,
        }
        port = serve(create_app(GatewayConfig(**settings)))
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=10)
        clients.append(client)
        return client

    yield _start
    for client in clients:
        client.close()


def chat(client: httpx.Client, *messages: dict[str, str], **extra: Any) -> httpx.Response:
    return client.post(
        "/v1/chat/completions", json={"model": "edge-gateway", "messages": list(messages) or [USER], **extra}
    )


def assert_openai_error(resp: httpx.Response, status: int, code: str, type_: str = "invalid_request_error") -> None:
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert (err["type"], err["code"]) == (type_, code)
    assert err["message"]


# ---------------------------------------------------------------------------------------------
# Routing


def test_edge_answer_is_returned_from_the_edge_tier(gateway, edge, cloud):
    resp = chat(gateway(edge.url, cloud.url))
    assert resp.status_code == 200
    body = resp.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": EDGE_ANSWER}
    assert body["choices"][0]["finish_reason"] == "stop"
    meta = body["edgecloud"]
    assert (meta["tier"], meta["status"], meta["edge_decision"]) == ("edge", "ok", "answer")
    assert meta["edge_reply"] == EDGE_ANSWER and meta["forward_match"] is None
    assert meta["timings_ms"]["cloud"] is None and meta["timings_ms"]["total"] >= meta["timings_ms"]["edge"] > 0
    assert cloud.chat_requests == []


def test_edge_forward_returns_the_cloud_answer_with_the_edge_reply_in_metadata(gateway, edge, cloud):
    edge.reply = DEFAULT_FORWARD_REPLY
    resp = chat(gateway(edge.url, cloud.url), USER, temperature=0)
    body = resp.json()
    assert body["choices"][0]["message"]["content"] == CLOUD_ANSWER
    assert body["model"] == CLOUD_MODEL
    meta = body["edgecloud"]
    assert (meta["tier"], meta["status"], meta["edge_decision"]) == ("cloud", "ok", "forward")
    assert meta["edge_reply"] == DEFAULT_FORWARD_REPLY and meta["forward_match"]
    assert meta["cloud_label"] == "test cloud"
    assert meta["timings_ms"]["cloud"] > 0
    # the cloud gets the client's own conversation, not the edge's routing prompt
    sent = cloud.chat_requests[0]["body"]
    assert sent["messages"] == [USER] and sent["model"] == CLOUD_MODEL and sent["temperature"] == 0


def test_edge_sees_its_fine_tuning_system_prompt_unless_the_client_sends_one(gateway, edge):
    client = gateway(edge.url)
    chat(client, USER)
    assert edge.chat_requests[-1]["body"]["messages"] == [{"role": "system", "content": DEFAULT_SYSTEM_PROMPT}, USER]
    own = {"role": "system", "content": "Be brief."}
    chat(client, own, USER)
    assert edge.chat_requests[-1]["body"]["messages"] == [own, USER]
    assert edge.chat_requests[-1]["body"]["model"] == EDGE_MODEL


@pytest.mark.parametrize(
    "reply, forwards",
    [
        ("已转交云端大模型处理", True),  # a paraphrase, not the trained marker
        ("I'll route this request to the cloud model.", True),
        ("照片已上传到云端。", False),  # near miss: about cloud storage
        ("不需要转发云端，我来回答：2 + 2 = 4。", False),  # negated
    ],
)
def test_the_routing_decision_is_the_shared_detector(gateway, edge, cloud, reply, forwards):
    assert is_forward(reply) == forwards  # the gateway must agree with evaluation on every case
    edge.reply = reply
    meta = chat(gateway(edge.url, cloud.url)).json()["edgecloud"]
    assert meta["tier"] == ("cloud" if forwards else "edge")
    assert meta["edge_decision"] == ("forward" if forwards else "answer")
    assert len(cloud.chat_requests) == (1 if forwards else 0)


def test_forward_without_a_cloud_returns_the_edge_reply_with_status_cloud_not_configured(gateway, edge):
    edge.reply = DEFAULT_FORWARD_REPLY
    resp = chat(gateway(edge.url))
    assert resp.status_code == 200
    body = resp.json()
    assert body["choices"][0]["message"]["content"] == DEFAULT_FORWARD_REPLY
    meta = body["edgecloud"]
    assert (meta["tier"], meta["status"], meta["edge_decision"]) == ("edge", "cloud_not_configured", "forward")
    assert "cloud_base_url" in meta["detail"]


@pytest.mark.parametrize("fault", ["http_500", "timeout"])
def test_cloud_failure_returns_the_edge_reply_with_status_cloud_unavailable(gateway, edge, cloud, fault):
    edge.reply = DEFAULT_FORWARD_REPLY
    if fault == "http_500":
        cloud.status = 500
    else:
        cloud.delay_s = 5.0
    started = time.monotonic()
    resp = chat(gateway(edge.url, cloud.url, cloud_timeout_s=0.3))
    assert resp.status_code == 200
    body = resp.json()
    assert body["choices"][0]["message"]["content"] == DEFAULT_FORWARD_REPLY
    meta = body["edgecloud"]
    assert (meta["tier"], meta["status"]) == ("edge", "cloud_unavailable")
    assert meta["detail"] == ("cloud: HTTP 500" if fault == "http_500" else "cloud: timed out after 0.3 s")
    assert time.monotonic() - started < 3
    assert len(cloud.chat_requests) == 1  # a timeout or an HTTP error is not retried


def test_cloud_key_comes_from_the_named_env_var(gateway, edge, cloud, monkeypatch):
    monkeypatch.setenv("TEST_CLOUD_KEY", "sk-cloud-secret-123")
    edge.reply = DEFAULT_FORWARD_REPLY
    resp = chat(gateway(edge.url, cloud.url, cloud_api_key_env="TEST_CLOUD_KEY"))
    assert resp.json()["edgecloud"]["tier"] == "cloud"
    assert cloud.chat_requests[0]["headers"]["authorization"] == "Bearer sk-cloud-secret-123"
    assert "authorization" not in edge.chat_requests[0]["headers"]  # the edge never gets the cloud key
    assert "sk-cloud-secret-123" not in resp.text


def test_missing_cloud_key_variable_is_cloud_not_configured_naming_the_variable(gateway, edge, cloud, monkeypatch):
    monkeypatch.delenv("TEST_CLOUD_KEY", raising=False)
    edge.reply = DEFAULT_FORWARD_REPLY
    meta = chat(gateway(edge.url, cloud.url, cloud_api_key_env="TEST_CLOUD_KEY")).json()["edgecloud"]
    assert (meta["tier"], meta["status"]) == ("edge", "cloud_not_configured")
    assert "TEST_CLOUD_KEY" in meta["detail"]
    assert cloud.chat_requests == []


@pytest.mark.parametrize("retries", [1, 0])
def test_edge_refused_is_retried_then_the_cloud_stands_in(gateway, refused_url, cloud, retries):
    resp = chat(gateway(refused_url, cloud.url, connect_retries=retries))
    assert resp.status_code == 200
    body = resp.json()
    assert body["choices"][0]["message"]["content"] == CLOUD_ANSWER
    meta = body["edgecloud"]
    assert (meta["tier"], meta["status"], meta["edge_decision"]) == ("cloud", "edge_unavailable_fallback", None)
    assert meta["edge_attempts"] == 1 + retries
    assert f"connection failed after {1 + retries} attempt(s)" in meta["detail"]
    assert cloud.chat_requests[0]["body"]["messages"] == [USER]


@pytest.mark.parametrize("fault", ["http_500", "timeout"])
def test_edge_error_or_timeout_is_not_retried_and_the_cloud_stands_in(gateway, edge, cloud, fault):
    if fault == "http_500":
        edge.status = 500
    else:
        edge.delay_s = 5.0
    meta = chat(gateway(edge.url, cloud.url, edge_timeout_s=0.3)).json()["edgecloud"]
    assert (meta["tier"], meta["status"]) == ("cloud", "edge_unavailable_fallback")
    assert meta["edge_attempts"] == 1 and len(edge.chat_requests) == 1
    assert meta["detail"] == ("edge: HTTP 500" if fault == "http_500" else "edge: timed out after 0.3 s")


def test_edge_down_without_a_cloud_is_an_openai_503(gateway, refused_url):
    resp = chat(gateway(refused_url))
    assert_openai_error(resp, 503, "edge_unavailable", "service_unavailable")
    assert "connection failed" in resp.json()["error"]["message"]


def test_edge_and_cloud_down_is_an_openai_503(gateway, refused_url, cloud):
    cloud.status = 500
    resp = chat(gateway(refused_url, cloud.url))
    assert_openai_error(resp, 503, "edge_unavailable", "service_unavailable")
    assert "HTTP 500" in resp.json()["error"]["message"]


# ---------------------------------------------------------------------------------------------
# Input checks


@pytest.mark.parametrize(
    "body, status, code",
    [
        (b'{"messages": [', 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_json"),
        (b"{}", 400, "missing_messages"),
        (b'{"messages": []}', 400, "missing_messages"),
        (b'{"messages": "hi"}', 400, "missing_messages"),
        (json.dumps({"messages": [{"role": "tool", "content": "x"}]}).encode(), 400, "invalid_role"),
        (json.dumps({"messages": [{"content": "x"}]}).encode(), 400, "invalid_role"),
        (
            json.dumps({"messages": [USER, {"role": "assistant", "content": "x"}]}).encode(),
            400,
            "last_message_not_user",
        ),
        (json.dumps({"messages": [{"role": "user", "content": "  "}]}).encode(), 400, "empty_message"),
        (json.dumps({"messages": [{"role": "user", "content": 3}]}).encode(), 400, "invalid_content"),
        (json.dumps({"messages": [{"role": "user", "content": "长" * 4001}]}).encode(), 400, "prompt_too_long"),
        (json.dumps({"messages": [USER], "max_tokens": 0}).encode(), 400, "invalid_max_tokens"),
        (json.dumps({"messages": [USER], "model": "gpt-9"}).encode(), 404, "model_not_found"),
        (json.dumps({"messages": [{"role": "user", "content": "x" * 70_000}]}).encode(), 413, "body_too_large"),
    ],
    ids=[
        "malformed",
        "not-object",
        "no-messages",
        "empty-messages",
        "messages-not-list",
        "tool-role",
        "no-role",
        "last-not-user",
        "blank-last",
        "bad-content",
        "too-long",
        "bad-max-tokens",
        "unknown-model",
        "too-large",
    ],
)
def test_bad_input_gets_an_openai_error_with_its_code(gateway, edge, body, status, code):
    resp = gateway(edge.url).post("/v1/chat/completions", content=body, headers={"Content-Type": "application/json"})
    assert_openai_error(resp, status, code)
    assert edge.chat_requests == []  # rejected before any tier is asked


def test_unknown_model_error_names_the_param_and_the_served_models(gateway, edge):
    err = chat(gateway(edge.url), model="gpt-9").json()["error"]
    assert err["param"] == "model" and "edge-gateway" in err["message"]


@pytest.mark.parametrize("model", ["edge-gateway", EDGE_MODEL, None])
def test_the_gateway_model_names_or_none_are_accepted(gateway, edge, model):
    body = {"messages": [USER]} | ({"model": model} if model else {})
    assert gateway(edge.url).post("/v1/chat/completions", json=body).status_code == 200


def test_oversized_body_sent_chunked_is_refused_with_413(gateway, edge):
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must hold while reading
        yield b'{"messages": [{"role": "user", "content": "'
        for _ in range(20):
            yield b"x" * 4096
        yield b'"}]}'

    resp = gateway(edge.url).post("/v1/chat/completions", content=chunks())
    assert_openai_error(resp, 413, "body_too_large")


def test_text_parts_content_is_accepted(gateway, edge):
    parts = {"role": "user", "content": [{"type": "text", "text": "法国的"}, {"type": "text", "text": "首都？"}]}
    assert chat(gateway(edge.url), parts).status_code == 200
    assert edge.chat_requests[0]["body"]["messages"][-1] == {"role": "user", "content": "法国的首都？"}


# ---------------------------------------------------------------------------------------------
# Auth and logs


def test_bearer_keys_from_the_env_var_are_required(gateway, edge, monkeypatch):
    monkeypatch.setenv("TEST_GATEWAY_KEYS", "key-one, key-two")
    client = gateway(edge.url, api_keys_env="TEST_GATEWAY_KEYS")
    assert_openai_error(chat(client), 401, "invalid_api_key")
    wrong = client.post("/v1/chat/completions", json={"messages": [USER]}, headers={"Authorization": "Bearer nope"})
    assert_openai_error(wrong, 401, "invalid_api_key")
    assert_openai_error(client.post("/api/chat", json={"message": "hi"}), 401, "invalid_api_key")
    for key in ("key-one", "key-two"):
        ok = client.post("/v1/chat/completions", json={"messages": [USER]}, headers={"Authorization": f"Bearer {key}"})
        assert ok.status_code == 200
    assert "authorization" not in edge.chat_requests[0]["headers"]  # client keys stay at the gateway


def test_a_named_but_unset_key_variable_stops_the_start(monkeypatch):
    monkeypatch.delenv("TEST_GATEWAY_KEYS", raising=False)
    with pytest.raises(EdgecloudError, match="TEST_GATEWAY_KEYS"):
        create_app(GatewayConfig(api_keys_env="TEST_GATEWAY_KEYS"))


def test_logs_and_responses_carry_neither_keys_nor_prompts(gateway, edge, cloud, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TEST_GATEWAY_KEYS", "client-secret-xyz")
    monkeypatch.setenv("TEST_CLOUD_KEY", "sk-cloud-secret-123")
    edge.reply = DEFAULT_FORWARD_REPLY
    client = gateway(edge.url, cloud.url, api_keys_env="TEST_GATEWAY_KEYS", cloud_api_key_env="TEST_CLOUD_KEY")
    prompt = {"role": "user", "content": "我的私密问题 private-prompt-text"}
    responses = [
        client.post(
            "/v1/chat/completions", json={"messages": [prompt]}, headers={"Authorization": "Bearer client-secret-xyz"}
        ),
        client.post("/v1/chat/completions", json={"messages": [prompt]}, headers={"Authorization": "Bearer bad"}),
        client.get("/healthz"),
    ]
    assert [r.status_code for r in responses] == [200, 401, 200]
    for secret in ("client-secret-xyz", "sk-cloud-secret-123", "private-prompt-text"):
        assert secret not in caplog.text
        assert all(secret not in r.text for r in responses[1:])
    assert "client-secret-xyz" not in responses[0].text and "sk-cloud-secret-123" not in responses[0].text
    access = [r.getMessage() for r in caplog.records if r.name == "edgecloud.serve.gateway"]
    assert any(m.startswith("POST /v1/chat/completions 200 tier=cloud ") and m.endswith("ms") for m in access)
    assert any(m.startswith("POST /v1/chat/completions 401 tier=none ") for m in access)


def test_debug_log_prompts_logs_the_prompt_but_never_the_key(gateway, edge, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TEST_GATEWAY_KEYS", "client-secret-xyz")
    client = gateway(edge.url, api_keys_env="TEST_GATEWAY_KEYS", debug_log_prompts=True)
    client.post(
        "/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "private-prompt-text"}]},
        headers={"Authorization": "Bearer client-secret-xyz"},
    )
    assert "private-prompt-text" in caplog.text
    assert "client-secret-xyz" not in caplog.text


# ---------------------------------------------------------------------------------------------
# Streaming


def sse_events(resp: httpx.Response) -> list[str]:
    assert resp.headers["content-type"].startswith("text/event-stream")
    blocks = [b for b in resp.text.split("\n\n") if b.strip()]
    assert all(b.startswith("data: ") for b in blocks)
    return [b[len("data: ") :] for b in blocks]


@pytest.mark.parametrize("forward", [False, True])
def test_streaming_from_a_non_streaming_upstream_adds_up_to_the_non_stream_reply(gateway, edge, cloud, forward):
    edge.reply = DEFAULT_FORWARD_REPLY if forward else EDGE_ANSWER
    client = gateway(edge.url, cloud.url)
    plain = chat(client).json()
    events = sse_events(chat(client, USER, stream=True))
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == plain["choices"][0]["message"]["content"]
    assert len(chunks) == 3  # role, the text, the end: an upstream that answers in one JSON body is one delta
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["edgecloud"]["tier"] == plain["edgecloud"]["tier"] == ("cloud" if forward else "edge")


def test_streaming_request_that_fails_validation_gets_a_json_error(gateway, edge):
    resp = chat(gateway(edge.url), USER, stream=True, model="gpt-9")
    assert_openai_error(resp, 404, "model_not_found")


# ---------------------------------------------------------------------------------------------
# The web API and page


def test_api_chat_returns_the_flat_answer_for_the_page(gateway, edge, cloud):
    edge.reply = DEFAULT_FORWARD_REPLY
    client = gateway(edge.url, cloud.url)
    history = [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "你好！"}]
    resp = client.post("/api/chat", json={"message": "请推导二次方程求根公式", "history": history})
    assert resp.status_code == 200
    body = resp.json()
    assert {"reply", "tier", "status", "edge_decision", "edge_reply", "latency_ms", "timings_ms"} <= set(body)
    assert (body["reply"], body["tier"], body["status"]) == (CLOUD_ANSWER, "cloud", "ok")
    assert (body["edge_decision"], body["edge_reply"]) == ("forward", DEFAULT_FORWARD_REPLY)
    assert body["latency_ms"] == body["timings_ms"]["total"] > 0
    question = {"role": "user", "content": "请推导二次方程求根公式"}
    assert cloud.chat_requests[0]["body"]["messages"] == [*history, question]


@pytest.mark.parametrize(
    "body, code",
    [
        ({"message": ""}, "empty_message"),
        ({"message": "   "}, "empty_message"),
        ({}, "empty_message"),
        ({"message": "hi", "history": [{"role": "robot", "content": "x"}]}, "invalid_role"),
        ({"message": "长" * 4001}, "prompt_too_long"),
    ],
)
def test_api_chat_rejects_bad_input_like_the_openai_route(gateway, edge, body, code):
    assert_openai_error(gateway(edge.url).post("/api/chat", json=body), 400, code)


def test_index_page_is_served_with_the_chat_controls(gateway, edge):
    resp = gateway(edge.url).get("/")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    page = resp.text
    assert "charset=utf-8" in resp.headers["content-type"]
    # the controls are in the markup; each reply and error element is built by the script with these classes
    for needed in (
        'id="message"',
        'id="send"',
        'id="log"',
        'fetch("/api/chat"',
        '"msg reply"',
        "dataset.tier",
        "dataset.status",
        '"latency"',
        '"msg error"',
        "端侧 edge",
        "云端 cloud",
        '"Enter"',
    ):
        assert needed in page, needed
    assert "http://" not in page and "https://" not in page and "//cdn" not in page  # works offline


# ---------------------------------------------------------------------------------------------
# Health and metrics


def test_healthz_is_ok_when_the_edge_serves_its_model(gateway, edge):
    resp = gateway(edge.url).get("/healthz")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok" and body["gateway"]["ok"]
    assert body["edge"]["ok"] and body["edge"]["model"] == EDGE_MODEL
    assert body["cloud"]["configured"] is False and body["cloud"]["detail"] == "not configured"


def test_healthz_is_503_when_the_edge_is_down(gateway, refused_url, cloud):
    resp = gateway(refused_url, cloud.url).get("/healthz")
    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "degraded" and not body["edge"]["ok"] and body["cloud"]["ok"]


def test_healthz_is_degraded_but_200_when_only_the_cloud_is_down(gateway, edge, cloud):
    cloud.status = 500
    resp = gateway(edge.url, cloud.url).get("/healthz")
    assert resp.status_code == 200
    assert resp.json()["status"] == "degraded" and resp.json()["cloud"]["detail"] == "HTTP 500"


def test_healthz_flags_an_edge_that_serves_another_model(gateway, edge):
    edge.model = "some-other-model"
    body = gateway(edge.url).get("/healthz").json()
    assert not body["edge"]["ok"] and "not served" in body["edge"]["detail"]


def test_metrics_count_requests_by_tier_and_status_with_a_latency_histogram(gateway, edge, cloud):
    client = gateway(edge.url, cloud.url)
    chat(client)
    edge.reply = DEFAULT_FORWARD_REPLY
    chat(client)
    chat(client)
    client.post("/v1/chat/completions", content=b"{")
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    lines = resp.text.splitlines()
    assert "# TYPE edgecloud_requests_total counter" in lines
    assert "# TYPE edgecloud_request_latency_seconds histogram" in lines
    assert 'edgecloud_requests_total{tier="edge",status="ok"} 1' in lines
    assert 'edgecloud_requests_total{tier="cloud",status="ok"} 2' in lines
    assert 'edgecloud_requests_total{tier="none",status="invalid_json"} 1' in lines
    assert 'edgecloud_request_latency_seconds_bucket{tier="cloud",le="+Inf"} 2' in lines
    assert 'edgecloud_request_latency_seconds_count{tier="cloud"} 2' in lines
    assert any(l.startswith('edgecloud_request_latency_seconds_sum{tier="edge"} ') for l in lines)
    prefix = 'edgecloud_request_latency_seconds_bucket{tier="cloud"'
    buckets = [int(l.rsplit(" ", 1)[1]) for l in lines if l.startswith(prefix)]
    assert buckets == sorted(buckets) and len(buckets) > 5  # cumulative


def test_metrics_parse_as_prometheus_text(gateway, edge):
    parser = pytest.importorskip("prometheus_client.parser")  # installed with jupyterlab (jupyter_server)
    client = gateway(edge.url)
    chat(client)
    families = {f.name: f for f in parser.text_string_to_metric_families(client.get("/metrics").text)}
    assert families["edgecloud_requests"].type == "counter"
    assert families["edgecloud_request_latency_seconds"].type == "histogram"
    samples = families["edgecloud_request_latency_seconds"].samples
    assert {s.name for s in samples} == {f"edgecloud_request_latency_seconds_{x}" for x in ("bucket", "sum", "count")}


def test_models_lists_the_gateway_names(gateway, edge):
    ids = [m["id"] for m in gateway(edge.url).get("/v1/models").json()["data"]]
    assert ids == ["edge-gateway", EDGE_MODEL]


# ---------------------------------------------------------------------------------------------
# Config and the command line


def test_config_rejects_unknown_keys_and_binds_loopback_by_default():
    assert GatewayConfig().host == "127.0.0.1"
    with pytest.raises(ValueError, match="extra"):
        GatewayConfig(edge_url="http://x")
    with pytest.raises(ValueError, match="cloud_model"):
        GatewayConfig(cloud_base_url="http://127.0.0.1:9/v1")


def test_load_config_names_the_file_and_the_key(tmp_path):
    bad = tmp_path / "gw.json"
    bad.write_text(json.dumps({"port": 8100, "edge_timeout": 3}), encoding="utf-8")
    with pytest.raises(ParamsError, match=r"gw\.json[\s\S]*key 'edge_timeout': unknown key"):
        load_config(bad)
    assert main(["--config", str(bad)]) == 2


def test_python_m_gateway_serves_as_a_subprocess(tmp_path, edge):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = tmp_path / "gw.json"
    cfg.write_text(json.dumps({"port": port, "edge_base_url": edge.url, "edge_model": EDGE_MODEL}), encoding="utf-8")
    log_path = tmp_path / "gateway.log"
    with log_path.open("w") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "edgecloud.serve.gateway", "--config", str(cfg)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=5) as client:
            deadline = time.monotonic() + 25
            while True:
                try:
                    health = client.get("/healthz")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, log_path.read_text()
                    assert time.monotonic() < deadline, "gateway subprocess did not come up"
                    time.sleep(0.1)
            assert health.status_code == 200
            assert chat(client).json()["edgecloud"]["tier"] == "edge"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert "POST /v1/chat/completions 200 tier=edge" in log_path.read_text()
