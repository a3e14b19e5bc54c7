"""The gateway overhead benchmark's own parts, on loopback: the instant upstream (a real process), the load
generator reading it plain and streamed, the gateway in front of it answering from the edge, and every
process of the benchmark gone when its `servers` block ends, also by Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from instant_upstream import REPLY, stream_events  # noqa: E402
from loadgen import BadResponse, run_cell, text_of  # noqa: E402
from overhead_servers import KEY_ENV, Server, edgecloud_server, free_ports, servers, tree, tree_rss_mb, upstream_server  # noqa: E402
from profile_gateway import summarize  # noqa: E402

PATH = "/v1/chat/completions"
BODY = {"model": "edge-gateway", "messages": [{"role": "user", "content": "Turn on the kitchen light."}]}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_text_of_joins_stream_deltas_and_refuses_a_stream_without_done():
    raw = b"".join(stream_events("m"))
    assert text_of(raw, stream=True) == REPLY
    with pytest.raises(BadResponse, match="DONE"):
        text_of(raw.replace(b"data: [DONE]\n\n", b""), stream=True)


def test_loadgen_and_gateway_against_the_instant_upstream(tmp_path):
    up_port, gw_port = free_ports(2)
    assert up_port != gw_port
    up = upstream_server(tmp_path, up_port)
    gw = edgecloud_server(tmp_path, gw_port, up.base, "sk-test-key")
    with servers([up, gw]):
        up.wait_ready("/v1/models", None, timeout_s=30)
        headers = {"authorization": "Bearer sk-test-key"}
        gw.wait_ready(PATH, BODY, headers, timeout_s=60)
        for stream in (False, True):
            cell = asyncio.run(run_cell("127.0.0.1", up.port, PATH, {**BODY, "stream": stream}, REPLY, 4, 0.5, 0.1))
            assert not cell.errors and len(cell.latencies_ms) > 20 and cell.checked >= 4
            assert all(0 < fb <= lat for fb, lat in zip(cell.first_byte_ms, cell.latencies_ms))
        # a reply that is not the expected one is an error, not a success
        wrong = asyncio.run(run_cell("127.0.0.1", up.port, PATH, BODY, "another reply", 2, 0.3, 0.0))
        assert sum(wrong.errors.values()) >= 2 and all("!= expected" in e for e in wrong.errors)
        # through our gateway: the edge answers the upstream's text, streamed or not; no key, no answer
        with httpx.Client(trust_env=False, timeout=30, headers=headers) as client:
            plain = client.post(gw.base + PATH, json=BODY)
            assert plain.status_code == 200 and plain.json()["edgecloud"]["tier"] == "edge"
            assert text_of(plain.content, False) == REPLY
            assert text_of(client.post(gw.base + PATH, json={**BODY, "stream": True}).content, True) == REPLY
            assert client.post(gw.base + PATH, json=BODY, headers={"authorization": "Bearer nope"}).status_code == 401
        assert json.loads((tmp_path / "edgecloud_gateway.json").read_text())["api_keys_env"] == KEY_ENV
        assert "sk-test-key" not in (tmp_path / "edgecloud_gateway.json").read_text()
        assert tree_rss_mb(gw.proc.pid) > 10
        pids = tree(up.proc.pid) + tree(gw.proc.pid)
    assert not [p for p in pids if _alive(p)]


def test_servers_stops_everything_on_ctrl_c(tmp_path):
    (port,) = free_ports(1)
    sleeper = Server("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "s.log", port)
    with pytest.raises(KeyboardInterrupt):
        with servers([sleeper]):
            pid = sleeper.proc.pid
            assert _alive(pid)
            raise KeyboardInterrupt
    assert not _alive(pid)


def test_profile_summary_shares(tmp_path):
    raw = tmp_path / "p.txt"
    raw.write_text("main (a.py:1);work (a.py:5);json (j.py:2) 3\nmain (a.py:1);work (a.py:5) 1\n", encoding="utf-8")
    s = summarize(raw)
    assert s["samples"] == 4
    assert s["self"][0] == [75.0, "json (j.py:2)"]
    assert [100.0, "work (a.py:5)"] in s["inclusive"]
