"""What the gateway counts: the Prometheus metrics of /metrics (written by hand: a few metric families do not
need a dependency) and the access log, one line per request."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edgecloud.serve.gateway_config import GATEWAY_LOGGER

log = logging.getLogger(GATEWAY_LOGGER)

# Seconds; the edge answers in tens of milliseconds to seconds on a CPU, the cloud in seconds to a minute.
LATENCY_BUCKETS_S = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def prom_labels(**labels: str) -> str:
    def esc(v: str) -> str:
        return v.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')

    return "{" + ",".join(f'{k}="{esc(v)}"' for k, v in labels.items()) + "}"


@dataclass
class Metrics:
    """Chat request counter by (tier, status), latency histogram by tier, and a counter of every HTTP
    response by (route, status code); one event loop, so no lock."""

    buckets: tuple[float, ...] = LATENCY_BUCKETS_S
    requests: dict[tuple[str, str], int] = field(default_factory=dict)
    responses: dict[tuple[str, str], int] = field(default_factory=dict)
    bucket_counts: dict[str, list[int]] = field(default_factory=dict)  # cumulative, one per bucket
    sums: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def observe(self, tier: str, status: str, seconds: float) -> None:
        self.requests[(tier, status)] = self.requests.get((tier, status), 0) + 1
        cum = self.bucket_counts.setdefault(tier, [0] * len(self.buckets))
        for i, upper in enumerate(self.buckets):
            if seconds <= upper:
                cum[i] += 1
        self.sums[tier] = self.sums.get(tier, 0.0) + seconds
        self.counts[tier] = self.counts.get(tier, 0) + 1

    def count_response(self, route: str, status: int) -> None:
        key = (route, str(status))
        self.responses[key] = self.responses.get(key, 0) + 1

    def render(self) -> str:
        out = [
            "# HELP edgecloud_requests_total Chat requests handled, by answering tier and status "
            "(tier none: rejected or no tier could answer).",
            "# TYPE edgecloud_requests_total counter",
        ]
        for (tier, status), n in sorted(self.requests.items()):
            out.append(f"edgecloud_requests_total{prom_labels(tier=tier, status=status)} {n}")
        out += [
            "# HELP edgecloud_request_latency_seconds End-to-end latency of chat requests, by answering tier.",
            "# TYPE edgecloud_request_latency_seconds histogram",
        ]
        name = "edgecloud_request_latency_seconds"
        for tier in sorted(self.counts):
            for upper, n in zip(self.buckets, self.bucket_counts[tier]):
                out.append(f"{name}_bucket{prom_labels(tier=tier, le=repr(float(upper)))} {n}")
            out.append(f"{name}_bucket{prom_labels(tier=tier, le='+Inf')} {self.counts[tier]}")
            out.append(f"{name}_sum{prom_labels(tier=tier)} {self.sums[tier]!r}")
            out.append(f"{name}_count{prom_labels(tier=tier)} {self.counts[tier]}")
        out += [
            "# HELP edgecloud_http_responses_total Every HTTP response, by route and status code "
            "(route unmatched: no such path).",
            "# TYPE edgecloud_http_responses_total counter",
        ]
        for (route, status), n in sorted(self.responses.items()):
            out.append(f"edgecloud_http_responses_total{prom_labels(route=route, status=status)} {n}")
        return "\n".join(out) + "\n"


class AccessLog:
    """One line per request with method, path, status, tier and latency: never bodies, headers or keys.
    Every response is also counted in the metrics by route and status, an unexpected error as 500.

    Plain ASGI, not `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs every request through
    an extra task and every response through a memory stream, which cost this gateway a large share of its
    per-request CPU (benchmarks/results/gateway_overhead_*). The line is written when the response has been
    sent whole, so a streamed answer's latency covers the stream."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # unless a response starts: an exception is answered outside, by the error handler
        counted = False

        def count() -> None:
            nonlocal counted
            if not counted:
                counted = True
                # the route template, never the raw path: an unknown path must not become a new label value
                self.metrics.count_response(getattr(scope.get("route"), "path", None) or "unmatched", status)

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                count()  # before the last byte leaves: a client that reads /metrics next already sees this one
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            count()
            tier = scope.get("state", {}).get("tier", "-")
            log.info(
                "%s %s %d tier=%s %.1fms",
                scope["method"],
                scope["path"],
                status,
                tier,
                (time.perf_counter() - start) * 1000,
            )
