"""A client's request to the gateway: errors in the OpenAI shape, auth, the strict JSON body and the
validation of both chat endpoints' bodies into one `ChatRequest`."""

from __future__ import annotations

import json
import math
import re
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from edgecloud.serve.gateway_config import GatewayConfig

ROLES = ("system", "user", "assistant")
# Nesting of arrays/objects a request body may have: a chat body needs 4 ({"messages": [{"content":
# [{"type": ...}]}]}). Checked before parsing, so a deep body is a 400, never a RecursionError.
MAX_JSON_DEPTH = 32
MAX_NUMBER_DIGITS = 100  # longer integer literals are refused before Python converts them
SHOW_CHARS = 80  # a client value quoted in an error message is cut to this many characters


# ---------------------------------------------------------------------------------------------
# Errors in the OpenAI shape


class ApiError(Exception):
    """An error answered to the client as `{"error": {message, type, param, code}}`, like OpenAI does,
    so OpenAI client libraries raise their usual exceptions with a readable message."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str,
        *,
        param: str | None = None,
        type_: str = "invalid_request_error",
        headers: dict[str, str] | None = None,
    ) -> None:
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
        return ApiError(
            404,
            f"There is no route {request.method} {where} on this gateway (chat: POST "
            "/v1/chat/completions or POST /api/chat).",
            "not_found",
        )
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return ApiError(
            405,
            f"Method {request.method} is not allowed on {where}" + (f"; allowed: {allowed}." if allowed else "."),
            "method_not_allowed",
            headers=exc.headers,
        )
    return ApiError(
        exc.status_code,
        str(exc.detail),
        f"http_{exc.status_code}",
        headers=exc.headers,
        type_="server_error" if exc.status_code >= 500 else "invalid_request_error",
    )


def validation_error(exc: RequestValidationError) -> ApiError:
    """FastAPI's 422 (a typed parameter that does not validate) as an OpenAI error; no input is quoted."""
    errors = exc.errors()
    first = errors[0] if errors else {}
    loc = ".".join(str(x) for x in first.get("loc", ())) or None
    return ApiError(
        422,
        f"Invalid request: {loc or 'request'}: {first.get('msg', 'does not validate')}.",
        "invalid_request",
        param=loc,
    )


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
        raise ApiError(
            401,
            "Missing or invalid API key: send the header 'Authorization: Bearer <key>'.",
            "invalid_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )


def check_content_type(request: Request) -> None:
    """A declared Content-Type must be JSON (application/json or application/*+json); none at all is read as JSON."""
    declared = request.headers.get("content-type")
    if declared is None:
        return
    media = declared.split(";", 1)[0].strip().lower()
    if media == "application/json" or (media.startswith("application/") and media.endswith("+json")):
        return
    raise ApiError(
        415, f"Content-Type {show(media)} is not JSON: send the body as application/json.", "unsupported_media_type"
    )


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
        return json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
            object_pairs_hook=_object,
        )
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
    if isinstance(content, list) and all(
        isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str) for p in content
    ):
        content = "".join(p["text"] for p in content)
    if not isinstance(content, str):
        raise ApiError(
            400,
            f"{where}.content must be a string or a list of text parts.",
            "invalid_content",
            param=f"{where}.content",
        )
    try:
        content.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate escape such as "\ud800": no tier could be sent it
        raise ApiError(
            400,
            f"{where}.content holds {show(content[exc.start])}, a lone surrogate that is not Unicode text.",
            "invalid_content",
            param=f"{where}.content",
        ) from None
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
            raise ApiError(
                400,
                f"{where}.role is {show(m.get('role'))}; expected one of {', '.join(ROLES)}.",
                "invalid_role",
                param=f"{where}.role",
            )
        messages.append({"role": m["role"], "content": _text_content(m.get("content"), where)})
    if messages[-1]["role"] != "user":
        raise ApiError(400, "The last message must come from the user.", "last_message_not_user", param=param)
    if not messages[-1]["content"].strip():
        raise ApiError(400, "The last user message is empty.", "empty_message", param=param)
    total = sum(len(m["content"]) for m in messages)
    if total > max_chars:
        raise ApiError(
            400,
            f"The messages hold {total} characters; this gateway accepts at most {max_chars}.",
            "prompt_too_long",
            param=param,
        )
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
        raise ApiError(
            400,
            f"{name} is {max_tokens}; this gateway allows at most {config.max_tokens_limit} (max_tokens_limit).",
            "max_tokens_too_large",
            param=name,
        )
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
        raise ApiError(
            400, f"model must be a string, one of {', '.join(config.served_models())}.", "invalid_model", param="model"
        )
    if model is not None and model not in config.served_models():
        raise ApiError(
            404,
            f"The model {show(model)} does not exist; this gateway serves {', '.join(config.served_models())}.",
            "model_not_found",
            param="model",
        )
    messages = validate_messages(body.get("messages"), config.max_prompt_chars)
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError(400, "stream must be true or false.", "invalid_stream", param="stream")
    n = body.get("n")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        raise ApiError(400, "n must be a positive integer.", "invalid_n", param="n")
    if n is not None and n > 1:
        raise ApiError(
            400,
            f"n={n} is not supported: this gateway returns one choice per request (send n=1 or leave n out).",
            "unsupported_n",
            param="n",
        )
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
    messages = validate_messages(
        [*history, {"role": "user", "content": message}], config.max_prompt_chars, param="history"
    )
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError(400, "stream must be true or false.", "invalid_stream", param="stream")
    return ChatRequest(messages, {"max_tokens": config.max_tokens_default}, stream)
