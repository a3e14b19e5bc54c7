"""The edge gateway: one OpenAI-compatible endpoint in front of the edge model and the cloud tier.

Every request goes to the edge model first (ms-swift `swift deploy`). When its reply forwards the
request (decided by `routing.forward_match`, the same detector evaluation scores the model with, so
the thesis measures exactly what the gateway does), the gateway asks the cloud tier and returns
its answer, keeping the edge reply in the response metadata.

Failures never turn into an empty reply or a bare 500: the `edgecloud.status` field of every
answer says which tier answered and what went wrong on the way (cloud not configured, cloud
unavailable, edge unavailable and the cloud stood in). Only when no tier can answer does the
client get an error, an OpenAI-style 503.

Bad input never passes silently and never becomes a 500: every request the gateway cannot serve as
sent (not JSON, nested too deeply, an unknown route or method, an option it does not support such as
n > 1, max_tokens above `max_tokens_limit`, ...) gets a 4xx with the OpenAI error object and a code,
and every response, whatever its status, is counted in /metrics.

`stream: true` is real pass-through streaming, routed on the edge's first tokens (`gateway_stream`).

Run it as a process: `python -m edgecloud.serve.gateway --config gateway.json`.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import re
import secrets
import sys
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Literal

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edgecloud.errors import EdgecloudError, ParamsError
from edgecloud.params import DEFAULT_SYSTEM_PROMPT
from edgecloud.routing import TOP_LOGPROBS, decide, forward_match, score_from_top
from edgecloud.serve.upstream_pool import ShardedTransport

log = logging.getLogger("edgecloud.serve.gateway")

GATEWAY_MODEL = "edge-gateway"
WEB_DIR = Path(__file__).with_name("web")
ROLES = ("system", "user", "assistant")
# Seconds; the edge answers in tens of milliseconds to seconds on a CPU, the cloud in seconds to a minute.
LATENCY_BUCKETS_S = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
RETRY_BACKOFF_S = 0.1
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
# Nesting of arrays/objects a request body may have: a chat body needs 4 ({"messages": [{"content":
# [{"type": ...}]}]}). Checked before parsing, so a deep body is a 400, never a RecursionError.
MAX_JSON_DEPTH = 32
MAX_NUMBER_DIGITS = 100  # longer integer literals are refused before Python converts them
SHOW_CHARS = 80  # a client value quoted in an error message is cut to this many characters

Tier = Literal["edge", "cloud"]


# ---------------------------------------------------------------------------------------------
# Configuration


class GatewayConfig(BaseModel):
    """Everything the gateway needs; secrets are referenced by environment-variable NAME only.

    Keeping keys out of the config means the config file can be committed, logged and copied into
    a run's outputs without leaking anything.
    """

    model_config = ConfigDict(extra="forbid")

    host: str = Field("127.0.0.1", description="loopback by default: exposing the gateway is a deliberate choice")
    port: int = Field(8100, ge=1, le=65535)
    edge_base_url: str = Field("http://127.0.0.1:8000/v1", description="OpenAI base URL of `swift deploy` (with /v1)")
    edge_model: str = Field("smollm2-135m-instruct", min_length=1, description="model name the edge server serves")
    edge_system_prompt: str | None = Field(
        DEFAULT_SYSTEM_PROMPT,
        description="sent to the edge as the system message when the client sends none, so the edge model "
        "sees the prompt it was fine-tuned with (set it to params data.system_prompt); never sent to the cloud",
    )
    cloud_base_url: str | None = Field(None, description="OpenAI base URL of the cloud tier; None = edge only")
    cloud_model: str | None = None
    cloud_api_key_env: str | None = Field(None, pattern=_ENV_NAME, description="NAME of the env var with the cloud key")
    cloud_label: str = Field("cloud LLM", description="what the cloud tier is, e.g. 'local stand-in for the cloud LLM'")
    edge_timeout_s: float = Field(30.0, gt=0)
    cloud_timeout_s: float = Field(120.0, gt=0)
    health_timeout_s: float = Field(2.0, gt=0, description="per-tier timeout of GET /healthz probes")
    connect_retries: int = Field(1, ge=0, le=5, description="retries on connection errors only (nothing was sent)")
    upstream_connections: int = Field(
        512, ge=1, le=65536, description="connections to each tier at most, all kept alive for reuse (httpx's default "
        "keeps 20 alive: under more concurrent requests each one opened and closed a connection), in shards of 16 "
        "(upstream_pool.py)")
    max_body_bytes: int = Field(64 * 1024, ge=1024)
    max_prompt_chars: int = Field(4000, ge=1, description="limit on the characters of all messages together")
    api_keys_env: str | None = Field(None, pattern=_ENV_NAME,
                                     description="NAME of the env var with comma-separated client keys; None = no auth")
    debug_log_prompts: bool = Field(False, description="log prompt and reply text (never keys); off in production")
    max_tokens_default: int = Field(256, ge=1, description="max_tokens when the client does not send one")
    max_tokens_limit: int = Field(2048, ge=1, description="largest max_tokens (or max_completion_tokens) a client "
                                  "may ask for; more is refused with 400 max_tokens_too_large")
    routing_threshold: float | None = Field(
        None, description="calibrated threshold on the edge's routing score (reports/routing_calibration_<run>.json); "
        "the edge server must then answer with the forward token suppressed as first token (stack.edge_model_dir); "
        "None: the edge's reply alone decides")
    forward_token: str = Field("[", min_length=1, description="first token of the forward reply (the decision token)")

    @field_validator("edge_base_url", "cloud_base_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (the OpenAI base URL, e.g. http://127.0.0.1:8000/v1)")
        return v.rstrip("/")

    @model_validator(mode="after")
    def _cloud_complete(self) -> "GatewayConfig":
        if self.cloud_base_url and not self.cloud_model:
            raise ValueError("cloud_base_url is set but cloud_model is not: name the cloud model to ask")
        if self.max_tokens_default > self.max_tokens_limit:
            raise ValueError(f"max_tokens_default ({self.max_tokens_default}) is above max_tokens_limit "
                             f"({self.max_tokens_limit}): raise the limit or lower the default")
        return self

    @property
    def cloud_configured(self) -> bool:
        return bool(self.cloud_base_url)

    def served_models(self) -> list[str]:
        """Model names a client may ask for: every request goes through the same edge-first routing."""
        return [GATEWAY_MODEL] if self.edge_model == GATEWAY_MODEL else [GATEWAY_MODEL, self.edge_model]


def load_config(path: str | Path) -> GatewayConfig:
    """Read a GatewayConfig from a JSON file; errors name the file and the key."""
    p = Path(path)
    if not p.is_file():
        raise ParamsError(f"Gateway config not found: {p}")
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ParamsError(f"{p} line {exc.lineno}: not valid JSON: {exc.msg}") from None
    try:
        return GatewayConfig.model_validate(doc)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(x) for x in err["loc"]) or "(top level)"
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
            lines.append(f"  - key '{key}': {msg}")
        raise ParamsError(f"Invalid gateway config in {p}:\n" + "\n".join(lines)) from None


# ---------------------------------------------------------------------------------------------
# Errors in the OpenAI shape


class ApiError(Exception):
    """An error answered to the client as `{"error": {message, type, param, code}}`, like OpenAI does,
    so OpenAI client libraries raise their usual exceptions with a readable message."""

    def __init__(self, status: int, message: str, code: str, *, param: str | None = None,
                 type_: str = "invalid_request_error", headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param, self.type = status, message, code, param, type_
        self.headers = headers

    def response(self) -> JSONResponse:
        body = {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def show(value: Any) -> str:
    """A client value quoted in an error message: repr (escapes control and surrogate characters), cut short."""
    text = repr(value)
    return text if len(text) <= SHOW_CHARS else text[:SHOW_CHARS] + "…"


def http_error(request: Request, exc: StarletteHTTPException) -> ApiError:
    """The router's own errors (unknown route, wrong method) as OpenAI errors instead of `{"detail": ...}`."""
    where = show(request.url.path)
    if exc.status_code == 404:
        return ApiError(404, f"There is no route {request.method} {where} on this gateway (chat: POST "
                        "/v1/chat/completions or POST /api/chat).", "not_found")
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return ApiError(405, f"Method {request.method} is not allowed on {where}"
                        + (f"; allowed: {allowed}." if allowed else "."), "method_not_allowed", headers=exc.headers)
    return ApiError(exc.status_code, str(exc.detail), f"http_{exc.status_code}", headers=exc.headers,
                    type_="server_error" if exc.status_code >= 500 else "invalid_request_error")


