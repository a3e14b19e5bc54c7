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
from typing import Any, AsyncIterator

import regex
from fastapi.responses import StreamingResponse

from edgecloud.routing import _EN, _ZH, decide, forward_match
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
    Failure,
    TierCall,
)
from edgecloud.serve.tier_stream import TierStream, open_stream

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
    token; an edge answer costs a second prompt pass. The token's text may be empty (half of a multi-byte character,
    dropped): only its score counts."""
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
        allow_empty=True,
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
