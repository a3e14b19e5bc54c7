"""The edge benchmark: every variant measured on the same machine, in one run, by the same code.

Speed and memory are measured in a fresh process per variant and pass (`python -m edgecloud.edge.bench
--worker`), so the peak RSS is that runtime's own and no variant warms another's caches; passes are
interleaved (fp32, bf16, ..., fp32, bf16, ...) so a neighbour's load on this shared CPU falls on all
variants alike, and speed-ups are the median of per-pass ratios against torch-fp32. The quality pass
runs once per variant (greedy decoding is deterministic): the whole test split through the same
forward detector as 04_eval, and teacher-forced next-token agreement with fp32 on the reference replies.

The worker gets token ids and returns token ids: tokenising and decoding happen here, with the model's
own tokenizer, so every runtime is scored on identical input. What the passes amount to (spreads, speed-ups,
agreement, the bars, the recommendation: the report's rows) is `edgecloud.edge.bench_stats`.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from edgecloud import artifacts
from edgecloud.edge.bench_stats import spread, summarize
from edgecloud.edge.variants import BASELINE, VARIANTS
from edgecloud.jsonio import read_jsonl, write_json
from edgecloud.model import END_OF_TURN, best_adapter, chat_ids, load_tokenizer, stop_ids
from edgecloud.params import Params
from edgecloud.paths import rel
from edgecloud.procs import die_with_parent, stop_process_group
from edgecloud.provenance import machine, versions

VERSIONED = ("torch", "transformers", "peft", "onnx", "onnxruntime", "onnxruntime-genai", "llama-cpp-python")


# ---------------------------------------------------------------------------------------------
# The worker (one variant, one pass, in its own process)


def proc_status_mb(field: str) -> float | None:
    """VmHWM (peak) or VmRSS of this process in MB. Not getrusage's ru_maxrss: on Linux that survives exec,
    so a worker started by a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    if field == "VmHWM":  # other systems: ru_maxrss (KB on Linux, bytes on macOS)
        r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return r / (1 << 20) if sys.platform == "darwin" else r / 1024
    return None


def worker(task: dict[str, Any]) -> dict[str, Any]:
    from edgecloud.edge.backends import load_backend, timed_stream

    rss0 = proc_status_mb("VmRSS")
    t0 = time.perf_counter()
    backend = load_backend(Path(task["folder"]), task["threads"])
    load_s = time.perf_counter() - t0
    out: dict[str, Any] = {"load_s": load_s, "rss_before_load_mb": rss0, "rss_after_load_mb": proc_status_mb("VmRSS")}
    stop = task["stop_ids"]
    backend.generate(task["speed"][0], 4, stop, ignore_eos=True)  # warm-up (allocations, kernels), not timed
    runs = [timed_stream(backend, ids, task["decode_tokens"], stop, ignore_eos=True) for ids in task["speed"]]
    out["speed"] = [
        {
            "prompt_tokens": len(ids),
            "new_tokens": len(r["tokens"]),
            "ttft_s": r["ttft_s"],
            "decode_tokens_per_s": r["decode_tokens_per_s"],
        }
        for ids, r in zip(task["speed"], runs)
    ]
    out["first_tokens"] = runs[0]["tokens"][:16]
    batch = task["batch"]
    t0 = time.perf_counter()
    replies = backend.generate_batch(batch, task["decode_tokens"])
    dt = time.perf_counter() - t0
    out["batch"] = {
        "size": len(batch),
        "batched": backend.batched,
        "seconds": dt,
        "tokens": sum(len(r) for r in replies),
        "tokens_per_s": sum(len(r) for r in replies) / dt,
    }
    if task.get("quality"):
        from edgecloud.edge.backends import FirstStep
        from edgecloud.routing import score_from_logprobs

        q = []
        for rec in task["quality"]:
            t0 = time.perf_counter()
            first = FirstStep(task.get("suppress_first") or [])
            ids = backend.generate(rec["prompt"], task["max_new_tokens"], stop, first=first)
            score = (
                round(score_from_logprobs(first.logprobs, task["forward_id"]), 4)
                if task.get("forward_id") is not None and first.logprobs is not None
                else None
            )
            q.append(
                {
                    "tokens": ids,
                    "latency_s": time.perf_counter() - t0,
                    "score": score,
                    "forced": backend.forced_argmax(rec["prompt"], rec["reply"]),
                }
            )
        out["quality"] = q
    backend.close()
    out["peak_rss_mb"] = proc_status_mb("VmHWM")
    return out


