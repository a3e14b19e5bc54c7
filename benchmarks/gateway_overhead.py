"""Gateway overhead, side by side with LiteLLM's proxy (issue 13, part 2).

Not a test: it records numbers with the machine's details. In one run it starts, all on 127.0.0.1:

- an instant OpenAI-compatible upstream (benchmarks/instant_upstream.py: a fixed completion at once,
  streaming and not);
- our gateway (`python -m edgecloud.serve.gateway`), edge and cloud both on that upstream; the fixed reply is
  no forward, so each request is one edge call: pure proxying plus the gateway's validation/routing;
- LiteLLM's proxy (`litellm --config`, from the separate .venv-bench of `make bench-venv`), one model
  pointing at the same upstream;

then, for non-streaming and streaming requests at each concurrency (16, 64, 256 by default), a closed
loop of keep-alive connections (benchmarks/loadgen.py) measures requests/s and latency straight to
the upstream and through each gateway; added latency = gateway percentile - straight percentile of
the same round. Rounds repeat the whole grid with the targets in a rotated order and the tables give
the median over rounds. For every cell it also records each process tree's CPU seconds per request
and how busy the rest of the machine was. Resident memory (RSS of each gateway's process tree) is
read after start-up and after every cell.

    make bench-venv                                                        # once: LiteLLM in .venv-bench
    .venv/bin/python benchmarks/gateway_overhead.py [--rounds 3] [--duration 5] [--concurrency 16,64,256]

Every process is stopped at the end, also on Ctrl-C and SIGTERM. Writes
benchmarks/results/gateway_overhead_<date>.json and .md (--tag adds a suffix, e.g. `_before`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata as md
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instant_upstream import REPLY  # noqa: E402
from loadgen import BadResponse, Cell, pct, run_cell, text_of  # noqa: E402
from overhead_servers import (  # noqa: E402
    LITELLM_MODEL,
    BenchError,
    Server,
    edgecloud_server,
    free_ports,
    litellm_server,
    machine_busy_s,
    servers,
    tree_cpu_s,
    tree_rss_mb,
    upstream_server,
)
from profile_gateway import record  # noqa: E402

from edgecloud.paths import OUTPUTS_DIR, ROOT, rel  # noqa: E402
from edgecloud.runner import machine  # noqa: E402

TARGETS = ("direct", "edgecloud", "baseline", "litellm")  # baseline: our gateway from --baseline-src
PATH = "/v1/chat/completions"
PRODUCT_PACKAGES = ("fastapi", "starlette", "uvicorn", "httpx", "httpcore", "h11", "httptools", "uvloop", "orjson")
LITELLM_PACKAGES = ("litellm", "fastapi", "starlette", "uvicorn", "httpx", "aiohttp", "uvloop", "httptools", "orjson")


def package_versions(python: str | None, names: tuple[str, ...]) -> dict[str, str | None]:
    """Versions of `names` in this interpreter (python None) or in another venv's interpreter."""
    if python is None:
        out: dict[str, str | None] = {"python": sys.version.split()[0]}
        for n in names:
            try:
                out[n] = md.version(n)
            except md.PackageNotFoundError:
                out[n] = None
        return out
    code = (
        "import json, sys, importlib.metadata as m\nout = {'python': sys.version.split()[0]}\n"
        f"for n in {list(names)!r}:\n    try: out[n] = m.version(n)\n    except Exception: out[n] = None\n"
        "print(json.dumps(out))"
    )
    try:
        return json.loads(
            subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
        )
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}


def body(stream: bool) -> dict[str, Any]:
    return {
        "model": LITELLM_MODEL,
        "messages": [{"role": "user", "content": "Turn on the kitchen light."}],
        "max_tokens": 16,
        "stream": stream,
    }


def edge_answered(raw: bytes) -> str | None:
    """Our gateway's non-streamed answer must say the edge answered (no forward, no fallback)."""
    meta = json.loads(raw).get("edgecloud") or {}
    return None if (meta.get("tier"), meta.get("status")) == ("edge", "ok") else f"edgecloud metadata {meta}"


