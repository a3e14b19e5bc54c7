"""The risks of a run (pure: Facts -> risks), for the run report's 风险与备注 and `summary.risks`.

Each risk fires on its condition only and carries its numbers and the report it comes from:
{"risk": zh+en title, "detail": text with numbers, "source": report path}.
"""

from __future__ import annotations

from edgecloud.publish.summary_facts import Facts
from edgecloud.publish.summary_format import _best_baseline, _fmt, _routers, _run_cmd


def _risk(risk: str, detail: str, source: str) -> dict[str, str]:
    return {"risk": risk, "detail": detail, "source": source}


def compute_risks(f: Facts) -> list[dict[str, str]]:
    """Every risk the reports show, each with its numbers and the report it comes from."""
    out: list[dict[str, str]] = []
    src = f.sources
    out += _risks_stages(f)
    for name, err in f.unreadable.items():
        out.append(_risk("报告无法读取 unreadable report", err, src.get(name, name)))
    d = f.reports.get("data_check") or {}
    if d.get("rejected"):
        reasons = ", ".join(f"{k} {v}" for k, v in (d.get("rejects_by_reason") or {}).items()) or "-"
        out.append(
            _risk(
                "转换时拒绝了记录 records rejected at conversion",
                f"{d['rejected']}/{d.get('read', '?')} 条被拒绝（{reasons}），见 "
                f"`{(d.get('outputs') or {}).get('rejects', 'data/rejects.jsonl')}`",
                src["data_check"],
            )
        )
    short = [
        (s.get("category"), sp, s.get(sp), s.get(f"{sp}_target"))
        for s in d.get("stratification") or []
        for sp in ("train", "valid", "test")
        if isinstance(s.get(sp), int) and isinstance(s.get(f"{sp}_target"), int) and s[sp] < s[f"{sp}_target"]
    ]
    if short:
        out.append(
            _risk(
                "分层抽样不足 stratification shortfall",
                f"{len(short)} 处划分少于目标（同一 group 的记录必须留在同一划分）："
                + "；".join(f"{c} {sp} {n}/{t}" for c, sp, n, t in short),
                src["data_check"],
            )
        )
    pre = f.reports.get("preflight") or {}
    over = (
        pre.get("over_max_length") or (f.reports.get("train") or {}).get("preflight", {}).get("over_max_length") or {}
    )
    n_over = sum(v for v in over.values() if isinstance(v, int))
    if n_over:
        ids = [i for v in (pre.get("over_max_length_ids") or {}).values() for i in v][:5]
        out.append(
            _risk(
                "记录超过 max_length records over max_length",
                f"{n_over} 条超过 train.max_length={pre.get('max_length', '?')} tokens（"
                + ", ".join(f"{k} {v}" for k, v in over.items())
                + "）"
                + (f"，例如 {', '.join(map(str, ids))}" if ids else "")
                + "；ms-swift 会静默丢弃它们",
                src["preflight"],
            )
        )
    for p in pre.get("problems") or []:
        out.append(_risk("训练前检查问题 preflight problem", str(p), src["preflight"]))
    out += _risks_train(f)
    out += _risks_eval(f)
    out += _risks_serving(f)
    out += _risks_provenance(f)
    out += _risks_tracking(f)
    if not isinstance(f.reports.get("edge_bench"), dict) and "edge_bench" not in f.unreadable:
        out.append(
            _risk(
                "端侧变体基准未执行 edge-variant benchmark not run",
                "ONNX / INT8 / GGUF 等端侧变体的大小、速度与质量尚无测量（参考报告同样留作后续阶段）",
                src["edge_bench"],
            )
        )
    return out


