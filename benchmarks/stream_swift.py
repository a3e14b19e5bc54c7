"""`gateway_stream.py --edge swift`: streaming TTFT and total time with a trained run's `swift deploy` as the edge.

The edge is a real `swift deploy` of the run's deployed checkpoint, started by the stack itself
(`edgecloud.serve.stack.running_stack`, so the command line, the calibrated model view with its suppressed first
token and the gateway config are the product's own), and the gateway routes with the run's calibrated threshold.
The cloud is the loopback streaming stub of `gateway_stream.py` (deploy.cloud.mode remote pointing at it), so a
forwarded request measures the gateway's early stop and switch, not a cloud model.

The trained run is only read (its routing calibration, its checkpoint, the base model folder of 02_prepare and its
test split, from `--source-outputs`, default the outputs folder); the stack runs as a scratch run
`streambench-<run>` under the outputs folder (its calibration a copy of the run's), so nothing of the trained run
is written.

Prompts: the first `--per-kind` single-turn records of the run's test split that need no cloud (edge answers) and
the first that need it (forwarded). Per round and prompt:
- straight to swift deploy (stream, with the system prompt and `logprobs` as the gateway sends them);
- through the gateway (stream); the tier it answered with is recorded;
- how long swift deploy keeps generating once nobody reads: its transformers engine runs one generation at a time in
  a worker thread, so a probe (a 1-token request straight to swift deploy) sent at a moment waits for whatever is
  still generating. The probe's TTFT minus an idle probe's TTFT (measured in the same round) is how long swift
  deploy stayed busy after that moment. Moments: a forwarded request's first client chunk (the gateway closed the
  edge stream just before it asked the cloud), and a client hang-up after the first token of an edge answer.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from edgecloud import artifacts
from edgecloud.jsonio import read_json, write_json
from edgecloud.paths import OUTPUTS_DIR
from edgecloud.routing import TOP_LOGPROBS

STUB_MODEL = "cloud-stub"


def in_source(path: Path, source_outputs: Path) -> Path:
    """`path` (under this process's outputs folder) in the source outputs folder instead."""
    return source_outputs / Path(path).relative_to(OUTPUTS_DIR)


def source_path(recorded: str, source_outputs: Path) -> Path:
    """A path a report recorded as `outputs/...`, in the source outputs folder."""
    p = Path(recorded)
    return source_outputs.joinpath(*p.parts[1:]) if p.parts and p.parts[0] == "outputs" else p


def pick_prompts(test_file: Path, per_kind: int) -> dict[str, list[dict[str, Any]]]:
    """The first `per_kind` single-turn test records of each kind: `edge` (needs_cloud false) and `forward`."""
    out: dict[str, list[dict[str, Any]]] = {"edge": [], "forward": []}
    for line in test_file.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        roles = [m["role"] for m in rec["messages"]]
        if roles != ["system", "user", "assistant"]:
            continue
        kind = "forward" if rec["needs_cloud"] else "edge"
        if len(out[kind]) < per_kind:
            out[kind].append(
                {
                    "id": rec["id"],
                    "lang": rec["lang"],
                    "category": rec["category"],
                    "user": rec["messages"][1]["content"],
                }
            )
    return out


def first_token_then(
    client: httpx.Client, url: str, payload: dict[str, Any], on_first: Any = None, hang_up: bool = False
) -> dict[str, Any]:
    """Stream a request: TTFT (first content piece), total, text and the gateway's metadata. `on_first` is called
    at the first content piece; `hang_up` closes the connection there."""
    start = time.perf_counter()
    ttft, text, meta, tier = None, "", None, None
    with client.stream("POST", url, json={**payload, "stream": True}) as resp:
        resp.raise_for_status()
        for line in resp.iter_lines():
            if not line.startswith("data: {"):
                continue
            obj = json.loads(line[6:])
            tier = tier or (obj.get("edgecloud") or {}).get("tier")
            piece = obj["choices"][0]["delta"].get("content") or ""
            if piece and ttft is None:
                ttft = (time.perf_counter() - start) * 1000
                if on_first is not None:
                    on_first()
                if hang_up:
                    text += piece
                    break
            text += piece
            if obj["choices"][0].get("finish_reason"):
                meta = obj.get("edgecloud")
    return {"ttft_ms": ttft, "total_ms": (time.perf_counter() - start) * 1000, "text": text, "meta": meta, "tier": tier}


class Probe:
    """A 1-token request straight to swift deploy, in a thread: its TTFT says how long the engine was busy."""

    def __init__(self, edge_url: str, payload: dict[str, Any]) -> None:
        self.url, self.payload, self.result = f"{edge_url}/chat/completions", {**payload, "max_tokens": 1}, None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(trust_env=False, timeout=300) as c:
            self.result = first_token_then(c, self.url, self.payload)

    def start(self) -> None:
        self.thread.start()

    def ttft(self) -> float | None:
        self.thread.join(timeout=300)
        return (self.result or {}).get("ttft_ms")


def run_swift(
    params_file: str,
    run: str,
    overrides: list[str],
    source_outputs: Path,
    per_kind: int,
    rounds: int,
    max_tokens: int,
    cloud_token_ms: float,
    cloud_app: Any,
    free_port: Any,
    servers: Any,
) -> dict[str, Any]:
    """`servers`: gateway_stream's (gateway_proc, wait_http, stop), for the second gateway with a forced forward."""
    import uvicorn

    from edgecloud.params import load_params
    from edgecloud.serve.stack import running_stack

    src_params = load_params(params_file, [*overrides, f"run_name={run}"], check_data=False)
    src_cal = in_source(artifacts.path("calibration", src_params), source_outputs)
    if not src_cal.is_file():
        raise SystemExit(f"{src_cal} is missing: run {run!r} has no routing calibration (run its 03_train first)")
    cal = read_json(src_cal)
    adapter = source_path(cal["checkpoint"], source_outputs)  # the deployed checkpoint (model.best_adapter's rule)
    model_dir = source_path(
        read_json(in_source(artifacts.path("model", src_params), source_outputs))["folder"], source_outputs
    )
    prompts = pick_prompts(in_source(artifacts.path("test_split", src_params), source_outputs), per_kind)

    cloud_port, edge_port, gw_port = free_port(), free_port(), free_port()
    scratch = f"streambench-{run}"
    params = load_params(
        params_file,
        [
            *overrides,
            f"run_name={scratch}",
            f"deploy.edge_port={edge_port}",
            f"deploy.gateway_port={gw_port}",
            "deploy.cloud.mode=remote",
            f"deploy.cloud.base_url=http://127.0.0.1:{cloud_port}/v1",
            f"deploy.cloud.model={STUB_MODEL}",
            f"deploy.cloud.label=loopback streaming stub ({cloud_token_ms:g} ms/token)",
            f"deploy.max_new_tokens={max_tokens}",
        ],
        check_data=False,
    )
    scratch_root = OUTPUTS_DIR / scratch
    write_json(artifacts.path("calibration", params), {**cal, "copied_from": str(src_cal)})

    cloud = uvicorn.Server(uvicorn.Config(cloud_app, host="127.0.0.1", port=cloud_port, log_level="warning"))
    cloud_thread = threading.Thread(target=cloud.run, daemon=True)
    cloud_thread.start()
    rows: list[dict[str, Any]] = []
    stack_info: dict[str, Any] = {}
    try:
        with running_stack(params, model_dir=model_dir, adapter=adapter) as stack:
            cfg = read_json(stack.gateway_config)
            stack_info = {
                "started_s": stack.started_s,
                "routing_threshold": cfg["routing_threshold"],
                "edge_command": (stack.logs["edge"].read_text(encoding="utf-8").splitlines() or [""])[0],
                "edge_model": stack.served_model,
            }
            system = cfg["edge_system_prompt"]
            gw = f"{stack.gateway_url}/v1/chat/completions"
            # the same gateway config with routing_threshold -100: every request forwards on the first chunk
            gateway_proc, wait_http, stop = servers
            forced_port = free_port()
            forced = gateway_proc({**cfg, "port": forced_port, "routing_threshold": -100.0}, scratch_root / "reports")
            try:
                wait_http(f"http://127.0.0.1:{forced_port}/v1/models", 60, forced)
                gw_forced = f"http://127.0.0.1:{forced_port}/v1/chat/completions"
                direct_url = f"{stack.edge_url}/chat/completions"

                def direct_payload(user: str) -> dict[str, Any]:  # what the gateway sends the edge (open_stream)
                    return {
                        "model": stack.served_model,
                        "max_tokens": max_tokens,
                        "temperature": 0,
                        "logprobs": True,
                        "top_logprobs": TOP_LOGPROBS,
                        "messages": [
                            *([{"role": "system", "content": system}] if system else []),
                            {"role": "user", "content": user},
                        ],
                    }

                with httpx.Client(trust_env=False, timeout=300) as client:
                    warm = direct_payload("hi")
                    first_token_then(client, direct_url, warm)  # warm-up, not recorded
                    first_token_then(
                        client,
                        gw,
                        {
                            "model": "edge-gateway",
                            "messages": [{"role": "user", "content": "hi"}],
                            "max_tokens": 4,
                            "temperature": 0,
                        },
                    )
                    for r in range(rounds):
                        for kind in ("edge", "forward"):
                            for p in prompts[kind]:
                                rows.append(
                                    _measure(
                                        client, r, kind, p, gw, gw_forced, stack.edge_url, direct_payload, max_tokens
                                    )
                                )
                                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
            finally:
                stop(forced)
    finally:
        cloud.should_exit = True
        cloud_thread.join(timeout=10)
    return {
        "summary": summarize(rows),
        "rows": rows,
        "stack": stack_info,
        "prompts": prompts,
        "source": {
            "run": run,
            "calibration": str(src_cal),
            "adapter": str(adapter),
            "model_dir": str(model_dir),
            "threshold": cal["threshold"],
        },
        "scratch_run": str(scratch_root),
    }


def _idle_probe(edge_url: str, payload: dict[str, Any]) -> float | None:
    probe = Probe(edge_url, payload)
    probe.start()
    return probe.ttft()


def _measure(
    client: httpx.Client,
    r: int,
    kind: str,
    p: dict[str, Any],
    gw: str,
    gw_forced: str,
    edge_url: str,
    direct_payload: Any,
    max_tokens: int,
) -> dict[str, Any]:
    dp = direct_payload(p["user"])
    probe_payload = direct_payload("hi")
    gp = {
        "model": "edge-gateway",
        "messages": [{"role": "user", "content": p["user"]}],
        "max_tokens": max_tokens,
        "temperature": 0,
    }
    idle = _idle_probe(edge_url, probe_payload)
    direct = first_token_then(client, f"{edge_url}/chat/completions", dp)
    row: dict[str, Any] = {
        "round": r,
        "kind": kind,
        "id": p["id"],
        "idle_probe_ttft_ms": idle,
        "direct": {k: direct[k] for k in ("ttft_ms", "total_ms")},
        "direct_chars": len(direct["text"]),
    }
    if kind == "edge":
        via = first_token_then(client, gw, gp)
        probe = Probe(edge_url, probe_payload)
        t0 = time.perf_counter()
        first_token_then(client, gw, gp, hang_up=True)
        probe.start()  # right after the hang-up: the engine is still on the abandoned answer
        hung_ttft = probe.ttft()
        row.update(
            gateway={k: via[k] for k in ("ttft_ms", "total_ms")},
            tier=via["tier"],
            status=(via["meta"] or {}).get("status"),
            same_text=direct["text"].rstrip("\ufffd") == via["text"],
            texts=None
            if direct["text"].rstrip("\ufffd") == via["text"]
            else {"direct": direct["text"], "gateway": via["text"]},
            hang_up_ms=round((time.perf_counter() - t0) * 1000, 1),
            probe_after_hang_up_ttft_ms=hung_ttft,
            busy_after_hang_up_ms=None if hung_ttft is None or idle is None else round(hung_ttft - idle, 1),
        )
    else:
        via = first_token_then(client, gw, gp)  # the calibrated gateway
        probe = Probe(edge_url, probe_payload)
        fwd = first_token_then(client, gw_forced, gp, on_first=probe.start)
        after = probe.ttft()
        row.update(
            gateway={k: via[k] for k in ("ttft_ms", "total_ms")},
            tier=via["tier"],
            status=(via["meta"] or {}).get("status"),
            direct_text=direct["text"],
            gateway_forced={k: fwd[k] for k in ("ttft_ms", "total_ms")},
            forced_tier=fwd["tier"],
            forced_status=(fwd["meta"] or {}).get("status"),
            forced_edge_reply=(fwd["meta"] or {}).get("edge_reply"),
            probe_after_forward_ttft_ms=after,
            busy_after_forward_ms=None if after is None or idle is None else round(after - idle, 1),
        )
    return row


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    import statistics

    def med(vals: list[Any]) -> float | None:
        vals = [v for v in vals if v is not None]
        return round(statistics.median(vals), 1) if vals else None

    out: dict[str, Any] = {}
    for kind in ("edge", "forward"):
        rs = [r for r in rows if r["kind"] == kind]
        out[kind] = {
            "n": len(rs),
            "tiers": {t: sum(r["tier"] == t for r in rs) for t in sorted({str(r["tier"]) for r in rs})},
            "direct_ttft_ms": med([r["direct"]["ttft_ms"] for r in rs]),
            "direct_total_ms": med([r["direct"]["total_ms"] for r in rs]),
            "gateway_ttft_ms": med([r["gateway"]["ttft_ms"] for r in rs]),
            "gateway_total_ms": med([r["gateway"]["total_ms"] for r in rs]),
            "idle_probe_ttft_ms": med([r["idle_probe_ttft_ms"] for r in rs]),
        }
    e, f = out["edge"], out["forward"]
    edge_rows = [r for r in rows if r["kind"] == "edge"]
    fwd_rows = [r for r in rows if r["kind"] == "forward"]
    e["same_text"] = f"{sum(bool(r['same_text']) for r in edge_rows)}/{len(edge_rows)}"
    e["probe_after_hang_up_ttft_ms"] = med([r["probe_after_hang_up_ttft_ms"] for r in edge_rows])
    e["busy_after_hang_up_ms"] = med([r["busy_after_hang_up_ms"] for r in edge_rows])
    f["statuses"] = {
        st: sum(r["status"] == st for r in fwd_rows) for st in sorted({str(r["status"]) for r in fwd_rows})
    }
    f["forced_ttft_ms"] = med([r["gateway_forced"]["ttft_ms"] for r in fwd_rows])
    f["forced_total_ms"] = med([r["gateway_forced"]["total_ms"] for r in fwd_rows])
    f["forced_tiers"] = {
        t: sum(r["forced_tier"] == t for r in fwd_rows) for t in sorted({str(r["forced_tier"]) for r in fwd_rows})
    }
    f["probe_after_forward_ttft_ms"] = med([r["probe_after_forward_ttft_ms"] for r in fwd_rows])
    f["busy_after_forward_ms"] = med([r["busy_after_forward_ms"] for r in fwd_rows])
    return out


def markdown(rec: dict[str, Any]) -> str:
    m, v, s = rec["machine"], rec["versions"], rec["summary"]
    e, f, st = s["edge"], s["forward"], rec["stack"]
    return "\n".join(
        [
            f"# Streaming through the gateway, `swift deploy` edge of run {rec['source']['run']} ({rec['created_utc']})",
            "",
            f"{m['cpu_model']}, {m['logical_cpus']} CPUs ({', '.join(m['isa']) or 'no listed ISA extensions'}); "
            f"load average {rec['loadavg_start']} at the start, {rec['loadavg_end']} at the end (other jobs shared the "
            f"machine, every process at nice {rec['nice']}); torch {v.get('torch')}, ms-swift {v.get('ms-swift')}, "
            f"transformers {v.get('transformers')}.",
            "",
            f"Edge: `swift deploy` (infer_backend transformers, fp32, greedy) of the run's deployed checkpoint "
            f"`{rec['source']['adapter']}` over the calibrated model view, started by `edgecloud.serve.stack.running_stack` "
            f"(up after {st['started_s'].get('edge')} s); the gateway routes with the run's calibrated threshold "
            f"{st['routing_threshold']}; cloud: a loopback stub streaming 20 tokens at {rec['cloud_token_ms']} ms each. "
            f"max_tokens {rec['max_tokens']}; prompts: the first {rec['per_kind']} single-turn records of each kind of the "
            f"run's test split; {rec['rounds']} rounds; medians over prompts and rounds; loopback only.",
            "",
            "| path | requests | TTFT ms | total ms |",
            "|---|---:|---:|---:|",
            f"| swift deploy directly (stream), simple requests | {e['n']} | {e['direct_ttft_ms']} | {e['direct_total_ms']} |",
            f"| gateway, edge answers (stream) | {e['n']} | {e['gateway_ttft_ms']} | {e['gateway_total_ms']} |",
            f"| swift deploy directly (stream), complex requests (the edge's full reply) | {f['n']} | {f['direct_ttft_ms']} "
            f"| {f['direct_total_ms']} |",
            f"| gateway (calibrated threshold), complex requests (stream) | {f['n']} | {f['gateway_ttft_ms']} "
            f"| {f['gateway_total_ms']} |",
            f"| gateway with threshold -100, every request forwarded (stream; TTFT = the cloud stub's first token) "
            f"| {f['n']} | {f['forced_ttft_ms']} | {f['forced_total_ms']} |",
            "",
            f"- tiers the gateway answered with: simple {e['tiers']}, complex {f['tiers']} (statuses {f['statuses']}); "
            f"with threshold -100: {f['forced_tiers']}. The edge answer's streamed text through the gateway = straight "
            f"from swift deploy: {e['same_text']}.",
            f"- swift deploy after the gateway closed its stream on a forward (threshold -100): a 1-token probe sent at "
            f"the client's first forwarded chunk got its first token after {f['probe_after_forward_ttft_ms']} ms against "
            f"{f['idle_probe_ttft_ms']} ms when idle, so swift deploy kept generating the abandoned reply for about "
            f"{f['busy_after_forward_ms']} ms more (its full reply to these requests takes {f['direct_total_ms']} ms).",
            f"- after a client hung up on the gateway at its first token of an edge answer: the probe sent at the hang-up "
            f"took {e['probe_after_hang_up_ttft_ms']} ms (idle {e['idle_probe_ttft_ms']} ms): swift deploy went on "
            f"generating for about {e['busy_after_hang_up_ms']} ms (the whole answer takes {e['direct_total_ms']} ms, "
            f"{e['direct_ttft_ms']} ms of it to the first token).",
            "",
        ]
    )


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def niceness() -> int:
    return os.nice(0)


def cleanup(scratch_root: str, keep: bool) -> None:
    if not keep:
        shutil.rmtree(scratch_root, ignore_errors=True)
