"""Connections from the gateway to a tier: httpx transports in shards of a few connections each.

httpcore's pool re-scans all of its connections (and, to count idle ones, all of them again for each)
whenever a request starts or ends, so its cost per request grows with the square of the open
connections: at 256 concurrent requests through one pool of 256 connections the gateway spent more CPU
managing the pool than serving (benchmarks/results/gateway_overhead_*). `ShardedTransport` spreads the
requests round-robin over shards of at most `SHARD_CONNECTIONS` connections, so each scan stays short;
to the code that calls `client.post(...)` or `client.stream(...)` it is one httpx transport.
"""

from __future__ import annotations

import itertools
import ssl

import httpx

SHARD_CONNECTIONS = 16


class ShardedTransport(httpx.AsyncBaseTransport):
    """Up to `max_connections` kept-alive connections, in shards of at most SHARD_CONNECTIONS each."""

    def __init__(self, max_connections: int, verify: ssl.SSLContext | bool = True) -> None:
        shards = -(-max_connections // SHARD_CONNECTIONS)
        per = -(-max_connections // shards)
        if verify is True:  # one TLS context (httpx's own: certifi, SSL_CERT_FILE) for all shards: each costs ms
            verify = httpx.create_ssl_context()
        limits = httpx.Limits(max_connections=per, max_keepalive_connections=per)
        self.shards = [httpx.AsyncHTTPTransport(limits=limits, verify=verify) for _ in range(shards)]
        self._next = itertools.cycle(self.shards)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await next(self._next).handle_async_request(request)

    async def aclose(self) -> None:
        for shard in self.shards:
            await shard.aclose()
