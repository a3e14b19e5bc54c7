"""Pass-through streaming through the real gateway over real loopback servers: the first token arrives while
the edge is still generating, a forward stops the edge at once and streams the cloud, a client that goes
away stops the upstream generation, and streamed and non-streamed answers are the same text.

The tiers are `gateway_servers.StreamingUpstream`: real HTTP servers that produce tokens one at a time and
record each generation (tokens produced, whether it was cancelled). The last test streams from the
package's own edge server over the embedded base model (integration: it loads the model)."""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Iterator

import httpx
import pytest

from edgecloud.serve.gateway import GatewayConfig, create_app
from edgecloud.serve.gateway_stream import could_begin_forward
from edgecloud.serve.tier_stream import read_events

from gateway_servers import ServerThread, StreamingUpstream

EDGE, CLOUD = "edge-test-model", "cloud-test-model"
FORWARD = ["[", "转发", "云端", "]", " forward", " to", " cloud"]
ANSWER = ["巴黎", "是", "法国", "的", "首都", "。"]
CLOUD_TOKENS = ["Step", " one", ",", " step", " two", ":", " done", "."]
COMPLEX = "请推导二次方程求根公式"


def edge_tokens(last: str) -> list[str]:
    return FORWARD if last == COMPLEX else ANSWER


@pytest.fixture
def servers() -> Iterator[Callable[[Any], str]]:
    started: list[ServerThread] = []

    def _serve(app: Any) -> str:
        started.append(ServerThread(app).start())
        return started[-1].url

    yield _serve
    for s in started:
        s.request_stop()
    for s in reversed(started):
        s.stop()


@pytest.fixture
def stack(servers) -> Callable[..., tuple[httpx.Client, StreamingUpstream, StreamingUpstream]]:
    """A gateway in front of a streaming edge and cloud; keyword arguments set the edge and the gateway."""
    clients: list[httpx.Client] = []

    def _start(
        tokens=edge_tokens, delay_s: float = 0.0, top=None, cloud: bool | str = True, **config: Any
    ) -> tuple[httpx.Client, StreamingUpstream, StreamingUpstream]:
        edge = StreamingUpstream(EDGE, tokens, delay_s, top)
        cloud_up = StreamingUpstream(CLOUD, lambda _: CLOUD_TOKENS, 0.0)
        cloud_url = (servers(cloud_up.app) + "/v1") if cloud is True else (cloud or None)
        settings = {
            "edge_base_url": servers(edge.app) + "/v1",
            "edge_model": EDGE,
            "cloud_base_url": cloud_url,
            "cloud_model": CLOUD if cloud_url else None,
            "edge_timeout_s": 5.0,
            "cloud_timeout_s": 5.0,
            **config,
        }
        client = httpx.Client(base_url=servers(create_app(GatewayConfig(**settings))), trust_env=False, timeout=20)
        clients.append(client)
        return client, edge, cloud_up

    yield _start
    for c in clients:
        c.close()


def body(content: str, **extra: Any) -> dict[str, Any]:
    return {"model": "edge-gateway", "messages": [{"role": "user", "content": content}], **extra}


def chunks_of(resp: httpx.Response) -> list[dict[str, Any]]:
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/event-stream")
    blocks = [b for b in resp.text.split("\n\n") if b.strip()]
    assert blocks[-1] == "data: [DONE]"
    return [json.loads(b[len("data: ") :]) for b in blocks[:-1]]


def text_of(chunks: list[dict[str, Any]]) -> str:
    return "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)


def wait_until(cond: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, holds",
    [
        ("", True),
        ("[", True),
        ("[转", True),
        ("[转发云", True),
        ("转发", True),
        (" forward", True),
        ("巴黎", False),
        ("The capital", False),
        ("[1] first", False),
        ("forward the e-mail to Bob", False),
    ],
)
def test_text_is_held_back_only_while_it_may_begin_a_forward_reply(text, holds):
    assert could_begin_forward(text, "[") is holds


