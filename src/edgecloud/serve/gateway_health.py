"""/healthz: is each tier up, and does it serve the model the gateway will ask for?"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from edgecloud.serve.gateway_routing import GatewayState, cloud_headers


async def probe(
    client: httpx.AsyncClient, base_url: str, model: str, timeout_s: float, headers: dict[str, str] | None = None
) -> dict[str, Any]:
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
    """Both tiers probed concurrently, every edge replica too (a probe takes a replica out or back in);
    503 when no edge replica answers (the gateway's first hop), degraded when one of them or the cloud fails."""
    cfg = state.config
    assert state.edge_client is not None and state.cloud_client is not None
    edge_probe = edge_health(state)
    headers = cloud_headers(cfg)
    if isinstance(headers, str):
        edge = await edge_probe
        cloud = {
            "configured": cfg.cloud_configured,
            "ok": False,
            "detail": "not configured" if not cfg.cloud_configured else headers,
        }
    else:
        assert cfg.cloud_base_url and cfg.cloud_model
        edge, cloud = await asyncio.gather(
            edge_probe, probe(state.cloud_client, cfg.cloud_base_url, cfg.cloud_model, cfg.health_timeout_s, headers)
        )
        cloud = {"configured": True, **cloud}
    cloud["label"] = cfg.cloud_label
    degraded = not all(r["healthy"] for r in edge["replicas"]) or (cfg.cloud_configured and not cloud["ok"])
    body = {
        "status": "degraded" if degraded else "ok",
        "gateway": {"ok": True, "uptime_s": round(time.time() - state.started, 1)},
        "edge": edge,
        "cloud": cloud,
    }
    return (200 if edge["ok"] else 503), body


async def edge_health(state: GatewayState) -> dict[str, Any]:
    """The edge part of /healthz: ok when a replica answers; with one replica its probe as it was, with
    several how many answer; `replicas` lists each (healthy, outstanding, requests, failures)."""
    cfg, pool = state.config, state.replicas
    assert state.edge_client is not None
    results = await asyncio.gather(
        *(probe(state.edge_client, r.url, cfg.edge_model, cfg.health_timeout_s) for r in pool.replicas)
    )
    for replica, result in zip(pool.replicas, results):
        pool.note_probe(replica, result)
    answering = [res for res in results if res["ok"]]
    if len(results) == 1:
        edge = dict(results[0])
    else:
        failing = "; ".join(f"{r.url}: {res['detail']}" for r, res in zip(pool.replicas, results) if not res["ok"])
        edge = {
            "ok": bool(answering),
            "model": cfg.edge_model,
            "detail": f"{len(answering)} of {len(results)} replicas answer" + (f" ({failing})" if failing else ""),
        }
    edge["replicas"] = [r.view() for r in pool.replicas]
    return edge
