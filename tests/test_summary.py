"""The run summary (summary.py): tables equal the reports, the index lists only real files, risks fire
on their condition only, missing reports say which stage to run, and the HTML holds the summary and
every executed notebook. Each test writes real report JSONs, shaped like the default run's, into a
throw-away run folder (the `run_name` fixture removes outputs/<run> and figures/<run>)."""

from __future__ import annotations

import base64
import copy
import re
import shutil

import nbformat
import pytest

from edgecloud.jsonio import write_json
from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs, rel, resolve
from edgecloud.publish.numbers import collect, report_paths
from edgecloud.publish.summary import risks, write_summary
from edgecloud.publish.summary_html import write_html
from edgecloud.stages import STAGES

PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
METRIC_STAGES = ["01_convert", "02_prepare", "03_train", "04_eval", "05_deploy", "06_e2e"]  # a table each
N = len(STAGES)


def _router(name, label, acc, p, r, f1, share, rouge, p50=None, p95=None):
    return {
        "router": name,
        "label": label,
        "n": 10,
        "accuracy": acc,
        "precision": p,
        "recall": r,
        "f1": f1,
        "cloud_share": share,
        "rouge_l": rouge,
        "char_f1": None,
        "non_empty_rate": None,
        "p50_s": p50,
        "p95_s": p95,
        "tokens_per_s": None,
    }


def _case(i, category, expected, tier, non_empty=True, status="ok"):
    return {
        "id": f"e2e-{i:02d}",
        "lang": "zh",
        "category": category,
        "expected_tier": expected,
        "edge_decision": "forward" if tier == "cloud" else "answer",
        "tier": tier,
        "status": status,
        "latency_ms_client": 1000.0 * i,
        "latency_ms_gateway": 1000.0 * i - 2,
        "routed_ok": expected == tier,
        "non_empty": non_empty,
    }


