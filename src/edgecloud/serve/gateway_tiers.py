"""Calling one tier (the edge server or the cloud LLM): one OpenAI chat completion and what came of it."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

from edgecloud.routing import TOP_LOGPROBS, score_from_top

RETRY_BACKOFF_S = 0.1


class Failure(str):
    """Why a call got no usable answer, with `fault`, how the server failed: 'connect' (nothing was sent),
    'timeout', 'transport' (reset, closed mid-answer), 'server' (HTTP 5xx); None when the server answered
    but not usefully (HTTP 4xx, a malformed or empty reply). A str, so it reads as the reason it is."""

    fault: str | None

    def __new__(cls, reason: str, fault: str | None = None) -> "Failure":
        obj = super().__new__(cls, reason)
        obj.fault = fault
        return obj


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
    fault: str | None = None  # how the server failed (`Failure.fault`), None when it answered


def _reply_of(resp: httpx.Response, allow_empty: bool = False) -> tuple[str, dict[str, Any] | None, str] | str:
    """(text, usage, finish_reason) of a chat.completion response, or the reason it is unusable (an empty reply
    too, unless `allow_empty`: the routing probe's one token can be half a character, dropped below)."""
    if (failed := status_failure(resp.status_code)) is not None:
        return failed
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
    if not isinstance(text, str) or (not text.strip() and not allow_empty):
        return "empty reply"
    return text, usage if isinstance(usage, dict) else None, choice.get("finish_reason") or "stop"


def first_top_logprobs(resp: httpx.Response) -> list[tuple[str, float]] | None:
    """[(token, logprob)] of the reply's first position, from an OpenAI `logprobs` answer, else None."""
    try:
        top = resp.json()["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
        return [(str(t["token"]), float(t["logprob"])) for t in top]
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def chat_payload(
    model: str, messages: list[dict[str, str]], sampling: dict[str, Any], stream: bool, logprobs: bool
) -> dict[str, Any]:
    payload = {"model": model, "messages": messages, "stream": stream, **sampling}
    if logprobs:  # the edge: ask for the first token's top log-probabilities (routing score)
        payload.update(logprobs=True, top_logprobs=TOP_LOGPROBS)
    return payload


def status_failure(status: int) -> Failure | None:
    """A non-200 answer as a Failure (the body is not quoted: an upstream may echo headers)."""
    return None if status == 200 else Failure(f"HTTP {status}", "server" if status >= 500 else None)


async def post_once(
    client: httpx.AsyncClient, url: str, payload: dict[str, Any], headers: dict[str, str] | None, timeout_s: float
) -> httpx.Response | Failure:
    """One POST, bounded by `timeout_s` as a whole: the response, or how it failed."""
    try:
        async with asyncio.timeout(timeout_s):
            return await client.post(url, json=payload, headers=headers, timeout=timeout_s)
    except httpx.ConnectError as exc:
        return Failure(str(exc), "connect")
    except (TimeoutError, httpx.TimeoutException):
        return Failure(f"timed out after {timeout_s:g} s", "timeout")
    except httpx.HTTPError as exc:
        return Failure(f"{type(exc).__name__}: {exc}", "transport")


def tier_call(
    got: httpx.Response | Failure, start: float, attempts: int, score_token: str | None, allow_empty: bool = False
) -> TierCall:
    """What came of a call: the reply of a response, or why there is none."""
    ms = (time.perf_counter() - start) * 1000
    if isinstance(got, Failure):
        reason = f"connection failed after {attempts} attempt(s): {got}" if got.fault == "connect" else str(got)
        return TierCall(ok=False, reason=reason, ms=ms, attempts=attempts, fault=got.fault)
    parsed = _reply_of(got, allow_empty)
    if isinstance(parsed, str):
        return TierCall(ok=False, reason=parsed, ms=ms, attempts=attempts, fault=getattr(parsed, "fault", None))
    text, usage, finish = parsed
    score = None
    if score_token is not None and (top := first_top_logprobs(got)) and len(top) >= 2:
        score = round(score_from_top(top, score_token), 4)
    return TierCall(ok=True, text=text, usage=usage, finish_reason=finish, score=score, ms=ms, attempts=attempts)


async def call_tier(
    client: httpx.AsyncClient,
    base_url: str,
    model: str,
    messages: list[dict[str, str]],
    sampling: dict[str, Any],
    timeout_s: float,
    retries: int,
    headers: dict[str, str] | None = None,
    score_token: str | None = None,
) -> TierCall:
    """POST one non-streaming chat completion; `timeout_s` bounds the whole call, retries included.

    Only connection errors are retried: then nothing reached the server, so a retry cannot make a
    model answer twice. A timeout is not retried, since the model may still be generating.
    """
    payload = chat_payload(model, messages, sampling, False, score_token is not None)
    start, attempts = time.perf_counter(), 0
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                attempts += 1
                got = await post_once(client, f"{base_url}/chat/completions", payload, headers, timeout_s)
                if not (isinstance(got, Failure) and got.fault == "connect" and attempts <= retries):
                    break
                await asyncio.sleep(RETRY_BACKOFF_S)
    except TimeoutError:
        got = Failure(f"timed out after {timeout_s:g} s", "timeout")
    return tier_call(got, start, attempts, score_token)
