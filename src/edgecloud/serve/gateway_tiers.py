"""Calling one tier (the edge server or the cloud LLM): one OpenAI chat completion and what came of it."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

from edgecloud.routing import TOP_LOGPROBS, score_from_top

RETRY_BACKOFF_S = 0.1




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