def make_reports(params) -> dict[str, dict]:
    """One report per stage, with the keys and nesting of outputs/default/reports/ (trimmed lists)."""
    run, sha = params.run_name, params.sha256()
    ckpt = f"outputs/{run}/train/checkpoint-2"
    cases = [
        _case(1, "device_control", "edge", "edge"),
        _case(2, "translation", "edge", "edge"),
        _case(3, "lookup", "edge", "edge"),
        _case(4, "proof_derivation", "cloud", "cloud"),
    ]
    return {
        "manifest": {
            "run_name": run,
            "params_file": "params/smoke.yaml",
            "params": params.to_dict(),
            "params_sha256": sha,
            "started_utc": "2026-11-26T10:00:00+00:00",
            "ended_utc": "2026-11-26T10:30:00+00:00",
            "status": "ok",
            "stages": {
                n: {
                    "status": "ok",
                    "start_utc": f"2026-11-26T10:0{i}:00+00:00",
                    "notebook": f"outputs/{run}/notebooks/{n}.ipynb",
                    "log": f"outputs/{run}/logs/{n}.log",
                    "end_utc": f"2026-11-26T10:0{i}:30+00:00",
                    "duration_s": 30.0 + i,
                }
                for i, n in enumerate(s.name for s in STAGES)
            },
        },
        "data_check": {
            "dataset_name": "edge_swift_smoke",
            "run_name": run,
            "params_sha256": sha,
            "read": 61,
            "accepted": 60,
            "rejected": 1,
            "parse_success_rate": 60 / 61,
            "rejects_by_reason": {"duplicate": 1},
            "splits": {"train": 40, "valid": 10, "test": 10, "total": 60},
            "by_label": {"edge": 48, "cloud": 12},
            "stratification": [
                {
                    "category": "arithmetic",
                    "needs_cloud": False,
                    "train_target": 6,
                    "valid_target": 1,
                    "test_target": 1,
                    "train": 6,
                    "valid": 1,
                    "test": 1,
                }
            ],
            "outputs": {"rejects": f"outputs/{run}/data/rejects.jsonl"},
        },
        "model": {
            "model_name": params.model.name,
            "source": "embedded",
            "id": "SmolLM2-135M-Instruct",
            "parameters": 134515008,
            "dtype": "float32",
            "size_on_disk_bytes": 541615294,
            "device": "cpu",
            "smoke": {"tokens_per_s": 14.7},
            "params_sha256": sha,
        },
        "preflight": {
            "ok": True,
            "problems": [],
            "max_length": 256,
            "over_max_length": {"train": 0, "valid": 0},
            "over_max_length_ids": {"train": [], "valid": []},
            "min_free_disk_gb": 1.0,
        },
        "train": {
            "run_name": run,
            "action": "trained",
            "completed": True,
            "max_steps": 4,
            "last_step": 4,
            "rows": [
                {"step": 0, "train_loss": None, "eval_loss": 2.06559896, "eval_token_acc": 0.60869565},
                {"step": 2, "train_loss": 1.08265057, "eval_loss": 1.15743446, "eval_token_acc": 0.74589372},
                {"step": 4, "train_loss": 0.81063089, "eval_loss": 1.17080152, "eval_token_acc": 0.75169082},
            ],
            "step0_eval_loss": 2.06559896,
            "best": {"step": 2, "eval_loss": 1.15743446, "reason": "lowest eval loss", "checkpoint": ckpt},
            "checkpoints": {"2": ckpt, "4": f"outputs/{run}/train/checkpoint-4"},
            "wall_time_s": 120.0,
            "command": "python -m swift.cli.sft --use_cpu true",
            "disk_free_min_gb": 71.2,
            "disk_low": False,
            "skipped_log_lines": [],
            "params_sha256": sha,
            "eval_loss_reduction": 0.4397,
        },
        "eval": {
            "run_name": run,
            "test_records": 10,
            "test_cloud": 2,
            "adapter": ckpt,
            "device": "cpu",
            "routers": [
                _router("always_edge", "始终端侧 always-edge", 0.8, 0.0, 0.0, 0.0, 0.0, 0.1036),
                _router("always_cloud", "始终云端 always-cloud", 0.2, 0.2, 1.0, 0.3333, 1.0, None),
                _router("heuristic", "关键词/长度 heuristic", 0.6, 0.0, 0.0, 0.0, 0.3, 0.1071),
                _router(
                    "base_prompted", "基座+路由提示 base + prompt", 0.7, 0.0, 0.0, 0.0, 0.1, 0.1024, 4.02835, 7.58708
                ),
                _router("finetuned", "LoRA 微调 fine-tuned", 0.9, 0.6667, 1.0, 0.8, 0.3, 0.3756, 1.81175, 12.00501),
            ],
            "params_sha256": sha,
        },
        "deploy": {
            "run_name": run,
            "ok": True,
            "problems": [],
            "cloud": {"mode": "local_standin", "label": "本地云端替身"},
            "health": [{"part": "gateway", "ok": True, "detail": "HTTP 200, status ok"}],
            "requests": [
                {
                    "name": "edge",
                    "label": "简单请求 edge request",
                    "http_status": 200,
                    "tier": "edge",
                    "latency_s": 1.5,
                    "ok": True,
                    "problem": None,
                }
            ],
            "startup_s": {"stack": 12.9},
            "params_sha256": sha,
        },
        "e2e": {
            "run_name": run,
            "path": "backend API (/api/chat)",
            "summary": {
                "cases": 4,
                "non_empty": 4,
                "non_empty_rate": 1.0,
                "errors": 0,
                "complex_cases": 1,
                "complex_forward_hits": 1,
                "routing_correct": 4,
                "routing_accuracy": 1.0,
                "status": {"ok": 4},
                "latency_ms": {"client": {"n": 4, "p50": 2500.4, "p95": 3900.6, "max": 4000.0}},
                "per_case": cases,
            },
            "results": copy.deepcopy(cases),
            "browser": {"ok": True, "cases": [], "console_errors": []},
        },
    }


def write_run(params, reports: dict[str, dict]) -> None:
    paths = report_paths(params)
    for name, obj in reports.items():
        write_json(paths[name], obj)


@pytest.fixture
def params(run_name):
    return load_params("params/smoke.yaml", [f"run_name={run_name}"])


@pytest.fixture
def full_run(params):
    reports = make_reports(params)
    write_run(params, reports)
    return params, reports


def section(md: str, title: str) -> str:
    """The text of one `## title` section."""
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", md, flags=re.M | re.S)
    assert m, f"section {title} missing"
    return m.group(1)


def table_row(md: str, first_cell: str) -> list[str]:
    m = re.search(rf"^\| {re.escape(first_cell)} \|(.*)\|$", md, flags=re.M)
    assert m, f"no table row starting with {first_cell!r}"
    return [c.strip() for c in m.group(1).split("|")]


def titles(risk_list: list[dict]) -> list[str]:
    return [r["risk"] for r in risk_list]