def test_first_token_reaches_the_client_while_the_edge_is_still_generating(stack):
    client, edge, _ = stack(tokens=lambda _: ANSWER * 4, delay_s=0.1)  # 24 tokens, 2.4 s
    start = time.perf_counter()
    arrivals = []
    with client.stream("POST", "/v1/chat/completions", json=body("法国的首都是哪里？", stream=True)) as resp:
        for line in resp.iter_lines():
            if line.startswith("data: {") and json.loads(line[6:])["choices"][0]["delta"].get("content"):
                arrivals.append(time.perf_counter() - start)
    assert len(arrivals) == 24  # every token relayed as its own chunk
    assert arrivals[0] < 1.0 < 2.0 < arrivals[-1]  # first token after ~0.1 s, the last after ~2.4 s
    assert edge.generations[0]["finished"]


def test_a_forward_reply_stops_the_edge_at_once_and_the_cloud_streams_without_the_marker(stack):
    client, edge, cloud = stack(tokens=lambda _: FORWARD + ["."] * 40, delay_s=0.05)
    chunks = chunks_of(client.post("/v1/chat/completions", json=body(COMPLEX, stream=True)))
    assert text_of(chunks) == "".join(CLOUD_TOKENS)
    assert "转发" not in json.dumps([c["choices"] for c in chunks], ensure_ascii=False)
    assert chunks[0]["edgecloud"]["tier"] == "cloud"  # announced before the first token
    meta = chunks[-1]["edgecloud"]
    assert (meta["tier"], meta["status"], meta["edge_decision"]) == ("cloud", "ok", "forward")
    assert meta["edge_reply"] == "[转发云端"  # what it said before it was stopped, in the metadata
    assert wait_until(lambda: edge.generations[0]["ended_at"] is not None)
    gen = edge.generations[0]
    assert gen["cancelled"] and not gen["finished"]
    assert gen["produced"] <= 6  # its first tokens, not the 47 it would have made
    assert edge.active == 0 and cloud.generations[0]["finished"]


def test_a_calibrated_score_forwards_on_the_first_token(stack):
    def top(last: str) -> list[tuple[str, float]]:  # P("[") = 0.90 for the complex request, 0.05 otherwise
        return [("[", -0.105), ("The", -2.4)] if last == COMPLEX else [("巴", -0.1), ("[", -3.0)]

    client, edge, _ = stack(
        tokens=lambda _: ANSWER * 5, delay_s=0.05, top=top, routing_threshold=0.0, stream_routing="first_chunk"
    )
    chunks = chunks_of(client.post("/v1/chat/completions", json=body(COMPLEX, stream=True)))
    meta = chunks[-1]["edgecloud"]
    assert (meta["tier"], text_of(chunks)) == ("cloud", "".join(CLOUD_TOKENS))
    assert meta["routing_score"] == pytest.approx(2.2, abs=0.05)
    assert edge.requests[0]["logprobs"] is True and edge.requests[0]["top_logprobs"] == 5
    assert wait_until(lambda: edge.generations[0]["ended_at"] is not None)
    assert edge.generations[0]["cancelled"] and edge.generations[0]["produced"] <= 3
    simple = chunks_of(client.post("/v1/chat/completions", json=body("法国的首都是哪里？", stream=True)))
    assert (simple[-1]["edgecloud"]["tier"], text_of(simple)) == ("edge", "".join(ANSWER * 5))
    assert simple[-1]["edgecloud"]["routing_score"] < 0


