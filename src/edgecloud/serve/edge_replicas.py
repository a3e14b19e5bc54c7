"""Edge replicas: several OpenAI-compatible edge servers (one `swift deploy` per GPU or per box) behind one gateway.

Each request goes to the replica in service with the fewest requests outstanding (ties: the next in turn). A
replica that fails a request (connection refused or reset, timeout, HTTP 5xx) is taken out of service at once
and the request goes to another replica in service: edge requests are greedy, so asking again is safe. A
replica out of service is probed in the background (GET {base}/models every `edge_probe_interval_s`) and taken
back in when it answers and serves the model; a /healthz probe or an answered request takes it back in too.

With no replica in service a request still tries them (a single edge is tried today even when it is down), so
one replica behaves as the single `edge_base_url` always did; when they all fail, the request takes the
edge-unavailable path (the cloud stands in, or 503).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import httpx

from edgecloud.serve.gateway_config import GATEWAY_LOGGER
from edgecloud.serve.gateway_metrics import prom_labels
from edgecloud.serve.gateway_tiers import (
    RETRY_BACKOFF_S,
    Failure,
    TierCall,
    chat_payload,
    post_once,
    status_failure,
    tier_call,
)

log = logging.getLogger(GATEWAY_LOGGER)


@dataclass
class Replica:
    """One edge server and what the gateway knows of it."""

    url: str
    index: int
    healthy: bool = True
    outstanding: int = 0  # requests sent and not yet answered (streams: not yet closed)
    requests: int = 0  # requests sent to it, retries included
    failures: int = 0  # requests it failed (and was taken out for)
    last_error: str | None = None

    def view(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "healthy": self.healthy,
            "outstanding": self.outstanding,
            "requests": self.requests,
            "failures": self.failures,
            "last_error": self.last_error,
        }


class ReplicaPool:
    """The edge replicas; one event loop, so no lock."""

    def __init__(self, urls: list[str]) -> None:
        self.replicas = [Replica(u, i) for i, u in enumerate(urls)]
        self._turn = 0

    def __len__(self) -> int:
        return len(self.replicas)

    def has_untried(self, tried: set[int]) -> bool:
        return any(r.index not in tried for r in self.replicas)

    def pick(self, tried: set[int]) -> Replica | None:
        """The replica for the next attempt: in service, not tried by this request, fewest outstanding,
        ties in turn. With none of those, an untried one out of service; None when all were tried."""
        untried = [r for r in self.replicas if r.index not in tried]
        candidates = [r for r in untried if r.healthy] or untried
        if not candidates:
            return None
        n, fewest = len(self.replicas), min(r.outstanding for r in candidates)
        chosen = min((r for r in candidates if r.outstanding == fewest), key=lambda r: (r.index - self._turn) % n)
        self._turn = (chosen.index + 1) % n
        return chosen

    def begin(self, replica: Replica) -> None:
        replica.outstanding += 1
        replica.requests += 1

    def end(self, replica: Replica, fault: str | None) -> None:
        """A request on `replica` is over: `fault` says why the replica failed it (it is taken out), None when it
        answered (it is in service again, if it was out)."""
        replica.outstanding -= 1
        if fault is None:
            self.take_in(replica, "it answered a request")
        else:
            replica.failures += 1
            self.take_out(replica, fault)

    def take_out(self, replica: Replica, why: str) -> None:
        replica.last_error = why
        if replica.healthy:
            replica.healthy = False
            log.warning("edge replica %s taken out of service: %s", replica.url, why)

    def take_in(self, replica: Replica, why: str) -> None:
        if not replica.healthy:
            replica.healthy = True
            log.info("edge replica %s back in service: %s", replica.url, why)

    def note_probe(self, replica: Replica, result: dict[str, Any]) -> None:
        if result["ok"]:
            self.take_in(replica, "it answered a health probe")
        else:
            self.take_out(replica, f"health probe: {result['detail']}")

    async def probe_out_of_service(self, client: httpx.AsyncClient, model: str, timeout_s: float) -> None:
        """Probe every replica out of service once; those that answer are taken back in."""
        from edgecloud.serve.gateway_health import probe

        out = [r for r in self.replicas if not r.healthy]
        results = await asyncio.gather(*(probe(client, r.url, model, timeout_s) for r in out))
        for replica, result in zip(out, results):
            if result["ok"]:
                self.take_in(replica, "it answered a health probe")

    async def watch(self, client: httpx.AsyncClient, model: str, interval_s: float, timeout_s: float) -> None:
        """The background probe, for the gateway's lifetime."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.probe_out_of_service(client, model, timeout_s)
            except Exception as exc:  # never let one bad probe end the watch
                log.error("edge replica probe failed: %s: %s", type(exc).__name__, exc)

    def render_metrics(self) -> str:
        """The replicas in Prometheus text format (appended to /metrics)."""
        families = (
            (
                "edgecloud_edge_replica_up",
                "gauge",
                "Whether the edge replica is in service (1) or out (0).",
                lambda r: int(r.healthy),
            ),
            (
                "edgecloud_edge_replica_outstanding",
                "gauge",
                "Requests sent to the edge replica and not yet answered.",
                lambda r: r.outstanding,
            ),
            (
                "edgecloud_edge_replica_requests_total",
                "counter",
                "Requests sent to the edge replica, retries included.",
                lambda r: r.requests,
            ),
            (
                "edgecloud_edge_replica_failures_total",
                "counter",
                "Requests the edge replica failed (refused, reset, timed out, HTTP 5xx); each took it out of service.",
                lambda r: r.failures,
            ),
        )
        out = []
        for name, kind, text, value in families:
            out += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
            out += [f"{name}{prom_labels(replica=r.url)} {value(r)}" for r in self.replicas]
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# A request over the replicas


