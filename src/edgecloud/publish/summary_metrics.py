"""The 关键指标 part of the run report (pure: Facts -> Markdown lines): one section per stage, in the
pipeline's order: 数据转换, 模型准备, 训练, 评测与基线 (with the routing diagnosis: calibration, held-out set,
categories, errors), 部署与网关冒烟, 联测, 端侧变体基准 (and `_bench_recommendation`, which the conclusions
quote too). A stage's table is the one its notebook saves for the thesis (`model_table`, `train_table`,
`routers_table`, `heldout_table`, `edge.report.table`), so the report and the thesis show the same rows;
a missing report says which stage to run.
"""

from __future__ import annotations

from typing import Any

from edgecloud.publish.summary_facts import Facts
from edgecloud.publish.summary_format import _fmt, _frame, _missing, _ms, _num, _table


def _section_data(f: Facts) -> list[str]:
    d = f.reports.get("data_check")
    title = f"### 数据转换（{d.get('dataset_name')}）" if d else "### 数据转换"
    if not d:
        return [title, ""] + _missing(f, "data_check", "01_convert") + [""]
    sp = d.get("splits") or {}
    rows = [
        ["train", sp.get("train", "-")],
        ["valid", sp.get("valid", "-")],
        ["test", sp.get("test", "-")],
        ["总计", sp.get("total", "-")],
        ["读入 read", d.get("read", "-")],
        ["拒绝 rejected", d.get("rejected", "-")],
        ["解析成功率", _fmt(d.get("parse_success_rate"), "pct1")],
    ]
    label = d.get("by_label") or {}
    if label:
        rows.append(["端侧 / 云端 edge / cloud", f"{label.get('edge', '-')} / {label.get('cloud', '-')}"])
    return [title, ""] + _table(["指标", "数值"], rows) + [""]


def _section_model(f: Facts) -> list[str]:
    m = f.reports.get("model")
    if not m:
        return ["### 模型准备", ""] + _missing(f, "model", "02_prepare") + [""]
    from edgecloud.train.prepare import model_table

    return ["### 模型准备", ""] + _frame(model_table(m)) + [""]  # the thesis' 02_model table


def _train_device(t: dict[str, Any], f: Facts) -> str:
    cmd = t.get("command") or ""
    if "--use_cpu true" in cmd:
        return "CPU"
    dev = (f.run_params.get("train") or {}).get("device") or "auto"
    return str(dev).upper() if dev != "auto" else "auto"


def _section_train(f: Facts) -> list[str]:
    t = f.reports.get("train")
    if not t:
        return ["### 训练", ""] + _missing(f, "train", "03_train") + [""]
    from edgecloud.train.trainer import train_table

    tuner = str((f.run_params.get("train") or {}).get("tuner_type") or "lora").upper().replace("LORA", "LoRA")
    out = [f"### 训练（{tuner} / {_train_device(t, f)}）", ""]
    out += _frame(train_table(t, marks=True))  # the thesis' 03_train table, with the best row marked
    out += [
        "",
        f"- 完成 completed: {'是 yes' if t.get('completed') else '**否 no**'}（{t.get('action', '-')}，"
        f"step {t.get('last_step', '-')}/{t.get('max_steps', '-')}）；训练耗时 wall time {_num(f, 'EdgeTrainWallMinutes')}；"
        f"训练中最低剩余磁盘 lowest free disk {t.get('disk_free_min_gb', '-')} GiB（阈值 {f.min_free_disk_gb} GiB）",
        "",
    ]
    return out


