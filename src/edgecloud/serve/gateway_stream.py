"""Pass-through streaming for the gateway: the edge's tokens are relayed as they come, the routing is decided
on the first ones.

A `stream: true` request opens a streaming completion on the edge server (its own server-sent events, with
`logprobs` / `top_logprobs` when the gateway has a calibrated threshold) and reads only until the routing is
decided, by the rules of the non-streamed path (`gateway.routing_match`):

- the routing score of the first reply token reaches the threshold, or the reply begins the forward reply
  (the forward token, or a forward phrase of `routing.forward_match` at its start): the gateway closes the
  edge stream at once (the edge server sees the client go and can free its slot) and streams the cloud's
  answer instead; the client never sees the edge's text (it is in the final chunk's `edgecloud.edge_reply`,
  as the non-streamed answer keeps it);
- anything else: the edge answers, and its text is relayed from then on as it arrives. Text is held back
  only while it could still be the beginning of a forward reply.

A reply that forwards in words only after its answer began streaming stays at the edge (its text was already
sent); the non-streamed path would have forwarded it, so the final chunk says so (status `late_forward`).
Faults keep the non-streamed path's outcomes: edge down -> the cloud stands in (or a 503 before any byte is
sent); cloud down or not configured for a forward -> the edge's full reply, streamed from a fresh edge call.

Every chunk is an OpenAI `chat.completion.chunk`; the first carries `edgecloud` with the answering tier as soon
as it is known, the last one the full routing account (`Outcome.metadata`, plus the time to first token).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable

import anyio
import httpx
import regex
from fastapi.responses import StreamingResponse

from edgecloud.routing import _EN, _ZH, decide, forward_match, score_from_top
from edgecloud.serve.edge_replicas import call_edge, failed_reason, first_answer
from edgecloud.serve.gateway_request import ApiError, ChatRequest
from edgecloud.serve.gateway_routing import (
    GatewayState,
    Outcome,
    cloud_headers,
    cloud_request,
    edge_messages,
    routing_match,
)
from edgecloud.serve.gateway_tiers import (
    RETRY_BACKOFF_S,
    Failure,
    TierCall,
    _reply_of,
    chat_payload,
    first_top_logprobs,
    status_failure,
)

# The forward phrases, compiled by `regex` for partial matching: "could this text still become one?"
_PARTIAL = [regex.compile(p.pattern, p.flags & regex.IGNORECASE) for p in (_ZH, _EN)]


def could_begin_forward(text: str, forward_token: str) -> bool:
    """True while `text`, the start of a reply, may still turn into a forward reply: empty, the forward token
    (with or without more of the forward phrase), or a prefix of a forward phrase (`routing.forward_match`)."""
    s = " ".join(text.split())
    if s.startswith(forward_token):
        s = s[len(forward_token) :].lstrip()
    return not s or any(p.match(s, partial=True) is not None for p in _PARTIAL)


# ---------------------------------------------------------------------------------------------
# One tier's streamed completion


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


# ---------------------------------------------------------------------------------------------
# The routing decision on the first tokens


@dataclass
class Routed:
    """Which stream answers the client, and the account of how it was chosen."""

    source: TierStream
    tier: str
    status: str
    model: str
    edge: TierStream | TierCall
    cloud: TierStream | None = None
    match: str | None = None
    detail: str | None = None
    cloud_label: str | None = None
    pending: str = ""  # text read while deciding, not yet sent
    started: float = 0.0  # perf_counter() when the request arrived


async def _edge_stream(
    state: GatewayState, chat: ChatRequest, logprobs: bool, tried: set[int] | None = None
) -> TierStream | str:
    """A streaming completion from an edge replica (`edge_replicas.first_answer`: a replica that faults is taken
    out and the next one asked); the replica's request stays outstanding until the stream ends."""
    cfg, pool = state.config, state.replicas
    assert state.edge_client is not None
    messages = edge_messages(chat.messages, cfg.edge_system_prompt)
    done = await first_answer(
        pool,
        lambda r: open_stream(
            state.edge_client, r.url, cfg.edge_model, messages, chat.sampling, cfg.edge_timeout_s, 0, logprobs=logprobs
        ),
        lambda got: got if isinstance(got, Failure) else None,
        cfg.connect_retries,
        set() if tried is None else tried,
        hold=True,
    )
    stream, replica = done.result, done.replica
    if isinstance(stream, TierStream) and replica is not None:
        stream.attempts = done.attempts
        stream.on_end = lambda fault: pool.end(replica, fault)
        return stream
    reason = str(stream)
    if getattr(stream, "fault", None) == "connect":
        reason = f"connection failed after {done.attempts} attempt(s): {reason.split(': ', 1)[-1]}"
    return failed_reason(done, reason)


async def _cloud_stream(state: GatewayState, chat: ChatRequest) -> TierStream | str:
    args = cloud_request(state, chat)
    return args if isinstance(args, str) else await open_stream(*args)