@dataclass
class Attempted:
    """What came of a request over the replicas: the last result, the replica that answered (None when every
    replica tried failed), the attempts made, and why each failed replica failed."""

    result: Any
    replica: Replica | None
    attempts: int
    failed: dict[str, str] = field(default_factory=dict)


async def first_answer(
    pool: ReplicaPool,
    attempt: Callable[[Replica], Awaitable[Any]],
    failure_of: Callable[[Any], Failure | None],
    retries: int,
    tried: set[int],
    hold: bool = False,
) -> Attempted:
    """Run `attempt` on one replica after another (`ReplicaPool.pick`) until one answers: a result whose
    `failure_of` has no fault. A replica that faults is taken out. When every replica was tried and the last
    fault was a refused connection, the refused ones are tried again after a pause, `retries` times (nothing
    was sent to them; a replica that timed out or answered 5xx is not asked again by this request).
    `hold`: the answering replica's request stays outstanding (a stream: its `on_end` ends it)."""
    result: Any = None
    attempts, failed, last, refused = 0, {}, None, set()
    while True:
        replica = pool.pick(tried)
        if replica is None:
            if last is None or last.fault != "connect" or retries <= 0:
                return Attempted(result, None, attempts, failed)
            retries -= 1
            tried -= refused
            refused.clear()
            await asyncio.sleep(RETRY_BACKOFF_S)
            continue
        tried.add(replica.index)
        attempts += 1
        pool.begin(replica)
        try:
            result = await attempt(replica)
        except BaseException:
            pool.end(replica, None)
            raise
        last = failure_of(result)
        if last is None or last.fault is None:
            if not hold or last is not None:
                pool.end(replica, None)
            return Attempted(result, replica, attempts, failed)
        pool.end(replica, str(last))
        if last.fault == "connect":
            refused.add(replica.index)
        failed[replica.url] = f"connection failed: {last}" if last.fault == "connect" else str(last)


def failed_reason(done: Attempted, last: str) -> str:
    """Why the edge gave no answer: the last reason, or every failed replica's when several were tried."""
    if len(done.failed) <= 1:
        return last
    return (
        f"all {len(done.failed)} edge replicas tried failed ("
        + "; ".join(f"{url}: {why}" for url, why in done.failed.items())
        + ")"
    )


async def call_edge(
    pool: ReplicaPool,
    client: httpx.AsyncClient,
    model: str,
    messages: list[dict[str, str]],
    sampling: dict[str, Any],
    timeout_s: float,
    retries: int,
    score_token: str | None = None,
    allow_empty: bool = False,
) -> TierCall:
    """`gateway_tiers.call_tier` for the edge: one non-streaming completion over the replicas (each attempt
    bounded by `timeout_s`), failing over to another replica when one faults (`allow_empty`: an empty reply is
    an answer, for the routing probe)."""
    payload = chat_payload(model, messages, sampling, False, score_token is not None)
    start = time.perf_counter()

    def failure_of(got: httpx.Response | Failure) -> Failure | None:
        return got if isinstance(got, Failure) else status_failure(got.status_code)

    done = await first_answer(
        pool,
        lambda r: post_once(client, f"{r.url}/chat/completions", payload, None, timeout_s),
        failure_of,
        retries,
        set(),
    )
    call = tier_call(done.result, start, done.attempts, score_token, allow_empty)
    if not call.ok and call.reason is not None:
        call.reason = failed_reason(done, call.reason)
    return call
