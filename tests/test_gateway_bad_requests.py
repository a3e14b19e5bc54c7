"""Bad requests to the edge gateway, as a table: each gets its 4xx status and an OpenAI error code, never a 500.

The gateway runs unmodified (create_app) under uvicorn on 127.0.0.1, in front of a real loopback edge
upstream (tests/gateway_servers.py). Two routes are added to the app by this file only, to produce the
two statuses no client input may produce any more: a typed query parameter (FastAPI's 422) and a
handler that raises (500); they check that those responses are OpenAI-shaped and counted in /metrics too.
After the table, /metrics must have counted every response by status.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from contextlib import contextmanager
from typing import Any, Iterator, NamedTuple

import httpx
import pytest
from fastapi import FastAPI

from edgecloud.serve.gateway import GatewayConfig, create_app
from edgecloud.serve.gateway_request import MAX_JSON_DEPTH, nesting_exceeds

from gateway_servers import ServerThread, rule_upstream

EDGE_MODEL = "edge-test-model"
EDGE_ANSWER = "巴黎是法国的首都。"
USER = {"role": "user", "content": "法国的首都是哪里？"}
LIMIT = GatewayConfig().max_tokens_limit
CHAT, WEB = "/v1/chat/completions", "/api/chat"
JSON_CT = {"Content-Type": "application/json"}


class Row(NamedTuple):
    name: str
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    status: int
    code: str


def js(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


def chat_body(**fields: Any) -> bytes:
    return js({"model": "edge-gateway", "messages": [USER], **fields})


def with_raw(template: dict[str, Any], raw: str) -> bytes:
    """`template` as JSON with the string "@RAW@" replaced by raw JSON text (a deep list, 1e999, NaN, ...)."""
    return js(template).replace(b'"@RAW@"', raw.encode())


DEEP = "[" * 1000 + "]" * 1000  # the body: deep enough for Python's json to hit its recursion limit
ONE_TOO_DEEP = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)


def row(
    name: str, method: str, path: str, body: bytes | None, status: int, code: str, headers: dict[str, str] | None = None
) -> Row:
    return Row(
        name, method, path, body, JSON_CT if headers is None and body is not None else headers or {}, status, code
    )


TABLE: list[Row] = [
    # 9: deep nesting inside the 64 KB limit was a 500 (RecursionError)
    row("deep-array-body", "POST", CHAT, DEEP.encode(), 400, "invalid_json"),
    row("deep-array-body-web", "POST", WEB, DEEP.encode(), 400, "invalid_json"),
    row("deep-object-body", "POST", CHAT, ('{"a": ' * 1000 + "1" + "}" * 1000).encode(), 400, "invalid_json"),
    row(
        "deep-content",
        "POST",
        CHAT,
        with_raw({"messages": [{"role": "user", "content": "@RAW@"}]}, DEEP),
        400,
        "invalid_json",
    ),
    row(
        "deep-ignored-field",
        "POST",
        CHAT,
        with_raw({"messages": [USER], "metadata": "@RAW@"}, DEEP),
        400,
        "invalid_json",
    ),
    row("deep-web-message", "POST", WEB, with_raw({"message": "@RAW@"}, DEEP), 400, "invalid_json"),
    row(
        "deep-web-history-content",
        "POST",
        WEB,
        with_raw({"message": "hi", "history": [{"role": "user", "content": "@RAW@"}]}, DEEP),
        400,
        "invalid_json",
    ),
    row(
        "one-level-too-deep",
        "POST",
        CHAT,
        with_raw({"messages": [USER], "x": "@RAW@"}, ONE_TOO_DEEP),
        400,
        "invalid_json",
    ),
    # 10: framework errors were {"detail": ...}; n, max_tokens and model were not checked
    row("unknown-route", "GET", "/v1/nope", None, 404, "not_found"),
    row("unknown-route-post", "POST", "/v1/completions", chat_body(), 404, "not_found"),
    row("wrong-method-chat", "GET", CHAT, None, 405, "method_not_allowed"),
    row("wrong-method-web", "PUT", WEB, js({"message": "hi"}), 405, "method_not_allowed"),
    row("wrong-method-metrics", "DELETE", "/metrics", None, 405, "method_not_allowed"),
    row("validation-error", "GET", "/test/typed?n=seven", None, 422, "invalid_request"),
    row("n-5", "POST", CHAT, chat_body(n=5), 400, "unsupported_n"),
    row("n-0", "POST", CHAT, chat_body(n=0), 400, "invalid_n"),
    row("n-string", "POST", CHAT, chat_body(n="1"), 400, "invalid_n"),
    row("n-true", "POST", CHAT, chat_body(n=True), 400, "invalid_n"),
    row("max-tokens-1e9", "POST", CHAT, chat_body(max_tokens=10**9), 400, "max_tokens_too_large"),
    row("max-tokens-limit-plus-1", "POST", CHAT, chat_body(max_tokens=LIMIT + 1), 400, "max_tokens_too_large"),
    row("max-completion-tokens-1e9", "POST", CHAT, chat_body(max_completion_tokens=10**9), 400, "max_tokens_too_large"),
    row("max-tokens-50-digits", "POST", CHAT, chat_body(max_tokens=10**50), 400, "max_tokens_too_large"),
    row("model-list", "POST", CHAT, chat_body(model=["edge-gateway"]), 400, "invalid_model"),
    row("model-number", "POST", CHAT, chat_body(model=7), 400, "invalid_model"),
    row("model-object", "POST", CHAT, chat_body(model={"id": "edge-gateway"}), 400, "invalid_model"),
    # not JSON, or not the JSON a chat request is
    row("malformed", "POST", CHAT, b'{"messages": [', 400, "invalid_json"),
    row("empty-body", "POST", CHAT, b"", 400, "invalid_json"),
    row("body-array", "POST", CHAT, b"[1, 2]", 400, "invalid_json"),
    row("body-string", "POST", CHAT, b'"hello"', 400, "invalid_json"),
    row("body-null", "POST", CHAT, b"null", 400, "invalid_json"),
    row("body-array-web", "POST", WEB, b"[]", 400, "invalid_json"),
    row("invalid-utf8", "POST", CHAT, b'{"messages": [{"role": "user", "content": "\xff\xfe"}]}', 400, "invalid_json"),
    row("utf16-body", "POST", CHAT, json.dumps({"messages": [USER]}).encode("utf-16"), 400, "invalid_json"),
    row("utf8-bom", "POST", CHAT, b"\xef\xbb\xbf" + chat_body(), 400, "invalid_json"),
    row(
        "duplicate-key",
        "POST",
        CHAT,
        b'{"messages": [], "messages": [{"role": "user", "content": "hi"}]}',
        400,
        "invalid_json",
    ),
    row(
        "temperature-1e999",
        "POST",
        CHAT,
        with_raw({"messages": [USER], "temperature": "@RAW@"}, "1e999"),
        400,
        "invalid_json",
    ),
    row(
        "max-tokens-1e999",
        "POST",
        CHAT,
        with_raw({"messages": [USER], "max_tokens": "@RAW@"}, "-1e999"),
        400,
        "invalid_json",
    ),
    row(
        "temperature-nan",
        "POST",
        CHAT,
        with_raw({"messages": [USER], "temperature": "@RAW@"}, "NaN"),
        400,
        "invalid_json",
    ),
    row(
        "top-p-infinity",
        "POST",
        CHAT,
        with_raw({"messages": [USER], "top_p": "@RAW@"}, "Infinity"),
        400,
        "invalid_json",
    ),
    row(
        "max-tokens-5000-digits",
        "POST",
        CHAT,
        with_raw({"messages": [USER], "max_tokens": "@RAW@"}, "9" * 5000),
        400,
        "invalid_json",
    ),
    # the wrong content type (none at all is read as JSON)
    row("text-plain", "POST", CHAT, chat_body(), 415, "unsupported_media_type", {"Content-Type": "text/plain"}),
    row(
        "form-encoded",
        "POST",
        CHAT,
        b"messages=hello",
        415,
        "unsupported_media_type",
        {"Content-Type": "application/x-www-form-urlencoded"},
    ),
    row(
        "text-plain-web",
        "POST",
        WEB,
        js({"message": "hi"}),
        415,
        "unsupported_media_type",
        {"Content-Type": "text/plain; charset=utf-8"},
    ),
    # messages
    row("no-messages", "POST", CHAT, js({"model": "edge-gateway"}), 400, "missing_messages"),
    row("messages-empty", "POST", CHAT, js({"messages": []}), 400, "missing_messages"),
    row("messages-object", "POST", CHAT, js({"messages": USER}), 400, "missing_messages"),
    row("message-not-object", "POST", CHAT, js({"messages": ["hello"]}), 400, "invalid_message"),
    row("role-unknown", "POST", CHAT, js({"messages": [{"role": "robot", "content": "hi"}]}), 400, "invalid_role"),
    row("role-tool", "POST", CHAT, js({"messages": [{"role": "tool", "content": "hi"}]}), 400, "invalid_role"),
    row("role-list", "POST", CHAT, js({"messages": [{"role": ["user"], "content": "hi"}]}), 400, "invalid_role"),
    row("role-missing", "POST", CHAT, js({"messages": [{"content": "hi"}]}), 400, "invalid_role"),
    row("content-number", "POST", CHAT, js({"messages": [{"role": "user", "content": 42}]}), 400, "invalid_content"),
    row("content-null", "POST", CHAT, js({"messages": [{"role": "user", "content": None}]}), 400, "invalid_content"),
    row(
        "content-object",
        "POST",
        CHAT,
        js({"messages": [{"role": "user", "content": {"text": "hi"}}]}),
        400,
        "invalid_content",
    ),
    row(
        "content-image-part",
        "POST",
        CHAT,
        js({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}),
        400,
        "invalid_content",
    ),
    row(
        "content-lone-surrogate",
        "POST",
        CHAT,
        b'{"messages": [{"role": "user", "content": "hi \\ud800"}]}',
        400,
        "invalid_content",
    ),
    row(
        "last-not-user",
        "POST",
        CHAT,
        js({"messages": [USER, {"role": "assistant", "content": "x"}]}),
        400,
        "last_message_not_user",
    ),
    row("blank-last", "POST", CHAT, js({"messages": [{"role": "user", "content": " \n "}]}), 400, "empty_message"),
    row(
        "prompt-too-long",
        "POST",
        CHAT,
        js({"messages": [{"role": "user", "content": "长" * 4001}]}),
        400,
        "prompt_too_long",
    ),
    # sampling options
    row("temperature-3", "POST", CHAT, chat_body(temperature=3), 400, "invalid_temperature"),
    row("temperature-negative", "POST", CHAT, chat_body(temperature=-0.1), 400, "invalid_temperature"),
    row("temperature-string", "POST", CHAT, chat_body(temperature="0.5"), 400, "invalid_temperature"),
    row("top-p-2", "POST", CHAT, chat_body(top_p=2), 400, "invalid_top_p"),
    row("max-tokens-0", "POST", CHAT, chat_body(max_tokens=0), 400, "invalid_max_tokens"),
    row("max-tokens-float", "POST", CHAT, chat_body(max_tokens=8.0), 400, "invalid_max_tokens"),
    row("max-tokens-string", "POST", CHAT, chat_body(max_tokens="8"), 400, "invalid_max_tokens"),
    row("stream-string", "POST", CHAT, chat_body(stream="yes"), 400, "invalid_stream"),
    row("unknown-model", "POST", CHAT, chat_body(model="gpt-9"), 404, "model_not_found"),
    # the web API
    row("web-no-message", "POST", WEB, js({}), 400, "empty_message"),
    row("web-blank-message", "POST", WEB, js({"message": "  "}), 400, "empty_message"),
    row("web-message-list", "POST", WEB, js({"message": ["hi"]}), 400, "invalid_message"),
    row("web-history-object", "POST", WEB, js({"message": "hi", "history": {}}), 400, "invalid_message"),
    row("web-history-string", "POST", WEB, js({"message": "hi", "history": "earlier"}), 400, "invalid_message"),
    row(
        "web-history-role",
        "POST",
        WEB,
        js({"message": "hi", "history": [{"role": "robot", "content": "x"}]}),
        400,
        "invalid_role",
    ),
    # size
    row(
        "body-too-large",
        "POST",
        CHAT,
        js({"messages": [{"role": "user", "content": "x" * 70_000}]}),
        413,
        "body_too_large",
    ),
    row("body-too-large-web", "POST", WEB, js({"message": "x" * 70_000}), 413, "body_too_large"),
    # what no request may cause any more, injected: an unexpected error must still be OpenAI-shaped and counted
    row("unexpected-error", "GET", "/test/boom", None, 500, "internal_error"),
]


# ---------------------------------------------------------------------------------------------
# A real gateway on loopback


def gateway_app(edge_url: str, **overrides: Any) -> FastAPI:
    app = create_app(GatewayConfig(edge_base_url=edge_url, edge_model=EDGE_MODEL, edge_timeout_s=2.0, **overrides))

    # test-only routes (see the module docstring): FastAPI's own 422, and an unexpected exception
    @app.get("/test/typed")
    async def typed(n: int) -> dict[str, int]:
        return {"n": n}

    @app.get("/test/boom")
    async def boom() -> None:
        raise RuntimeError("injected failure")

    return app


class Stack(NamedTuple):
    client: httpx.Client
    upstream_requests: list[dict[str, Any]]


@contextmanager
def running_gateway(**overrides: Any) -> Iterator[Stack]:
    """The edge upstream and the gateway, each a uvicorn server on 127.0.0.1; both stopped on exit."""
    edge_app, requests = rule_upstream(EDGE_MODEL, lambda _: EDGE_ANSWER)
    servers = [ServerThread(edge_app).start()]
    try:
        servers.append(ServerThread(gateway_app(f"{servers[0].url}/v1", **overrides)).start())
        with httpx.Client(base_url=servers[1].url, trust_env=False, timeout=10) as client:
            yield Stack(client, requests)
    finally:
        for server in servers:
            server.request_stop()
        for server in reversed(servers):
            server.stop()


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with running_gateway() as s:
        yield s


def send(client: httpx.Client, r: Row) -> httpx.Response:
    # each bad request on its own connection: after some errors (an unread oversized body) the server may close a
    # kept-alive connection, and a client reusing it at that moment sees a reset (seen once in ~10 full runs)
    headers = dict(r.headers or {})
    headers.setdefault("connection", "close")
    return client.request(r.method, r.path, content=r.body, headers=headers)


def assert_openai_error(resp: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["code"] == code, err
    assert err["type"] == ("server_error" if status >= 500 else "invalid_request_error")
    assert isinstance(err["message"], str) and err["message"]
    return err


# ---------------------------------------------------------------------------------------------
# The table


def test_the_table_has_unique_names_and_covers_every_status():
    assert len({r.name for r in TABLE}) == len(TABLE)
    assert {r.status for r in TABLE} == {400, 404, 405, 413, 415, 422, 500}


@pytest.mark.parametrize("r", TABLE, ids=[r.name for r in TABLE])
def test_bad_request_gets_its_status_and_an_openai_error_code(stack, r):
    before = len(stack.upstream_requests)
    assert_openai_error(send(stack.client, r), r.status, r.code)
    assert len(stack.upstream_requests) == before  # refused before any tier is asked


def test_metrics_count_every_response_by_status(caplog):
    caplog.set_level(logging.INFO)
    with running_gateway() as s:
        good = [
            s.client.post(CHAT, json={"messages": [USER]}),
            s.client.post(WEB, json={"message": "hi"}),
            s.client.get("/healthz"),
        ]
        bad = [send(s.client, r) for r in TABLE]
        assert [r.status_code for r in good] == [200, 200, 200]
        assert [r.status_code for r in bad] == [r.status for r in TABLE]
        text = s.client.get("/metrics").text  # this response itself is counted after it is rendered
    http = Counter[str]()
    by_route = Counter[str]()
    for route, status, n in re.findall(
        r'^edgecloud_http_responses_total\{route="([^"]*)",status="(\d+)"\} (\d+)$', text, re.M
    ):
        http[status] += int(n)
        by_route[route] += int(n)
    expected = Counter(str(r.status_code) for r in good + bad)
    assert http == expected
    assert by_route["unmatched"] == sum(1 for r in TABLE if r.status == 404 and r.code == "not_found")
    assert "/v1/nope" not in text  # unknown paths are not label values
    # the chat counter: every request to a chat route, by its error code (tier none)
    chat_rows = Counter(r.code for r in TABLE if r.path in (CHAT, WEB) and r.method == "POST")
    for code, n in chat_rows.items():
        assert f'edgecloud_requests_total{{tier="none",status="{code}"}} {n}' in text.splitlines(), code
    assert 'edgecloud_requests_total{tier="edge",status="ok"} 2' in text.splitlines()
    # the only unexpected error logged is the injected one: no RecursionError or other 500 from client input
    errors = [rec for rec in caplog.records if rec.name == "edgecloud.serve.gateway" and rec.levelno >= logging.ERROR]
    assert len(errors) == 1 and isinstance(errors[0].exc_info[1], RuntimeError)
    assert "RecursionError" not in caplog.text


# ---------------------------------------------------------------------------------------------
# The details behind some rows, and what stays accepted


def test_max_tokens_above_the_limit_names_the_limit_and_the_param(stack):
    err = assert_openai_error(
        stack.client.post(CHAT, json={"messages": [USER], "max_tokens": 10**9}), 400, "max_tokens_too_large"
    )
    assert err["param"] == "max_tokens" and str(LIMIT) in err["message"] and "max_tokens_limit" in err["message"]


def test_a_configured_max_tokens_limit_is_enforced_and_the_limit_itself_passes():
    with running_gateway(max_tokens_limit=100, max_tokens_default=50) as s:
        assert_openai_error(
            s.client.post(CHAT, json={"messages": [USER], "max_tokens": 101}), 400, "max_tokens_too_large"
        )
        assert s.client.post(CHAT, json={"messages": [USER], "max_tokens": 100}).status_code == 200
        assert s.client.post(CHAT, json={"messages": [USER]}).status_code == 200
        assert [r["max_tokens"] for r in s.upstream_requests] == [100, 50]


def test_a_default_above_the_limit_is_a_config_error():
    with pytest.raises(ValueError, match="max_tokens_limit"):
        GatewayConfig(max_tokens_default=300, max_tokens_limit=200)


def test_n_1_or_absent_is_accepted_and_one_choice_returned(stack):
    for extra in ({"n": 1}, {}):
        resp = stack.client.post(CHAT, json={"messages": [USER], **extra})
        assert resp.status_code == 200 and len(resp.json()["choices"]) == 1
    assert "n" not in stack.upstream_requests[-1]


def test_unknown_route_and_method_errors_say_what_exists(stack):
    err = assert_openai_error(stack.client.get("/v1/nope"), 404, "not_found")
    assert "/v1/chat/completions" in err["message"]
    resp = stack.client.get(CHAT)
    err = assert_openai_error(resp, 405, "method_not_allowed")
    assert resp.headers["allow"] == "POST" and "POST" in err["message"]


def test_model_that_is_not_a_string_names_the_param(stack):
    err = assert_openai_error(stack.client.post(CHAT, json={"messages": [USER], "model": ["x"]}), 400, "invalid_model")
    assert err["param"] == "model" and "edge-gateway" in err["message"]


def test_client_values_quoted_in_errors_are_cut_short(stack):
    resp = stack.client.post(CHAT, json={"messages": [{"role": "r" * 10_000, "content": "hi"}]})
    err = assert_openai_error(resp, 400, "invalid_role")
    assert len(err["message"]) < 300


@pytest.mark.parametrize(
    "headers",
    [{}, {"Content-Type": "application/json; charset=utf-8"}, {"Content-Type": "application/vnd.api+json"}],
    ids=["no-content-type", "json-charset", "json-suffix"],
)
def test_json_content_types_and_none_are_accepted(stack, headers):
    assert stack.client.post(CHAT, content=chat_body(), headers=headers).status_code == 200


def test_nesting_up_to_the_limit_and_brackets_inside_strings_are_accepted(stack):
    at_limit = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)  # + the body object = the limit
    assert (
        stack.client.post(
            CHAT, content=with_raw({"messages": [USER], "x": "@RAW@"}, at_limit), headers=JSON_CT
        ).status_code
        == 200
    )
    text = '[[[{{{ "quoted \\" [[[ ' * 100
    resp = stack.client.post(CHAT, json={"messages": [{"role": "user", "content": text}]})
    assert resp.status_code == 200
    assert stack.upstream_requests[-1]["messages"][-1]["content"] == text


def test_nesting_scan():
    assert not nesting_exceeds(b'{"a": [1, {"b": "]]]]"}]}', 3)
    assert nesting_exceeds(b'{"a": [1, {"b": []}]}', 3)
    assert not nesting_exceeds(b'["\\\\", ["\\"[[[["]]', 2)  # escaped backslash, then escaped quote
    assert nesting_exceeds(b"[" * 5, 4)