def validation_error(exc: RequestValidationError) -> ApiError:
    """FastAPI's 422 (a typed parameter that does not validate) as an OpenAI error; no input is quoted."""
    errors = exc.errors()
    first = errors[0] if errors else {}
    loc = ".".join(str(x) for x in first.get("loc", ())) or None
    return ApiError(422, f"Invalid request: {loc or 'request'}: {first.get('msg', 'does not validate')}.",
                    "invalid_request", param=loc)


# ---------------------------------------------------------------------------------------------
# Request parsing and validation


@dataclass
class ChatRequest:
    """A validated chat request, whichever endpoint it came from."""

    messages: list[dict[str, str]]
    sampling: dict[str, Any]
    stream: bool = False


def authorize(request: Request, keys: frozenset[str]) -> None:
    """Require `Authorization: Bearer <key>` when keys are configured (constant-time comparison)."""
    if not keys:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    given = token.strip().encode()
    if scheme.lower() != "bearer" or not any(secrets.compare_digest(given, k.encode()) for k in keys):
        raise ApiError(401, "Missing or invalid API key: send the header 'Authorization: Bearer <key>'.",
                       "invalid_api_key", headers={"WWW-Authenticate": "Bearer"})


def check_content_type(request: Request) -> None:
    """A declared Content-Type must be JSON (application/json or application/*+json); none at all is read as JSON."""
    declared = request.headers.get("content-type")
    if declared is None:
        return
    media = declared.split(";", 1)[0].strip().lower()
    if media == "application/json" or (media.startswith("application/") and media.endswith("+json")):
        return
    raise ApiError(415, f"Content-Type {show(media)} is not JSON: send the body as application/json.",
                   "unsupported_media_type")


