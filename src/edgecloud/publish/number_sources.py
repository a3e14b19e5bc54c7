"""The key numbers the thesis cites: one `Number` each, with its macro name, the report (artifact key) and key
it is read from, its format and a description.

Add or change a number here; `numbers.collect` reads them from the stage reports, formats them and
`numbers.write_numbers` writes the LaTeX macros and JSON; the run report, `compare` and the experiment tracker
show the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Number:
    name: str  # macro name without the backslash, letters only
    report: str  # artifact key of the report (one of artifacts.REPORTS)
    key: str  # where in the report, for the reader (also the getter's documentation)
    get: Callable[[Any], Any]
    fmt: str  # int | float1..4 | pct | pct1 | text | seconds | minutes | millions | times
    description: str


def _router(name: str, field: str) -> Callable[[Any], Any]:
    def get(r: dict[str, Any]) -> Any:
        return next(x for x in r["routers"] if x["router"] == name)[field]

    return get


def _ci(name: str, field: str, end: int, where: str = "routers") -> Callable[[Any], Any]:
    """One end (0 low, 1 high) of a router's Wilson interval, in the eval report or its held-out part."""

    def get(r: dict[str, Any]) -> Any:
        rows = r["heldout"]["routers"] if where == "heldout" else r["routers"]
        return next(x for x in rows if x["router"] == name)[f"{field}_ci"][end]

    return get


def _held(name: str, field: str) -> Callable[[Any], Any]:
    def get(r: dict[str, Any]) -> Any:
        return next(x for x in r["heldout"]["routers"] if x["router"] == name)[field]

    return get


def _best_row(field: str) -> Callable[[Any], Any]:
    def get(r: dict[str, Any]) -> Any:
        return next(x for x in r["rows"] if x["step"] == r["best"]["step"])[field]

    return get


def _variant(which: str, field: str, sub: str | None = None) -> Callable[[Any], Any]:
    """A field of one variant of the edge benchmark (07_edge_bench): the recommended one or the baseline."""

    def get(r: dict[str, Any]) -> Any:
        name = r["recommendation"]["variant"] if which == "recommended" else r["baseline"]
        row = next(x for x in r["variants"] if x["variant"] == name)
        return row[field][sub] if sub else row[field]

    return get


