"""Streaming through the gateway: time to first token (TTFT) and total time, gateway vs the edge server directly.

Not a test: it records numbers with the machine's details. The edge tier is the package's own edge server
(`python -m edgecloud.edge.server`) over a torch fp32 variant of a model folder: by default the embedded base
model SmolLM2-135M-Instruct converted to safetensors (no trained run is needed; `--model-dir` takes a merged
fine-tuned folder instead). The cloud tier is a stub on loopback that streams a fixed reply at a fixed pace
(`--cloud-token-ms`), so a forwarded request measures the gateway's early stop and switch, not a cloud model.

For each prompt, in rounds:
- edge answers: streamed straight from the edge server vs through the gateway (no threshold: the base model
  does not forward), TTFT and total; the streamed text must equal the gateway's non-streamed answer;
- forwarded: through the gateway with `routing_threshold` -100 (every score forwards on the first token):
  TTFT and total of the cloud's answer, and how long the edge server stays busy after the request began
  (its `/health` `busy`), against a full edge generation;
- disconnect: a client reads one token through the gateway and hangs up; time until the edge is free.

    .venv/bin/python benchmarks/gateway_stream.py [--rounds 3] [--max-tokens 48]

Writes benchmarks/results/gateway_stream_<date>.json and .md.

`--edge swift --run default` instead measures a trained run's real `swift deploy`, started by the stack, behind a
gateway with the run's calibrated threshold (benchmarks/stream_swift.py; results gateway_stream_<date>_swift.*):

    .venv/bin/python benchmarks/gateway_stream.py --edge swift --run default [--per-kind 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request  # module level: FastAPI resolves the handlers' annotations here
from fastapi.responses import StreamingResponse
from stream_swift import first_token_then

from edgecloud.paths import OUTPUTS_DIR, ROOT, rel
from edgecloud.provenance import machine, versions
from edgecloud.runner import VERSIONED

RESULTS = ROOT / "benchmarks" / "results"
PROMPTS = [
    "法国的首都是哪里？",
    "What is 12 times 7?",
    "把“早上好”翻译成英文。",
    "Name three primary colors.",
    "设置一个10分钟的计时器。",
]
SERVED = "edge-bench"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout_s: float, proc: subprocess.Popen | None = None) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1, trust_env=False).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {timeout_s} s")


def cloud_stub(token_ms: float) -> Any:
    """A streaming OpenAI-compatible stand-in for the cloud: 20 tokens, one every `token_ms`."""
    import asyncio

    app = FastAPI()
    words = [f" word{i}" for i in range(20)]

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        head = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": body["model"]}
        if not body.get("stream"):
            return {
                "id": "c",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": "".join(words)}, "finish_reason": "stop"}
                ],
            }

        async def events() -> Any:
            for w in words:
                await asyncio.sleep(token_ms / 1000)
                yield (
                    "data: "
                    + json.dumps({**head, "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": None}]})
                    + "\n\n"
                )
            yield (
                "data: "
                + json.dumps({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                + "\n\n"
            )
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get("/v1/models")
    async def models() -> Any:
        return {"object": "list", "data": [{"id": "cloud-stub", "object": "model"}]}

    return app


def timed_stream(
    client: httpx.Client, url: str, payload: dict[str, Any], hang_up_after: int | None = None
) -> dict[str, Any]:
    """POST a streamed request; TTFT (first content chunk), total, the text and the last edgecloud block."""
    return first_token_then(client, url, payload, hang_up=hang_up_after is not None)


def busy_ms_after(health_url: str, start: float, limit_s: float = 30) -> float:
    """Milliseconds from `start` until the edge server reports it is not busy."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if not httpx.get(health_url, timeout=2, trust_env=False).json().get("busy"):
            return (time.perf_counter() - start) * 1000
        time.sleep(0.01)
    return float("nan")


