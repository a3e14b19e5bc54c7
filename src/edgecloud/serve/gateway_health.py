"""/healthz: is each tier up, and does it serve the model the gateway will ask for?"""
from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from edgecloud.serve.gateway_routing import GatewayState, cloud_headers


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
