"""The gateway's connection pool to a tier: connections are kept alive and reused under concurrent load
(`upstream_connections`), seen from a real upstream on loopback that records each request's client port."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI, Request

from edgecloud.serve.gateway import GatewayConfig, create_app
from edgecloud.serve.upstream_pool import SHARD_CONNECTIONS, ShardedTransport

from gateway_servers import ServerThread

MODEL = "pool-edge"
WAVE = 40


def recording_upstream() -> tuple[FastAPI, list[int]]:
    """An edge that answers after 50 ms (so a wave of requests overlaps) and records the client port of each."""
    app, ports = FastAPI(), []

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        ports.append(request.client.port)
        await asyncio.sleep(0.05)
        return {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": MODEL,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": "The light is on."}, "finish_reason": "stop"}
            ],
        }

    return app, ports


async def _waves(url: str, waves: int) -> list[int]:
    # a new connection per request from this client: a kept-alive one idle past uvicorn's 5 s keep-alive (a slow
    # wave on a busy machine) can be closed by the gateway just as it is reused, which is not what is tested here
    limits = httpx.Limits(max_connections=WAVE, max_keepalive_connections=0)
    async with httpx.AsyncClient(trust_env=False, timeout=30, limits=limits) as client:
        codes = []
        for _ in range(waves):
            resps = await asyncio.gather(
                *(
                    client.post(f"{url}/v1/chat/completions", json={"messages": [{"role": "user", "content": f"q{i}"}]})
                    for i in range(WAVE)
                )
            )
            codes += [r.status_code for r in resps]
        return codes


def _distinct_upstream_connections(waves: int, **config: Any) -> int:
    app, ports = recording_upstream()
    edge = ServerThread(app).start()
    try:
        gw = ServerThread(create_app(GatewayConfig(edge_base_url=f"{edge.url}/v1", edge_model=MODEL, **config))).start()
        try:
            codes = asyncio.run(_waves(gw.url, waves))
        finally:
            gw.stop()
    finally:
        edge.stop()
    assert codes == [200] * (WAVE * waves) and len(ports) == WAVE * waves
    return len(set(ports))


def test_upstream_connections_sizes_the_pool():
    # 40 requests at once through a pool of 4: never more than 4 connections to the edge (the limit is used)
    assert _distinct_upstream_connections(1, upstream_connections=4) <= 4
    # the default pool keeps every connection of a 40-request wave alive: three waves share one set
    assert GatewayConfig().upstream_connections >= WAVE


def test_sharded_transport_splits_the_connections_and_takes_turns():
    t = ShardedTransport(40)
    assert len(t.shards) == 3 and SHARD_CONNECTIONS == 16
    assert [next(t._next) for _ in range(4)] == [*t.shards, t.shards[0]]
    assert len(ShardedTransport(4).shards) == 1


def test_a_sharded_pool_still_caps_and_reuses_connections():
    # 40 at once over shards of 14: never more connections than the limit, and a second wave reuses them
    assert _distinct_upstream_connections(2, upstream_connections=40) <= 42
