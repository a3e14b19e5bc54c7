"""The run's key numbers as LaTeX macros and JSON, read from the stage reports.

The abstract and the conclusion cite numbers such as the best eval loss; typed by hand they drift
from the run the moment it is repeated. Here each number is read from the report a stage wrote,
formatted once, and written twice: `edge_numbers.tex` (one `\\newcommand` per number, with a comment
naming the report and key it comes from) and `edge_numbers.json` (the same text plus the raw value),
so LaTeX, Markdown and the summary report all show the same digits. A number whose report is
missing (its stage has not run) is written as a visible `??` and marked missing, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from edgecloud import artifacts
from edgecloud.jsonio import read_json, write_json
from edgecloud.params import Params
from edgecloud.paths import rel

MISSING_TEX = r"\textbf{??}"
MACRO_NAME = re.compile(r"^Edge[A-Za-z]+$")  # LaTeX control words are letters only


@dataclass(frozen=True)
class Number:
    name: str            # macro name without the backslash, letters only
    report: str          # artifact key of the report (one of artifacts.REPORTS)
    key: str             # where in the report, for the reader (also the getter's documentation)
    get: Callable[[Any], Any]
    fmt: str             # int | float1..4 | pct | pct1 | text | seconds | minutes | millions | times
    description: str


def report_paths(params: Params) -> dict[str, Path]:
    """The reports the numbers (and the summary) are read from, by artifact key (`artifacts.REPORTS`)."""
    return {key: artifacts.path(key, params) for key in artifacts.REPORTS}


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
    Number("EdgeDataTotal", "data_check", "splits.total", lambda r: r["splits"]["total"], "int", "records after conversion"),
    Number("EdgeDataTrain", "data_check", "splits.train", lambda r: r["splits"]["train"], "int", "train records"),
    Number("EdgeDataValid", "data_check", "splits.valid", lambda r: r["splits"]["valid"], "int", "validation records"),
    Number("EdgeDataTest", "data_check", "splits.test", lambda r: r["splits"]["test"], "int", "test records"),
    Number("EdgeDataRejected", "data_check", "rejected", lambda r: r["rejected"], "int", "records rejected"),
    Number("EdgeParseRate", "data_check", "parse_success_rate", lambda r: r["parse_success_rate"], "pct1",
           "parse success rate"),
    Number("EdgeBaseModel", "model", "id", lambda r: r["id"], "text", "base model"),
    Number("EdgeBaseParams", "model", "parameters", lambda r: r["parameters"], "millions", "base model parameters"),
    Number("EdgeTrainSteps", "train", "last_step", lambda r: r["last_step"], "int", "training steps run"),
    Number("EdgeBestStep", "train", "best.step", lambda r: r["best"]["step"], "int", "best checkpoint step"),
    Number("EdgeBestEvalLoss", "train", "best.eval_loss", lambda r: r["best"]["eval_loss"], "float4",
           "eval loss of the best checkpoint"),
    Number("EdgeBestEvalTokenAcc", "train", "rows[best].eval_token_acc", _best_row("eval_token_acc"), "float4",
           "eval token accuracy of the best checkpoint"),
    Number("EdgeStepZeroEvalLoss", "train", "step0_eval_loss", lambda r: r["step0_eval_loss"], "float4",
           "eval loss before training"),
    Number("EdgeEvalLossReduction", "train", "eval_loss_reduction", lambda r: r["eval_loss_reduction"], "pct",
           "eval loss reduction from step 0 to the best checkpoint"),
    Number("EdgeTrainWallMinutes", "train", "wall_time_s", lambda r: r["wall_time_s"], "minutes", "training wall time"),
    Number("EdgeTestRecords", "eval", "test_records", lambda r: r["test_records"], "int", "test records evaluated"),
    Number("EdgeTestComplex", "eval", "test_cloud", lambda r: r["test_cloud"], "int", "test records that need the cloud"),
    Number("EdgeFinetunedRoutingAcc", "eval", "routers[finetuned].accuracy", _router("finetuned", "accuracy"), "pct",
           "routing accuracy, fine-tuned"),
    Number("EdgeFinetunedForwardFscore", "eval", "routers[finetuned].f1", _router("finetuned", "f1"), "float3",
           "forward F1, fine-tuned"),
    Number("EdgeFinetunedForwardRecall", "eval", "routers[finetuned].recall", _router("finetuned", "recall"), "pct",
           "forward recall, fine-tuned"),
    Number("EdgeFinetunedRougeL", "eval", "routers[finetuned].rouge_l", _router("finetuned", "rouge_l"), "float3",
           "edge-answer ROUGE-L, fine-tuned"),
    Number("EdgeCalibratedRoutingAcc", "eval", "routers[finetuned_calibrated].accuracy",
           _router("finetuned_calibrated", "accuracy"), "pct", "routing accuracy, fine-tuned with the calibrated threshold"),
    Number("EdgeCalibratedRoutingAccLow", "eval", "routers[finetuned_calibrated].accuracy_ci[0]",
           _ci("finetuned_calibrated", "accuracy", 0), "pct", "its Wilson 95 % interval, low end"),
    Number("EdgeCalibratedRoutingAccHigh", "eval", "routers[finetuned_calibrated].accuracy_ci[1]",
           _ci("finetuned_calibrated", "accuracy", 1), "pct", "its Wilson 95 % interval, high end"),
    Number("EdgeCalibratedForwardRecall", "eval", "routers[finetuned_calibrated].recall",
           _router("finetuned_calibrated", "recall"), "pct", "forward recall, fine-tuned calibrated"),
    Number("EdgeCalibratedCloudShare", "eval", "routers[finetuned_calibrated].cloud_share",
           _router("finetuned_calibrated", "cloud_share"), "pct", "share sent to the cloud, fine-tuned calibrated"),
    Number("EdgeTfidfRoutingAcc", "eval", "routers[tfidf].accuracy", _router("tfidf", "accuracy"), "pct",
           "routing accuracy, TF-IDF + logistic regression baseline"),
    Number("EdgeRoutingAUC", "eval", "curves.finetuned.roc.auc", lambda r: r["curves"]["finetuned"]["roc"]["auc"],
           "float3", "ROC AUC of the routing score on the test split"),
    Number("EdgeHeldoutRecords", "eval", "heldout.records", lambda r: r["heldout"]["records"], "int",
           "held-out routing requests"),
    Number("EdgeHeldoutCalibratedAcc", "eval", "heldout.routers[finetuned_calibrated].accuracy",
           _held("finetuned_calibrated", "accuracy"), "pct", "held-out routing accuracy, fine-tuned calibrated"),
    Number("EdgeHeldoutCalibratedAccLow", "eval", "heldout.routers[finetuned_calibrated].accuracy_ci[0]",
           _ci("finetuned_calibrated", "accuracy", 0, "heldout"), "pct", "its Wilson 95 % interval, low end"),
    Number("EdgeHeldoutCalibratedAccHigh", "eval", "heldout.routers[finetuned_calibrated].accuracy_ci[1]",
           _ci("finetuned_calibrated", "accuracy", 1, "heldout"), "pct", "its Wilson 95 % interval, high end"),
    Number("EdgeHeldoutTfidfAcc", "eval", "heldout.routers[tfidf].accuracy", _held("tfidf", "accuracy"), "pct",
           "held-out routing accuracy, TF-IDF baseline"),
    Number("EdgeRoutingThreshold", "calibration", "threshold", lambda r: r["threshold"], "float3",
           "routing threshold chosen on the validation split"),
    Number("EdgeDeployedStep", "calibration", "step", lambda r: r["step"], "int",
           "deployed checkpoint (best validation routing)"),
    Number("EdgeBaseRoutingAcc", "eval", "routers[base_prompted].accuracy", _router("base_prompted", "accuracy"), "pct",
           "routing accuracy, base model with the routing prompt"),
    Number("EdgeBaseRougeL", "eval", "routers[base_prompted].rouge_l", _router("base_prompted", "rouge_l"), "float3",
           "edge-answer ROUGE-L, base model"),
    Number("EdgeHeuristicRoutingAcc", "eval", "routers[heuristic].accuracy", _router("heuristic", "accuracy"), "pct",
           "routing accuracy, keyword/length heuristic"),
    Number("EdgeAlwaysEdgeRoutingAcc", "eval", "routers[always_edge].accuracy", _router("always_edge", "accuracy"),
           "pct", "routing accuracy, always-edge"),
    Number("EdgeGatewayStartupSeconds", "deploy", "startup_s.stack", lambda r: r["startup_s"]["stack"], "seconds",
           "time until the whole stack was healthy"),
    Number("EdgeEndToEndCases", "e2e", "summary.cases", lambda r: r["summary"]["cases"], "int", "end-to-end cases"),
    Number("EdgeEndToEndNonEmpty", "e2e", "summary.non_empty", lambda r: r["summary"]["non_empty"], "int",
           "end-to-end non-empty replies"),
    Number("EdgeEndToEndNonEmptyRate", "e2e", "summary.non_empty_rate", lambda r: r["summary"]["non_empty_rate"],
           "pct", "end-to-end non-empty rate"),
    Number("EdgeEndToEndComplex", "e2e", "summary.complex_cases", lambda r: r["summary"]["complex_cases"], "int",
           "end-to-end complex-reasoning cases"),
    Number("EdgeEndToEndForwardHits", "e2e", "summary.complex_forward_hits",
           lambda r: r["summary"]["complex_forward_hits"], "int", "complex cases answered 转发云端 / forwarded"),
    Number("EdgeEndToEndRoutingAcc", "e2e", "summary.routing_accuracy", lambda r: r["summary"]["routing_accuracy"],
           "pct", "end-to-end routing accuracy"),
    Number("EdgeEndToEndLatencyMedianSeconds", "e2e", "summary.latency_ms.client.p50",
           lambda r: r["summary"]["latency_ms"]["client"]["p50"] / 1000, "seconds", "end-to-end p50 latency"),
    Number("EdgeBenchRecommended", "edge_bench", "variants[recommended].label",
           _variant("recommended", "label"), "text",
           "recommended edge variant (fastest meeting all four bars)"),
    Number("EdgeBenchSpeedup", "edge_bench", "variants[recommended].speedup.median",
           _variant("recommended", "speedup", "median"),
           "times", "decode speed-up of the recommended variant over PyTorch fp32"),
    Number("EdgeBenchSizeRatio", "edge_bench", "variants[recommended].size_ratio",
           _variant("recommended", "size_ratio"), "times",
           "how many times smaller on disk than PyTorch fp32"),
    Number("EdgeBenchDecodeTps", "edge_bench", "variants[recommended].decode_tps.median",
           _variant("recommended", "decode_tps", "median"), "float1", "decode tokens/s of the recommended variant"),
    Number("EdgeBenchBaselineDecodeTps", "edge_bench", "variants[baseline].decode_tps.median",
           _variant("baseline", "decode_tps", "median"), "float1", "decode tokens/s of PyTorch fp32"),
    Number("EdgeBenchRoutingAcc", "edge_bench", "variants[recommended].routing_accuracy",
           _variant("recommended", "routing_accuracy"), "pct", "routing accuracy of the recommended variant"),
    Number("EdgeBenchAgreement", "edge_bench", "variants[recommended].agreement.rate",
           _variant("recommended", "agreement", "rate"), "pct1", "teacher-forced next-token agreement with fp32"),
]


def _tex_escape(text: str) -> str:
    from edgecloud.publish.figures import latex_escape

    return latex_escape(text)


def format_value(value: Any, fmt: str) -> tuple[str, str]:
    """(display text, LaTeX text) of a value."""
    if fmt == "text":
        return str(value), _tex_escape(str(value))
    if fmt == "int":
        return f"{int(value)}", f"{int(value)}"
    if fmt.startswith("float"):
        s = f"{float(value):.{int(fmt[-1])}f}"
        return s, s
    if fmt in ("pct", "pct1"):
        digits = 1 if fmt == "pct1" else 0
        s = f"{100 * float(value):.{digits}f}"
        return f"{s}%", rf"{s}\%"
    if fmt == "times":
        s = f"{float(value):.1f}"
        return f"{s}x", rf"{s}$\times$"
    if fmt == "seconds":
        s = f"{float(value):.1f}"
        return f"{s} s", rf"{s}\,s"
    if fmt == "minutes":
        s = f"{float(value) / 60:.1f}"
        return f"{s} min", rf"{s}\,min"
    if fmt == "millions":
        s = f"{float(value) / 1e6:.1f}"
        return f"{s}M", f"{s}M"
    raise ValueError(f"unknown number format {fmt!r}")


def collect(params: Params) -> dict[str, dict[str, Any]]:
    """Every key number: value, display/LaTeX text, source report and key; missing ones say why."""
    paths = report_paths(params)
    loaded: dict[str, Any] = {}
    out: dict[str, dict[str, Any]] = {}
    for n in NUMBERS:
        if not MACRO_NAME.match(n.name):
            raise ValueError(f"{n.name!r} is not a valid macro name (letters only, starting with Edge)")
        path = paths[n.report]
        entry: dict[str, Any] = {"description": n.description, "source": rel(path), "key": n.key}
        if n.report not in loaded:
            try:
                loaded[n.report] = read_json(path) if path.is_file() else None
            except ValueError:  # a damaged report: its numbers show as missing, the summary lists it as a risk
                loaded[n.report] = None
        report = loaded[n.report]
        try:
            value = n.get(report) if report is not None else None
        except (KeyError, StopIteration, TypeError, IndexError):
            value = None
        if value is None:
            why = ("report missing or unreadable" if report is None
                   else f"key {n.key} missing or empty in the report")
            entry.update(value=None, text=None, tex=MISSING_TEX, missing=why)
        else:
            text, tex = format_value(value, n.fmt)
            entry.update(value=value, text=text, tex=tex, missing=None)
        out[n.name] = entry
    return out


def numbers_table(numbers: dict[str, dict[str, Any]]) -> Any:
    """The 08 notebook's table of the key numbers (`collect`): macro, value (?? and why when missing),
    description, source report."""
    import pandas as pd

    return pd.DataFrame([{"macro": f"\\{k}", "value": v["text"] or "?? (" + v["missing"] + ")",
                          "description": v["description"], "source": v["source"]} for k, v in numbers.items()])


def render_tex(numbers: dict[str, dict[str, Any]], header: str) -> str:
    lines = [f"% {line}" for line in header.splitlines()]
    for name, e in numbers.items():
        note = f"missing: {e['missing']} ({e['source']})" if e["missing"] else f"{e['source']} : {e['key']}"
        lines.append(f"\\newcommand{{\\{name}}}{{{e['tex']}}} % {e['description']}; {note}")
    return "\n".join(lines) + "\n"


def parse_tex(text: str) -> dict[str, str]:
    """Macro name -> LaTeX body of a generated file (what the tests compare with the JSON)."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^\\newcommand\{\\([A-Za-z]+)\}\{(.*)\} % ", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def write_numbers(params: Params, out_dir: Path | None = None) -> dict[str, Path]:
    """Write edge_numbers.tex and edge_numbers.json into figures/<run>/ (or out_dir)."""
    paths = {"tex": artifacts.path("numbers_tex", params), "json": artifacts.path("numbers_json", params)}
    if out_dir is not None:
        paths = {k: out_dir / p.name for k, p in paths.items()}
    paths["tex"].parent.mkdir(parents=True, exist_ok=True)
    numbers = collect(params)
    header = (f"Key numbers of run '{params.run_name}', generated by edgecloud from the stage reports.\n"
              "Do not edit: every run rewrites this file. Each line names the report and key of its number;\n"
              f"a number shown as ?? has no report yet (its stage has not run). {len(numbers)} macros.")
    paths["tex"].write_text(render_tex(numbers, header), encoding="utf-8")
    # no timestamp: re-writing the same numbers gives the same bytes, so publishing stays idempotent
    write_json(paths["json"], {"run_name": params.run_name, "params_sha256": params.sha256(), "numbers": numbers})
    return paths
