"""Stage 04_eval's predictions in this process: the base and the fine-tuned model's greedy replies to the test
split (written to outputs/<run>/eval/predictions_<model>.jsonl), the fine-tuned model's routing scores of the test
and held-out requests, and the held-out set as prompts.

`evaluate.evaluate` takes them from here, or from a running server (`eval_server.server_predictions`, which builds
its prediction rows with `prediction_rows`); it then scores the routers and writes the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from edgecloud import artifacts
from edgecloud.jsonio import write_jsonl
from edgecloud.model import greedy_replies, load_model, prompt_messages
from edgecloud.params import Params
from edgecloud.routing import forward_match


def generate(
    model: Any,
    tok: Any,
    rows: list[dict[str, Any]],
    max_new_tokens: int,
    device: str,
    echo: Callable[[str], None] = print,
    suppress_first: list[int] | None = None,
    batch_size: int = 1,
) -> list[dict[str, Any]]:
    """Greedy reply to each test request (system prompt, earlier turns, the user turn), with token counts and
    seconds per reply (`model.greedy_replies`: at `batch_size` > 1 the batch's time shared by its replies).
    `suppress_first`: token ids forbidden as the reply's first token (the served edge model's
    `begin_suppress_tokens` when a calibrated threshold decides, see `routing`)."""
    prompts = [prompt_messages(row) for row in rows]
    replies = greedy_replies(model, tok, prompts, max_new_tokens, device, suppress_first, batch_size)
    preds = prediction_rows(rows, prompts, replies)
    echo(f"  {len(preds)} replies")
    return preds


def prediction_rows(
    rows: list[dict[str, Any]], prompts: list[list[dict[str, str]]], replies: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One prediction per test request from its reply (text, token counts, seconds), in- or out-of-process."""
    preds = []
    for row, prompt, r in zip(rows, prompts, replies):
        reply = r["reply"]
        preds.append(
            {
                "id": row["id"],
                "lang": row["lang"],
                "category": row["category"],
                "needs_cloud": row["needs_cloud"],
                "query": prompt[-1]["content"],
                "turns": (len(prompt) - 1) // 2 + 1,
                "reference": None if row["needs_cloud"] else row["messages"][-1]["content"],
                "reply": reply,
                "forwarded": forward_match(reply) is not None,
                "forward_match": forward_match(reply),
                "latency_s": round(r["latency_s"], 4),
                "prompt_tokens": r["prompt_tokens"],
                "new_tokens": r["new_tokens"],
            }
        )
    return preds


def heldout_rows(params: Params) -> list[dict[str, Any]]:
    """The held-out routing set as prompts (system prompt, earlier turns, the request), or [] when none."""
    from edgecloud.data.heldout import load_heldout
    from edgecloud.paths import resolve

    ev = params.eval
    if not ev.heldout_file:
        return []
    recs = load_heldout(resolve(ev.heldout_file))[: ev.heldout_max]
    system = {"role": "system", "content": params.data.system_prompt}
    return [{**r, "messages": [system, *r.get("history", []), {"role": "user", "content": r["query"]}]} for r in recs]


def in_process_predictions(
    params: Params,
    model_dir: Path,
    adapter: Path,
    test: list[dict[str, Any]],
    heldout: list[dict[str, Any]],
    threshold: float | None,
    device: str,
    echo: Callable[[str], None],
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[float]], dict[str, list[bool]]]:
    """Predictions of base and finetuned (written), routing scores of test and held-out, held-out greedy decisions:
    transformers in this process."""
    from edgecloud.eval.calibrate import forward_token_id, score_prompts
    from edgecloud.routing import decide, forward_token

    ev = params.eval
    preds: dict[str, list[dict[str, Any]]] = {}
    scores: dict[str, list[float]] = {}
    top1: dict[str, list[bool]] = {}
    for name, adp in (("base", None), ("finetuned", adapter)):
        echo(
            f"{name}: generating {len(test)} replies on {device} (greedy, max {ev.max_new_tokens} new tokens, "
            f"batches of {ev.batch_size})"
        )
        model, tok = load_model(model_dir, ev.torch_dtype, device, adp, template=params.model.template)
        preds[name] = generate(model, tok, test, ev.max_new_tokens, device, echo, batch_size=ev.batch_size)
        if name == "finetuned":
            token_id = forward_token_id(tok, params.data.forward_reply)
            echo(f"finetuned: routing scores of {len(test)} test and {len(heldout)} held-out requests (one pass each)")
            scores["test"], _ = score_prompts(
                model, tok, [prompt_messages(r) for r in test], token_id, device, ev.batch_size
            )
            scores["heldout"], top1["heldout"] = score_prompts(
                model, tok, [r["messages"] for r in heldout], token_id, device, ev.batch_size
            )
            # the served edge never starts its reply with the forward token when a threshold decides
            redo = [
                i
                for i, p in enumerate(preds[name])
                if threshold is not None and p["reply"].startswith(forward_token(params.data.forward_reply))
            ]
            if redo:
                echo(
                    f"finetuned: {len(redo)} greedy replies start the forward reply; their edge answers with the "
                    "forward token suppressed as first token"
                )
            again = generate(
                model,
                tok,
                [test[i] for i in redo],
                ev.max_new_tokens,
                device,
                echo,
                suppress_first=[token_id],
                batch_size=ev.batch_size,
            )
            for i, p in enumerate(preds[name]):
                p["score"] = scores["test"][i]
                p["edge_reply"] = again[redo.index(i)]["reply"] if i in redo else p["reply"]
                p["decision_calibrated"] = (
                    decide(p["edge_reply"], p["score"], threshold) if threshold is not None else p["forwarded"]
                )
        write_jsonl(artifacts.path(f"predictions_{name}", params), preds[name])
        del model

    return preds, scores, top1