# Whole string literals (so brackets inside strings are skipped) or one bracket.
_JSON_NESTING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_OPENERS = frozenset(b"[{")


def nesting_exceeds(raw: bytes, limit: int) -> bool:
    """Whether arrays/objects in a JSON text nest deeper than `limit`, found by a flat scan (no recursion)."""
    depth = 0
    for m in _JSON_NESTING.finditer(raw):
        c = raw[m.start()]
        if c in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif c != 0x22:  # a closing bracket; 0x22 is '"', a string literal
            depth -= 1
    return False


def _invalid_json(why: str) -> ApiError:
    return ApiError(400, f"The request body is not valid JSON: {why}.", "invalid_json")


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _invalid_json(f"an integer has {len(text.lstrip('-'))} digits (at most {MAX_NUMBER_DIGITS})")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _invalid_json(f"the number {show(text)} is out of range")
    return value


def _parse_constant(name: str) -> Any:
    raise _invalid_json(f"{name} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # a repeated key: which value was meant is not for the gateway to guess
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _invalid_json(f"the key {show(key)} appears twice in one object")
            seen.add(key)
    return obj


def parse_json(raw: bytes) -> Any:
    """Strict JSON: UTF-8, nesting at most MAX_JSON_DEPTH, finite numbers, no duplicate keys; else 400 invalid_json."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid_json(f"it is not UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start})") from None
    if nesting_exceeds(raw, MAX_JSON_DEPTH):
        raise _invalid_json(f"arrays/objects nest deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant,
                          object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise _invalid_json(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:  # belt and braces: the checks above should make these impossible
        raise _invalid_json(type(exc).__name__) from None


async def read_json_body(request: Request, limit: int) -> Any:
    """Parse the JSON body, refusing bodies over `limit` bytes without reading them all into memory."""
    check_content_type(request)
    declared = request.headers.get("content-length", "")
    too_large = ApiError(413, f"Request body is larger than {limit} bytes.", "body_too_large")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return parse_json(bytes(body))


def _text_content(content: Any, where: str) -> str:
    """Message content as text: a string, or OpenAI's list of {"type": "text"} parts."""
    if isinstance(content, list) and all(isinstance(p, dict) and p.get("type") == "text"
                                         and isinstance(p.get("text"), str) for p in content):
        content = "".join(p["text"] for p in content)
    if not isinstance(content, str):
        raise ApiError(400, f"{where}.content must be a string or a list of text parts.", "invalid_content",
                       param=f"{where}.content")
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate escape such as "\ud800": no tier could be sent it
        raise ApiError(400, f"{where}.content holds {show(content[exc.start])}, a lone surrogate that is not "
                       "Unicode text.", "invalid_content", param=f"{where}.content") from None
    return content


def validate_messages(raw: Any, max_chars: int, param: str = "messages") -> list[dict[str, str]]:
    """Check roles, order and size; the edge model was trained on system/user/assistant turns only."""
    if not isinstance(raw, list) or not raw:
        raise ApiError(400, f"'{param}' must be a non-empty list of messages.", "missing_messages", param=param)
    messages = []
    for i, m in enumerate(raw):
        where = f"{param}[{i}]"
        if not isinstance(m, dict):
            raise ApiError(400, f"{where} must be an object with 'role' and 'content'.", "invalid_message", param=where)
        if m.get("role") not in ROLES:
            raise ApiError(400, f"{where}.role is {show(m.get('role'))}; expected one of {', '.join(ROLES)}.",
                           "invalid_role", param=f"{where}.role")
        messages.append({"role": m["role"], "content": _text_content(m.get("content"), where)})
    if messages[-1]["role"] != "user":
        raise ApiError(400, "The last message must come from the user.", "last_message_not_user", param=param)
    if not messages[-1]["content"].strip():
        raise ApiError(400, "The last user message is empty.", "empty_message", param=param)
    total = sum(len(m["content"]) for m in messages)
    if total > max_chars:
        raise ApiError(400, f"The messages hold {total} characters; this gateway accepts at most {max_chars}.",
                       "prompt_too_long", param=param)
    return messages


def _sampling(body: dict[str, Any], config: GatewayConfig) -> dict[str, Any]:
    """The sampling options passed on to the tiers (others are ignored on purpose: both tiers must accept them)."""
    out: dict[str, Any] = {}
    name = "max_tokens" if body.get("max_tokens") is not None else "max_completion_tokens"
    max_tokens = body.get(name)
    if max_tokens is None:
        max_tokens = config.max_tokens_default
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise ApiError(400, f"{name} must be a positive integer.", "invalid_max_tokens", param=name)
    if max_tokens > config.max_tokens_limit:
        raise ApiError(400, f"{name} is {max_tokens}; this gateway allows at most {config.max_tokens_limit} "
                       "(max_tokens_limit).", "max_tokens_too_large", param=name)
    out["max_tokens"] = max_tokens
    for key, upper in (("temperature", 2.0), ("top_p", 1.0)):
        if body.get(key) is not None:
            v = body[key]
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 <= v <= upper:
                raise ApiError(400, f"{key} must be a number between 0 and {upper:g}.", f"invalid_{key}", param=key)
            out[key] = v
    return out


def parse_openai_request(body: Any, config: GatewayConfig) -> ChatRequest:
    """Validate a /v1/chat/completions body."""
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.", "invalid_json")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise ApiError(400, f"model must be a string, one of {', '.join(config.served_models())}.",
                       "invalid_model", param="model")
    if model is not None and model not in config.served_models():
        raise ApiError(404, f"The model {show(model)} does not exist; this gateway serves "
                       f"{', '.join(config.served_models())}.", "model_not_found", param="model")
    messages = validate_messages(body.get("messages"), config.max_prompt_chars)
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError(400, "stream must be true or false.", "invalid_stream", param="stream")
    n = body.get("n")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        raise ApiError(400, "n must be a positive integer.", "invalid_n", param="n")
    if n is not None and n > 1:
        raise ApiError(400, f"n={n} is not supported: this gateway returns one choice per request (send n=1 "
                       "or leave n out).", "unsupported_n", param="n")
    return ChatRequest(messages, _sampling(body, config), stream)