def test_the_probe_scores_before_the_stream_when_the_server_streams_suppressed_log_probabilities(stack):
    """swift deploy streams the first position after begin_suppress_tokens (no "[" in top_logprobs): the
    default 'probe' asks one non-streamed token for the score, so a calibrated forward costs the edge one token
    and never opens its stream; an edge answer is then streamed without log-probabilities."""

    def top(last: str) -> list[tuple[str, float]]:  # raw: P("[") = 0.90 for the complex request, 0.05 otherwise
        return (
            [("[", -0.105), ("The", -2.4), ("(", -4.0)] if last == COMPLEX else [("巴", -0.1), ("[", -3.0), ("(", -4.0)]
        )

    client, edge, _ = stack(tokens=lambda _: ANSWER * 5, delay_s=0.05, top=top, routing_threshold=0.0)
    edge.stream_drops = "["  # as swift deploy streams its first position
    chunks = chunks_of(client.post("/v1/chat/completions", json=body(COMPLEX, stream=True)))
    meta = chunks[-1]["edgecloud"]
    assert (meta["tier"], meta["edge_decision"], text_of(chunks)) == ("cloud", "forward", "".join(CLOUD_TOKENS))
    assert meta["routing_score"] == pytest.approx(2.2, abs=0.05)
    probe = edge.requests[0]
    assert (probe.get("stream"), probe["max_tokens"], probe["logprobs"], probe["top_logprobs"]) == (False, 1, True, 5)
    assert len(edge.requests) == 1 and edge.generations == []  # no edge stream was opened
    simple = chunks_of(client.post("/v1/chat/completions", json=body("法国的首都是哪里？", stream=True)))
    meta = simple[-1]["edgecloud"]
    assert (meta["tier"], meta["edge_decision"], text_of(simple)) == ("edge", "answer", "".join(ANSWER * 5))
    assert meta["routing_score"] < 0
    assert edge.requests[1]["max_tokens"] == 1 and edge.requests[2]["stream"] and not edge.requests[2].get("logprobs")
    # the probe's one token may be half a multi-byte character (swift deploy answers U+FFFD): still a score
    edge.tokens = lambda _: ["\ufffd"] + ANSWER * 5
    half = chunks_of(client.post("/v1/chat/completions", json=body("法国的首都是哪里？", stream=True)))
    assert (half[-1]["edgecloud"]["tier"], half[-1]["edgecloud"]["status"]) == ("edge", "ok")
    assert half[-1]["edgecloud"]["routing_score"] < 0
    # the same upstream read from the stream's first chunk never sees "[": the reason 'probe' is the default
    first_chunk, edge2, _ = stack(
        tokens=lambda _: ANSWER * 5, top=top, routing_threshold=0.0, stream_routing="first_chunk"
    )
    edge2.stream_drops = "["
    missed = chunks_of(first_chunk.post("/v1/chat/completions", json=body(COMPLEX, stream=True)))
    assert missed[-1]["edgecloud"]["tier"] == "edge"


@pytest.mark.parametrize("case", ["edge", "forward", "score_forward", "no_cloud", "cloud_down", "edge_down"])
def test_streamed_and_non_streamed_answers_are_the_same(stack, servers, case):
    top = (lambda last: [("[", -0.05), ("巴", -3.0)]) if case == "score_forward" else None
    config: dict[str, Any] = {"routing_threshold": 0.0} if case == "score_forward" else {}
    cloud: bool | str = {"no_cloud": False, "cloud_down": "http://127.0.0.1:9/v1"}.get(case, True)
    client, edge, _ = stack(top=top, cloud=cloud, connect_retries=0, **config)
    if case == "edge_down":
        cloud_up = StreamingUpstream(CLOUD, lambda _: CLOUD_TOKENS)
        gw = create_app(
            GatewayConfig(
                edge_base_url="http://127.0.0.1:9/v1",
                edge_model=EDGE,
                connect_retries=0,
                cloud_base_url=servers(cloud_up.app) + "/v1",
                cloud_model=CLOUD,
            )
        )
        client = httpx.Client(base_url=servers(gw), trust_env=False, timeout=20)
    question = COMPLEX if case in ("forward", "no_cloud", "cloud_down") else "法国的首都是哪里？"
    plain = client.post("/v1/chat/completions", json=body(question)).json()
    chunks = chunks_of(client.post("/v1/chat/completions", json=body(question, stream=True)))
    streamed = chunks[-1]["edgecloud"]
    assert text_of(chunks) == plain["choices"][0]["message"]["content"]
    for key in ("tier", "status", "edge_decision", "routing_score"):
        assert streamed[key] == plain["edgecloud"][key], key
    if case in ("forward", "score_forward"):  # the edge was stopped after its first tokens
        assert plain["edgecloud"]["edge_reply"].startswith(streamed["edge_reply"])
        assert len(streamed["edge_reply"]) < len(plain["edgecloud"]["edge_reply"])
    else:
        assert streamed["edge_reply"] == plain["edgecloud"]["edge_reply"]
    expected = {
        "edge": ("edge", "ok"),
        "forward": ("cloud", "ok"),
        "score_forward": ("cloud", "ok"),
        "no_cloud": ("edge", "cloud_not_configured"),
        "cloud_down": ("edge", "cloud_unavailable"),
        "edge_down": ("cloud", "edge_unavailable_fallback"),
    }[case]
    assert (streamed["tier"], streamed["status"]) == expected
    if case == "edge_down":
        client.close()


