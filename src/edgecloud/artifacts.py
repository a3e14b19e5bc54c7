"""Every file and folder a stage writes, declared once: its key, its stage, its path pattern, its kind.

A report's name used to be spelled by its writer, by the stage table, by the key numbers and, as a
regex, by the run report; renaming one touched eight files. Here each artifact is one line:

    Artifact("eval", "04_eval", "reports/eval_{run}.json", "report", label=...)

and everything else asks for it by key: `path("eval", params)` is where 04_eval writes it, where the
numbers and the run report read it, and what the runner checks before a stage that reads it. A
pattern is relative to its `base` (`run`: outputs/<run>/, `figures`: figures/<run>/, `models`:
outputs/<...>/models/, `thesis`: the folder `publish.thesis_dir`); `{run}` and `{model}` come from the
params (`run_name`, `model.name`), other placeholders (`{stage}`, `{variant}`) from the caller, and
`*` stands for any name (checkpoints). A figure is a stem saved as .pdf and .png, a table a stem
saved as .tex and .md (`publish.save_figure` / `save_table`); a folder's pattern ends with `/`.

What a stage reads is declared here too (`READS`): the required reads are what the runner and an
opened notebook check, and their stages are the stage's upstream; the optional ones (what 08_publish
and the run report show when present) never stop a stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from edgecloud import paths

if TYPE_CHECKING:
    from edgecloud.params import Params

KINDS = ("report", "log", "data", "figure", "table", "image", "folder")
SUFFIXES = {"figure": (".pdf", ".png"), "table": (".tex", ".md")}
RUNNER = "run"  # the writer of what no single stage writes: the manifest, executed notebooks, the run report
# How the README's pipeline table writes each base (the table's header says `outputs/<run>/` for `run`).
BASE_SHOWN = {"run": "", "figures": "figures/<run>/", "models": "outputs/models/", "thesis": "<publish.thesis_dir>/"}


@dataclass(frozen=True)
class Artifact:
    key: str
    stage: str  # the stage that writes it (RUNNER for the runner)
    pattern: str  # relative to `base`; {placeholders}; `*` any name; a trailing `/` for a folder
    kind: str  # one of KINDS
    base: str = "run"  # run | figures | models | thesis
    always: bool = True  # every finished run of the stage writes it (False: only some params do)
    evidence: bool = False  # its presence shows that the stage ran (the run report's "not run" check)
    label: str = ""  # how the run report's artifact index names it (zh + en)

    def __post_init__(self):
        if self.kind not in KINDS or self.base not in BASE_SHOWN:
            raise ValueError(f"artifact {self.key}: kind {self.kind!r} / base {self.base!r} unknown")

    @property
    def placeholders(self) -> set[str]:
        return set(re.findall(r"\{(\w+)\}", self.pattern))

    def suffixes(self) -> tuple[str, ...]:
        """The files one artifact is: a figure or table stem gives two, anything else one ("")."""
        return SUFFIXES.get(self.kind, ("",))


def _a(key, stage, pattern, kind, **kw) -> Artifact:
    return Artifact(key, stage, pattern, kind, **kw)


def _figs(stage: str, figures: str = "", tables: str = "", **kw) -> list[Artifact]:
    """The figures and tables of a stage's notebook, by stem (the stem starts with the stage's number)."""
    return [_a(f"fig_{s}", stage, s, "figure", base="figures", label="图 figure", **kw) for s in figures.split()] + [
        _a(f"tab_{s}", stage, s, "table", base="figures", label="表 table", **kw) for s in tables.split()
    ]


_LIST: list[Artifact] = [
    # 01_convert
    _a("train_split", "01_convert", "data/train.jsonl", "data", evidence=True, label="训练集 train split"),
    _a("valid_split", "01_convert", "data/valid.jsonl", "data", evidence=True, label="验证集 valid split"),
    _a("test_split", "01_convert", "data/test.jsonl", "data", evidence=True, label="测试集 test split"),
    _a("rejects", "01_convert", "data/rejects.jsonl", "data", label="拒绝记录 rejected records"),
    _a(
        "data_check",
        "01_convert",
        "reports/edge_swift_data_check.json",
        "report",
        evidence=True,
        label="数据转换校验 data check",
    ),
    *_figs("01_convert", figures="01_categories 01_lengths", tables="01_split 01_categories"),
    # 02_prepare
    _a("model_dir", "02_prepare", "{model}/", "folder", base="models", label="转换后的基座模型 converted base model"),
    _a(
        "model",
        "02_prepare",
        "reports/model_prepare_{model}.json",
        "report",
        evidence=True,
        label="模型准备报告 model preparation",
    ),
    *_figs("02_prepare", tables="02_model"),
    # 03_train
    _a("checkpoints", "03_train", "train/checkpoint-*/", "folder", label="LoRA 检查点 LoRA adapters"),
    _a("train_log", "03_train", "reports/swift_train_{run}.log", "log", label="训练日志 training log"),
    _a(
        "train",
        "03_train",
        "reports/swift_train_{run}_summary.json",
        "report",
        evidence=True,
        label="训练摘要 training summary",
    ),
    _a("train_md", "03_train", "reports/swift_train_{run}_summary.md", "report", label="训练摘要 training summary"),
    _a(
        "train_command",
        "03_train",
        "reports/swift_train_{run}_command.txt",
        "report",
        label="训练命令 training command",
    ),
    _a("preflight", "03_train", "reports/train_preflight_{run}.json", "report", label="训练前检查 preflight"),
    _a(
        "calibration",
        "03_train",
        "reports/routing_calibration_{run}.json",
        "report",
        evidence=True,
        label="路由校准 routing calibration",
    ),
    *_figs("03_train", figures="03_training_curves", tables="03_train 03_routing_checkpoints"),
    # 04_eval
    _a(
        "predictions_base",
        "04_eval",
        "eval/predictions_base.jsonl",
        "data",
        label="基座模型预测 base-model predictions",
    ),
    _a(
        "predictions_finetuned",
        "04_eval",
        "eval/predictions_finetuned.jsonl",
        "data",
        label="微调模型预测 fine-tuned predictions",
    ),
    _a(
        "predictions_heldout",
        "04_eval",
        "eval/predictions_heldout.jsonl",
        "data",
        always=False,
        label="评测 evaluation",
    ),
    _a("eval", "04_eval", "reports/eval_{run}.json", "report", evidence=True, label="评测报告 evaluation report"),
    *_figs("04_eval", figures="04_confusion 04_tradeoff", tables="04_routers"),
    *_figs("04_eval", figures="04_roc 04_cost_quality 04_score_distribution", tables="04_heldout", always=False),
    # 05_deploy (06_e2e starts the same stack, and writes its logs and command again)
    _a("deploy_log", "05_deploy", "reports/swift_deploy_{run}.log", "log", always=False, label="部署日志 deploy log"),
    _a(
        "deploy_cloud_log",
        "05_deploy",
        "reports/swift_deploy_{run}_cloud.log",
        "log",
        always=False,
        label="云端部署日志 cloud deploy log",
    ),
    _a(
        "edge_server_log",
        "05_deploy",
        "reports/edge_server_{run}_{variant}.log",
        "log",
        always=False,
        label="端侧变体服务日志 edge-variant server log",
    ),
    _a(
        "edge_replica_log",
        "05_deploy",
        "reports/edge_replica_{run}_{replica}.log",
        "log",
        always=False,
        label="端侧副本日志 edge replica log",
    ),
    _a("gateway_log", "05_deploy", "reports/edge_gateway_{run}.log", "log", label="网关日志 gateway log"),
    _a(
        "deploy_command",
        "05_deploy",
        "reports/swift_deploy_{run}_command.txt",
        "report",
        label="部署命令 deploy commands",
    ),
    _a(
        "deploy",
        "05_deploy",
        "reports/edge_gateway_smoke_{run}.json",
        "report",
        evidence=True,
        label="网关冒烟 gateway smoke test",
    ),
    _a("deploy_md", "05_deploy", "reports/edge_gateway_smoke_{run}.md", "report", label="网关冒烟 gateway smoke test"),
    _a("gateway_config", "05_deploy", "deploy/gateway.json", "data", label="网关配置 gateway config"),
    _a("edge_model_view", "05_deploy", "deploy/edge_model/", "folder", always=False, label="部署 deployment"),
    *_figs("05_deploy", tables="05_gateway_smoke"),
    # 06_e2e
    _a(
        "e2e",
        "06_e2e",
        "reports/client_web_e2e_{run}.json",
        "report",
        evidence=True,
        label="客户端联测 client end-to-end test",
    ),
    _a("e2e_md", "06_e2e", "reports/client_web_e2e_{run}.md", "report", label="客户端联测 client end-to-end test"),
    *_figs("06_e2e", figures="06_latency", tables="06_e2e 06_e2e_cases"),
    _a("web_screenshot", "06_e2e", "06_web_client.png", "image", base="figures", always=False, label="图 figure"),
    # 07_edge_bench
    _a("edge_merged", "07_edge_bench", "edge/merged/", "folder", label="合并后的模型 merged model"),
    _a("edge_variant", "07_edge_bench", "edge/variants/{variant}/", "folder", label="端侧变体 edge variant"),
    _a(
        "edge_bench",
        "07_edge_bench",
        "reports/edge_bench_{run}.json",
        "report",
        evidence=True,
        label="端侧变体基准 edge-variant benchmark",
    ),
    _a(
        "edge_bench_log",
        "07_edge_bench",
        "reports/edge_bench_{run}.log",
        "log",
        label="端侧变体基准 edge-variant benchmark",
    ),
    *_figs("07_edge_bench", figures="07_speed_quality", tables="07_edge_variants"),
    # 08_publish
    _a("numbers_tex", "08_publish", "edge_numbers.tex", "report", base="figures", label="论文数字宏 number macros"),
    _a("numbers_json", "08_publish", "edge_numbers.json", "report", base="figures", label="论文数字宏 number macros"),
    _a("thesis_dir", "08_publish", "", "folder", base="thesis", label="论文 thesis"),
    _a(
        "docx_source",
        "08_publish",
        "docx_source.md",
        "report",
        base="thesis",
        always=False,
        label="Word 版源稿 Word source",
    ),
    _a(
        "thesis_docx",
        "08_publish",
        "build/thesis.docx",
        "report",
        base="thesis",
        always=False,
        label="Word 版论文 Word thesis",
    ),
    _a(
        "thesis_sync",
        "08_publish",
        "reports/thesis_sync_{run}.json",
        "report",
        evidence=True,
        label="论文同步记录 thesis sync record",
    ),
    _a(
        "thesis_sync_md",
        "08_publish",
        "reports/thesis_sync_{run}.md",
        "report",
        label="论文同步记录 thesis sync record",
    ),
    # the runner, around and after the stages
    _a("manifest", RUNNER, "run_manifest.json", "report", label="运行清单 run manifest"),
    _a("stage_notebook", RUNNER, "notebooks/{stage}.ipynb", "report", label="执行后的笔记本 executed notebook"),
    _a("stage_log", RUNNER, "logs/{stage}.log", "log", label="阶段输出 stage log"),
    _a("summary_md", RUNNER, "reports/summary_{run}.md", "report", label="运行报告 run report"),
    _a("summary_html", RUNNER, "reports/summary_{run}.html", "report", label="运行报告 run report"),
]
ARTIFACTS: dict[str, Artifact] = {a.key: a for a in _LIST}  # the registry; everything below reads this
assert len(ARTIFACTS) == len(_LIST), "artifact keys must be unique"

# The reports the key numbers (number_sources.NUMBERS) and the run report's sections read, by key.
REPORTS = (
    "manifest",
    "data_check",
    "model",
    "preflight",
    "train",
    "eval",
    "calibration",
    "deploy",
    "e2e",
    "edge_bench",
)

# What each stage reads: (required, optional). A required read missing stops the stage; its stage is upstream.
_MODEL = ("model",)  # 02_prepare's report names the converted model's folder (prepare.prepared_model_dir)
_ADAPTER = ("calibration", "train")  # the deployed checkpoint (model.best_adapter): the calibration's, else the best
READS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "01_convert": ((), ()),
    "02_prepare": ((), ()),
    "03_train": (("train_split", "valid_split", *_MODEL), ()),
    "04_eval": (("test_split", "train_split", "valid_split", *_MODEL, *_ADAPTER), ()),
    "05_deploy": ((*_MODEL, *_ADAPTER), ()),
    "06_e2e": ((*_MODEL, *_ADAPTER), ()),
    "07_edge_bench": (("test_split", *_MODEL, *_ADAPTER), ()),
    # publishing a partial run is allowed: a report whose stage has not run shows as ?? (numbers.MISSING_TEX)
    "08_publish": (
        ("data_check",),
        tuple(k for k in REPORTS if k != "data_check")
        + tuple(a.key for a in _LIST if a.base == "figures" and a.stage != "08_publish"),
    ),
}


def get(key: str) -> Artifact:
    if key not in ARTIFACTS:
        raise KeyError(f"unknown artifact {key!r}")
    return ARTIFACTS[key]


def _values(params: "Params | str", values: dict[str, str]) -> dict[str, str]:
    if isinstance(params, str):
        return {"run": params, **values}
    return {"run": params.run_name, "model": params.model.name, **values}


def _base_dir(a: Artifact, params: "Params | str") -> Path:
    run = params if isinstance(params, str) else params.run_name
    if a.base == "run":
        return paths.RunDirs(run).root
    if a.base == "figures":
        return paths.RunDirs(run).figures
    if a.base == "models":
        return paths.MODELS_DIR
    if isinstance(params, str):
        raise ValueError(f"artifact {a.key} lives in publish.thesis_dir: give the params, not a run name")
    return paths.resolve(params.publish.thesis_dir)


def path(key: str, params: "Params | str", **values: str) -> Path:
    """Where artifact `key` of this run is (a figure or table: its stem, without suffix)."""
    a = get(key)
    try:
        name = a.pattern.format(**_values(params, values))
    except KeyError as exc:
        raise ValueError(f"artifact {key} ({a.pattern}) needs a value for {exc.args[0]}") from None
    return _base_dir(a, params) / name if name else _base_dir(a, params)


def files(key: str, params: "Params | str", **values: str) -> list[Path]:
    """The file(s) artifact `key` is: a figure's .pdf and .png, a table's .tex and .md, else its one path."""
    p = path(key, params, **values)
    return [p.with_name(p.name + s) if s else p for s in get(key).suffixes()]


def stem(key: str, params: "Params | str") -> tuple[Path, str]:
    """(folder, stem) of a figure or table, the arguments `publish.save_figure` / `save_table` take."""
    p = path(key, params)
    return p.parent, p.name


def products(stage: str) -> list[Artifact]:
    """Everything `stage` writes, in declaration order."""
    return [a for a in ARTIFACTS.values() if a.stage == stage]


def _concrete(a: Artifact) -> bool:
    """A file (not a folder, no wildcard) named by the params alone, inside the run's own folders."""
    return (
        a.base in ("run", "figures")
        and a.kind != "folder"
        and "*" not in a.pattern
        and a.placeholders <= {"run", "model"}
    )