def _risks_stages(f: Facts) -> list[dict[str, str]]:
    out = []
    man = f.reports.get("manifest")
    src = f.sources["manifest"]
    if man is None and "manifest" not in f.unreadable:
        out.append(
            _risk(
                "没有运行清单 no run manifest",
                "该运行没有 run_manifest.json：阶段状态、耗时与版本均无记录；"
                f"用 `python -m edgecloud run --params {f.params_file}` 运行",
                src,
            )
        )
    elif man and man.get("status") not in ("ok", None):
        out.append(
            _risk(
                f"运行状态 run status: {man.get('status')}",
                f"最近一次调用 {man.get('started_utc', '-')} 开始，结束于 {man.get('ended_utc') or '未结束 not ended'}",
                src,
            )
        )
    for s in f.stages:
        if s.status == "failed":
            err = (s.record or {}).get("error") or {}
            out.append(
                _risk(
                    f"阶段失败 stage failed: {s.name}",
                    f"cell {err.get('cell')}，{err.get('ename')}: {err.get('evalue')}；"
                    f"笔记本 `{(s.record or {}).get('notebook')}`，修正后运行 {_run_cmd(f, s.name)}",
                    src,
                )
            )
        elif s.status not in ("ok", "no_record", "not_run"):
            out.append(_risk(f"阶段未结束 stage not finished: {s.name}", f"清单状态 status {s.status}", src))
    not_run = [s for s in f.stages if s.status == "not_run"]
    if not_run:
        out.append(
            _risk(
                "阶段未运行 stages not run",
                "；".join(f"{s.name}（缺少 {', '.join(s.missing_products)}）" for s in not_run)
                + f"；运行 {_run_cmd(f, not_run[0].name)}",
                src,
            )
        )
    no_rec = [s.name for s in f.stages if s.status == "no_record"]
    if no_rec and man:
        why = "较早的、参数不同的调用，清单已丢弃其记录" if man.get("note") else "较早的调用"
        out.append(
            _risk(
                "阶段在运行清单中无记录 stages without a manifest record",
                f"{', '.join(no_rec)} 的报告存在，但运行清单没有它们的状态与耗时（报告来自{why}）",
                src,
            )
        )
    return out


def _risks_train(f: Facts) -> list[dict[str, str]]:
    t = f.reports.get("train")
    if not t:
        return []
    src, out = f.sources["train"], []
    low = t.get("disk_free_min_gb")
    if t.get("disk_low") or (isinstance(low, (int, float)) and low < f.min_free_disk_gb):
        out.append(
            _risk(
                "训练期间磁盘空间不足 low free disk during training",
                f"训练中最低剩余 {low} GiB，低于阈值 train.min_free_disk_gb={f.min_free_disk_gb} GiB",
                src,
            )
        )
    if t.get("completed") is False:
        out.append(
            _risk(
                "训练未完成 training not completed",
                f"只记录到 step {t.get('last_step')}/{t.get('max_steps')}（{t.get('action', '-')}）；"
                f"再次运行 {_run_cmd(f, '03_train')} 会从最后的检查点续训",
                src,
            )
        )
    if t.get("skipped_log_lines"):
        out.append(
            _risk("训练日志有无法解析的行 unparsed training log lines", f"{len(t['skipped_log_lines'])} 行被跳过", src)
        )
    if not (t.get("best") or {}).get("checkpoint"):
        out.append(_risk("没有最佳检查点 no best checkpoint", "训练报告中没有带 eval loss 的检查点", src))
    return out


def _risks_eval(f: Facts) -> list[dict[str, str]]:
    ft = next((r for r in _routers(f) if r.get("router") == "finetuned_calibrated"), None) or next(
        (r for r in _routers(f) if r.get("router") == "finetuned"), None
    )
    base = _best_baseline(f)
    if not ft or not base or ft.get("accuracy") is None or round(ft["accuracy"], 4) > round(base["accuracy"], 4):
        return []
    return [
        _risk(
            "微调路由未超过最佳基线 fine-tuned routing not above the best baseline",
            f"微调 accuracy {_fmt(ft['accuracy'], 'pct')}，基线 {base.get('label') or base.get('router')} "
            f"{_fmt(base['accuracy'], 'pct')}（测试集中 {f.reports['eval'].get('test_cloud', '?')}/"
            f"{f.reports['eval'].get('test_records', '?')} 条需云端）；比较 F1 {_fmt(ft.get('f1'), 'float3')} 对 "
            f"{_fmt(base.get('f1'), 'float3')}",
            f.sources["eval"],
        )
    ]