def _section_eval(f: Facts) -> list[str]:
    ev = f.reports.get("eval")
    if not ev:
        return ["### 评测与基线", ""] + _missing(f, "eval", "04_eval") + [""]
    from edgecloud.eval.evaluate import routers_table

    out = [f"### 评测与基线（测试集 {ev.get('test_records', '-')} 条，其中需云端 {ev.get('test_cloud', '-')} 条）", ""]
    out += _frame(routers_table(ev, marks=True))  # the thesis' 04_routers table, the highest accuracy in bold
    out += [
        "",
        f"- 方括号为 95% Wilson 区间；forward P/R 针对“转发云端”，simple fwd 为被转发的简单请求；ROUGE-L / char F1 "
        f"为端侧回答对参考回复；微调模型 adapter `{ev.get('adapter', '-')}`，设备 {ev.get('device', '-')}。"
        "最高 accuracy 加粗。",
    ]
    return out + _routing_diagnosis(ev) + [""]


def _routing_diagnosis(ev: dict[str, Any]) -> list[str]:
    """Intervals, the calibration, the held-out set, per-category counts and the errors (issue: routing)."""
    out: list[str] = []
    cal = ev.get("calibration")
    if cal:
        out += [
            f"- 校准 calibration: 阈值 threshold {cal['threshold']}（验证集选择，部署检查点 step {cal['step']}）；"
            f"分数 score: {cal['score_definition']}。"
        ]
    held = ev.get("heldout") or {}
    if held.get("routers"):
        from edgecloud.eval.evaluate import heldout_table

        out += [
            "",
            f"#### 留出集 held-out（{held.get('records', '-')} 条，其中需云端 {held.get('cloud', '-')} 条；"
            "生成器从未产生的表述）",
            "",
        ]
        out += _frame(heldout_table(ev))  # the thesis' 04_heldout table
    cats = (ev.get("routing_by_category") or {}).get("finetuned_calibrated")
    if cats:
        out += [
            "",
            "- 按类别 by category（微调+校准）: " + "，".join(f"{c} {v['correct']}/{v['n']}" for c, v in cats.items()),
        ]
    from edgecloud.eval.evaluate import errors_table

    # the rows of 04's error table (every field), shortened for the report
    errs = [{k: (None if v != v else v) for k, v in e.items()} for e in errors_table(ev).to_dict("records")]
    out += ["", f"#### 微调+校准路由的错误 errors（{len(errs)} 条）", ""]
    if errs:
        out += _table(
            ["id", "category", "needs cloud", "score", "query", "reply"],
            [
                [
                    e["id"],
                    e["category"],
                    "是" if e["needs_cloud"] else "否",
                    _fmt(e.get("score"), "float2"),
                    e["query"][:60],
                    (e["reply"] or "")[:40],
                ]
                for e in errs
            ],
        )
    return out


def _section_deploy(f: Facts) -> list[str]:
    s = f.reports.get("deploy")
    if not s:
        return ["### 部署与网关冒烟", ""] + _missing(f, "deploy", "05_deploy") + [""]
    rows = [
        [f"健康 health: {h.get('part')}", "通过" if h.get("ok") else "**失败**", h.get("detail") or ""]
        for h in s.get("health") or []
    ]
    for r in s.get("requests") or []:
        what = f"error {r['error_code']}" if r.get("error_code") else f"tier {r.get('tier') or '-'}"
        how = f"HTTP {r.get('http_status')}, {what}, {r.get('latency_s', '-')} s"
        rows.append([r.get("label") or r.get("name"), "通过" if r.get("ok") else f"**失败** {r.get('problem')}", how])
    cloud = s.get("cloud") or {}
    stack = (s.get("startup_s") or {}).get("stack")
    out = [
        "### 部署与网关冒烟",
        "",
        f"结果 result: {'通过 PASS' if s.get('ok') else '**失败 FAIL**'}；"
        f"云端 cloud mode `{cloud.get('mode', '-')}`；整套服务就绪 stack healthy in {stack if stack is not None else '-'} s",
        "",
    ]
    return out + _table(["检查 check", "结果", "说明"], rows, right=set()) + [""]


