"""Stage 04_eval: generate on the test split with the base and the fine-tuned model, score routers.

Both models see exactly what the deployed edge model sees: the edge system prompt and the user
request, greedy decoding. Every prediction is written to outputs/<run>/eval/predictions_<model>.jsonl.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from . import metrics
from .devices import pick_device
from .params import Params
from .paths import RunDirs, rel
from .reports import read_json, read_jsonl, write_json, write_jsonl
from .routers import HeuristicRouter
from .routing import forward_match

ROUTERS = ("always_edge", "always_cloud", "heuristic", "base_prompted", "finetuned")
ROUTER_LABELS = {
    "always_edge": "始终端侧 always-edge",
    "always_cloud": "始终云端 always-cloud",
    "heuristic": "关键词/长度 heuristic",
    "base_prompted": "基座+路由提示 base + prompt",
    "finetuned": "LoRA 微调 fine-tuned",
}


def eval_dir(params: Params) -> Path:
    return RunDirs(params.run_name).root / "eval"


def load(model_dir: Path, adapter: Path | None, dtype: str, device: str) -> tuple[Any, Any]:
    """Base model, with the LoRA adapter applied when given (peft, as ms-swift saved it)."""
    from .prepare import load_model

    model, tok = load_model(model_dir, dtype, device)
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter)).eval()
    return model, tok


def generate(model: Any, tok: Any, rows: list[dict[str, Any]], max_new_tokens: int, device: str,
             echo: Callable[[str], None] = print, every: int = 10) -> list[dict[str, Any]]:
    """Greedy reply to each test request (system prompt + user turn), with latency and token counts."""
    import torch

    preds = []
    for i, row in enumerate(rows, 1):
        system, user = row["messages"][0], row["messages"][-2]
        enc = tok.apply_chat_template([system, user], add_generation_prompt=True, return_tensors="pt",
                                      return_dict=True, enable_thinking=False)
        enc = {k: v.to(device) for k, v in enc.items()}
        t0 = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                 pad_token_id=tok.pad_token_id or tok.eos_token_id)
        dt = time.perf_counter() - t0
        new = out[0, enc["input_ids"].shape[1]:]
        reply = tok.decode(new, skip_special_tokens=True).strip()
        preds.append({
            "id": row["id"], "lang": row["lang"], "category": row["category"], "needs_cloud": row["needs_cloud"],
            "query": user["content"], "reference": None if row["needs_cloud"] else row["messages"][-1]["content"],
            "reply": reply, "forwarded": forward_match(reply) is not None, "forward_match": forward_match(reply),
            "latency_s": round(dt, 4), "prompt_tokens": int(enc["input_ids"].shape[1]), "new_tokens": int(new.shape[0]),
        })
        if i % every == 0 or i == len(rows):
            echo(f"  {i}/{len(rows)} replies")
    return preds


def score(name: str, rows: list[dict[str, Any]], forwarded: list[bool], preds: list[dict[str, Any]] | None,
          edge_replies: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Metrics of one router. `preds`: the router's own model replies (model routers) for latency and
    non-empty rate; `edge_replies`: the replies its edge requests would get (quality)."""
    labels = [r["needs_cloud"] for r in rows]
    out: dict[str, Any] = {"router": name, "label": ROUTER_LABELS[name], **metrics.routing(labels, forwarded)}
    if edge_replies is not None:
        pairs = [(p["reply"], p["reference"]) for p, f in zip(edge_replies, forwarded)
                 if not p["needs_cloud"] and not f]
        q = metrics.quality(pairs)
        out.update(edge_answered=q["n"], rouge_l=q["rouge_l"], char_f1=q["char_f1"])
    else:
        out.update(edge_answered=0, rouge_l=None, char_f1=None)
    if preds is not None:
        out["non_empty_rate"] = sum(bool(p["reply"].strip()) for p in preds) / len(preds)
        out.update(metrics.latency([p["latency_s"] for p in preds], [p["new_tokens"] for p in preds]))
    else:
        out.update(non_empty_rate=None, p50_s=None, p95_s=None, tokens_per_s=None)
    return out


def evaluate(params: Params, model_dir: Path, adapter: Path, echo: Callable[[str], None] = print) -> dict[str, Any]:
    dirs = RunDirs(params.run_name)
    out_dir = eval_dir(params)
    out_dir.mkdir(parents=True, exist_ok=True)
    test = read_jsonl(dirs.data / "test.jsonl")
    train_rows = read_jsonl(dirs.data / "train.jsonl")
    ev = params.eval
    device = pick_device(ev.device)

    preds: dict[str, list[dict[str, Any]]] = {}
    for name, adp in (("base", None), ("finetuned", adapter)):
        echo(f"{name}: generating {len(test)} replies on {device} (greedy, max {ev.max_new_tokens} new tokens)")
        model, tok = load(model_dir, adp, ev.torch_dtype, device)
        preds[name] = generate(model, tok, test, ev.max_new_tokens, device, echo)
        write_jsonl(out_dir / f"predictions_{name}.jsonl", preds[name])
        del model

    heur = HeuristicRouter.fit([r["messages"][-2]["content"] for r in train_rows],
                               [r["needs_cloud"] for r in train_rows])
    queries = [r["messages"][-2]["content"] for r in test]
    decisions = {
        "always_edge": [False] * len(test),
        "always_cloud": [True] * len(test),
        "heuristic": [heur.forward(q) for q in queries],
        "base_prompted": [p["forwarded"] for p in preds["base"]],
        "finetuned": [p["forwarded"] for p in preds["finetuned"]],
    }
    table = [
        score("always_edge", test, decisions["always_edge"], None, preds["base"]),
        score("always_cloud", test, decisions["always_cloud"], None, None),
        score("heuristic", test, decisions["heuristic"], None, preds["base"]),
        score("base_prompted", test, decisions["base_prompted"], preds["base"], preds["base"]),
        score("finetuned", test, decisions["finetuned"], preds["finetuned"], preds["finetuned"]),
    ]
    per_category = {}
    for name in ("base_prompted", "finetuned", "heuristic"):
        cats: dict[str, list[bool]] = {}
        for r, f in zip(test, decisions[name]):
            cats.setdefault(r["category"], []).append(f == r["needs_cloud"])
        per_category[name] = {c: sum(v) / len(v) for c, v in sorted(cats.items())}
    report = {
        "run_name": params.run_name,
        "test_records": len(test),
        "test_cloud": sum(r["needs_cloud"] for r in test),
        "model_dir": rel(model_dir),
        "adapter": rel(adapter),
        "device": device,
        "decoding": {"greedy": True, "max_new_tokens": ev.max_new_tokens, "dtype": ev.torch_dtype},
        "heuristic": {"max_len": heur.max_len, "fitted_on": "train"},
        "routers": table,
        "routing_accuracy_by_category": per_category,
        "predictions": {k: rel(out_dir / f"predictions_{k}.jsonl") for k in preds},
        "params_sha256": params.sha256(),
    }
    write_json(dirs.reports / f"eval_{params.run_name}.json", report)
    return report


def best_adapter(params: Params) -> Path:
    """The best checkpoint chosen by 03_train (from its summary)."""
    from .paths import resolve

    summary = read_json(RunDirs(params.run_name).reports / f"swift_train_{params.run_name}_summary.json")
    if not summary["best"]["checkpoint"]:
        raise FileNotFoundError("03_train found no checkpoint to evaluate")
    return resolve(summary["best"]["checkpoint"])