def parse_web_request(body: Any, config: GatewayConfig) -> ChatRequest:
    """Validate a /api/chat body: `{"message": str, "history": [{"role", "content"}, ...]}`."""
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.", "invalid_json")
    message = body.get("message")
    if message is not None and not isinstance(message, str):
        raise ApiError(400, "'message' must be a string.", "invalid_message", param="message")
    if message is None or not message.strip():
        raise ApiError(400, "'message' must be a non-empty string.", "empty_message", param="message")
    history = body.get("history")
    if history is None:
        history = []
    if not isinstance(history, list):
        raise ApiError(400, "'history' must be a list of messages.", "invalid_message", param="history")
    messages = validate_messages([*history, {"role": "user", "content": message}], config.max_prompt_chars,
                                 param="history")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError(400, "stream must be true or false.", "invalid_stream", param="stream")
    return ChatRequest(messages, {"max_tokens": config.max_tokens_default}, stream)


# ---------------------------------------------------------------------------------------------
# Calling a tier


@dataclass
class TierCall:
    """What one tier did: its reply or why there is none, and how long it took."""

    ok: bool
    text: str | None = None
    reason: str | None = None
    ms: float = 0.0
    attempts: int = 0
    usage: dict[str, Any] | None = None
    finish_reason: str = "stop"
    score: float | None = None  # routing score from the first reply token's top log-probabilities


def _reply_of(resp: httpx.Response) -> tuple[str, dict[str, Any] | None, str] | str:
    """(text, usage, finish_reason) of a chat.completion response, or the reason it is unusable."""
    if resp.status_code != 200:
        return f"HTTP {resp.status_code}"  # the body is not quoted: an upstream may echo headers
    try:
        doc = resp.json()  # once: each call parses the whole body again
        choice = doc["choices"][0]
        text = choice["message"]["content"]
        usage = doc.get("usage")
    except (ValueError, KeyError, IndexError, TypeError):
        return "malformed response (not an OpenAI chat.completion)"
    if isinstance(text, str):
        # a reply cut at max_tokens can end inside a multi-byte character, decoded as U+FFFD
        text = text.rstrip("\ufffd")
    if not isinstance(text, str) or not text.strip():
        return "empty reply"
    return text, usage if isinstance(usage, dict) else None, choice.get("finish_reason") or "stop"