def med(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def gateway_proc(cfg: dict[str, Any], folder: Path) -> subprocess.Popen:
    path = folder / f"gateway_{cfg['port']}.json"
    path.write_text(json.dumps(cfg), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "edgecloud.serve.gateway", "--config", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / f"gateway_{cfg['port']}.log", "w"),
        start_new_session=True,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run(model_dir: Path, rounds: int, max_tokens: int, cloud_token_ms: float, work: Path) -> dict[str, Any]:
    import uvicorn

    variant = work / "variant"
    variant.mkdir(parents=True, exist_ok=True)
    (variant / "variant.json").write_text(
        json.dumps(
            {"variant": "torch-fp32", "backend": "torch", "precision": "fp32", "weights": str(model_dir.resolve())}
        ),
        encoding="utf-8",
    )
    edge_port, cloud_port, gw_edge_port, gw_fwd_port = (free_port() for _ in range(4))
    procs: list[subprocess.Popen] = []
    cloud = uvicorn.Server(
        uvicorn.Config(cloud_stub(cloud_token_ms), host="127.0.0.1", port=cloud_port, log_level="warning")
    )
    cloud_thread = threading.Thread(target=cloud.run, daemon=True)
    cloud_thread.start()
    edge_url, health = f"http://127.0.0.1:{edge_port}/v1", f"http://127.0.0.1:{edge_port}/health"
    try:
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "edgecloud.edge.server",
                    "--variant-dir",
                    str(variant),
                    "--tokenizer",
                    str(model_dir),
                    "--port",
                    str(edge_port),
                    "--served-model-name",
                    SERVED,
                    "--threads",
                    "2",
                ],
                stdout=subprocess.DEVNULL,
                stderr=open(work / "edge_server.log", "w"),
                start_new_session=True,
            )
        )
        wait_http(health, 900, procs[0])  # loading takes long on a busy machine
        base = {
            "host": "127.0.0.1",
            "edge_base_url": edge_url,
            "edge_model": SERVED,
            "edge_system_prompt": None,
            "cloud_base_url": f"http://127.0.0.1:{cloud_port}/v1",
            "cloud_model": "cloud-stub",
            "cloud_label": "streaming stub",
            "edge_timeout_s": 120,
            "cloud_timeout_s": 60,
            "stream_routing": "first_chunk",
        }  # the package's edge server streams the raw first position
        procs.append(gateway_proc({**base, "port": gw_edge_port}, work))
        procs.append(gateway_proc({**base, "port": gw_fwd_port, "routing_threshold": -100.0}, work))
        for port in (gw_edge_port, gw_fwd_port):
            wait_http(f"http://127.0.0.1:{port}/v1/models", 60)
        rows: list[dict[str, Any]] = []
        with httpx.Client(trust_env=False, timeout=300) as client:
            timed_stream(
                client,
                f"{edge_url}/chat/completions",  # warm-up, not recorded
                {"model": SERVED, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4},
            )
            for r in range(rounds):
                for prompt in PROMPTS:
                    payload = {
                        "model": SERVED,
                        "messages": [{"role": "user", "content": prompt}],
                        "max_tokens": max_tokens,
                        "temperature": 0,
                    }
                    direct = timed_stream(client, f"{edge_url}/chat/completions", payload)
                    direct_busy = busy_ms_after(health, time.perf_counter())  # ~0: the reply is complete
                    via = timed_stream(client, f"http://127.0.0.1:{gw_edge_port}/v1/chat/completions", payload)
                    plain = client.post(f"http://127.0.0.1:{gw_edge_port}/v1/chat/completions", json=payload).json()
                    t0 = time.perf_counter()
                    fwd = timed_stream(client, f"http://127.0.0.1:{gw_fwd_port}/v1/chat/completions", payload)
                    fwd_busy = busy_ms_after(health, t0)
                    t0 = time.perf_counter()
                    timed_stream(
                        client, f"http://127.0.0.1:{gw_edge_port}/v1/chat/completions", payload, hang_up_after=1
                    )
                    hang_up_ms = (time.perf_counter() - t0) * 1000
                    free_ms = busy_ms_after(health, t0) - hang_up_ms
                    rows.append(
                        {
                            "round": r,
                            "prompt": prompt,
                            "direct": {k: direct[k] for k in ("ttft_ms", "total_ms")},
                            "direct_busy_after_ms": direct_busy,
                            "gateway_edge": {k: via[k] for k in ("ttft_ms", "total_ms")},
                            "gateway_tier": (via["meta"] or {}).get("tier"),
                            "same_text": direct["text"].rstrip("\ufffd")
                            == via["text"]
                            == plain["choices"][0]["message"]["content"],
                            "texts": None
                            if via["text"] == plain["choices"][0]["message"]["content"]
                            else {
                                "direct": direct["text"],
                                "stream": via["text"],
                                "plain": plain["choices"][0]["message"]["content"],
                            },
                            "chars": len(via["text"]),
                            "forwarded": {k: fwd[k] for k in ("ttft_ms", "total_ms")},
                            "forwarded_tier": (fwd["meta"] or {}).get("tier"),
                            "forwarded_status": (fwd["meta"] or {}).get("status"),
                            "forwarded_edge_reply": (fwd["meta"] or {}).get("edge_reply"),
                            "edge_busy_after_forward_start_ms": round(fwd_busy, 1),
                            "edge_free_after_hang_up_ms": round(free_ms, 1),
                        }
                    )
                    print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    finally:
        for p in reversed(procs):
            stop(p)
        cloud.should_exit = True
        cloud_thread.join(timeout=10)

    def m(path: str) -> float | None:
        a, _, b = path.partition(".")
        return med([row[a][b] if b else row[a] for row in rows])

    summary = {
        "direct_ttft_ms": m("direct.ttft_ms"),
        "direct_total_ms": m("direct.total_ms"),
        "gateway_edge_ttft_ms": m("gateway_edge.ttft_ms"),
        "gateway_edge_total_ms": m("gateway_edge.total_ms"),
        "forwarded_ttft_ms": m("forwarded.ttft_ms"),
        "forwarded_total_ms": m("forwarded.total_ms"),
        "edge_busy_after_forward_start_ms": m("edge_busy_after_forward_start_ms"),
        "edge_free_after_hang_up_ms": m("edge_free_after_hang_up_ms"),
        "same_text": f"{sum(r['same_text'] for r in rows)}/{len(rows)}",
        "gateway_edge_tiers": sorted({str(r["gateway_tier"]) for r in rows}),
        "forwarded_tiers": sorted({str(r["forwarded_tier"]) for r in rows}),
    }
    return {"summary": summary, "rows": rows}


