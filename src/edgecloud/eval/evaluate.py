"""Stage 04_eval: generate on the test split with the base and the fine-tuned model, score routers.

Both models see exactly what the deployed edge model sees: the edge system prompt and the user
request, greedy decoding. Every prediction is written to outputs/<run>/eval/predictions_<model>.jsonl
(the predictions come from `predict`, in this process, or from `eval_server`, through a running server).
This module scores the routers on them, writes the report and builds the report's tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from edgecloud import artifacts
from edgecloud.eval import metrics
from edgecloud.eval.predict import heldout_rows, in_process_predictions
from edgecloud.eval.routers import HeuristicRouter
from edgecloud.jsonio import read_jsonl, write_json, write_jsonl
from edgecloud.model import prompt_messages
from edgecloud.params import Params
from edgecloud.paths import rel
from edgecloud.train.devices import pick_device

ROUTER_LABELS = {
    "always_edge": "始终端侧 always-edge",
    "always_cloud": "始终云端 always-cloud",
    "heuristic": "关键词/长度 heuristic",
    "tfidf": "TF-IDF+LR 文本分类 text classifier",
    "base_prompted": "基座+路由提示 base + prompt",
    "finetuned": "LoRA 微调·贪心 fine-tuned, greedy",
    "finetuned_calibrated": "LoRA 微调·校准阈值 fine-tuned, calibrated",
}


def eval_dir(params: Params) -> Path:
    return artifacts.path("predictions_base", params).parent


def score(
    name: str,
    rows: list[dict[str, Any]],
    forwarded: list[bool],
    preds: list[dict[str, Any]] | None,
    edge_replies: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """Metrics of one router. `preds`: the router's own model replies (model routers) for latency and
    non-empty rate; `edge_replies`: the replies its edge requests would get (quality)."""
    labels = [r["needs_cloud"] for r in rows]
    out: dict[str, Any] = {"router": name, "label": ROUTER_LABELS[name], **metrics.routing(labels, forwarded)}
    if edge_replies is not None:
        pairs = [
            (p["reply"], p["reference"]) for p, f in zip(edge_replies, forwarded) if not p["needs_cloud"] and not f
        ]
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


def _breakdown(
    rows: list[dict[str, Any]], decisions: dict[str, list[bool]], key: Callable[[dict], str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Routing accuracy per group (category, language, cue...) with counts and Wilson intervals."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name, dec in decisions.items():
        groups: dict[str, list[bool]] = {}
        for r, f in zip(rows, dec):
            groups.setdefault(key(r), []).append(f == bool(r["needs_cloud"]))
        out[name] = {
            g: {
                "n": len(v),
                "correct": sum(v),
                "accuracy": sum(v) / len(v),
                "accuracy_ci": list(metrics.wilson(sum(v), len(v))),
            }
            for g, v in sorted(groups.items())
        }
    return out


def evaluate(params: Params, model_dir: Path, adapter: Path, echo: Callable[[str], None] = print) -> dict[str, Any]:
    from edgecloud.eval.calibrate import load_calibration
    from edgecloud.eval.routers import TfidfRouter
    from edgecloud.eval.routing_stats import cost_quality, roc
    from edgecloud.routing import decide

    eval_dir(params).mkdir(parents=True, exist_ok=True)
    test = read_jsonl(artifacts.path("test_split", params))
    train_rows = read_jsonl(artifacts.path("train_split", params))
    valid = read_jsonl(artifacts.path("valid_split", params))
    heldout = heldout_rows(params)
    cal = load_calibration(params)
    threshold = cal["threshold"] if cal else None
    ev = params.eval
    server = None
    if ev.server_url:
        from edgecloud.eval.eval_server import server_predictions

        device = "server"
        preds, scores, top1, server = server_predictions(params, test, heldout, threshold, echo)
        for name in preds:
            write_jsonl(artifacts.path(f"predictions_{name}", params), preds[name])
    else:
        device = pick_device(ev.device)
        preds, scores, top1 = in_process_predictions(params, model_dir, adapter, test, heldout, threshold, device, echo)

    def query(r: dict[str, Any]) -> str:
        return prompt_messages(r)[-1]["content"]

    heur = HeuristicRouter.fit([query(r) for r in train_rows], [r["needs_cloud"] for r in train_rows])
    tfidf = TfidfRouter.select(
        [query(r) for r in train_rows],
        [bool(r["needs_cloud"]) for r in train_rows],
        [query(r) for r in valid],
        [bool(r["needs_cloud"]) for r in valid],
    )
    queries = [query(r) for r in test]
    decisions = {
        "always_edge": [False] * len(test),
        "always_cloud": [True] * len(test),
        "heuristic": [heur.forward(q) for q in queries],
        "tfidf": tfidf.decide(queries),
        "base_prompted": [p["forwarded"] for p in preds["base"]],
        "finetuned": [p["forwarded"] for p in preds["finetuned"]],
        "finetuned_calibrated": [p["decision_calibrated"] for p in preds["finetuned"]],
    }
    own = {"base_prompted": preds["base"], "finetuned": preds["finetuned"], "finetuned_calibrated": preds["finetuned"]}
    calibrated_edge = [{**p, "reply": p["edge_reply"]} for p in preds["finetuned"]]
    edge_of = {"always_cloud": None, "finetuned": preds["finetuned"], "finetuned_calibrated": calibrated_edge}
    table = [
        score(name, test, decisions[name], own.get(name), edge_of.get(name, preds["base"])) for name in ROUTER_LABELS
    ]
    labels = [bool(r["needs_cloud"]) for r in test]
    test_scores = {"finetuned": scores["test"], "tfidf": tfidf.score(queries)}
    curves = {}
    for name, sc in test_scores.items():
        if len(set(labels)) == 2:
            curves[name] = {"roc": roc(labels, sc), "cost_quality": cost_quality(labels, sc)}

    held: dict[str, Any] = {"records": len(heldout)}
    if heldout:
        hl = [bool(r["needs_cloud"]) for r in heldout]
        hq = [r["query"] for r in heldout]
        hd = {
            "always_edge": [False] * len(heldout),
            "heuristic": [heur.forward(q) for q in hq],
            "tfidf": tfidf.decide(hq),
            "finetuned": top1["heldout"],
            "finetuned_calibrated": (
                [decide(None, s, threshold) for s in scores["heldout"]] if threshold is not None else top1["heldout"]
            ),
        }
        held.update(
            {
                "file": params.eval.heldout_file,
                "cloud": sum(hl),
                "routers": [{"router": k, "label": ROUTER_LABELS[k], **metrics.routing(hl, v)} for k, v in hd.items()],
                "by_cue": _breakdown(heldout, hd, lambda r: r["cue"]),
                "by_category": _breakdown(heldout, hd, lambda r: r["category"]),
                "by_lang": _breakdown(heldout, hd, lambda r: r["lang"]),
                "auc": {"finetuned": roc(hl, scores["heldout"])["auc"], "tfidf": roc(hl, tfidf.score(hq))["auc"]}
                if len(set(hl)) == 2
                else None,
                "decision_note": "finetuned: greedy's first token is the forward token; calibrated: score >= threshold; "
                "one forward pass per request, no generation",
            }
        )
        write_jsonl(
            artifacts.path("predictions_heldout", params),
            [
                {
                    "id": r["id"],
                    "lang": r["lang"],
                    "category": r["category"],
                    "cue": r["cue"],
                    "needs_cloud": r["needs_cloud"],
                    "query": r["query"],
                    "turns": len(r.get("history", [])) // 2 + 1,
                    "score": s,
                    "tfidf_score": t,
                    "forwarded": d,
                }
                for r, s, t, d in zip(heldout, scores["heldout"], tfidf.score(hq), hd["finetuned_calibrated"])
            ],
        )

    errors = [
        {
            k: p[k]
            for k in (
                "id",
                "lang",
                "category",
                "needs_cloud",
                "query",
                "reply",
                "edge_reply",
                "score",
                "decision_calibrated",
            )
        }
        for p in preds["finetuned"]
        if p["decision_calibrated"] != p["needs_cloud"]
    ]
    by = {
        k: _breakdown(
            test,
            {n: decisions[n] for n in ("heuristic", "tfidf", "base_prompted", "finetuned", "finetuned_calibrated")},
            f,
        )
        for k, f in (("category", lambda r: r["category"]), ("lang", lambda r: r["lang"]))
    }
    report = {
        "run_name": params.run_name,
        "test_records": len(test),
        "test_cloud": sum(labels),
        "model_dir": rel(model_dir),
        "adapter": rel(adapter),
        "device": device,
        **({"server": server} if server else {}),
        "decoding": {"greedy": True, "max_new_tokens": ev.max_new_tokens, "dtype": ev.torch_dtype},
        "heuristic": {"max_len": heur.max_len, "fitted_on": "train"},
        "tfidf": {
            "ngram_range": list(tfidf.ngram_range),
            "threshold": tfidf.threshold,
            "fitted_on": "train",
            "threshold_on": "valid",
        },
        "calibration": None
        if cal is None
        else {
            "threshold": threshold,
            "step": cal["step"],
            "checkpoint": cal["checkpoint"],
            "score_definition": cal["score_definition"],
            "file": rel(artifacts.path("calibration", params)),
        },
        "routers": table,
        "routing_accuracy_by_category": {
            n: {c: v["accuracy"] for c, v in d.items()} for n, d in by["category"].items()
        },
        "routing_by_category": by["category"],
        "routing_by_lang": by["lang"],
        "errors_calibrated": errors,
        "scores": {"labels": labels, **test_scores},
        "curves": curves,
        "heldout": held,
        "predictions": {k: rel(artifacts.path(f"predictions_{k}", params)) for k in preds},
        "params_sha256": params.sha256(),
    }
    write_json(artifacts.path("eval", params), report)
    return report


# ---------------------------------------------------------------------------------------------
# Tables of the report (one function each: the notebook, the run report and the thesis use them)


def _pct_ci(v: float | None, ci: list | None) -> str:
    if v is None:
        return "-"
    if not ci or ci[0] is None:
        return f"{v:.1%}"
    return f"{v:.1%} [{ci[0]:.0%}, {ci[1]:.0%}]"


def _simple_fwd(r: dict[str, Any]) -> str:
    fp, tn = r.get("fp"), r.get("tn")
    return "-" if fp is None or tn is None else f"{fp}/{fp + tn}"


def routers_table(report: dict[str, Any], marks: bool = False):
    """Routers on the test split: accuracy, recall and cloud share with Wilson 95 % intervals. The 04 notebook
    saves it for the thesis (04_routers); the run report shows it with `marks`: the highest accuracy in bold. A
    value an older report lacks is '-'."""
    import pandas as pd

    def f(v: Any, nd: int = 3) -> str:
        return "-" if v is None else f"{v:.{nd}f}"

    routers = [r for r in report.get("routers") or [] if isinstance(r, dict)]
    best = max((r["accuracy"] for r in routers if r.get("accuracy") is not None), default=None)
    rows = []
    for r in routers:
        acc = _pct_ci(r.get("accuracy"), r.get("accuracy_ci"))
        rows.append(
            {
                "路由 router": r.get("label") or r.get("router"),
                "accuracy [95% CI]": f"**{acc}**" if marks and best is not None and r.get("accuracy") == best else acc,
                "forward P": f(r.get("precision"), 2),
                "forward R [95% CI]": _pct_ci(r.get("recall"), r.get("recall_ci")),
                "simple fwd": _simple_fwd(r),
                "cloud share": _pct_ci(r.get("cloud_share"), r.get("cloud_share_ci")),
                "ROUGE-L": f(r.get("rouge_l")),
                "char F1": f(r.get("char_f1")),
                "non-empty": "-" if r.get("non_empty_rate") is None else f"{r['non_empty_rate']:.0%}",
                "s/reply p50": f(r.get("p50_s"), 2),
            }
        )
    return pd.DataFrame(rows)


def heldout_table(report: dict[str, Any]):
    """Routers on the held-out routing set (phrasings the training generator never makes): the thesis' 04_heldout
    table and the run report's."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "路由 router": r.get("label") or r.get("router"),
                "accuracy [95% CI]": _pct_ci(r.get("accuracy"), r.get("accuracy_ci")),
                "forward R [95% CI]": _pct_ci(r.get("recall"), r.get("recall_ci")),
                "simple fwd": _simple_fwd(r),
                "cloud share": _pct_ci(r.get("cloud_share"), r.get("cloud_share_ci")),
            }
            for r in (report.get("heldout") or {}).get("routers") or []
            if isinstance(r, dict)
        ]
    )