def first_top_logprobs(resp: httpx.Response) -> list[tuple[str, float]] | None:
    """[(token, logprob)] of the reply's first position, from an OpenAI `logprobs` answer, else None."""
    try:
        top = resp.json()["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
        return [(str(t["token"]), float(t["logprob"])) for t in top]
    except (ValueError, KeyError, IndexError, TypeError):
        return None


async def call_tier(client: httpx.AsyncClient, base_url: str, model: str, messages: list[dict[str, str]],
                    sampling: dict[str, Any], timeout_s: float, retries: int,
                    headers: dict[str, str] | None = None, score_token: str | None = None) -> TierCall:
    """POST one non-streaming chat completion; `timeout_s` bounds the whole call, retries included.

    Only connection errors are retried: then nothing reached the server, so a retry cannot make a
    model answer twice. A timeout is not retried, since the model may still be generating.
    """
    payload = {"model": model, "messages": messages, "stream": False, **sampling}
    if score_token is not None:  # the edge: ask for the first token's top log-probabilities (routing score)
        payload.update(logprobs=True, top_logprobs=TOP_LOGPROBS)
    start = time.perf_counter()
    attempts = 0

    def done(**kw: Any) -> TierCall:
        return TierCall(ms=(time.perf_counter() - start) * 1000, attempts=attempts, **kw)

    try:
        async with asyncio.timeout(timeout_s):
            while True:
                attempts += 1
                try:
                    resp = await client.post(f"{base_url}/chat/completions", json=payload, headers=headers,
                                             timeout=timeout_s)
                    break
                except httpx.ConnectError as exc:
                    if attempts > retries:
                        return done(ok=False, reason=f"connection failed after {attempts} attempt(s): {exc}")
                    await asyncio.sleep(RETRY_BACKOFF_S)
    except (TimeoutError, httpx.TimeoutException):
        return done(ok=False, reason=f"timed out after {timeout_s:g} s")
    except httpx.HTTPError as exc:
        return done(ok=False, reason=f"{type(exc).__name__}: {exc}")
    parsed = _reply_of(resp)
    if isinstance(parsed, str):
        return done(ok=False, reason=parsed)
    text, usage, finish = parsed
    score = None
    if score_token is not None and (top := first_top_logprobs(resp)) and len(top) >= 2:
        score = round(score_from_top(top, score_token), 4)
    return done(ok=True, text=text, usage=usage, finish_reason=finish, score=score)


# ---------------------------------------------------------------------------------------------
# Routing


@dataclass
class GatewayState:
    """What the routes share: config, keys read once at start, the HTTP clients and the metrics."""

    config: GatewayConfig
    api_keys: frozenset[str]
    metrics: "Metrics"
    started: float = field(default_factory=time.time)
    edge_client: httpx.AsyncClient | None = None
    cloud_client: httpx.AsyncClient | None = None


@dataclass
class Outcome:
    """The routed answer and the account of how it was obtained (the `edgecloud` metadata)."""

    reply: str
    tier: Tier
    status: str
    model: str
    edge: TierCall
    cloud: TierCall | None = None
    match: str | None = None
    detail: str | None = None
    total_ms: float = 0.0
    cloud_label: str | None = None

    @property
    def answering_call(self) -> TierCall:
        return self.cloud if self.tier == "cloud" and self.cloud else self.edge

    def metadata(self) -> dict[str, Any]:
        edge_decision = None if not self.edge.ok else ("forward" if self.match else "answer")
        return {
            "tier": self.tier,
            "status": self.status,
            "detail": self.detail,
            "edge_decision": edge_decision,
            "edge_reply": self.edge.text,
            "forward_match": self.match,
            "routing_score": self.edge.score,
            "edge_attempts": self.edge.attempts,
            "cloud_label": self.cloud_label,
            "timings_ms": {"edge": round(self.edge.ms, 1),
                           "cloud": round(self.cloud.ms, 1) if self.cloud else None,
                           "total": round(self.total_ms, 1)},
        }


def cloud_headers(config: GatewayConfig) -> dict[str, str] | str:
    """Headers for the cloud call, or why the cloud cannot be called (naming the variable, never its value)."""
    if not config.cloud_configured:
        return "no cloud_base_url in the gateway config"
    if not config.cloud_api_key_env:
        return {}
    key = os.environ.get(config.cloud_api_key_env, "").strip()
    if not key:
        return f"environment variable {config.cloud_api_key_env} (cloud_api_key_env) is not set"
    return {"Authorization": f"Bearer {key}"}


def edge_messages(messages: list[dict[str, str]], system_prompt: str | None) -> list[dict[str, str]]:
    """The edge sees its fine-tuning system prompt unless the client brought its own system message."""
    if system_prompt is None or any(m["role"] == "system" for m in messages):
        return messages
    return [{"role": "system", "content": system_prompt}, *messages]


def cloud_request(state: GatewayState, chat: ChatRequest) -> tuple[Any, ...] | str:
    """The arguments of a cloud call (client, base URL, model, the client's own messages, sampling, timeout,
    retries, headers) for `call_tier` and the streaming path alike, or why the cloud is not configured."""
    cfg = state.config
    headers = cloud_headers(cfg)
    if isinstance(headers, str):
        return headers
    assert state.cloud_client is not None and cfg.cloud_base_url and cfg.cloud_model
    return (state.cloud_client, cfg.cloud_base_url, cfg.cloud_model, chat.messages, chat.sampling,
            cfg.cloud_timeout_s, cfg.connect_retries, headers)


async def ask_cloud(state: GatewayState, chat: ChatRequest) -> TierCall | str:
    """The cloud's answer to the client's own messages, or why the cloud is not configured."""
    args = cloud_request(state, chat)
    return args if isinstance(args, str) else await call_tier(*args)


async def route(state: GatewayState, chat: ChatRequest) -> Outcome:
    """Edge first; forward to the cloud when the edge says so; say what happened in `status`."""
    cfg = state.config
    start = time.perf_counter()
    assert state.edge_client is not None
    edge = await call_tier(state.edge_client, cfg.edge_base_url, cfg.edge_model,
                           edge_messages(chat.messages, cfg.edge_system_prompt), chat.sampling,
                           cfg.edge_timeout_s, cfg.connect_retries,
                           score_token=cfg.forward_token if cfg.routing_threshold is not None else None)
    if not edge.ok:
        outcome = await _edge_unavailable(state, chat, edge)
    elif (match := routing_match(edge, cfg.routing_threshold)) is None:
        outcome = Outcome(edge.text or "", "edge", "ok", cfg.edge_model, edge)
    else:
        outcome = await _forward(state, chat, edge, match)
    outcome.total_ms = (time.perf_counter() - start) * 1000
    return outcome


def routing_match(edge: TierCall, threshold: float | None) -> str | None:
    """Why the request goes to the cloud (`routing.decide`): the forward text of the edge's reply, or its
    routing score at or above the calibrated threshold; None when the edge answers."""
    if (match := forward_match(edge.text)) is not None:
        return match
    if decide(edge.text, edge.score, threshold):
        return f"routing score {edge.score:.2f} >= threshold {threshold:.2f}"
    return None


async def _forward(state: GatewayState, chat: ChatRequest, edge: TierCall, match: str) -> Outcome:
    """The edge forwarded: the cloud answers, or the edge's own forward reply is returned with the reason."""
    cfg = state.config
    edge_reply = edge.text or ""
    cloud = await ask_cloud(state, chat)
    if isinstance(cloud, str):
        return Outcome(edge_reply, "edge", "cloud_not_configured", cfg.edge_model, edge, match=match, detail=cloud)
    if not cloud.ok:
        return Outcome(edge_reply, "edge", "cloud_unavailable", cfg.edge_model, edge, cloud, match,
                       detail=f"cloud: {cloud.reason}", cloud_label=cfg.cloud_label)
    return Outcome(cloud.text or "", "cloud", "ok", cfg.cloud_model or "", edge, cloud, match,
                   cloud_label=cfg.cloud_label)


async def _edge_unavailable(state: GatewayState, chat: ChatRequest, edge: TierCall) -> Outcome:
    """The edge did not answer: the cloud stands in, or no tier can answer (503)."""
    cfg = state.config
    cloud = await ask_cloud(state, chat)
    if isinstance(cloud, str):
        raise ApiError(503, f"The edge model is unavailable ({edge.reason}) and the cloud tier cannot stand in "
                       f"({cloud}).", "edge_unavailable", type_="service_unavailable")
    if not cloud.ok:
        raise ApiError(503, f"The edge model is unavailable ({edge.reason}) and so is the cloud tier "
                       f"({cloud.reason}).", "edge_unavailable", type_="service_unavailable")
    return Outcome(cloud.text or "", "cloud", "edge_unavailable_fallback", cfg.cloud_model or "", edge, cloud,
                   detail=f"edge: {edge.reason}", cloud_label=cfg.cloud_label)


# ---------------------------------------------------------------------------------------------
# Responses


def completion_body(outcome: Outcome, chat_id: str, created: int) -> dict[str, Any]:
    """A chat.completion object with the routing account under the extra key `edgecloud`."""
    body: dict[str, Any] = {
        "id": chat_id,
        "object": "chat.completion",
        "created": created,
        "model": outcome.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": outcome.reply},
                     "finish_reason": outcome.answering_call.finish_reason}],
        "edgecloud": outcome.metadata(),
    }
    if outcome.answering_call.usage:
        body["usage"] = outcome.answering_call.usage
    return body