def markdown(rec: dict[str, Any]) -> str:
    m, v, s = rec["machine"], rec["versions"], rec["summary"]
    return "\n".join(
        [
            f"# Streaming through the gateway ({rec['created_utc']})",
            "",
            f"{m['cpu_model']}, {m['logical_cpus']} CPUs; torch {v.get('torch')}; edge: `python -m edgecloud.edge.server` over "
            f"{rec['edge_model']} (torch fp32, greedy, max_tokens {rec['max_tokens']}); cloud: a loopback stub streaming "
            f"20 tokens at {rec['cloud_token_ms']} ms each; {rec['rounds']} rounds x {len(PROMPTS)} prompts, medians; "
            f"loopback only. {rec['note']}",
            "",
            "| path | TTFT ms | total ms |",
            "|---|---:|---:|",
            f"| edge server directly (stream) | {s['direct_ttft_ms']} | {s['direct_total_ms']} |",
            f"| gateway, edge answers (stream) | {s['gateway_edge_ttft_ms']} | {s['gateway_edge_total_ms']} |",
            f"| gateway, forwarded on the first token (stream) | {s['forwarded_ttft_ms']} | {s['forwarded_total_ms']} |",
            "",
            f"- streamed text through the gateway = streamed text straight from the edge = the gateway's non-streamed "
            f"answer: {s['same_text']}; tiers: edge answers {s['gateway_edge_tiers']}, forwarded {s['forwarded_tiers']}.",
            f"- forwarded: the edge server was first seen free {s['edge_busy_after_forward_start_ms']} ms after the "
            "request's start (polled once the forwarded answer had ended, so an upper bound; a whole edge answer takes "
            f"{s['direct_total_ms']} ms).",
            f"- a client that hung up after its first token: the edge server was free {s['edge_free_after_hang_up_ms']} ms "
            "after the hang-up.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--edge",
        choices=("server", "swift"),
        default="server",
        help="server: edgecloud.edge.server over a model folder (default); swift: the stack's swift deploy "
        "of a trained run's deployed checkpoint, routed with its calibrated threshold",
    )
    ap.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="--edge server: a transformers model folder (default: the embedded base model, converted once)",
    )
    ap.add_argument(
        "--run", default="default", help="--edge swift: the trained run (its calibration, checkpoint, test split)"
    )
    ap.add_argument("--params", default="params/default.yaml", help="--edge swift: the run's params file")
    ap.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="--edge swift: params overrides, as for `python -m edgecloud run`",
    )
    ap.add_argument(
        "--source-outputs",
        type=Path,
        default=OUTPUTS_DIR,
        help="--edge swift: the outputs folder that holds the trained run (read only)",
    )
    ap.add_argument("--per-kind", type=int, default=4, help="--edge swift: test prompts of each kind (edge, forward)")
    ap.add_argument("--keep-scratch", action="store_true", help="--edge swift: keep outputs/streambench-<run>/ (logs)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--max-tokens", type=int, default=None, help="default: 48 (server), 64 (swift, deploy.max_new_tokens)"
    )
    ap.add_argument("--cloud-token-ms", type=float, default=20.0)
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the servers it started
    if args.edge == "swift":
        return main_swift(args)
    max_tokens = args.max_tokens or 48
    model_dir = args.model_dir
    note = "Edge model: the given folder."
    if model_dir is None:
        from edgecloud.train.prepare import convert_embedded

        model_dir, _ = convert_embedded(OUTPUTS_DIR / "models" / "smollm2-135m-instruct")
        note = "Edge model: the embedded base model (no trained run), so the forward is forced by the threshold."
    with tempfile.TemporaryDirectory(prefix="gateway-stream-") as tmp:
        out = run(model_dir, args.rounds, max_tokens, args.cloud_token_ms, Path(tmp))
    stamp = datetime.now(timezone.utc)
    rec = {
        "created_utc": stamp.isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(VERSIONED),
        "edge_model": rel(model_dir) if model_dir.is_relative_to(ROOT) else model_dir.name,
        "rounds": args.rounds,
        "max_tokens": max_tokens,
        "cloud_token_ms": args.cloud_token_ms,
        "prompts": PROMPTS,
        "note": note,
        **out,
    }
    write_results(rec, "", markdown(rec))
    return 0


