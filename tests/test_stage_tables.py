"""One table function per stage: the notebook saves it for the thesis and the run report shows the same rows."""

from __future__ import annotations

import math

from edgecloud.eval import evaluate
from edgecloud.publish import figures, summary_facts, summary_metrics
from edgecloud.train.prepare import model_table
from edgecloud.train.trainer import summary_markdown, train_table

TRAIN = {
    "run_name": "t",
    "completed": True,
    "action": "trained",
    "last_step": 4,
    "max_steps": 4,
    "rows": [
        {"step": 0, "train_loss": None, "eval_loss": 2.06559896, "eval_token_acc": 0.60869565},
        {"step": 2, "train_loss": 1.08265057, "eval_loss": 1.15743446, "eval_token_acc": 0.74589372},
        {"step": 4, "train_loss": 0.81063089, "eval_loss": math.nan, "eval_token_acc": None},
    ],
    "resumes": [{"step": 4, "line": 9, "replaced": 1}],
    "step0_eval_loss": 2.06559896,
    "best": {"step": 2, "eval_loss": 1.15743446, "reason": "lowest eval loss", "checkpoint": "c-2"},
    "wall_time_s": 12.0,
    "disk_free_min_gb": 70.1,
    "command": "swift sft --max_steps 4",
}


def facts(reports: dict) -> summary_facts.Facts:
    return summary_facts.Facts(
        run_name="t",
        params_file="params/smoke.yaml",
        run_params={},
        min_free_disk_gb=1.0,
        cloud_mode="none",
        reports=reports,
        sources={},
        unreadable={},
        numbers={},
        stages=[],
        artifacts=[],
        thesis_sync=None,
        thesis_sync_path="-",
        deploy_command=None,
        summary_md="-",
        summary_html="-",
    )


def test_train_table_for_the_thesis_has_no_marks():
    df = train_table(TRAIN)
    assert list(df.columns) == ["节点 step", "train loss", "eval loss", "eval token_acc"]
    assert df.values.tolist() == [
        ["step 0", "-", "2.0656", "0.6087"],
        ["step 2", "1.0827", "1.1574", "0.7459"],
        ["step 4", "0.8106", "-", "-"],
    ]


def test_train_table_for_the_reports_marks_the_best_and_resumed_steps():
    rows = train_table(TRAIN, marks=True).values.tolist()
    assert rows[1] == ["step 2 (best)", "1.0827", "**1.1574**", "**0.7459**"]
    assert rows[2][0] == "step 4 (resumed)"
    md = summary_markdown(TRAIN)
    assert figures.to_markdown(train_table(TRAIN, marks=True)).rstrip("\n") in md  # the summary shows that table


def test_the_run_report_shows_the_thesis_tables_of_02_and_03():
    model = {
        "source": "embedded",
        "id": "SmolLM2",
        "folder": "outputs/models/m",
        "reused_cached_conversion": True,
        "architecture": "LlamaForCausalLM",
        "parameters": 134515008,
        "dtype": "float32",
        "size_on_disk_bytes": 541615294,
        "tokenizer_vocab": 49152,
        "swift_model_type": "smollm2",
        "swift_template": "chatml",
        "device": "cpu",
        "smoke": {"reply": "Hi | there", "latency_s": 1.2, "tokens_per_s": 14.7},
    }
    f = facts({"model": model, "train": TRAIN})
    shown = "\n".join(summary_metrics._section_model(f))
    thesis = model_table(model)
    assert thesis.values.tolist()[4] == ["参数量 parameters", "134.5 M"]
    for item, value in thesis.values.tolist():
        assert f"| {item} | {value.replace('|', chr(92) + '|')} |" in shown
    shown = "\n".join(summary_metrics._section_train(f))
    for row in train_table(TRAIN, marks=True).values.tolist():
        assert "| " + " | ".join(row) + " |" in shown


def test_model_table_of_an_older_report_shows_dashes():
    rows = dict(model_table({"source": "embedded", "id": "x", "parameters": 2_000_000}).values.tolist())
    assert rows["参数量 parameters"] == "2.0 M" and rows["目录 folder"] == "-" and rows["冒烟回复 smoke reply"] == "-"
    assert rows["延迟 latency"] == "- s (- tokens/s)"


def test_curves_table_names_each_scored_router():
    report = {
        "curves": {
            "finetuned": {"roc": {"auc": 0.9912}, "cost_quality": {"apgr": 0.8, "cpt_50": 0.2, "cpt_80": 0.3}},
            "tfidf": {"roc": {"auc": 0.9}, "cost_quality": {"apgr": 0.71234, "cpt_50": 0.25, "cpt_80": 0.5}},
        }
    }
    assert evaluate.curves_table(report).values.tolist() == [
        ["LoRA 微调 fine-tuned", "0.991", "0.800", 0.2, 0.3],
        ["TF-IDF+LR", "0.900", "0.712", 0.25, 0.5],
    ]


def test_the_run_report_shows_the_thesis_tables_of_04():
    router = {
        "router": "finetuned",
        "label": "LoRA 微调 fine-tuned",
        "accuracy": 0.9,
        "accuracy_ci": [0.78, 0.96],
        "precision": 0.8,
        "recall": 1.0,
        "recall_ci": [0.7, 1.0],
        "fp": 1,
        "tn": 39,
        "cloud_share": 0.2,
        "cloud_share_ci": [0.1, 0.33],
        "rouge_l": 0.41,
        "char_f1": 0.5,
        "non_empty_rate": 1.0,
        "p50_s": 0.52,
    }
    base = {**router, "router": "always_edge", "label": "始终端侧 always-edge", "accuracy": 0.8}
    ev = {"routers": [base, router], "heldout": {"records": 40, "cloud": 10, "routers": [router]}}
    shown = "\n".join(summary_metrics._section_eval(facts({"eval": ev})))
    thesis = evaluate.routers_table(ev).values.tolist()
    assert thesis[1][:2] == ["LoRA 微调 fine-tuned", "90.0% [78%, 96%]"] and thesis[1][4] == "1/40"
    marked = evaluate.routers_table(ev, marks=True).values.tolist()
    assert marked[1][1] == "**90.0% [78%, 96%]**" and marked[0] == thesis[0]  # only the highest is bold
    for row in [*marked, *evaluate.heldout_table(ev).values.tolist()]:
        assert "| " + " | ".join(row) + " |" in shown