def product_files(stage: str, params: "Params") -> list[Path]:
    """The files every finished run of `stage` leaves in the run's folders (its products, as the runner knows them)."""
    return [f for a in products(stage) if a.always and _concrete(a) for f in files(a.key, params)]


def evidence(stage: str, params: "Params") -> list[Path]:
    """The files whose presence shows that `stage` ran (its main reports and, for 01_convert, the split)."""
    return [f for a in products(stage) if a.evidence for f in files(a.key, params)]


def reads(stage: str, optional: bool = False) -> list[Artifact]:
    """What `stage` reads that other stages write: the required reads, or (optional=True) the optional ones."""
    required, extra = READS.get(stage, ((), ()))
    return [get(k) for k in (extra if optional else required)]


def upstream(stage: str) -> tuple[str, ...]:
    """The stages whose products `stage` needs (the writers of its required reads), in pipeline order."""
    writers = {a.stage for a in reads(stage)}
    return tuple(s for s in READS if s in writers)


def _regex(a: Artifact, values: dict[str, str]) -> re.Pattern[str]:
    """The artifact's pattern as a regex over paths relative to its base; a folder matches what is inside."""
    out = ""
    for part in re.split(r"(\{\w+\}|\*)", a.pattern.rstrip("/")):
        name = part[1:-1] if part.startswith("{") else None
        if name in values:
            out += re.escape(values[name])
        elif name:
            out += f"(?P<{name}>[^/]+)"
        else:
            out += "[^/]*" if part == "*" else re.escape(part)
    if a.kind in SUFFIXES:
        out += "(" + "|".join(re.escape(s) for s in a.suffixes()) + ")"
    return re.compile(out + ("(/.*)?" if a.kind == "folder" else "") + r"\Z")


def match(relpath: str, base: str, params: "Params | str") -> tuple[Artifact, dict[str, str]] | None:
    """The artifact a file of this run is (by its path relative to `base`), with the placeholder values
    the name held (`stage` of an executed notebook), or None for a file the registry does not name."""
    values = _values(params, {})
    for a in ARTIFACTS.values():
        if a.base == base:
            m = _regex(a, values).match(relpath)
            if m:
                return a, {k: v for k, v in m.groupdict().items() if v is not None}
    return None


def shown(a: Artifact) -> list[str]:
    """How the README's pipeline table writes the artifact: one entry per file, placeholders as <name>."""
    stem = BASE_SHOWN[a.base] + re.sub(r"\{(\w+)\}", r"<\1>", a.pattern)
    return [stem + s for s in a.suffixes()]