def main_swift(args: argparse.Namespace) -> int:
    import stream_swift

    max_tokens = args.max_tokens or 64
    start = {"loadavg_start": stream_swift.loadavg(), "nice": stream_swift.niceness()}
    out = stream_swift.run_swift(
        args.params,
        args.run,
        args.overrides,
        args.source_outputs.resolve(),
        args.per_kind,
        args.rounds,
        max_tokens,
        args.cloud_token_ms,
        cloud_stub(args.cloud_token_ms),
        free_port,
        (gateway_proc, wait_http, stop),
    )
    stamp = datetime.now(timezone.utc)
    rec = {
        "created_utc": stamp.isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(VERSIONED),
        **start,
        "loadavg_end": stream_swift.loadavg(),
        "rounds": args.rounds,
        "per_kind": args.per_kind,
        "max_tokens": max_tokens,
        "cloud_token_ms": args.cloud_token_ms,
        **out,
    }
    stream_swift.cleanup(out["scratch_run"], args.keep_scratch)
    write_results(rec, "_swift", stream_swift.markdown(rec))
    return 0


def write_results(rec: dict[str, Any], suffix: str, md: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = RESULTS / f"gateway_stream_{datetime.fromisoformat(rec['created_utc']):%Y%m%d}{suffix}"
    base.with_suffix(".json").write_text(json.dumps(rec, indent=2, ensure_ascii=False), encoding="utf-8")
    base.with_suffix(".md").write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    sys.exit(main())