def has_risk(risk_list: list[dict], words: str) -> bool:
    return any(words in r["risk"] for r in risk_list)


# ---------------------------------------------------------------------------------------------


def test_tables_show_the_report_values(full_run):
    params, rep = full_run
    md = write_summary(params).read_text(encoding="utf-8")
    assert md.startswith(f"# 端侧训练联测整理（{params.run_name}，2026-11-26）")

    sp = rep["data_check"]["splits"]
    for key in ("train", "valid", "test"):
        assert table_row(md, key) == [str(sp[key])]
    assert table_row(md, "总计") == [str(sp["total"])]
    assert table_row(md, "解析成功率") == [f"{100 * 60 / 61:.1f}%"]

    for r in rep["train"]["rows"]:
        best = r["step"] == rep["train"]["best"]["step"]
        cells = table_row(md, f"step {r['step']}" + (" (best)" if best else ""))
        tl = "-" if r["train_loss"] is None else f"{r['train_loss']:.4f}"
        el, acc = f"{r['eval_loss']:.4f}", f"{r['eval_token_acc']:.4f}"
        assert cells == [tl, f"**{el}**" if best else el, f"**{acc}**" if best else acc]

    for r in rep["eval"]["routers"]:  # the thesis' 04_routers table (no intervals in these fixture reports)
        cells = table_row(md, r["label"])
        acc = f"{100 * r['accuracy']:.1f}%"
        assert cells[0] == (f"**{acc}**" if r["router"] == "finetuned" else acc)  # the highest is bold
        assert cells[1:3] == [f"{r['precision']:.2f}", f"{100 * r['recall']:.1f}%"]
        assert cells[3] == "-"  # fp / tn not in the fixture: shown as missing, not a crash
        assert cells[4] == f"{100 * r['cloud_share']:.1f}%"
        assert cells[5] == ("-" if r["rouge_l"] is None else f"{r['rouge_l']:.3f}")
        assert cells[8] == ("-" if r["p50_s"] is None else f"{r['p50_s']:.2f}")

    s = rep["e2e"]["summary"]
    assert table_row(md, "总用例") == [str(s["cases"])]
    assert table_row(md, "非空回复") == [str(s["non_empty"])]
    assert table_row(md, "复杂推理“转发云端”命中") == [str(s["complex_forward_hits"])]
    assert table_row(md, "客户端延迟 p50 / p95 (ms)") == ["2500 / 3901"]


def test_conclusions_use_the_thesis_numbers(full_run):
    params, rep = full_run
    md = write_summary(params).read_text(encoding="utf-8")
    conclusions = section(md, "本次结论")
    numbers = collect(params)
    for name in ("EdgeBestEvalLoss", "EdgeBestEvalTokenAcc", "EdgeFinetunedRoutingAcc", "EdgeEndToEndRoutingAcc"):
        assert numbers[name]["text"] in conclusions, name
    assert "`checkpoint-2`" in conclusions
    assert "高于最佳基线 始终端侧 always-edge（80%）" in conclusions  # 90% vs the best baseline's 80%
    assert f"{N}/{N} 个阶段" in conclusions
    assert "复杂推理场景“转发云端”语义命中 1/1" in conclusions
    assert "## 最佳检查点" in md and f"`{rep['train']['best']['checkpoint']}`" in section(md, "最佳检查点")


def test_conclusions_say_plainly_when_fine_tuning_did_not_help(params):
    reports = make_reports(params)
    reports["train"]["eval_loss_reduction"] = -0.0013
    next(r for r in reports["eval"]["routers"] if r["router"] == "finetuned")["accuracy"] = 0.5
    reports["e2e"]["summary"]["complex_forward_hits"] = 0
    write_run(params, reports)
    conclusions = section(write_summary(params).read_text(encoding="utf-8"), "本次结论")
    assert "**未下降 not reduced**（上升 0.1%）" in conclusions
    assert "50%，**低于**最佳基线 始终端侧 always-edge（80%）" in conclusions
    assert "“转发云端”语义命中 **0/1**" in conclusions
    assert has_risk(risks(params), "微调路由未超过最佳基线")