CURVE_NAMES = {"finetuned": "LoRA 微调 fine-tuned", "tfidf": "TF-IDF+LR"}  # the scored routers of report["curves"]


def curves_table(report: dict[str, Any]):
    """The scored routers' curves on the test split: ROC AUC, APGR and the cloud share that reaches 50 % / 80 %
    of the quality gain (CPT)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "router": CURVE_NAMES[k],
                "AUC": f"{v['roc']['auc']:.3f}",
                "APGR": f"{v['cost_quality']['apgr']:.3f}",
                "CPT(50%)": v["cost_quality"]["cpt_50"],
                "CPT(80%)": v["cost_quality"]["cpt_80"],
            }
            for k, v in report["curves"].items()
        ]
    )


def breakdown_table(breakdown: dict[str, dict[str, dict[str, Any]]], routers: tuple[str, ...]):
    """Accuracy per group (rows) and router (columns) as 'correct/n (acc)'."""
    import pandas as pd

    groups = sorted({g for r in routers for g in breakdown.get(r, {})})
    return pd.DataFrame(
        {
            ROUTER_LABELS[r]: [
                f"{breakdown[r][g]['correct']}/{breakdown[r][g]['n']}" if g in breakdown[r] else "-" for g in groups
            ]
            for r in routers
        },
        index=groups,
    )


def errors_table(report: dict[str, Any]):
    """The test requests the fine-tuned router with the calibrated threshold routes wrongly (report
    ["errors_calibrated"]), one row each with every field the report keeps; empty when it makes none."""
    import pandas as pd

    return pd.DataFrame(report.get("errors_calibrated") or [])