def _early_match(edge: TierStream, state: GatewayState) -> str | None | bool:
    """The forward reason, None when the edge answers, False while undecided."""
    cfg = state.config
    score = edge.score(cfg.forward_token)
    if cfg.routing_threshold is not None and score is not None and score >= cfg.routing_threshold:
        return f"routing score {score:.2f} >= threshold {cfg.routing_threshold:.2f}"
    if (match := forward_match(edge.text)) is not None:
        return match
    if could_begin_forward(edge.text, cfg.forward_token):
        return False
    return None


async def route_stream(state: GatewayState, chat: ChatRequest, started: float) -> Routed:
    """Read the edge until the routing is decided and open the answering stream; an ApiError (503) when no
    tier can answer, raised before the response starts."""
    routed = await _route(state, chat)
    routed.started = started
    return routed


async def _probe(state: GatewayState, chat: ChatRequest) -> TierCall:
    """The routing score before the answer's stream opens (`stream_routing` 'probe'): one non-streamed token with
    the first position's top_logprobs, as the non-streamed path scores. A forwarded request costs the edge this one
    token; an edge answer costs a second prompt pass."""
    cfg = state.config
    assert state.edge_client is not None
    return await call_edge(
        state.replicas,
        state.edge_client,
        cfg.edge_model,
        edge_messages(chat.messages, cfg.edge_system_prompt),
        {**chat.sampling, "max_tokens": 1},
        cfg.edge_timeout_s,
        cfg.connect_retries,
        score_token=cfg.forward_token,
    )


async def _route(state: GatewayState, chat: ChatRequest) -> Routed:
    cfg, tried = state.config, set()
    scored: TierCall | None = None
    if cfg.routing_threshold is not None and cfg.stream_routing == "probe":
        scored = await _probe(state, chat)
        if not scored.ok:
            return await _edge_down(state, chat, scored)
        if scored.score is None:  # the server gave no log-probabilities: read them from the stream after all
            scored = None
        elif decide(None, scored.score, cfg.routing_threshold):
            return await _forward(
                state, chat, scored, f"routing score {scored.score:.2f} >= threshold {cfg.routing_threshold:.2f}"
            )
    while True:
        edge = await _edge_stream(
            state, chat, logprobs=cfg.routing_threshold is not None and scored is None, tried=tried
        )
        if isinstance(edge, str):
            return await _edge_down(state, chat, TierCall(ok=False, reason=edge))
        decided: str | None | bool = False
        try:
            async with asyncio.timeout(cfg.edge_timeout_s):
                while decided is False and not edge.done:
                    await edge.read()
                    decided = _early_match(edge, state)
        except TimeoutError:
            edge._finish(f"no decision within {cfg.edge_timeout_s:g} s", fault=True)
        if edge.done:  # the whole reply (or a fault) came before a decision: decide as the non-streamed path does
            call = edge.call(cfg.forward_token)
            if not call.ok:
                await edge.aclose()
                if edge.faulted and state.replicas.has_untried(tried):
                    continue  # the replica failed before anything was sent to the client: ask another
                return await _edge_down(state, chat, call)
            decided = routing_match(call, cfg.routing_threshold)
        if decided is None or decided is False:
            return Routed(edge, "edge", "ok", cfg.edge_model, scored or edge, pending=edge.text)
        return await _forward(state, chat, edge, decided)


async def _forward(state: GatewayState, chat: ChatRequest, edge: TierStream | TierCall, match: str) -> Routed:
    """The edge forwards (`edge`: its stream, or the probe that scored it): the cloud's stream answers."""
    cfg = state.config
    if isinstance(reason := cloud_headers(cfg), str):  # nowhere to forward: the edge's own reply, as non-streamed
        if isinstance(edge, TierStream):
            return Routed(
                edge,
                "edge",
                "cloud_not_configured",
                cfg.edge_model,
                edge,
                match=match,
                detail=reason,
                pending=edge.text,
            )
        own = await _edge_stream(state, chat, logprobs=False)
        if isinstance(own, str):
            return await _edge_down(state, chat, TierCall(ok=False, reason=own))
        return Routed(own, "edge", "cloud_not_configured", cfg.edge_model, edge, match=match, detail=reason)
    if isinstance(edge, TierStream):
        await edge.aclose()  # stop the edge generation now: the cloud answers
    cloud = await _cloud_stream(state, chat)
    if isinstance(cloud, TierStream):
        return Routed(cloud, "cloud", "ok", cfg.cloud_model or "", edge, cloud, match, cloud_label=cfg.cloud_label)
    again = await _edge_stream(state, chat, logprobs=False)  # the edge's full reply after all, as non-streamed
    if isinstance(again, str):
        raise ApiError(
            503,
            f"The cloud tier is unavailable ({cloud}) and the edge stopped answering ({again}).",
            "cloud_unavailable",
            type_="service_unavailable",
        )
    return Routed(
        again,
        "edge",
        "cloud_unavailable",
        cfg.edge_model,
        edge,
        match=match,
        detail=f"cloud: {cloud}",
        cloud_label=cfg.cloud_label,
    )


