"""The routing of a (non-streamed) chat request: edge first, the cloud when the edge forwards, the fallbacks
when a tier fails, and the OpenAI-shaped answer with the routing account under `edgecloud`."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import httpx

from edgecloud.routing import decide, forward_match
from edgecloud.serve.edge_replicas import ReplicaPool, call_edge
from edgecloud.serve.gateway_config import GatewayConfig
from edgecloud.serve.gateway_request import ApiError, ChatRequest
from edgecloud.serve.gateway_tiers import TierCall, call_tier

if TYPE_CHECKING:
    from edgecloud.serve.gateway_metrics import Metrics

Tier = Literal["edge", "cloud"]


@dataclass
class GatewayState:
    """What the routes share: config, keys read once at start, the HTTP clients, the metrics and the edge
    replicas (one when the config names a single edge_base_url)."""

    config: GatewayConfig
    api_keys: frozenset[str]
    metrics: "Metrics"
    started: float = field(default_factory=time.time)
    edge_client: httpx.AsyncClient | None = None
    cloud_client: httpx.AsyncClient | None = None
    replicas: ReplicaPool = field(init=False)

    def __post_init__(self) -> None:
        self.replicas = ReplicaPool(self.config.edge_urls)


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
            "timings_ms": {
                "edge": round(self.edge.ms, 1),
                "cloud": round(self.cloud.ms, 1) if self.cloud else None,
                "total": round(self.total_ms, 1),
            },
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
    return (
        state.cloud_client,
        cfg.cloud_base_url,
        cfg.cloud_model,
        chat.messages,
        chat.sampling,
        cfg.cloud_timeout_s,
        cfg.connect_retries,
        headers,
    )


async def ask_cloud(state: GatewayState, chat: ChatRequest) -> TierCall | str:
    """The cloud's answer to the client's own messages, or why the cloud is not configured."""
    args = cloud_request(state, chat)
    return args if isinstance(args, str) else await call_tier(*args)


async def route(state: GatewayState, chat: ChatRequest) -> Outcome:
    """Edge first; forward to the cloud when the edge says so; say what happened in `status`."""
    cfg = state.config
    start = time.perf_counter()
    assert state.edge_client is not None
    edge = await call_edge(
        state.replicas,
        state.edge_client,
        cfg.edge_model,
        edge_messages(chat.messages, cfg.edge_system_prompt),
        chat.sampling,
        cfg.edge_timeout_s,
        cfg.connect_retries,
        score_token=cfg.forward_token if cfg.routing_threshold is not None else None,
    )
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
        return Outcome(
            edge_reply,
            "edge",
            "cloud_unavailable",
            cfg.edge_model,
            edge,
            cloud,
            match,
            detail=f"cloud: {cloud.reason}",
            cloud_label=cfg.cloud_label,
        )
    return Outcome(
        cloud.text or "", "cloud", "ok", cfg.cloud_model or "", edge, cloud, match, cloud_label=cfg.cloud_label
    )


async def _edge_unavailable(state: GatewayState, chat: ChatRequest, edge: TierCall) -> Outcome:
    """The edge did not answer: the cloud stands in, or no tier can answer (503)."""
    cfg = state.config
    cloud = await ask_cloud(state, chat)
    if isinstance(cloud, str):
        raise ApiError(
            503,
            f"The edge model is unavailable ({edge.reason}) and the cloud tier cannot stand in ({cloud}).",
            "edge_unavailable",
            type_="service_unavailable",
        )
    if not cloud.ok:
        raise ApiError(
            503,
            f"The edge model is unavailable ({edge.reason}) and so is the cloud tier ({cloud.reason}).",
            "edge_unavailable",
            type_="service_unavailable",
        )
    return Outcome(
        cloud.text or "",
        "cloud",
        "edge_unavailable_fallback",
        cfg.cloud_model or "",
        edge,
        cloud,
        detail=f"edge: {edge.reason}",
        cloud_label=cfg.cloud_label,
    )


# ---------------------------------------------------------------------------------------------
# Responses


def completion_body(outcome: Outcome, chat_id: str, created: int) -> dict[str, Any]:
    """A chat.completion object with the routing account under the extra key `edgecloud`."""
    body: dict[str, Any] = {
        "id": chat_id,
        "object": "chat.completion",
        "created": created,
        "model": outcome.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": outcome.reply},
                "finish_reason": outcome.answering_call.finish_reason,
            }
        ],
        "edgecloud": outcome.metadata(),
    }
    if outcome.answering_call.usage:
        body["usage"] = outcome.answering_call.usage
    return body


def web_body(outcome: Outcome) -> dict[str, Any]:
    """The flat answer of /api/chat, shaped for the web page."""
    meta = outcome.metadata()
    return {"reply": outcome.reply, "latency_ms": meta["timings_ms"]["total"], **meta}