def _section_e2e(f: Facts) -> list[str]:
    e = f.reports.get("e2e")
    s = (e or {}).get("summary")
    if not s:
        return ["### 联测", ""] + _missing(f, "e2e", "06_e2e") + [""]
    lat = (s.get("latency_ms") or {}).get("client") or {}
    rows = [
        ["总用例", s.get("cases", "-")],
        ["非空回复", s.get("non_empty", "-")],
        ["非空成功率", _fmt(s.get("non_empty_rate"), "pct")],
        ["复杂推理用例", s.get("complex_cases", "-")],
        ["复杂推理“转发云端”命中", s.get("complex_forward_hits", "-")],
        [
            "路由准确率 routing accuracy",
            f"{_fmt(s.get('routing_accuracy'), 'pct')} ({s.get('routing_correct', '-')}/{s.get('cases', '-')})",
        ],
        ["客户端延迟 p50 / p95 (ms)", f"{_ms(lat.get('p50'))} / {_ms(lat.get('p95'))}"],
    ]
    br = (e or {}).get("browser")
    if isinstance(br, dict):
        rows.append(
            [
                "无头浏览器 headless browser",
                f"{'通过 passed' if br.get('ok') else '**失败 failed**'}（{len(br.get('cases') or [])} 条用例）",
            ]
        )
    path = e.get("path") or "Backend API"
    return [f"### 联测（{path} 路径）", ""] + _table(["指标", "数值"], rows) + [""]


def _bench_recommendation(bench: dict[str, Any]) -> str | None:
    rec = bench.get("recommendation") or bench.get("recommended")
    if isinstance(rec, str):
        return rec
    if isinstance(rec, dict):
        name = rec.get("variant") or rec.get("name")
        why = rec.get("reason") or rec.get("why")
        rest = ", ".join(
            f"{k}: {v}"
            for k, v in rec.items()
            if k not in ("variant", "name", "reason", "why", "all_bars_met") and not isinstance(v, (dict, list))
        )
        head = (f"`{name}`" if name else "") + (f"（{why}）" if why else "")
        return " ".join(x for x in (head, rest) if x) or None
    return None


def _section_bench(f: Facts) -> list[str]:
    b = f.reports.get("edge_bench")
    title = "### 端侧变体基准 edge-variant benchmark"
    if "edge_bench" in f.unreadable:
        return [
            title,
            "",
            f"_报告无法读取 report unreadable: `{f.sources['edge_bench']}` ({f.unreadable['edge_bench']})_",
            "",
        ]
    if not isinstance(b, dict):
        return [
            title,
            "",
            f"_尚无报告 no report (`{f.sources['edge_bench']}`)：端侧变体基准 edge-variant benchmark 未运行。_",
            "",
        ]
    from edgecloud.edge import report as bench_report
    from edgecloud.publish.figures import to_markdown

    try:  # the same table as the thesis' 07_edge_variants, from the same report
        variants, bars = bench_report.table(b), bench_report.bars_table(b)
    except (KeyError, TypeError, AttributeError) as exc:
        return [
            title,
            "",
            f"_报告格式不符 report not in the 07_edge_bench format (`{f.sources['edge_bench']}`: "
            f"{type(exc).__name__} {exc})_",
            "",
        ]
    machine = b.get("machine") or {}
    out = [
        title,
        "",
        f"机器 machine: {machine.get('cpu_model', '-')}，{machine.get('threads', '-')} 线程 threads；"
        "中位数（最小–最大）medians (min–max) over the passes；★ = 推荐 recommended。",
        "",
    ]
    out += to_markdown(variants).rstrip("\n").split("\n")
    rec = _bench_recommendation(b)
    out += ["", f"- 推荐 recommendation: {rec}" if rec else "- 报告未给出推荐 no recommendation in the report"]
    if len(bars):
        out += ["", "推荐变体与门槛 bars of the recommended variant (edge_bench.bar_*, issue 14):", ""]
        out += to_markdown(bars).rstrip("\n").split("\n")
    meeting = b.get("meeting_all_bars")
    if meeting is not None:
        out += [
            "",
            "- 满足全部门槛的变体 variants meeting every bar: "
            + (", ".join(f"`{m}`" for m in meeting) if meeting else "无 none"),
        ]
    return out + [""]