NUMBERS: list[Number] = [
    Number("EdgeRunName", "data_check", "run_name", lambda r: r["run_name"], "text", "run name"),
    Number("EdgeDatasetName", "data_check", "dataset_name", lambda r: r["dataset_name"], "text", "dataset name"),
    Number(
        "EdgeDataTotal", "data_check", "splits.total", lambda r: r["splits"]["total"], "int", "records after conversion"
    ),
    Number("EdgeDataTrain", "data_check", "splits.train", lambda r: r["splits"]["train"], "int", "train records"),
    Number("EdgeDataValid", "data_check", "splits.valid", lambda r: r["splits"]["valid"], "int", "validation records"),
    Number("EdgeDataTest", "data_check", "splits.test", lambda r: r["splits"]["test"], "int", "test records"),
    Number("EdgeDataRejected", "data_check", "rejected", lambda r: r["rejected"], "int", "records rejected"),
    Number(
        "EdgeParseRate",
        "data_check",
        "parse_success_rate",
        lambda r: r["parse_success_rate"],
        "pct1",
        "parse success rate",
    ),
    Number("EdgeBaseModel", "model", "id", lambda r: r["id"], "text", "base model"),
    Number("EdgeBaseParams", "model", "parameters", lambda r: r["parameters"], "millions", "base model parameters"),
    Number("EdgeTrainSteps", "train", "last_step", lambda r: r["last_step"], "int", "training steps run"),
    Number("EdgeBestStep", "train", "best.step", lambda r: r["best"]["step"], "int", "best checkpoint step"),
    Number(
        "EdgeBestEvalLoss",
        "train",
        "best.eval_loss",
        lambda r: r["best"]["eval_loss"],
        "float4",
        "eval loss of the best checkpoint",
    ),
    Number(
        "EdgeBestEvalTokenAcc",
        "train",
        "rows[best].eval_token_acc",
        _best_row("eval_token_acc"),
        "float4",
        "eval token accuracy of the best checkpoint",
    ),
    Number(
        "EdgeStepZeroEvalLoss",
        "train",
        "step0_eval_loss",
        lambda r: r["step0_eval_loss"],
        "float4",
        "eval loss before training",
    ),
    Number(
        "EdgeEvalLossReduction",
        "train",
        "eval_loss_reduction",
        lambda r: r["eval_loss_reduction"],
        "pct",
        "eval loss reduction from step 0 to the best checkpoint",
    ),
    Number("EdgeTrainWallMinutes", "train", "wall_time_s", lambda r: r["wall_time_s"], "minutes", "training wall time"),
    Number("EdgeTestRecords", "eval", "test_records", lambda r: r["test_records"], "int", "test records evaluated"),
    Number(
        "EdgeTestComplex", "eval", "test_cloud", lambda r: r["test_cloud"], "int", "test records that need the cloud"
    ),
    Number(
        "EdgeFinetunedRoutingAcc",
        "eval",
        "routers[finetuned].accuracy",
        _router("finetuned", "accuracy"),
        "pct",
        "routing accuracy, fine-tuned",
    ),
    Number(
        "EdgeFinetunedForwardFscore",
        "eval",
        "routers[finetuned].f1",
        _router("finetuned", "f1"),
        "float3",
        "forward F1, fine-tuned",
    ),
    Number(
        "EdgeFinetunedForwardRecall",
        "eval",
        "routers[finetuned].recall",
        _router("finetuned", "recall"),
        "pct",
        "forward recall, fine-tuned",
    ),
    Number(
        "EdgeFinetunedRougeL",
        "eval",
        "routers[finetuned].rouge_l",
        _router("finetuned", "rouge_l"),
        "float3",
        "edge-answer ROUGE-L, fine-tuned",
    ),
    Number(
        "EdgeCalibratedRoutingAcc",
        "eval",
        "routers[finetuned_calibrated].accuracy",
        _router("finetuned_calibrated", "accuracy"),
        "pct",
        "routing accuracy, fine-tuned with the calibrated threshold",
    ),
    Number(
        "EdgeCalibratedRoutingAccLow",
        "eval",
        "routers[finetuned_calibrated].accuracy_ci[0]",
        _ci("finetuned_calibrated", "accuracy", 0),
        "pct",
        "its Wilson 95 % interval, low end",
    ),
    Number(
        "EdgeCalibratedRoutingAccHigh",
        "eval",
        "routers[finetuned_calibrated].accuracy_ci[1]",
        _ci("finetuned_calibrated", "accuracy", 1),
        "pct",
        "its Wilson 95 % interval, high end",
    ),
    Number(
        "EdgeCalibratedForwardRecall",
        "eval",
        "routers[finetuned_calibrated].recall",
        _router("finetuned_calibrated", "recall"),
        "pct",
        "forward recall, fine-tuned calibrated",
    ),
    Number(
        "EdgeCalibratedCloudShare",
        "eval",
        "routers[finetuned_calibrated].cloud_share",
        _router("finetuned_calibrated", "cloud_share"),
        "pct",
        "share sent to the cloud, fine-tuned calibrated",
    ),
    Number(
        "EdgeTfidfRoutingAcc",
        "eval",
        "routers[tfidf].accuracy",
        _router("tfidf", "accuracy"),
        "pct",
        "routing accuracy, TF-IDF + logistic regression baseline",
    ),
    Number(
        "EdgeRoutingAUC",
        "eval",
        "curves.finetuned.roc.auc",
        lambda r: r["curves"]["finetuned"]["roc"]["auc"],
        "float3",
        "ROC AUC of the routing score on the test split",
    ),
    Number(
        "EdgeHeldoutRecords",
        "eval",
        "heldout.records",
        lambda r: r["heldout"]["records"],
        "int",
        "held-out routing requests",
    ),
    Number(
        "EdgeHeldoutCalibratedAcc",
        "eval",
        "heldout.routers[finetuned_calibrated].accuracy",
        _held("finetuned_calibrated", "accuracy"),
        "pct",
        "held-out routing accuracy, fine-tuned calibrated",
    ),
    Number(
        "EdgeHeldoutCalibratedAccLow",
        "eval",
        "heldout.routers[finetuned_calibrated].accuracy_ci[0]",
        _ci("finetuned_calibrated", "accuracy", 0, "heldout"),
        "pct",
        "its Wilson 95 % interval, low end",
    ),
    Number(
        "EdgeHeldoutCalibratedAccHigh",
        "eval",
        "heldout.routers[finetuned_calibrated].accuracy_ci[1]",
        _ci("finetuned_calibrated", "accuracy", 1, "heldout"),
        "pct",
        "its Wilson 95 % interval, high end",
    ),
    Number(
        "EdgeHeldoutTfidfAcc",
        "eval",
        "heldout.routers[tfidf].accuracy",
        _held("tfidf", "accuracy"),
        "pct",
        "held-out routing accuracy, TF-IDF baseline",
    ),
    Number(
        "EdgeRoutingThreshold",
        "calibration",
        "threshold",
        lambda r: r["threshold"],
        "float3",
        "routing threshold chosen on the validation split",
    ),
    Number(
        "EdgeDeployedStep",
        "calibration",
        "step",
        lambda r: r["step"],
        "int",
        "deployed checkpoint (best validation routing)",
    ),
    Number(
        "EdgeBaseRoutingAcc",
        "eval",
        "routers[base_prompted].accuracy",
        _router("base_prompted", "accuracy"),
        "pct",
        "routing accuracy, base model with the routing prompt",
    ),
    Number(
        "EdgeBaseRougeL",
        "eval",
        "routers[base_prompted].rouge_l",
        _router("base_prompted", "rouge_l"),
        "float3",
        "edge-answer ROUGE-L, base model",
    ),
    Number(
        "EdgeHeuristicRoutingAcc",
        "eval",
        "routers[heuristic].accuracy",
        _router("heuristic", "accuracy"),
        "pct",
        "routing accuracy, keyword/length heuristic",
    ),
    Number(
        "EdgeAlwaysEdgeRoutingAcc",
        "eval",
        "routers[always_edge].accuracy",
        _router("always_edge", "accuracy"),
        "pct",
        "routing accuracy, always-edge",
    ),
    Number(
        "EdgeGatewayStartupSeconds",
        "deploy",
        "startup_s.stack",
        lambda r: r["startup_s"]["stack"],
        "seconds",
        "time until the whole stack was healthy",
    ),
    Number("EdgeEndToEndCases", "e2e", "summary.cases", lambda r: r["summary"]["cases"], "int", "end-to-end cases"),
    Number(
        "EdgeEndToEndNonEmpty",
        "e2e",
        "summary.non_empty",
        lambda r: r["summary"]["non_empty"],
        "int",
        "end-to-end non-empty replies",
    ),
    Number(
        "EdgeEndToEndNonEmptyRate",
        "e2e",
        "summary.non_empty_rate",
        lambda r: r["summary"]["non_empty_rate"],
        "pct",
        "end-to-end non-empty rate",
    ),
    Number(
        "EdgeEndToEndComplex",
        "e2e",
        "summary.complex_cases",
        lambda r: r["summary"]["complex_cases"],
        "int",
        "end-to-end complex-reasoning cases",
    ),
    Number(
        "EdgeEndToEndForwardHits",
        "e2e",
        "summary.complex_forward_hits",
        lambda r: r["summary"]["complex_forward_hits"],
        "int",
        "complex cases answered 转发云端 / forwarded",
    ),
    Number(
        "EdgeEndToEndRoutingAcc",
        "e2e",
        "summary.routing_accuracy",
        lambda r: r["summary"]["routing_accuracy"],
        "pct",
        "end-to-end routing accuracy",
    ),
    Number(
        "EdgeEndToEndLatencyMedianSeconds",
        "e2e",
        "summary.latency_ms.client.p50",
        lambda r: r["summary"]["latency_ms"]["client"]["p50"] / 1000,
        "seconds",
        "end-to-end p50 latency",
    ),
    Number(
        "EdgeBenchRecommended",
        "edge_bench",
        "variants[recommended].label",
        _variant("recommended", "label"),
        "text",
        "recommended edge variant (fastest meeting all four bars)",
    ),
    Number(
        "EdgeBenchSpeedup",
        "edge_bench",
        "variants[recommended].speedup.median",
        _variant("recommended", "speedup", "median"),
        "times",
        "decode speed-up of the recommended variant over PyTorch fp32",
    ),
    Number(
        "EdgeBenchSizeRatio",
        "edge_bench",
        "variants[recommended].size_ratio",
        _variant("recommended", "size_ratio"),
        "times",
        "how many times smaller on disk than PyTorch fp32",
    ),
    Number(
        "EdgeBenchDecodeTps",
        "edge_bench",
        "variants[recommended].decode_tps.median",
        _variant("recommended", "decode_tps", "median"),
        "float1",
        "decode tokens/s of the recommended variant",
    ),
    Number(
        "EdgeBenchBaselineDecodeTps",
        "edge_bench",
        "variants[baseline].decode_tps.median",
        _variant("baseline", "decode_tps", "median"),
        "float1",
        "decode tokens/s of PyTorch fp32",
    ),
    Number(
        "EdgeBenchRoutingAcc",
        "edge_bench",
        "variants[recommended].routing_accuracy",
        _variant("recommended", "routing_accuracy"),
        "pct",
        "routing accuracy of the recommended variant",
    ),
    Number(
        "EdgeBenchAgreement",
        "edge_bench",
        "variants[recommended].agreement.rate",
        _variant("recommended", "agreement", "rate"),
        "pct1",
        "teacher-forced next-token agreement with fp32",
    ),
]