def check_answers(parts: dict[str, Server], headers: dict[str, str]) -> None:
    """One plain and one streamed request to every target, read whole and compared with the upstream's reply,
    so a gateway that answers 200 with something else stops the run before it is timed."""
    import httpx

    with httpx.Client(trust_env=False, timeout=60, headers=headers) as client:
        for name, server in parts.items():
            for stream in (False, True):
                resp = client.post(server.base + PATH, json=body(stream))
                try:
                    got = text_of(resp.content, stream) if resp.status_code == 200 else None
                except (ValueError, KeyError, IndexError, TypeError, BadResponse) as exc:
                    got = f"unreadable: {exc}"
                if got != REPLY:
                    raise BenchError(
                        f"{name} ({'streamed' if stream else 'plain'}) answered HTTP {resp.status_code} "
                        f"with {got!r} instead of {REPLY!r}: {resp.text[:300]!r}; log {server.log}"
                    )


def measure(name: str, stream: bool, conc: int, args: argparse.Namespace, trees: dict[str, Server]) -> dict[str, Any]:
    """One cell: load on target `name`, with CPU seconds of every process tree and of the whole machine."""
    target = trees[name]
    check = edge_answered if name in ("edgecloud", "baseline") and not stream else None
    cpu0 = {n: tree_cpu_s(s.proc.pid) for n, s in trees.items()}
    own0, busy0, t0 = sum(os.times()[:2]), machine_busy_s(), time.perf_counter()
    cell: Cell = asyncio.run(
        run_cell(
            "127.0.0.1", target.port, PATH, body(stream), REPLY, conc, args.duration, args.warmup, check, args.headers
        )
    )
    wall = time.perf_counter() - t0
    cpu = {n: tree_cpu_s(s.proc.pid) - cpu0[n] for n, s in trees.items()}
    cpu["loadgen"] = sum(os.times()[:2]) - own0
    others = max(0.0, machine_busy_s() - busy0 - sum(cpu.values()))
    n = len(cell.latencies_ms)
    completed = n + sum(cell.errors.values())
    row = {
        "target": name,
        "stream": stream,
        "concurrency": conc,
        "ok": n,
        "errors": dict(cell.errors),
        "checked": cell.checked,
        "rps": round(n / cell.measured_s, 1) if cell.measured_s else None,
        "p50_ms": pct(cell.latencies_ms, 50),
        "p90_ms": pct(cell.latencies_ms, 90),
        "p99_ms": pct(cell.latencies_ms, 99),
        "max_ms": round(max(cell.latencies_ms), 2) if n else None,
        "first_byte_p50_ms": pct(cell.first_byte_ms, 50),
        "first_byte_p99_ms": pct(cell.first_byte_ms, 99),
        "cpu_cores": {k: round(v / wall, 2) for k, v in cpu.items()},
        "cpu_ms_per_request": {
            k: round(v * 1000 / max(completed, 1) * (args.duration / wall), 3) for k, v in cpu.items()
        },
        "other_processes_cores": round(others / wall, 2),
    }
    if name != "direct":
        row["rss_mb"] = tree_rss_mb(target.proc.pid)
    return row