def _risks_serving(f: Facts) -> list[dict[str, str]]:
    out = []
    e2e = f.reports.get("e2e") or {}
    s = e2e.get("summary") or {}
    not_conf = (s.get("status") or {}).get("cloud_not_configured", 0) or sum(
        1 for r in e2e.get("results") or [] if r.get("status") == "cloud_not_configured"
    )
    if f.cloud_mode == "none" or not_conf:
        out.append(
            _risk(
                "云端未配置 cloud tier not configured",
                f"deploy.cloud.mode={f.cloud_mode}；联测中 {not_conf} 条回复状态为 cloud_not_configured"
                "（复杂请求只得到端侧的转发回复）",
                f.sources["e2e"] if not_conf else f.sources["manifest"],
            )
        )
    elif f.cloud_mode == "local_standin":
        out.append(
            _risk(
                "云端为本地替身 cloud tier is a local stand-in",
                "deploy.cloud.mode=local_standin：云端回答来自未微调的基座模型，只验证转发链路，不代表真实云端 LLM 的回答质量",
                f.sources["deploy"] if f.reports.get("deploy") else f.sources["manifest"],
            )
        )
    per_case = s.get("per_case") or e2e.get("results") or []
    empty = [c.get("id") for c in per_case if c.get("non_empty") is False]
    if empty:
        out.append(
            _risk(
                "联测空回复 empty end-to-end replies",
                f"{len(empty)}/{len(per_case)} 条为空：{', '.join(empty)}",
                f.sources["e2e"],
            )
        )
    wrong = [c for c in per_case if c.get("routed_ok") is False]
    if wrong:
        out.append(
            _risk(
                "联测路由错误 end-to-end cases routed wrong",
                f"{len(wrong)}/{len(per_case)} 条："
                + "；".join(
                    f"{c.get('id')} {c.get('category')} 期望 {c.get('expected_tier')} 实际 {c.get('tier')}"
                    for c in wrong
                ),
                f.sources["e2e"],
            )
        )
    if s.get("errors"):
        out.append(_risk("联测请求出错 end-to-end request errors", f"{s['errors']} 条请求出错", f.sources["e2e"]))
    br = e2e.get("browser")
    if isinstance(br, dict) and (br.get("ok") is False or br.get("console_errors")):
        out.append(
            _risk(
                "网页客户端问题 web client problems",
                f"浏览器检查 {'失败' if br.get('ok') is False else '通过'}，控制台错误 {len(br.get('console_errors') or [])} 条",
                f.sources["e2e"],
            )
        )
    smoke = f.reports.get("deploy") or {}
    if smoke and (smoke.get("ok") is False or smoke.get("problems")):
        out.append(
            _risk(
                "网关冒烟问题 gateway smoke problems",
                "；".join(map(str, smoke.get("problems") or [])) or "冒烟测试未通过",
                f.sources["deploy"],
            )
        )
    return out


def _risks_provenance(f: Facts) -> list[dict[str, str]]:
    ref = (f.reports.get("manifest") or {}).get("params_sha256")
    if not ref:
        return []
    other = [
        n
        for n in ("data_check", "model", "train", "eval", "deploy")
        if isinstance(f.reports.get(n), dict) and f.reports[n].get("params_sha256") not in (None, ref)
    ]
    if not other:
        return []
    return [
        _risk(
            "报告出自不同参数 reports written with other params",
            f"{', '.join(f'`{f.sources[n]}`' for n in other)} 的 params_sha256 与运行清单（{ref[:12]}…）不同："
            "这些阶段之后参数文件改过；重跑它们可使全部报告出自同一组参数",
            f.sources["manifest"],
        )
    ]


def _risks_tracking(f: Facts) -> list[dict[str, str]]:
    """The experiment tracker (edgecloud.tracking) could not record the run: the run itself went on."""
    t = (f.reports.get("manifest") or {}).get("tracking")
    if not isinstance(t, dict) or t.get("status") in ("ok", "off"):
        return []
    return [
        _risk(
            "实验追踪失败 experiment tracking failed",
            f"运行未记入实验追踪 {t.get('uri')}（步骤 step: {t.get('step')}；{t.get('error')}）；运行本身不受影响。"
            f"检查 MLFLOW_TRACKING_URI 或追踪服务器后补记 log it later: `python -m edgecloud track --params {f.params_file}`"
            "（`compare` 也可直接读取运行目录）",
            f.sources["manifest"],
        )
    ]
