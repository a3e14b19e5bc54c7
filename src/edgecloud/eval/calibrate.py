"""Routing calibration: score the validation split at every checkpoint, pick the deployed checkpoint and
the threshold, and save both with the run (reports/routing_calibration_<run>.json).

The score is `routing.score_from_logits` (one forward pass over the prompt, no sampling). For each
saved checkpoint the validation split gives a decision learning curve: ROC AUC, routing accuracy of
greedy decoding (the forward token is the most likely first token) and of the calibrated threshold. The deployed checkpoint is the one with
the best calibrated validation accuracy (ties: higher AUC, then lower eval loss, then the earlier
step); the reference picked by eval loss, and the report says where the two disagree. The threshold
is the middle of the widest score interval whose validation accuracy is within one record of the best
(`routing_stats.choose_threshold`, "margin_midpoint" with the one-error rule): never the single best
validation point, and never fitted on the test split. With a threshold the score alone decides and the edge answers with the
forward token suppressed as first token (see `routing`), so any threshold, above or below 0, has an
edge answer to give.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from edgecloud import artifacts
from edgecloud.eval import metrics
from edgecloud.eval.routing_stats import choose_threshold, roc
from edgecloud.jsonio import read_json, read_jsonl, write_json
from edgecloud.model import chat_ids, load_model, padded, prompt_messages
from edgecloud.params import Params
from edgecloud.paths import resolve
from edgecloud.routing import SCORE_DEFINITION, SUPPRESS_KEY, TOP_LOGPROBS, forward_token, score_from_logits


def calibration_path(params: Params) -> Path:
    return artifacts.path("calibration", params)


def forward_token_id(tok: Any, forward_reply: str) -> int:
    """The id of the forward reply's first token; it must be a whole character (see routing)."""
    ids = tok.encode(forward_reply, add_special_tokens=False)
    if not ids or tok.decode(ids[:1]) != forward_token(forward_reply):
        raise ValueError(
            f"the forward reply {forward_reply!r} must start with a character that is a token of its "
            f"own (first token decodes to {tok.decode(ids[:1])!r}); start it with '[' as the default does"
        )
    return ids[0]


def score_prompts(
    model: Any, tok: Any, prompts: list[list[dict[str, str]]], token_id: int, device: str, batch_size: int = 8
) -> tuple[list[float], list[bool]]:
    """One forward pass per prompt: the routing score of each, and whether the forward token is the most
    likely first token (greedy decoding's own decision).

    Prompts of similar length go through together (`batch_size`), padded on the right: under the causal
    mask a prompt's own positions never see the padding after them, so each prompt's last position gives
    the logits it gives alone; only those positions go through the output head."""
    import torch

    ids = [chat_ids(tok, msgs) for msgs in prompts]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    decoder, head = model.get_decoder(), model.get_output_embeddings()
    out: list[float] = [0.0] * len(ids)
    top1: list[bool] = [False] * len(ids)
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        input_ids, mask = padded([ids[i] for i in batch], pad, left=False)
        last = torch.tensor([len(ids[i]) - 1 for i in batch])
        with torch.inference_mode():
            hidden = decoder(input_ids=input_ids.to(device), attention_mask=mask.to(device)).last_hidden_state
            logits = head(hidden[torch.arange(len(batch)), last.to(device)])
        for row, i in enumerate(batch):
            out[i] = round(score_from_logits(logits[row], token_id, TOP_LOGPROBS), 4)
            top1[i] = int(logits[row].argmax()) == token_id
    return out, top1


def threshold_on(labels: list[bool], scores: list[float]) -> tuple[float, dict[str, Any]]:
    """The calibrated threshold and how it was chosen (0, i.e. P(forward) > 0.5, when valid has one class)."""
    if len(set(labels)) < 2:
        return 0.0, {"method": "even_odds", "why": "the validation split holds one class only: P(forward) >= 0.5"}
    t, info = choose_threshold(labels, scores, method="margin_midpoint", tolerance=1 / len(labels))
    return round(t, 4), info


def checkpoint_row(
    step: int, eval_loss: float | None, labels: list[bool], scores: list[float], greedy_forward: list[bool]
) -> dict[str, Any]:
    t, info = threshold_on(labels, scores)
    greedy = metrics.routing(labels, greedy_forward)
    calibrated = metrics.routing(labels, [s >= t for s in scores])
    auc = roc(labels, scores)["auc"] if len(set(labels)) == 2 else None
    return {
        "step": step,
        "eval_loss": eval_loss,
        "valid_auc": auc,
        "threshold": t,
        "threshold_choice": info,
        "valid_accuracy_greedy": greedy["accuracy"],
        "valid_accuracy": calibrated["accuracy"],
        "valid_accuracy_ci": calibrated.get("accuracy_ci"),
        "valid_recall": calibrated["recall"],
        "valid_cloud_share": calibrated["cloud_share"],
    }