def web_body(outcome: Outcome) -> dict[str, Any]:
    """The flat answer of /api/chat, shaped for the web page."""
    meta = outcome.metadata()
    return {"reply": outcome.reply, "latency_ms": meta["timings_ms"]["total"], **meta}


# ---------------------------------------------------------------------------------------------
# Metrics (Prometheus text format, written by hand: two metric families do not need a dependency)


def _labels(**labels: str) -> str:
    def esc(v: str) -> str:
        return v.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return "{" + ",".join(f'{k}="{esc(v)}"' for k, v in labels.items()) + "}"


@dataclass
class Metrics:
    """Chat request counter by (tier, status), latency histogram by tier, and a counter of every HTTP
    response by (route, status code); one event loop, so no lock."""

    buckets: tuple[float, ...] = LATENCY_BUCKETS_S
    requests: dict[tuple[str, str], int] = field(default_factory=dict)
    responses: dict[tuple[str, str], int] = field(default_factory=dict)
    bucket_counts: dict[str, list[int]] = field(default_factory=dict)  # cumulative, one per bucket
    sums: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def observe(self, tier: str, status: str, seconds: float) -> None:
        self.requests[(tier, status)] = self.requests.get((tier, status), 0) + 1
        cum = self.bucket_counts.setdefault(tier, [0] * len(self.buckets))
        for i, upper in enumerate(self.buckets):
            if seconds <= upper:
                cum[i] += 1
        self.sums[tier] = self.sums.get(tier, 0.0) + seconds
        self.counts[tier] = self.counts.get(tier, 0) + 1

    def count_response(self, route: str, status: int) -> None:
        key = (route, str(status))
        self.responses[key] = self.responses.get(key, 0) + 1

    def render(self) -> str:
        out = ["# HELP edgecloud_requests_total Chat requests handled, by answering tier and status "
               "(tier none: rejected or no tier could answer).",
               "# TYPE edgecloud_requests_total counter"]
        for (tier, status), n in sorted(self.requests.items()):
            out.append(f"edgecloud_requests_total{_labels(tier=tier, status=status)} {n}")
        out += ["# HELP edgecloud_request_latency_seconds End-to-end latency of chat requests, by answering tier.",
                "# TYPE edgecloud_request_latency_seconds histogram"]
        name = "edgecloud_request_latency_seconds"
        for tier in sorted(self.counts):
            for upper, n in zip(self.buckets, self.bucket_counts[tier]):
                out.append(f"{name}_bucket{_labels(tier=tier, le=repr(float(upper)))} {n}")
            out.append(f"{name}_bucket{_labels(tier=tier, le='+Inf')} {self.counts[tier]}")
            out.append(f"{name}_sum{_labels(tier=tier)} {self.sums[tier]!r}")
            out.append(f"{name}_count{_labels(tier=tier)} {self.counts[tier]}")
        out += ["# HELP edgecloud_http_responses_total Every HTTP response, by route and status code "
                "(route unmatched: no such path).",
                "# TYPE edgecloud_http_responses_total counter"]
        for (route, status), n in sorted(self.responses.items()):
            out.append(f"edgecloud_http_responses_total{_labels(route=route, status=status)} {n}")
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Health