def run_worker(task: dict[str, Any], timeout_s: float, log: Path) -> dict[str, Any]:
    """One worker process, tied to this one (it dies with us) and stopped as a group on any exit."""
    with tempfile.TemporaryDirectory(prefix="edge-bench-") as tmp:
        tin, tout = Path(tmp) / "task.json", Path(tmp) / "result.json"
        tin.write_text(json.dumps(task), encoding="utf-8")
        env = {
            **os.environ,
            "OMP_NUM_THREADS": str(task["threads"]),
            "HF_HUB_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
        }
        with log.open("a", encoding="utf-8") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "edgecloud.edge.bench", "--worker", str(tin), str(tout)],
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
            try:
                rc = proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                rc = None
            finally:
                stop_process_group(proc, grace_s=5)
        if rc != 0 or not tout.is_file():
            tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-12:])
            what = "timed out" if rc is None else f"exited with code {rc}"
            raise RuntimeError(f"worker for {task['variant']} {what}; log {rel(log)}:\n{tail}")
        return json.loads(tout.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# The run


def encode(tok: Any, rows: list[dict[str, Any]], eos: int) -> list[dict[str, Any]]:
    """Prompt ids (edge system prompt + user turn, generation prompt) and reference-reply ids (+ end of turn)."""
    out = []
    for r in rows:
        prompt = chat_ids(tok, [r["messages"][0], r["messages"][-2]])
        reply = tok(r["messages"][-1]["content"], add_special_tokens=False)["input_ids"] + [eos]
        out.append({"id": r["id"], "prompt": prompt, "reply": reply})
    return out


def pick_speed_prompts(lengths: Sequence[int], k: int) -> list[int]:
    """Indices of `k` prompts spread over the length range (shortest to longest, evenly by rank)."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    if k >= len(order):
        return order
    if k == 1:
        return [order[len(order) // 2]]
    return [order[round(j * (len(order) - 1) / (k - 1))] for j in range(k)]


def bench_inputs(params: Params, merged: Path) -> dict[str, Any]:
    from edgecloud.eval.calibrate import load_calibration

    tok = load_tokenizer(merged, template=params.model.template)
    eb = params.edge_bench
    rows = read_jsonl(artifacts.path("test_split", params))
    stops = stop_ids(tok, merged)
    enc = encode(
        tok,
        rows,
        stops[0] if tok.convert_tokens_to_ids(END_OF_TURN) not in stops else tok.convert_tokens_to_ids(END_OF_TURN),
    )
    pick = pick_speed_prompts([len(e["prompt"]) for e in enc], eb.speed_prompts)
    cal = load_calibration(params)  # the deployed decision: the calibrated score, as 04_eval and the gateway
    return {
        "tok": tok,
        "rows": rows,
        "enc": enc,
        "stop_ids": stops,
        "speed_idx": pick,
        "threshold": cal["threshold"] if cal else None,
        "forward_id": cal.get("forward_token_id") if cal else None,
        "suppress_first": list(cal.get("suppress_token_ids") or []) if cal else [],
        "batch_idx": pick_speed_prompts([len(e["prompt"]) for e in enc], eb.batch_size),
    }


def run_bench(params: Params, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Merge, export, measure; write reports/edge_bench_<run>.json and return it."""
    from edgecloud.edge.export import export_all
    from edgecloud.edge.merge import merge_adapter
    from edgecloud.train.prepare import prepared_model_dir

    eb = params.edge_bench
    adapter = best_adapter(params)
    merged = artifacts.path("edge_merged", params)
    echo(f"merge {rel(adapter)} into {prepared_model_dir(params).name} -> {rel(merged)}")
    merge = merge_adapter(prepared_model_dir(params), adapter, merged)
    names = [BASELINE] + [v for v in eb.variants if v != BASELINE]
    opts = {
        "torch_int8_skip": eb.torch_int8_skip,
        "ort_int8_per_channel": eb.ort_int8_per_channel,
        "ort_int8_skip": eb.ort_int8_skip,
        "ort_int8_reduce_range": eb.ort_int8_reduce_range,
        "genai_int4_accuracy_level": eb.genai_int4_accuracy_level,
        "genai_int8_accuracy_level": eb.genai_int8_accuracy_level,
    }
    echo("export:")
    exported = export_all(
        names, merged, artifacts.path("edge_variant", params, variant=BASELINE).parent, eb.threads, opts, echo
    )

    inp = bench_inputs(params, merged)
    enc = inp["enc"]
    base_task = {
        "threads": eb.threads,
        "stop_ids": inp["stop_ids"],
        "decode_tokens": eb.decode_tokens,
        "max_new_tokens": eb.max_new_tokens,
        "forward_id": inp["forward_id"],
        "suppress_first": inp["suppress_first"],
        "speed": [enc[i]["prompt"] for i in inp["speed_idx"]],
        "batch": [enc[i]["prompt"] for i in inp["batch_idx"]],
    }
    log = artifacts.path("edge_bench_log", params)
    log.write_text("", encoding="utf-8")
    passes: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    failed: dict[str, str] = {}
    live = [n for n in names if exported[n]["status"] == "ok"]
    for r in range(eb.repeats):
        for name in live:
            if name in failed:
                continue
            task = {
                **base_task,
                "variant": name,
                "folder": str(VARIANTS[name].folder(params.run_name)),
                "quality": [{"prompt": e["prompt"], "reply": e["reply"]} for e in enc] if r == 0 else None,
            }
            try:
                res = run_worker(task, eb.worker_timeout_s, log)
            except RuntimeError as exc:
                failed[name] = str(exc)
                echo(f"  pass {r + 1}/{eb.repeats} {name}: FAILED ({str(exc).splitlines()[0]})")
                continue
            passes[name].append(res)
            tps = spread([s["decode_tokens_per_s"] for s in res["speed"]])["median"]
            echo(
                f"  pass {r + 1}/{eb.repeats} {name}: load {res['load_s']:.1f} s, decode {tps:.1f} tok/s, "
                f"peak {res['peak_rss_mb']:.0f} MB"
            )
    report = summarize(params, names, exported, passes, failed, inp)
    report.update(
        {
            "merge": merge,
            "machine": {**machine(), "threads": eb.threads},
            "versions": versions(VERSIONED),
            "log": rel(log),
        }
    )
    write_json(artifacts.path("edge_bench", params), report)
    return report


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 3 and args[0] == "--worker":
        task = json.loads(Path(args[1]).read_text(encoding="utf-8"))
        Path(args[2]).write_text(json.dumps(worker(task)), encoding="utf-8")
        return 0
    print(
        "usage: python -m edgecloud.edge.bench --worker TASK.json RESULT.json "
        "(the benchmark itself runs from 07_edge_bench or benchmarks/edge_bench.py)",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