async def _edge_down(state: GatewayState, chat: ChatRequest, edge: TierCall) -> Routed:
    """The edge did not answer: the cloud stands in, or no tier can answer (503, as non-streamed)."""
    cfg = state.config
    if isinstance(reason := cloud_headers(cfg), str):
        raise ApiError(
            503,
            f"The edge model is unavailable ({edge.reason}) and the cloud tier cannot stand in ({reason}).",
            "edge_unavailable",
            type_="service_unavailable",
        )
    cloud = await _cloud_stream(state, chat)
    if isinstance(cloud, str):
        raise ApiError(
            503,
            f"The edge model is unavailable ({edge.reason}) and so is the cloud tier ({cloud}).",
            "edge_unavailable",
            type_="service_unavailable",
        )
    return Routed(
        cloud,
        "cloud",
        "edge_unavailable_fallback",
        cfg.cloud_model or "",
        edge,
        cloud,
        detail=f"edge: {edge.reason}",
        cloud_label=cfg.cloud_label,
    )


# ---------------------------------------------------------------------------------------------
# The client's event stream


def _sse(obj: dict[str, Any] | str) -> bytes:
    data = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
    return f"data: {data}\n\n".encode()


def _outcome(routed: Routed, state: GatewayState, total_ms: float) -> Outcome:
    token = state.config.forward_token if state.config.routing_threshold is not None else None
    edge = routed.edge.call(token) if isinstance(routed.edge, TierStream) else routed.edge
    if routed.source is not routed.edge and routed.tier == "edge":  # the edge's reply from its second call
        edge = TierCall(
            ok=True,
            text=routed.source.text,
            ms=edge.ms + routed.source.ms,
            attempts=edge.attempts,
            usage=routed.source.usage,
            finish_reason=routed.source.finish_reason,
            score=edge.score,
        )
    cloud = routed.cloud.call() if routed.cloud else None
    reply = routed.source.text
    return Outcome(
        reply,
        routed.tier,
        routed.status,
        routed.model,
        edge,
        cloud,
        routed.match,  # type: ignore[arg-type]
        routed.detail,
        total_ms,
        routed.cloud_label,
    )


def stream_response(routed: Routed, state: GatewayState, chat_id: str, created: int) -> StreamingResponse:
    return StreamingResponse(
        relay(routed, state, chat_id, created),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def relay(routed: Routed, state: GatewayState, chat_id: str, created: int) -> AsyncIterator[bytes]:
    """The client's chunks: tier first, then each piece of text as it arrives, then the routing account.
    When the client goes away, the upstream stream is closed at once (the generation it feeds can stop)."""
    start = routed.started
    base = {"id": chat_id, "object": "chat.completion.chunk", "created": created, "model": routed.model}
    status, first_ms = "client_disconnected", None

    def chunk(delta: dict[str, str], finish: str | None = None, **extra: Any) -> bytes:
        return _sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra})

    try:
        yield chunk(
            {"role": "assistant", "content": ""},
            edgecloud={
                "tier": routed.tier,
                "status": routed.status,
                "edge_decision": "forward"
                if routed.match
                else "answer"
                if isinstance(routed.edge, TierStream) or routed.edge.ok
                else None,
            },
        )
        source, text, held = routed.source, routed.pending, ""
        while True:
            # a trailing U+FFFD may be half a character cut by max_tokens: sent only once text follows it,
            # dropped at the end (as the non-streamed path drops it)
            text = held + text
            held = text[len(text.rstrip("\ufffd")) :]
            text = text[: len(text) - len(held)]
            if text:
                first_ms = first_ms or (time.perf_counter() - start) * 1000
                yield chunk({"content": text})
            if source.done:
                break
            text = await source.read()
        if source.error is not None:
            routed.status = f"{routed.tier}_interrupted"
            routed.detail = f"{routed.tier}: {source.error}"
        elif routed.tier == "edge" and routed.status == "ok" and (late := forward_match(source.text)):
            routed.match, routed.status = late, "late_forward"
            routed.detail = "the edge's reply forwards in words after its answer began streaming: kept at the edge"
        outcome = _outcome(routed, state, (time.perf_counter() - start) * 1000)
        meta = outcome.metadata()
        meta["timings_ms"]["first_token"] = round(first_ms, 1) if first_ms is not None else None
        status = routed.status
        final = {"usage": source.usage} if source.usage else {}
        yield chunk({}, "error" if source.error else source.finish_reason, edgecloud=meta, **final)
        yield _sse("[DONE]")
    except Exception:
        status = "internal_error"
        raise
    finally:
        for s in {id(x): x for x in (routed.source, routed.edge, routed.cloud) if isinstance(x, TierStream)}.values():
            await s.aclose()
        state.metrics.observe(routed.tier, status, time.perf_counter() - start)


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