def test_a_client_that_disconnects_stops_the_edge_generation(stack):
    client, edge, _ = stack(tokens=lambda _: ANSWER * 20, delay_s=0.05)  # 120 tokens, 6 s
    with client.stream("POST", "/v1/chat/completions", json=body("法国的首都是哪里？", stream=True)) as resp:
        for line in resp.iter_lines():
            if line.startswith("data: {") and json.loads(line[6:])["choices"][0]["delta"].get("content"):
                break  # read one token, then hang up
    gone = time.monotonic()
    assert wait_until(lambda: edge.generations[0]["ended_at"] is not None, 3.0), "the edge kept generating"
    gen = edge.generations[0]
    assert gen["cancelled"] and not gen["finished"] and gen["produced"] < 60
    assert gen["ended_at"] - gone < 1.0 and edge.active == 0  # its slot is free at once
    assert wait_until(lambda: 'status="client_disconnected"' in client.get("/metrics").text)


def test_no_tier_able_to_answer_a_streamed_request_is_a_json_503_before_any_event(servers):
    gw = create_app(GatewayConfig(edge_base_url="http://127.0.0.1:9/v1", edge_model=EDGE, connect_retries=0))
    with httpx.Client(base_url=servers(gw), trust_env=False, timeout=10) as client:
        resp = client.post("/v1/chat/completions", json=body("hi", stream=True))
    assert resp.status_code == 503 and resp.json()["error"]["code"] == "edge_unavailable"


def test_the_web_api_streams_the_same_chunks_for_the_page(stack):
    client, _, _ = stack(delay_s=0.01)
    resp = client.post("/api/chat", json={"message": COMPLEX, "history": [], "stream": True})
    answer = read_events(resp.text)
    assert (answer["reply"], answer["tier"], answer["first"]["tier"]) == ("".join(CLOUD_TOKENS), "cloud", "cloud")
    assert answer["latency_ms"] == answer["timings_ms"]["total"] >= answer["timings_ms"]["first_token"] > 0
    assert client.post("/api/chat", json={"message": "x", "stream": "yes"}).json()["error"]["code"] == "invalid_stream"


@pytest.mark.parametrize("tokens", [["巴黎", "是", "\ufffd"], ["巴", "\ufffd", "黎"]])
def test_a_replacement_character_is_dropped_only_at_the_end_as_non_streamed(stack, tokens):
    """A reply cut at max_tokens can end in half a character (U+FFFD): the non-streamed path drops it."""
    client, _, _ = stack(tokens=lambda _: tokens)
    plain = client.post("/v1/chat/completions", json=body("法国的首都是哪里？")).json()
    chunks = chunks_of(client.post("/v1/chat/completions", json=body("法国的首都是哪里？", stream=True)))
    assert text_of(chunks) == plain["choices"][0]["message"]["content"] == "".join(tokens).rstrip("\ufffd")