def test_index_lists_only_files_that_exist(full_run):
    params, _ = full_run
    d = RunDirs(params.run_name).ensure()
    kept = [
        d.data / "train.jsonl",
        d.logs / "03_train.log",
        d.figures / "03_training_curves.png",
        d.root / "eval" / "predictions_finetuned.jsonl",
    ]
    gone = d.figures / "04_confusion.png"
    for p in [*kept, gone]:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    gone.unlink()
    write_summary(params)  # a second summary must not index the first one
    md = write_summary(params).read_text(encoding="utf-8")
    index = section(md, "产物索引")
    for p in kept:
        assert f"`{rel(p)}`" in index
    assert rel(gone) not in md
    listed = re.findall(r"`((?:outputs|figures)/[^`]+)` \(", index)
    assert listed and all(resolve(p).is_file() for p in listed)
    assert f"`{rel(d.reports / f'summary_{params.run_name}.md')}` (" not in index
    assert "### 03_train 训练" in index and "### 01_convert 数据转换" in index  # grouped by stage


def test_missing_reports_name_the_stage_to_run(params):
    RunDirs(params.run_name).ensure()
    md = write_summary(params).read_text(encoding="utf-8")
    metrics = section(md, "关键指标")
    for stage in METRIC_STAGES:
        assert f"--only {stage}`" in metrics, stage
    assert "尚无报告" in section(md, "最佳检查点")
    assert "未同步 not published yet" in section(md, "论文同步状态")
    assert "python -m edgecloud publish --params params/<profile>.yaml" in md  # no manifest names the file
    assert f"只完成了 0/{N} 个阶段" in section(md, "本次结论")
    found = risks(params)
    assert has_risk(found, "没有运行清单") and has_risk(found, "阶段未运行")


@pytest.mark.parametrize("content", ["{}", "[1, 2]", "{not json"])
def test_reports_without_the_expected_keys_do_not_break_the_summary(params, content):
    for path in report_paths(params).values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    md = write_summary(params).read_text(encoding="utf-8")
    for title in ("本次结论", "关键指标", "最佳检查点", "产物索引", "论文同步状态", "风险与备注"):
        assert f"\n## {title}\n" in md
    if content != "{}":
        assert has_risk(risks(params), "报告无法读取")


def test_baseline_run_has_none_of_the_conditional_risks(full_run):
    params, _ = full_run
    found = titles(risks(params))
    for words in (
        "磁盘空间不足",
        "超过 max_length",
        "阶段失败",
        "云端未配置",
        "训练未完成",
        "联测路由错误",
        "联测空回复",
        "网关冒烟问题",
        "分层抽样不足",
        "阶段在运行清单中无记录",
        "不同参数",
    ):
        assert not any(words in t for t in found), (words, found)
    assert has_risk(risks(params), "转换时拒绝了记录")  # the fixture rejects one duplicate


@pytest.mark.parametrize(
    "change, words, detail",
    [
        (lambda r: r["train"].update(disk_low=True, disk_free_min_gb=0.4), "磁盘空间不足", "0.4 GiB"),
        (
            lambda r: r["preflight"].update(
                over_max_length={"train": 3, "valid": 0}, over_max_length_ids={"train": ["r1", "r2", "r3"], "valid": []}
            ),
            "超过 max_length",
            "3 条超过 train.max_length=256",
        ),
        (
            lambda r: r["manifest"]["stages"]["03_train"].update(
                status="failed", error={"cell": 7, "ename": "RuntimeError", "evalue": "CUDA out of memory"}
            ),
            "阶段失败 stage failed: 03_train",
            "RuntimeError: CUDA out of memory",
        ),
        (
            lambda r: (
                r["manifest"]["params"]["deploy"]["cloud"].update(mode="none"),
                r["e2e"]["summary"].update(status={"ok": 3, "cloud_not_configured": 1}),
            ),
            "云端未配置",
            "1 条回复状态为 cloud_not_configured",
        ),
        (lambda r: r["train"].update(completed=False, last_step=2), "训练未完成", "2/4"),
        (lambda r: r["data_check"]["stratification"][0].update(valid=0), "分层抽样不足", "arithmetic valid 0/1"),
        (lambda r: r["e2e"]["summary"]["per_case"][1].update(tier="cloud", routed_ok=False), "联测路由错误", "e2e-02"),
        (lambda r: r["deploy"].update(ok=False, problems=["edge is not healthy: timeout"]), "网关冒烟问题", "timeout"),
    ],
)
def test_risk_fires_when_its_condition_holds(params, change, words, detail):
    reports = make_reports(params)
    change(reports)
    write_run(params, reports)
    hit = [r for r in risks(params) if words in r["risk"]]
    assert hit, titles(risks(params))
    assert detail in hit[0]["detail"]
    assert resolve(hit[0]["source"]).is_file()
    md = write_summary(params).read_text(encoding="utf-8")
    assert words in section(md, "风险与备注")