def select(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The deployed checkpoint: best calibrated validation accuracy, then AUC, then eval loss, then step."""

    def key(r: dict[str, Any]) -> tuple:
        return (
            -r["valid_accuracy"],
            -(r["valid_auc"] or 0),
            r["eval_loss"] if r["eval_loss"] is not None else 1e9,
            r["step"],
        )

    return min(rows, key=key)


def calibrate(params: Params, model_dir: Path, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Score valid at every checkpoint, choose checkpoint and threshold, write the calibration report."""
    from edgecloud.train.devices import pick_device

    summary = read_json(artifacts.path("train", params))
    evals = {r["step"]: r["eval_loss"] for r in summary["rows"] if r.get("eval_loss") is not None}
    valid = read_jsonl(artifacts.path("valid_split", params))
    labels = [bool(r["needs_cloud"]) for r in valid]
    prompts = [prompt_messages(r) for r in valid]
    device = pick_device(params.eval.device)
    rows, token_id = [], None
    for step, ckpt in sorted((int(s), p) for s, p in summary["checkpoints"].items()):
        model, tok = load_model(
            model_dir, params.eval.torch_dtype, device, resolve(ckpt), template=params.model.template
        )
        token_id = forward_token_id(tok, params.data.forward_reply)
        scores, top1 = score_prompts(model, tok, prompts, token_id, device, params.eval.batch_size)
        row = checkpoint_row(step, evals.get(step), labels, scores, top1)
        rows.append({**row, "checkpoint": ckpt, "scores": scores, "greedy_forward": top1})
        echo(
            f"  step {step}: valid AUC {row['valid_auc']}, accuracy greedy {row['valid_accuracy_greedy']:.3f}, "
            f"calibrated {row['valid_accuracy']:.3f} (threshold {row['threshold']})"
        )
        del model
    if not rows:
        raise FileNotFoundError("03_train saved no checkpoint to calibrate")
    chosen = select(rows)
    by_loss = summary["best"]
    report = {
        "run_name": params.run_name,
        "score_definition": SCORE_DEFINITION,
        "forward_reply": params.data.forward_reply,
        "forward_token": forward_token(params.data.forward_reply),
        "forward_token_id": token_id,
        "top_logprobs": TOP_LOGPROBS,
        "decision": "forward when score >= threshold (routing.decide); the edge answers with the forward token "
        f"suppressed as first reply token ({SUPPRESS_KEY})",
        "suppress_token_ids": [token_id],
        "threshold": chosen["threshold"],
        "threshold_choice": chosen["threshold_choice"],
        "checkpoint": chosen["checkpoint"],
        "step": chosen["step"],
        "selected_by": "best calibrated routing accuracy on the validation split (ties: AUC, eval loss, step)",
        "eval_loss_best": {
            "step": by_loss["step"],
            "checkpoint": by_loss["checkpoint"],
            "eval_loss": by_loss["eval_loss"],
        },
        "agrees_with_eval_loss": chosen["step"] == by_loss["step"],
        "valid_records": len(valid),
        "valid_cloud": sum(labels),
        "valid_ids": [r["id"] for r in valid],
        "valid_labels": labels,
        "checkpoints": rows,
        "params_sha256": params.sha256(),
    }
    write_json(calibration_path(params), report)
    return report


def load_calibration(params: Params) -> dict[str, Any] | None:
    path = calibration_path(params)
    return read_json(path) if path.is_file() else None


def checkpoint_table(cal: dict[str, Any]):
    """The decision learning curve as a table (notebook, thesis, run report)."""
    import pandas as pd

    def ci(r: dict[str, Any]) -> str:
        lo, hi = r["valid_accuracy_ci"] or (None, None)
        return "-" if lo is None else f"[{lo:.0%}, {hi:.0%}]"

    return pd.DataFrame(
        [
            {
                "step": f"{r['step']}{' *' if r['step'] == cal['step'] else ''}",
                "eval loss": "-" if r["eval_loss"] is None else f"{r['eval_loss']:.4f}",
                "valid AUC": "-" if r["valid_auc"] is None else f"{r['valid_auc']:.3f}",
                "valid acc. greedy": f"{r['valid_accuracy_greedy']:.1%}",
                "valid acc. calibrated": f"{r['valid_accuracy']:.1%}",
                "95% CI": ci(r),
                "threshold": f"{r['threshold']:.2f}",
            }
            for r in cal["checkpoints"]
        ]
    )


def calibration_markdown(cal: dict[str, Any]) -> str:
    lines = [
        f"- 部署检查点 deployed checkpoint: step {cal['step']} ({cal['selected_by']}); "
        f"eval-loss best: step {cal['eval_loss_best']['step']}"
        + ("" if cal["agrees_with_eval_loss"] else " — **the two disagree**"),
        f"- 阈值 threshold {cal['threshold']} on the score: {cal['score_definition']}",
        "",
        "| step | eval loss | valid AUC | valid acc (greedy) | valid acc (calibrated) | threshold |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in cal["checkpoints"]:
        mark = "**" if r["step"] == cal["step"] else ""
        loss = "-" if r["eval_loss"] is None else f"{r['eval_loss']:.4f}"
        auc = "-" if r["valid_auc"] is None else f"{r['valid_auc']:.3f}"
        lines.append(
            f"| {mark}{r['step']}{mark} | {loss} | {auc} | {r['valid_accuracy_greedy']:.1%} | "
            f"{r['valid_accuracy']:.1%} | {r['threshold']:.3f} |"
        )
    return "\n".join(lines)