async def probe(client: httpx.AsyncClient, base_url: str, model: str, timeout_s: float,
                headers: dict[str, str] | None = None) -> dict[str, Any]:
    """GET {base}/models: is the tier up, and does it serve the model the gateway will ask for?"""
    try:
        resp = await client.get(f"{base_url}/models", headers=headers, timeout=timeout_s)
    except httpx.TimeoutException:
        return {"ok": False, "model": model, "detail": f"timed out after {timeout_s:g} s"}
    except httpx.HTTPError as exc:
        return {"ok": False, "model": model, "detail": f"unreachable: {type(exc).__name__}: {exc}"}
    if resp.status_code != 200:
        return {"ok": False, "model": model, "detail": f"HTTP {resp.status_code}"}
    try:
        served = [m["id"] for m in resp.json()["data"]]
    except (ValueError, KeyError, TypeError):
        return {"ok": True, "model": model, "detail": "HTTP 200 (model list not readable)"}
    if model not in served:
        return {"ok": False, "model": model, "detail": f"model {model!r} is not served (serves: {', '.join(served)})"}
    return {"ok": True, "model": model, "detail": "HTTP 200"}


async def health(state: GatewayState) -> tuple[int, dict[str, Any]]:
    """Both tiers probed concurrently; 503 when the edge is down (the gateway's first hop)."""
    cfg = state.config
    assert state.edge_client is not None and state.cloud_client is not None
    edge_probe = probe(state.edge_client, cfg.edge_base_url, cfg.edge_model, cfg.health_timeout_s)
    headers = cloud_headers(cfg)
    if isinstance(headers, str):
        edge = await edge_probe
        cloud = {"configured": cfg.cloud_configured, "ok": False,
                 "detail": "not configured" if not cfg.cloud_configured else headers}
    else:
        assert cfg.cloud_base_url and cfg.cloud_model
        edge, cloud = await asyncio.gather(edge_probe, probe(state.cloud_client, cfg.cloud_base_url, cfg.cloud_model,
                                                             cfg.health_timeout_s, headers))
        cloud = {"configured": True, **cloud}
    cloud["label"] = cfg.cloud_label
    degraded = not edge["ok"] or (cfg.cloud_configured and not cloud["ok"])
    body = {"status": "degraded" if degraded else "ok",
            "gateway": {"ok": True, "uptime_s": round(time.time() - state.started, 1)},
            "edge": edge, "cloud": cloud}
    return (200 if edge["ok"] else 503), body


# ---------------------------------------------------------------------------------------------
# The app


def read_api_keys(config: GatewayConfig) -> frozenset[str]:
    """Client keys from the env var named in the config; a named but empty variable stops the start,
    since every request would then be refused with no hint why."""
    if not config.api_keys_env:
        return frozenset()
    keys = frozenset(k.strip() for k in os.environ.get(config.api_keys_env, "").split(",") if k.strip())
    if not keys:
        raise EdgecloudError(f"api_keys_env is {config.api_keys_env!r} but that environment variable is not set "
                             "or empty: export comma-separated client keys in it, or set api_keys_env to null")
    return keys