def test_failed_stage_is_said_in_the_conclusions(params):
    reports = make_reports(params)
    reports["manifest"]["stages"]["04_eval"].update(
        status="failed", error={"cell": 3, "ename": "ValueError", "evalue": "no adapter"}
    )
    reports["manifest"]["status"] = "failed"
    del reports["eval"]
    write_run(params, reports)
    md = write_summary(params).read_text(encoding="utf-8")
    conclusions = section(md, "本次结论")
    assert "**阶段 04_eval 失败 failed**（cell 3，ValueError: no adapter）" in conclusions
    assert f"只完成了 {N - 1}/{N} 个阶段" in conclusions
    assert "--only 04_eval`" in section(md, "关键指标")


def test_thesis_sync_and_edge_bench_are_shown_when_present(full_run):
    params, _ = full_run
    d = RunDirs(params.run_name)
    write_json(
        d.reports / f"thesis_sync_{params.run_name}.json",
        {
            "run_name": params.run_name,
            "thesis_dir": "thesis",
            "created_utc": "2026-11-26T11:00:00+00:00",
            "files": [
                {
                    "source": f"figures/{params.run_name}/03_train.tex",
                    "dest": "generated/chapter2/03_train.tex",
                    "sha256": "0" * 64,
                    "status": "changed",
                    "reason": None,
                },
                {
                    "source": f"figures/{params.run_name}/x.tex",
                    "dest": "generated/x.tex",
                    "sha256": "1" * 64,
                    "status": "refused",
                    "reason": "edited by hand in the thesis",
                },
            ],
            "counts": {"changed": 1, "refused": 1},
            "compile": {
                "ok": False,
                "pdf": None,
                "seconds": 1.2,
                "log": "thesis/build/main.log",
                "error": "Undefined control sequence",
            },
        },
    )
    shutil.copy(
        ROOT / "tests" / "fixtures" / "run_reports" / "edge_bench.json",  # the default run's, trimmed
        d.reports / f"edge_bench_{params.run_name}.json",
    )
    md = write_summary(params).read_text(encoding="utf-8")
    sync = section(md, "论文同步状态")
    assert "`thesis/generated/chapter2/03_train.tex`：changed" in sync
    assert "refused（edited by hand in the thesis）" in sync
    assert "**失败 failed**：Undefined control sequence" in sync
    bench = section(md, "关键指标").split("### 端侧变体基准", 1)[1]
    assert "| gguf-q8_0 | 145 | 266 |" in bench and "| genai-int8 ★ | 267 |" in bench
    assert "| fp32 size / size (×) | 2.015 | 3.5 | NO |" in bench  # the recommended variant misses the size bar
    assert "variants meeting every bar: `gguf-q8_0`, `gguf-q4_k_m`" in bench
    assert "`genai-int8`" in section(md, "本次结论")
    assert not has_risk(risks(params), "端侧变体基准未执行")


def _stage_notebook(title: str, text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("plot()", execution_count=1)
    code.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": PNG_1PX, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text=text),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nWhat the stage does."), code]
    return nb


def test_html_holds_the_summary_and_each_executed_notebook(full_run):
    params, _ = full_run
    d = RunDirs(params.run_name).ensure()
    assert write_html(params) is None  # no executed notebook yet: nothing written
    assert not (d.reports / f"summary_{params.run_name}.html").exists()
    nbformat.write(_stage_notebook("03 · LoRA 微调", "train-output-marker"), d.notebooks / "03_train.ipynb")
    nbformat.write(_stage_notebook("01 · 数据转换", "convert-output-marker"), d.notebooks / "01_convert.ipynb")
    write_summary(params)
    html = write_html(params).read_text(encoding="utf-8")
    assert "端侧训练联测整理" in html and "风险与备注" in html
    i1, i3 = html.index("阶段 01_convert"), html.index("阶段 03_train")
    assert i1 < i3 < html.index("train-output-marker") and i1 < html.index("convert-output-marker") < i3
    assert "阶段 02_prepare" not in html
    assert html.count(f"data:image/png;base64,{PNG_1PX}") == 2
    assert base64.b64decode(PNG_1PX).startswith(b"\x89PNG")
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?://""", html)  # viewable offline