def run_grid(parts: dict[str, Server], args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    order = [t for t in TARGETS if t in args.targets]
    for r in range(args.rounds):
        rotated = order[r % len(order) :] + order[: r % len(order)]
        if "direct" in rotated:  # straight first in each cell: it is the reference the others are compared with
            rotated.remove("direct")
            rotated.insert(0, "direct")
        for stream in (False, True):
            for conc in args.concurrency:
                for name in rotated:
                    row = measure(name, stream, conc, args, parts)
                    row["round"] = r
                    rows.append(row)
                    print(
                        f"[round {r}] {'stream' if stream else 'plain '} c={conc:<3} {name:<9} "
                        f"{row['rps']:>8} req/s p50 {row['p50_ms']} ms p99 {row['p99_ms']} ms "
                        f"errors {sum(row['errors'].values())} cpu {row['cpu_cores']} "
                        f"others {row['other_processes_cores']}",
                        flush=True,
                    )
                    time.sleep(args.pause)
    return rows


def profile(parts: dict[str, Server], args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """py-spy on our gateway while it serves plain, then streamed, requests at --profile-concurrency."""
    out = {}
    gw = parts["edgecloud"]
    for stream in (False, True):
        mode = "stream" if stream else "plain"

        def load(stream: bool = stream) -> Any:
            return asyncio.run(
                run_cell(
                    "127.0.0.1",
                    gw.port,
                    PATH,
                    body(stream),
                    REPLY,
                    args.profile_concurrency,
                    args.profile_seconds,
                    0.0,
                    None,
                    args.headers,
                )
            )

        out[mode] = record(args.py_spy, gw.proc.pid, args.profile_seconds, work / f"profile_edgecloud_{mode}.txt", load)
        print(
            f"[profile {mode}] {out[mode]['samples']} samples; top inclusive: {out[mode]['inclusive'][:8]}", flush=True
        )
    return out


def med(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(statistics.median(vals), 2) if vals else None


def summarize(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Median over rounds per (stream, concurrency, target); added latency against `direct` of the same round."""
    direct = {(r["round"], r["stream"], r["concurrency"]): r for r in rows if r["target"] == "direct"}
    out = []
    keys = sorted({(r["stream"], r["concurrency"], TARGETS.index(r["target"])) for r in rows})
    for stream, conc, ti in keys:
        cell = [r for r in rows if (r["stream"], r["concurrency"], r["target"]) == (stream, conc, TARGETS[ti])]
        ref = [direct.get((r["round"], stream, conc)) for r in cell]
        s: dict[str, Any] = {"target": TARGETS[ti], "stream": stream, "concurrency": conc, "rounds": len(cell)}
        for k in ("rps", "p50_ms", "p99_ms", "first_byte_p50_ms", "first_byte_p99_ms", "other_processes_cores"):
            s[k] = med([r[k] for r in cell])
        s["errors"] = sum(sum(r["errors"].values()) for r in cell)
        s["ok"] = sum(r["ok"] for r in cell)
        s["cpu_ms_per_request"] = med([r["cpu_ms_per_request"].get(TARGETS[ti]) for r in cell])
        s["loadgen_cores"] = med([r["cpu_cores"]["loadgen"] for r in cell])
        if ti:
            for q in ("p50", "p99"):
                s[f"added_{q}_ms"] = med(
                    [
                        r[f"{q}_ms"] - d[f"{q}_ms"]
                        for r, d in zip(cell, ref)
                        if d and r[f"{q}_ms"] is not None and d[f"{q}_ms"] is not None
                    ]
                )
            s["rss_mb_max"] = max(r["rss_mb"] for r in cell)
        out.append(s)
    return out


def markdown(rec: dict[str, Any]) -> str:
    m, a = rec["machine"], rec["args"]
    lines = [
        f"# Gateway overhead: edgecloud gateway vs LiteLLM proxy ({rec['created_utc']})",
        "",
        f"{m['cpu_model']}, {m['logical_cpus']} CPUs, {m['platform']}; load average at start {rec['loadavg_start']}, "
        f"at end {rec['loadavg_end']}. Product venv: {rec['versions']['product']}. LiteLLM venv: "
        f"{rec['versions']['litellm_venv']}.",
        "",
        f"Closed loop, keep-alive connections = concurrency, {a['duration']} s measured after {a['warmup']} s "
        f"warm-up per cell, {a['rounds']} round(s) with the target order rotated; medians over rounds. "
        "Added = gateway minus straight-to-upstream of the same round. Upstream: a fixed "
        f"{len(REPLY)}-character completion at once. Everything on 127.0.0.1; the load generator, the "
        "upstream and the gateway share the machine's cores.",
        "",
        f"Gateways as started: {rec['gateway_commands']}.",
        "",
    ]
    for stream in (False, True):
        lines += [
            f"## {'Streaming' if stream else 'Non-streaming'}",
            "",
            "| concurrency | target | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | "
            + ("first byte p50 ms | " if stream else "")
            + "gateway CPU ms/req | errors | other procs (cores) |",
            "|---:|---|---:|---:|---:|---:|---:|" + ("---:|" if stream else "") + "---:|---:|---:|",
        ]
        for s in rec["summary"]:
            if s["stream"] != stream:
                continue
            fb = f" {s['first_byte_p50_ms']} |" if stream else ""
            lines.append(
                f"| {s['concurrency']} | {s['target']} | {s['rps']} | {s['p50_ms']} | {s['p99_ms']} | "
                f"{s.get('added_p50_ms', '-')} | {s.get('added_p99_ms', '-')} |{fb} "
                f"{s['cpu_ms_per_request'] if s['target'] != 'direct' else '-'} | {s['errors']} | "
                f"{s['other_processes_cores']} |"
            )
        lines.append("")
    lines += [
        "## Resident memory (RSS of the process tree, MB)",
        "",
        "| gateway | after start-up | max after a cell |",
        "|---|---:|---:|",
    ]
    for name, rss in rec["rss_mb"].items():
        lines.append(f"| {name} | {rss['idle']} | {rss['max']} |")
    lines += ["", "## Is the load generator the bottleneck?", "", rec["loadgen_check"], ""]
    for mode, prof in (rec.get("profile") or {}).items():
        lines += [
            f"## Profile of our gateway, {mode} requests at concurrency {a['profile_concurrency']} (py-spy, "
            f"{prof['samples']} samples while running)",
            "",
            "| inclusive % | function |",
            "|---:|---|",
        ]
        lines += [f"| {share} | `{frame}` |" for share, frame in prof["inclusive"][:20]]
        lines.append("")
    if rec.get("notes"):
        lines += ["## Notes", "", *[f"- {n}" for n in rec["notes"]], ""]
    return "\n".join(lines)


def loadgen_check(summary: list[dict[str, Any]]) -> str:
    """Straight-to-upstream throughput against the best gateway's, per cell."""
    parts = []
    for s in summary:
        if s["target"] != "direct":
            continue
        gw = [
            x["rps"]
            for x in summary
            if x["target"] != "direct"
            and (x["stream"], x["concurrency"]) == (s["stream"], s["concurrency"])
            and x["rps"]
        ]
        if gw and s["rps"]:
            parts.append(
                f"{'stream' if s['stream'] else 'plain'} c={s['concurrency']}: straight {s['rps']} req/s = "
                f"{s['rps'] / max(gw):.1f}x the faster gateway's {max(gw)}"
            )
    return (
        "The same load generator drives the upstream straight far faster than either gateway passes requests "
        "through, so it is not what limits a gateway's numbers: " + "; ".join(parts) + "."
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--concurrency", default="16,64,256", type=lambda s: [int(x) for x in s.split(",")])
    ap.add_argument("--duration", type=float, default=5.0, help="measured seconds per cell")
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds per cell before measuring")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pause", type=float, default=0.5, help="seconds between cells")
    ap.add_argument("--targets", default="direct,edgecloud,litellm", type=lambda s: s.split(","))
    ap.add_argument(
        "--baseline-src",
        type=Path,
        default=None,
        help="also measure our gateway from this src/ folder (e.g. an export of an older commit), "
        "side by side in the same run, as target 'baseline'",
    )
    ap.add_argument("--litellm-bin", type=Path, default=ROOT / ".venv-bench/bin/litellm")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="after the grid, sample our gateway with py-spy under load at --profile-concurrency",
    )
    ap.add_argument("--profile-seconds", type=float, default=15.0)
    ap.add_argument("--profile-concurrency", type=int, default=64)
    ap.add_argument("--py-spy", type=Path, default=ROOT / ".venv-bench/bin/py-spy")
    ap.add_argument("--tag", default="", help="suffix of the result files, e.g. _before")
    ap.add_argument("--note", action="append", default=[], help="a sentence for the Notes section (repeatable)")
    ap.add_argument("--out", default="benchmarks/results")
    args = ap.parse_args(argv)
    if args.baseline_src is not None and "baseline" not in args.targets:
        args.targets.append("baseline")
    if "baseline" in args.targets and not (args.baseline_src and (args.baseline_src / "edgecloud").is_dir()):
        ap.error("--baseline-src must be a src/ folder holding the edgecloud package (target baseline)")
    unknown = set(args.targets) - set(TARGETS)
    if unknown or "direct" not in args.targets:
        ap.error(f"--targets: choose from {', '.join(TARGETS)} and keep direct (the reference); got {args.targets}")

    work = OUTPUTS_DIR / "gateway-overhead-bench"
    work.mkdir(parents=True, exist_ok=True)
    ports = free_ports(3)
    key = "sk-" + secrets.token_hex(16)  # this run's client key: in the children's environment, never in a file
    args.headers = {"authorization": f"Bearer {key}"}
    up = upstream_server(work, ports[0])
    parts = {"direct": up, "edgecloud": edgecloud_server(work, ports[1], up.base, key)}
    if "baseline" in args.targets:
        parts["baseline"] = edgecloud_server(work, free_ports(1)[0], up.base, key, src=args.baseline_src)
    if "litellm" in args.targets:
        parts["litellm"] = litellm_server(work, ports[2], up.base, args.litellm_bin, key)
    rec: dict[str, Any] = {
        "benchmark": "gateway_overhead",
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "headers"},
        "machine": machine(),
        "loadavg_start": Path("/proc/loadavg").read_text().split()[:3],
        "versions": {
            "product": package_versions(None, PRODUCT_PACKAGES),
            "litellm_venv": package_versions(str(args.litellm_bin.parent / "python"), LITELLM_PACKAGES)
            if "litellm" in args.targets
            else None,
        },
        "gateway_commands": {
            n: " ".join(s.command[1:] if n != "litellm" else s.command[:2]).replace(str(ROOT) + "/", "")
            for n, s in parts.items()
            if n != "direct"
        },
        "notes": args.note + ([f"baseline: our gateway from {args.baseline_src}"] if args.baseline_src else []),
    }
    try:
        with servers(list(parts.values())):
            up.wait_ready("/v1/models", None)
            rec["ready_s"] = {n: s.wait_ready(PATH, body(False), args.headers) for n, s in parts.items()}
            check_answers(parts, args.headers)
            rec["rss_mb_idle"] = {n: tree_rss_mb(s.proc.pid) for n, s in parts.items() if n != "direct"}
            print(f"ready: {rec['ready_s']}, RSS after start-up {rec['rss_mb_idle']} MB", flush=True)
            rec["rows"] = run_grid(parts, args)
            if args.profile:
                rec["profile"] = profile(parts, args, work)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: every server was stopped; nothing was written", file=sys.stderr)
        return 130
    rec["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    rec["summary"] = summarize(rec["rows"])
    rec["rss_mb"] = {
        n: {"idle": idle, "max": max([idle] + [r["rss_mb"] for r in rec["rows"] if r["target"] == n])}
        for n, idle in rec["rss_mb_idle"].items()
    }
    rec["loadgen_check"] = loadgen_check(rec["summary"])
    out = ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"gateway_overhead_{datetime.now(timezone.utc):%Y%m%d}{args.tag}"
    stem.with_suffix(".json").write_text(json.dumps(rec, indent=2) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown(rec), encoding="utf-8")
    print(markdown(rec))
    print(f"wrote {rel(stem.with_suffix('.json'))} and {rel(stem.with_suffix('.md'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