async def _handle_chat(request: Request, state: GatewayState,
                       parse: Callable[[Any, GatewayConfig], ChatRequest]) -> tuple[ChatRequest, Any]:
    """Auth, size, validation, routing and metrics, shared by both chat endpoints. A streamed request
    returns the `gateway_stream.Routed` stream, decided on the edge's first tokens (counted when it ends)."""
    start = time.perf_counter()
    try:
        authorize(request, state.api_keys)
        chat = parse(await read_json_body(request, state.config.max_body_bytes), state.config)
        if chat.stream:
            from edgecloud.serve.gateway_stream import route_stream

            routed = await route_stream(state, chat, start)
            request.state.tier = routed.tier
            return chat, routed
        outcome = await route(state, chat)
    except ApiError as err:
        state.metrics.observe("none", err.code, time.perf_counter() - start)
        request.state.tier = "none"
        raise
    except Exception:
        state.metrics.observe("none", "internal_error", time.perf_counter() - start)
        request.state.tier = "none"
        raise
    state.metrics.observe(outcome.tier, outcome.status, time.perf_counter() - start)
    request.state.tier = outcome.tier
    if state.config.debug_log_prompts:
        log.info("prompt=%r reply=%r", chat.messages[-1]["content"], outcome.reply)
    return chat, outcome


class AccessLog:
    """One line per request with method, path, status, tier and latency: never bodies, headers or keys.
    Every response is also counted in the metrics by route and status, an unexpected error as 500.

    Plain ASGI, not `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs every request through
    an extra task and every response through a memory stream, which cost this gateway a large share of its
    per-request CPU (benchmarks/results/gateway_overhead_*). The line is written when the response has been
    sent whole, so a streamed answer's latency covers the stream."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # unless a response starts: an exception is answered outside, by the error handler
        counted = False

        def count() -> None:
            nonlocal counted
            if not counted:
                counted = True
                # the route template, never the raw path: an unknown path must not become a new label value
                self.metrics.count_response(getattr(scope.get("route"), "path", None) or "unmatched", status)

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                count()  # before the last byte leaves: a client that reads /metrics next already sees this one
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            count()
            tier = scope.get("state", {}).get("tier", "-")
            log.info("%s %s %d tier=%s %.1fms", scope["method"], scope["path"], status, tier,
                     (time.perf_counter() - start) * 1000)


def _add_access_log(app: FastAPI, metrics: Metrics) -> None:
    app.add_middleware(AccessLog, metrics=metrics)


def create_app(config: GatewayConfig) -> FastAPI:
    """The gateway app; the HTTP clients live for the app's lifespan (one connection pool per tier)."""
    state = GatewayState(config, read_api_keys(config), Metrics())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The edge is a local server: ignore proxy variables for it; the cloud may need them.
        n = config.upstream_connections
        async with httpx.AsyncClient(trust_env=False, transport=ShardedTransport(n)) as edge_client, \
                httpx.AsyncClient(transport=ShardedTransport(n)) as cloud_client:
            state.edge_client, state.cloud_client = edge_client, cloud_client
            yield

    app = FastAPI(title="edgecloud gateway", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.gateway = state
    _add_access_log(app, state.metrics)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, err: ApiError) -> JSONResponse:
        return err.response()

    @app.exception_handler(StarletteHTTPException)
    async def router_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return http_error(request, exc).response()

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_error(exc).response()

    @app.exception_handler(Exception)
    async def unexpected(_: Request, err: Exception) -> JSONResponse:
        log.error("unexpected error: %s", type(err).__name__, exc_info=err)
        return ApiError(500, "Internal gateway error (see the gateway log).", "internal_error",
                        type_="server_error").response()

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        chat, outcome = await _handle_chat(request, state, parse_openai_request)
        chat_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if chat.stream:
            from edgecloud.serve.gateway_stream import stream_response

            return stream_response(outcome, state, chat_id, created)
        return JSONResponse(completion_body(outcome, chat_id, created))

    @app.post("/api/chat")
    async def web_chat(request: Request) -> Response:
        chat, outcome = await _handle_chat(request, state, parse_web_request)
        if chat.stream:  # the web page: the same chunks as /v1/chat/completions
            from edgecloud.serve.gateway_stream import stream_response

            return stream_response(outcome, state, f"chatcmpl-{uuid.uuid4().hex}", int(time.time()))
        return JSONResponse(web_body(outcome))

    @app.get("/v1/models")
    async def models(request: Request) -> JSONResponse:
        authorize(request, state.api_keys)
        data = [{"id": m, "object": "model", "created": int(state.started), "owned_by": "edgecloud"}
                for m in config.served_models()]
        return JSONResponse({"object": "list", "data": data})

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        code, body = await health(state)
        return JSONResponse(body, status_code=code)

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(state.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.get("/")
    async def index() -> HTMLResponse:
        return HTMLResponse((WEB_DIR / "index.html").read_text(encoding="utf-8"))

    return app


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    """`python -m edgecloud.serve.gateway --config gateway.json`: serve until SIGINT/SIGTERM."""
    ap = argparse.ArgumentParser(prog="python -m edgecloud.serve.gateway", description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", required=True, help="a JSON file with the GatewayConfig fields")
    args = ap.parse_args(argv)
    try:
        config = load_config(args.config)
        app = create_app(config)
    except EdgecloudError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per upstream call is noise next to ours
    print(f"edgecloud gateway on http://{config.host}:{config.port} (edge {config.edge_model}, "
          f"cloud {config.cloud_model or 'not configured'})", file=sys.stderr, flush=True)
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
