"""One tier's streamed completion, as the gateway reads it: `open_stream` opens an OpenAI streaming completion
(server-sent events) and `TierStream` reads its chunks, keeps the text, the first position's top_logprobs, the
usage and how it ended, and closes it early when the gateway forwards or the client goes; `read_events` turns a
finished event stream of the gateway back into the flat answer of /api/chat (for clients and checks)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable

import anyio
import httpx

from edgecloud.routing import score_from_top
from edgecloud.serve.gateway_tiers import (
    RETRY_BACKOFF_S,
    Failure,
    TierCall,
    _reply_of,
    chat_payload,
    first_top_logprobs,
    status_failure,
)


class TierStream:
    """An open streaming chat completion of one tier; a server that answers with one JSON body instead of
    events is read as a single delta, so any OpenAI-compatible upstream works."""

    def __init__(self, resp: httpx.Response, start: float, attempts: int, complete: Any = None) -> None:
        self.resp, self.start, self.attempts = resp, start, attempts
        self.text = ""
        self.top: list[tuple[str, float]] | None = None
        self.finish_reason, self.usage = "stop", None
        self.done, self.error = False, None
        self.ms = 0.0
        self._complete = complete  # (text, usage, finish, top) of a JSON answer
        self.faulted = False  # the server failed (reset, timed out, closed early), not the reply
        self.on_end: Callable[[str | None], None] | None = None  # told once, at the end: the fault or None
        self._lines = resp.aiter_lines() if complete is None else None

    def score(self, token: str) -> float | None:
        return round(score_from_top(self.top, token), 4) if self.top and len(self.top) >= 2 else None

    async def read(self) -> str:
        """The next piece of text ('' for an event without any); sets `done` at the end, `error` on a fault."""
        if self.done:
            return ""
        if self._complete is not None:
            text, self.usage, self.finish_reason, self.top = self._complete
            self._finish()
            self.text += text
            return text
        assert self._lines is not None
        data: list[str] = []
        try:
            while True:
                line = await anext(self._lines, None)
                if line is None:
                    self._finish("the stream ended without [DONE]" if not self.text else None, fault=not self.text)
                    return ""
                if line.startswith("data:"):
                    data.append(line[5:].strip())
                elif not line.strip() and data:
                    return self._event("\n".join(data))
        except httpx.TimeoutException:
            self._finish("no event within the timeout", fault=True)
        except httpx.HTTPError as exc:
            self._finish(f"{type(exc).__name__}: {exc}", fault=True)
        return ""

    def _event(self, data: str) -> str:
        if data == "[DONE]":
            self._finish()
            return ""
        try:
            obj = json.loads(data)
            if "error" in obj:
                self._finish(f"error event: {str(obj['error'].get('message', ''))[:200]}")
                return ""
            choice = obj["choices"][0] if obj.get("choices") else {}
            delta = (choice.get("delta") or {}).get("content") or ""
            lp = choice.get("logprobs")
            if self.top is None and isinstance(lp, dict) and lp.get("content"):
                self.top = [(str(t["token"]), float(t["logprob"])) for t in lp["content"][0]["top_logprobs"]]
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            self._finish("malformed event (not an OpenAI chat.completion.chunk)")
            return ""
        self.finish_reason = choice.get("finish_reason") or self.finish_reason
        if isinstance(obj.get("usage"), dict):
            self.usage = obj["usage"]
        self.text += delta
        return delta

    def _finish(self, error: str | None = None, fault: bool = False) -> None:
        self.done, self.error, self.faulted = True, error, fault
        if self.on_end is not None:
            tell, self.on_end = self.on_end, None
            tell(error if fault else None)
        self.ms = (time.perf_counter() - self.start) * 1000
        self.text = self.text.rstrip("\ufffd")

    async def aclose(self) -> None:
        """Close the connection now (shielded: it runs when the client's cancellation is under way too)."""
        if not self.done:
            self._finish()
        with anyio.CancelScope(shield=True):
            await self.resp.aclose()

    def call(self, token: str | None = None) -> TierCall:
        """What this tier did, for the routing account."""
        ok = self.error is None and bool(self.text.strip())
        return TierCall(
            ok=ok,
            text=self.text or None,
            reason=self.error or (None if ok else "empty reply"),
            ms=self.ms,
            attempts=self.attempts,
            usage=self.usage,
            finish_reason=self.finish_reason,
            score=self.score(token) if token else None,
        )


async def open_stream(
    client: httpx.AsyncClient,
    base_url: str,
    model: str,
    messages: list[dict[str, str]],
    sampling: dict[str, Any],
    timeout_s: float,
    retries: int,
    headers: dict[str, str] | None = None,
    logprobs: bool = False,
) -> TierStream | Failure:
    """Start a streaming completion (retrying connection errors only, like `gateway_tiers.call_tier`); the stream,
    or why there is none. `timeout_s` bounds the start; each later event may take as long again."""
    payload = chat_payload(model, messages, sampling, True, logprobs)
    start, attempts = time.perf_counter(), 0
    request = client.build_request(
        "POST", f"{base_url}/chat/completions", json=payload, headers=headers, timeout=timeout_s
    )
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                attempts += 1
                try:
                    resp = await client.send(request, stream=True)
                    break
                except httpx.ConnectError as exc:
                    if attempts > retries:
                        return Failure(f"connection failed after {attempts} attempt(s): {exc}", "connect")
                    await asyncio.sleep(RETRY_BACKOFF_S)
            complete = None
            if resp.status_code == 200 and resp.headers.get("content-type", "").startswith("application/json"):
                await resp.aread()  # a server that does not stream: its whole answer as one delta
                parsed = _reply_of(resp)
                if isinstance(parsed, str):
                    await resp.aclose()
                    return parsed if isinstance(parsed, Failure) else Failure(parsed)
                complete = (*parsed, first_top_logprobs(resp))
    except (TimeoutError, httpx.TimeoutException):
        return Failure(f"timed out after {timeout_s:g} s", "timeout")
    except httpx.HTTPError as exc:
        return Failure(f"{type(exc).__name__}: {exc}", "transport")
    if (failed := status_failure(resp.status_code)) is not None:
        await resp.aclose()
        return failed
    return TierStream(resp, start, attempts, complete)


def read_events(text: str) -> dict[str, Any]:
    """A finished event stream of the gateway as the flat answer of /api/chat (reply, latency_ms, metadata):
    for clients and checks that read a whole streamed answer."""
    reply, meta, first = "", {}, None
    for block in text.split("\n\n"):
        if not block.startswith("data: ") or block == "data: [DONE]":
            continue
        obj = json.loads(block[len("data: ") :])
        choice = obj["choices"][0]
        reply += choice["delta"].get("content") or ""
        if choice.get("finish_reason") is not None:
            meta = obj.get("edgecloud") or {}
        elif first is None:
            first = obj.get("edgecloud")
    total = (meta.get("timings_ms") or {}).get("total")
    return {"reply": reply, "latency_ms": total, "first": first, **meta}
