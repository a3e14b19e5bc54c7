"""Edge replicas behind the gateway (`edge_base_urls`), over real HTTP on loopback: least-outstanding spreading,
failover when a replica fails, a replica killed with SIGKILL under load (no request lost), the background probe
taking it back in, and the config's checks. The killed replicas are real processes (tests/gateway_servers.py run
as a script), so the kill is the operating system's, not a simulated error."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from edgecloud.errors import ParamsError
from edgecloud.serve.gateway import GatewayConfig, create_app, load_config
from edgecloud.serve.tier_stream import read_events

from gateway_servers import ServerThread, StreamingUpstream, free_ports, rule_upstream

EDGE = "replica-edge"
SERVERS = Path(__file__).with_name("gateway_servers.py")
USER = {"role": "user", "content": "hello"}


def metric(text: str, name: str, replica: str) -> float:
    m = re.search(rf'^{name}{{replica="{re.escape(replica)}"}} (\S+)$', text, re.M)
    assert m, (name, replica, text)
    return float(m.group(1))


@pytest.fixture
def threads() -> Iterator[list[ServerThread]]:
    started: list[ServerThread] = []
    yield started
    for s in started:
        s.request_stop()
    for s in reversed(started):
        s.stop()


def serve(threads: list[ServerThread], app: Any) -> str:
    server = ServerThread(app).start()
    threads.append(server)
    return server.url


def gateway(threads: list[ServerThread], urls: list[str], **overrides: Any) -> str:
    settings = {"edge_timeout_s": 5.0, "health_timeout_s": 0.5, **overrides}
    cfg = GatewayConfig(edge_base_urls=urls, edge_model=EDGE, edge_system_prompt=None, **settings)
    return serve(threads, create_app(cfg))


async def load(
    url: str, n: int, concurrency: int, path: str = "/v1/chat/completions", stream: bool = False
) -> list[httpx.Response]:
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:

        async def one(i: int) -> httpx.Response:
            async with gate:
                return await client.post(
                    url + path, json={"messages": [{"role": "user", "content": f"q{i}"}], "stream": stream}
                )

        return await asyncio.gather(*(one(i) for i in range(n)))


# ---------------------------------------------------------------------------------------------
# Spreading


def test_least_outstanding_sends_most_requests_to_the_fast_replica(threads):
    fast_app, fast_log = rule_upstream(EDGE, lambda q: "fast", 0.01)
    slow_app, slow_log = rule_upstream(EDGE, lambda q: "slow", 0.5)
    fast, slow = serve(threads, fast_app) + "/v1", serve(threads, slow_app) + "/v1"
    gw = gateway(threads, [slow, fast])
    resps = asyncio.run(load(gw, 40, 8))
    assert [r.status_code for r in resps] == [200] * 40
    # round robin would give each 20; the slow replica holds its requests, so the fast one gets the rest
    assert len(fast_log) + len(slow_log) == 40 and len(slow_log) <= 8 and len(fast_log) >= 32, (
        len(fast_log),
        len(slow_log),
    )
    text = httpx.get(gw + "/metrics", trust_env=False).text
    assert metric(text, "edgecloud_edge_replica_requests_total", slow) == len(slow_log)
    assert metric(text, "edgecloud_edge_replica_outstanding", fast) == 0
    assert 'edgecloud_requests_total{tier="edge",status="ok"} 40' in text.splitlines()  # the old names stay


def test_equal_replicas_take_turns(threads):
    logs, urls = [], []
    for _ in range(3):
        app, log = rule_upstream(EDGE, lambda q: "ok")
        urls.append(serve(threads, app) + "/v1")
        logs.append(log)
    gw = gateway(threads, urls)
    with httpx.Client(trust_env=False, timeout=10) as client:
        for i in range(9):  # one at a time: always a tie at 0 outstanding
            assert client.post(gw + "/v1/chat/completions", json={"messages": [USER]}).status_code == 200
            assert [len(log) for log in logs] == [i // 3 + (k <= i % 3) for k in range(3)]


# ---------------------------------------------------------------------------------------------
# Failover


@pytest.mark.parametrize("stream", [False, True])
def test_a_failing_replica_is_taken_out_and_the_request_answered_by_another(threads, stream):
    bad_app = FastAPI()  # its engine fails every generation; its model list still answers

    @bad_app.post("/v1/chat/completions")
    async def broken() -> JSONResponse:
        return JSONResponse({"error": {"message": "engine crashed"}}, status_code=500)

    @bad_app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": EDGE, "object": "model"}]}

    good = StreamingUpstream(EDGE, lambda q: list("good answer"))
    bad_url, good_url = serve(threads, bad_app) + "/v1", serve(threads, good.app) + "/v1"
    refused = f"http://127.0.0.1:{free_ports(1)[0]}/v1"
    gw = gateway(threads, [bad_url, refused, good_url], edge_probe_interval_s=60)
    with httpx.Client(trust_env=False, timeout=10) as client:
        resp = client.post(gw + "/v1/chat/completions", json={"messages": [USER], "stream": stream})
        body = read_events(resp.text) if stream else resp.json()["edgecloud"]
        reply = body["reply"] if stream else resp.json()["choices"][0]["message"]["content"]
        assert resp.status_code == 200 and reply == "good answer" and body["tier"] == "edge", resp.text
        assert body["edge_attempts"] == 3 and body["status"] == "ok"  # the 500 and the refusal, then the answer
        health = client.get(gw + "/healthz").json()
        text = client.get(gw + "/metrics").text
    # the 500 replica answers its health probe (GET /models), so /healthz takes it back in: its probe is its health
    states = {r["url"]: r for r in health["edge"]["replicas"]}
    assert states[refused]["healthy"] is False and states[good_url]["healthy"] is True
    assert states[bad_url]["failures"] == 1 and states[refused]["failures"] == 1 and states[good_url]["failures"] == 0
    assert (
        health["status"] == "degraded" and health["edge"]["ok"] and "2 of 3 replicas answer" in health["edge"]["detail"]
    )
    assert metric(text, "edgecloud_edge_replica_up", refused) == 0
    assert metric(text, "edgecloud_edge_replica_failures_total", bad_url) == 1


def test_no_replica_answering_is_the_edge_unavailable_path(threads):
    cloud_app, _ = rule_upstream("cloud", lambda q: "cloud answer")
    cloud = serve(threads, cloud_app) + "/v1"
    dead = [f"http://127.0.0.1:{p}/v1" for p in free_ports(2)]
    gw = gateway(threads, dead, cloud_base_url=cloud, cloud_model="cloud", connect_retries=0)
    with httpx.Client(trust_env=False, timeout=10) as client:
        for _ in range(2):  # the second request finds both out of service and still tries them (as one edge is)
            meta = client.post(gw + "/v1/chat/completions", json={"messages": [USER]}).json()["edgecloud"]
            assert (meta["tier"], meta["status"], meta["edge_attempts"]) == ("cloud", "edge_unavailable_fallback", 2)
            assert "all 2 edge replicas tried failed" in meta["detail"] and all(u in meta["detail"] for u in dead)
        assert client.get(gw + "/healthz").status_code == 503


# ---------------------------------------------------------------------------------------------
# A replica killed under load


def start_edge(port: int, delay_s: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, str(SERVERS), str(port), EDGE, str(delay_s)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/models", trust_env=False, timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, "edge process did not come up"
        time.sleep(0.1)


@pytest.fixture
def edge_procs() -> Iterator[list[subprocess.Popen]]:
    procs: list[subprocess.Popen] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(timeout=10)


def test_a_replica_killed_under_load_loses_no_request_and_is_taken_back_in(threads, edge_procs):
    ports = free_ports(2)
    urls = [f"http://127.0.0.1:{p}/v1" for p in ports]
    edge_procs += [start_edge(p, 0.05) for p in ports]
    gw = gateway(threads, urls, edge_probe_interval_s=0.2)  # no cloud: a request the edges lose would be a 503

    async def kill_under_load() -> list[httpx.Response]:
        running = asyncio.ensure_future(load(gw, 100, 8))
        async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
            while (
                metric((await client.get(gw + "/metrics")).text, "edgecloud_edge_replica_requests_total", urls[0]) < 10
            ):  # well under way, with requests in flight on both
                await asyncio.sleep(0.02)
            os.kill(edge_procs[0].pid, signal.SIGKILL)
        return await running

    resps = asyncio.run(kill_under_load())
    assert [r.status_code for r in resps] == [200] * 100, [r.text for r in resps if r.status_code != 200][:3]
    metas = [r.json()["edgecloud"] for r in resps]
    assert all((m["tier"], m["status"]) == ("edge", "ok") for m in metas)
    assert sorted(r.json()["choices"][0]["message"]["content"] for r in resps) == sorted(
        f"echo: q{i}" for i in range(100)
    )
    edge_procs[0].wait(timeout=10)
    with httpx.Client(trust_env=False, timeout=10) as client:
        text = client.get(gw + "/metrics").text
        assert metric(text, "edgecloud_edge_replica_up", urls[0]) == 0
        assert metric(text, "edgecloud_edge_replica_failures_total", urls[0]) >= 1
        killed = client.get(gw + "/healthz").json()["edge"]["replicas"][0]
        assert killed["url"] == urls[0] and killed["healthy"] is False and killed["outstanding"] == 0

        edge_procs.append(start_edge(ports[0], 0.05))  # the same server again, on its port
        deadline = time.monotonic() + 10
        while metric(client.get(gw + "/metrics").text, "edgecloud_edge_replica_up", urls[0]) == 0:
            assert time.monotonic() < deadline, "the probe did not take the restarted replica back in"
            time.sleep(0.1)
        before = metric(client.get(gw + "/metrics").text, "edgecloud_edge_replica_requests_total", urls[0])
        assert [r.status_code for r in asyncio.run(load(gw, 10, 2))] == [200] * 10
        assert metric(client.get(gw + "/metrics").text, "edgecloud_edge_replica_requests_total", urls[0]) > before


# ---------------------------------------------------------------------------------------------
# Config


def test_one_edge_setting_is_required_and_each_replica_listed_once(tmp_path):
    assert GatewayConfig().edge_urls == ["http://127.0.0.1:8000/v1"]  # the single edge_base_url as before
    cfg = GatewayConfig(edge_base_urls=["http://127.0.0.1:1/v1/", "http://127.0.0.1:2/v1"])
    assert cfg.edge_urls == ["http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"] and cfg.edge_base_url is None
    path = tmp_path / "gw.json"
    for doc, why in [
        ({"edge_base_url": "http://a:1/v1", "edge_base_urls": ["http://b:1/v1"]}, "both edge_base_url and"),
        ({"edge_base_url": None}, "no edge server"),
        ({"edge_base_urls": []}, "no edge server"),
        ({"edge_base_urls": ["http://a:1/v1", "http://a:1/v1/"]}, "lists a URL twice"),
        ({"edge_base_urls": ["a:1/v1"]}, "must start with http"),
    ]:
        path.write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(ParamsError, match=why) as err:
            load_config(path)
        assert "gw.json" in str(err.value) and "edge_base_url" in str(err.value)


def test_a_connection_retry_asks_the_refused_replica_again_not_the_one_that_timed_out(threads):
    slow_app, slow_log = rule_upstream(EDGE, lambda q: "late", 3.0)
    slow = serve(threads, slow_app) + "/v1"
    refused = f"http://127.0.0.1:{free_ports(1)[0]}/v1"
    gw = gateway(threads, [slow, refused], edge_timeout_s=0.3, connect_retries=1)
    resp = httpx.post(gw + "/v1/chat/completions", json={"messages": [USER]}, trust_env=False, timeout=10)
    assert resp.status_code == 503 and resp.json()["error"]["code"] == "edge_unavailable"  # no cloud configured
    msg = resp.json()["error"]["message"]
    assert f"{slow}: timed out after 0.3 s" in msg and f"{refused}: connection failed" in msg
    assert len(slow_log) == 1  # the slow replica may still be generating: it is not asked a second time
