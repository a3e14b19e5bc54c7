"""The other parts of the run report (pure: Facts -> Markdown lines), in the reference report's order:
本次结论 (the conclusions), then, after the 关键指标 of `summary_metrics`, 最佳检查点, 产物索引, 论文同步状态
and 风险与备注 with the stage timings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edgecloud.paths import resolve
from edgecloud.publish.summary_facts import EDGE_BENCH_GROUP, GROUP_TITLES, STAGE_ZH, THESIS_GROUP, Artifact, Facts
from edgecloud.publish.summary_format import (
    _best_baseline,
    _best_row,
    _checkpoint_users,
    _fmt,
    _missing,
    _num,
    _routers,
    _size,
    _table,
)
from edgecloud.publish.summary_metrics import _bench_recommendation


def _section_conclusions(f: Facts, risk_list: list[dict[str, str]]) -> list[str]:
    out = ["## 本次结论", ""]
    done = [s for s in f.stages if s.status in ("ok", "no_record")]
    chain = " -> ".join(STAGE_ZH.get(s.name, s.name) for s in f.stages)
    if len(done) == len(f.stages):
        out.append(
            f"- 已完成 `ms-swift` 本机 LoRA 微调闭环：`{chain}`（{len(done)}/{len(f.stages)} 个阶段的报告齐全）。"
        )
    else:
        out.append(
            f"- 流水线 `{chain}` 只完成了 {len(done)}/{len(f.stages)} 个阶段"
            f"（{', '.join(s.name for s in done) or '无 none'}）。"
        )
    for s in f.stages:
        if s.status == "failed":
            err = (s.record or {}).get("error") or {}
            where = f"cell {err.get('cell')}" if err.get("cell") else "execution"
            out.append(
                f"- **阶段 {s.name} 失败 failed**（{where}，{err.get('ename')}: {err.get('evalue')}）；"
                f"执行后的笔记本 `{(s.record or {}).get('notebook')}` 保留了错误。"
            )
        elif s.status == "running":
            out.append(f"- **阶段 {s.name} 未结束 still running or interrupted**（清单状态 running）。")
        elif s.status == "not_run":
            out.append(f"- 阶段 {s.name} 未运行 not run：缺少 {', '.join(f'`{m}`' for m in s.missing_products)}。")

    data = f.reports.get("data_check")
    if data:
        out.append(
            f"- 数据集 `{_num(f, 'EdgeDatasetName')}` 转换 {_num(f, 'EdgeDataTotal')} 条"
            f"（train/valid/test = {_num(f, 'EdgeDataTrain')}/{_num(f, 'EdgeDataValid')}/{_num(f, 'EdgeDataTest')}），"
            f"解析成功率 {_num(f, 'EdgeParseRate')}，拒绝 {_num(f, 'EdgeDataRejected')} 条。"
        )
    train = f.reports.get("train")
    if train:
        best = train.get("best") or {}
        ckpt = Path(best.get("checkpoint") or "?").name
        users = _checkpoint_users(f)
        used = f"，已用于{'与'.join(users)}" if users else "，尚未被后续阶段使用"
        state = (
            ""
            if train.get("completed")
            else f"；**训练未完成 not completed**（{train.get('last_step')}/{train.get('max_steps')} 步）"
        )
        red = train.get("eval_loss_reduction")
        red = red if isinstance(red, (int, float)) else None
        change = (
            ""
            if red is None
            else f"，下降 {_num(f, 'EdgeEvalLossReduction')}"
            if red > 0
            else f"，**未下降 not reduced**（上升 {_fmt(-red, 'pct1')}）"
        )
        out.append(
            f"- 训练最佳检查点为 `{ckpt}`（step {_num(f, 'EdgeBestStep')}，eval loss {_num(f, 'EdgeBestEvalLoss')}，"
            f"eval token_acc {_num(f, 'EdgeBestEvalTokenAcc')}；step 0 的 eval loss {_num(f, 'EdgeStepZeroEvalLoss')}"
            f"{change}）{used}{state}。"
        )
    out += _conclusion_eval(f)
    e2e = (f.reports.get("e2e") or {}).get("summary")
    if e2e:
        cases, ne = e2e.get("cases"), e2e.get("non_empty")
        head = (
            f"{cases} 条固定联测用例全部返回非空回复"
            if cases == ne
            else f"{cases} 条固定联测用例中 {ne} 条返回非空回复（**{(cases or 0) - (ne or 0)} 条为空 empty**）"
        )
        hits = f"{_num(f, 'EdgeEndToEndForwardHits')}/{_num(f, 'EdgeEndToEndComplex')}"
        hits = hits if e2e.get("complex_forward_hits") == e2e.get("complex_cases") else f"**{hits}**"
        out.append(
            f"- {head}，复杂推理场景“转发云端”语义命中 {hits}；"
            f"端到端路由准确率 {_num(f, 'EdgeEndToEndRoutingAcc')}（{e2e.get('routing_correct')}/{cases}），"
            f"客户端延迟 p50 {_num(f, 'EdgeEndToEndLatencyMedianSeconds')}。"
        )
    bench = f.reports.get("edge_bench")
    if isinstance(bench, dict) and _bench_recommendation(bench):
        out.append(f"- 端侧变体基准推荐 edge-variant recommendation：{_bench_recommendation(bench)}。")
    n = len(risk_list)
    out.append(f"- 风险与备注 {n} 项（见下文）。" if n else "- 未发现风险 no risk found（见下文的检查项）。")
    return out + [""]


def _conclusion_eval(f: Facts) -> list[str]:
    ft = next((r for r in _routers(f) if r.get("router") == "finetuned_calibrated"), None) or next(
        (r for r in _routers(f) if r.get("router") == "finetuned"), None
    )
    base = _best_baseline(f)
    if not ft or not base or ft.get("accuracy") is None:
        return []
    a, b = round(ft["accuracy"], 4), round(base["accuracy"], 4)
    cmp = "高于" if a > b else ("持平于" if a == b else "**低于**")
    bp = next((r for r in _routers(f) if r.get("router") == "base_prompted"), {})
    return [
        f"- 测试集 {_num(f, 'EdgeTestRecords')} 条（{_num(f, 'EdgeTestComplex')} 条需云端）上，微调模型路由准确率（{ft.get('label') or ft.get('router')}）"
        f"{_fmt(ft['accuracy'], 'pct')}，{cmp}最佳基线 {base.get('label') or base.get('router')}"
        f"（{_fmt(base['accuracy'], 'pct')}）；转发 forward F1 {_fmt(ft.get('f1'), 'float3')}"
        f"（该基线 {_fmt(base.get('f1'), 'float3')}），端侧回答 ROUGE-L {_fmt(ft.get('rouge_l'), 'float3')}"
        f"（基座 base {_fmt(bp.get('rouge_l'), 'float3')}）。"
    ]


def _section_best(f: Facts) -> list[str]:
    t = f.reports.get("train")
    out = ["## 最佳检查点", ""]
    if not t:
        return out + _missing(f, "train", "03_train") + [""]
    best = t.get("best") or {}
    ckpt = best.get("checkpoint")
    if not ckpt:
        return out + ["- **没有最佳检查点 no best checkpoint**：训练报告中没有带 eval loss 的检查点。", ""]
    exists = resolve(ckpt).is_dir()
    row = _best_row(t) or {}
    users = _checkpoint_users(f)
    out += [
        f"- 路径 path: `{ckpt}`" + ("" if exists else "（**目录已不存在 folder missing**）"),
        f"- step {best.get('step')}，eval loss {_fmt(best.get('eval_loss'), 'float4')}，"
        f"eval token_acc {_fmt(row.get('eval_token_acc'), 'float4')}，选择依据 {best.get('reason', '-')}（并列取较早的 step）",
        f"- 使用者 used by: {'、'.join(users) if users else '尚无 none yet'}",
    ]
    others = {k: v for k, v in (t.get("checkpoints") or {}).items() if v != ckpt}
    if others:
        out.append(
            "- 其他检查点 other checkpoints: "
            + ", ".join(f"`{Path(v).name}`" + ("" if resolve(v).is_dir() else "（已删除）") for v in others.values())
        )
    return out + [""]


def _section_artifacts(f: Facts) -> list[str]:
    out = [
        "## 产物索引",
        "",
        f"（只列出磁盘上存在的文件，路径相对于工作区；本摘要 `{f.summary_md}` 及其 HTML 版 `{f.summary_html}` 不在其中。）",
        "",
    ]
    if not f.artifacts:
        return out + [
            f"_运行目录中没有文件 no files in the run folder：运行 run `python -m edgecloud run --params {f.params_file}`_",
            "",
        ]
    order = dict.fromkeys([s.name for s in f.stages] + [EDGE_BENCH_GROUP, THESIS_GROUP, "run", "other"])
    for group in order:
        items = [a for a in f.artifacts if a.group == group]
        if not items:
            continue
        title = f"{group} {STAGE_ZH.get(group, '')}".strip() if group in STAGE_ZH else GROUP_TITLES.get(group, group)
        out += [f"### {title}", ""]
        stems: dict[tuple[str, str, str], list[Artifact]] = {}
        for a in items:
            p = Path(a.path)
            stems.setdefault((str(p.parent), p.stem, a.label), []).append(a)
        for (_, _, label), arts in stems.items():
            out.append(f"- {label}：" + "，".join(f"`{a.path}` ({_size(a.size)})" for a in arts))
        out.append("")
    return out


def _section_sync(f: Facts) -> list[str]:
    out = ["## 论文同步状态", ""]
    s = f.thesis_sync
    cmd = f"`python -m edgecloud publish --params {f.params_file}`"
    if "thesis_sync" in f.unreadable:
        return out + [
            f"- 同步记录无法读取 unreadable `{f.thesis_sync_path}` ({f.unreadable['thesis_sync']})；重新发布 re-publish: {cmd}",
            "",
        ]
    if not s:
        return out + [f"- 未同步 not published yet（没有 `{f.thesis_sync_path}`）。发布到论文 publish: {cmd}", ""]
    counts = s.get("counts") or {}
    files = [x for x in s.get("files") or [] if isinstance(x, dict)]
    out.append(
        f"- 已同步到 `{s.get('thesis_dir', '-')}`（{s.get('created_utc', '-')}）："
        + ("，".join(f"{k} {v}" for k, v in counts.items()) or f"{len(files)} 个文件")
    )
    thesis = str(s.get("thesis_dir") or "")

    def where(x: dict[str, Any]) -> Any:
        return (
            f"{thesis}/{x['dest']}"
            if thesis and x.get("dest") and not Path(x["dest"]).is_absolute()
            else x.get("dest") or x.get("source")
        )

    for x in files:  # what moved or needs attention, one line each; unchanged files by folder
        if x.get("status") != "unchanged":
            note = f"（{x.get('reason')}）" if x.get("reason") else ""
            out.append(
                f"  - `{where(x)}`：{x.get('status', '-')}{note}"
                + (f"，来自 `{x.get('source')}`" if x.get("source") else "")
            )
    same: dict[str, int] = {}
    for x in files:
        if x.get("status") == "unchanged":
            folder = str(Path(where(x)).parent)
            same[folder] = same.get(folder, 0) + 1
    if same:
        out.append("  - 未变 unchanged：" + "，".join(f"`{k}/` {v} 个" for k, v in same.items()))
    comp = s.get("compile")
    if comp is None:
        out.append("- 编译 compile: 未编译 not compiled")
    elif comp.get("ok"):
        out.append(f"- 编译 compile: 成功 ok，PDF `{comp.get('pdf')}`（{comp.get('seconds', '-')} s）")
    else:
        out.append(f"- 编译 compile: **失败 failed**：{comp.get('error')}；日志 log `{comp.get('log')}`")
    word = s.get("docx")
    if word:
        out.append(
            f"- Word 版 docx: 成功 ok，`{word.get('docx')}`"
            if word.get("ok")
            else f"- Word 版 docx: {'跳过 skipped' if word.get('skipped') else '**失败 failed**'}：{word.get('error')}"
        )
    bad = counts.get("refused", 0) or counts.get("unmapped", 0)
    if bad:
        out.append(f"- 有文件被拒绝或未映射 refused/unmapped；检查 params 的 publish.map 后重新发布: {cmd}")
    return out + [""]


def _section_risks(f: Facts, risk_list: list[dict[str, str]]) -> list[str]:
    out = ["## 风险与备注", ""]
    if risk_list:
        out += [f"- **{r['risk']}**：{r['detail']}（来源 `{r['source']}`）" for r in risk_list]
    else:
        out.append(
            "- 未发现风险 no risk found：磁盘、max_length、拒绝记录、分层、阶段状态、云端配置、联测与网关冒烟均无问题。"
        )
    return out + [""] + _timings(f)


def _timings(f: Facts) -> list[str]:
    rows, total = [], 0.0
    for s in f.stages:
        rec = s.record or {}
        dur = rec.get("duration_s")
        total += float(dur or 0)
        note = {"no_record": "清单无记录（报告来自较早的调用）", "not_run": "未运行"}.get(s.status, "")
        rows.append([s.name, s.status, rec.get("start_utc") or "-", f"{dur}" if dur is not None else "-", note])
    out = ["### 阶段耗时 stage timings", ""]
    out += _table(["阶段 stage", "状态 status", "开始 start (UTC)", "耗时 (s)", "说明"], rows, right={3})
    train = f.reports.get("train") or {}
    extra = f"；其中训练 ms-swift wall time {_num(f, 'EdgeTrainWallMinutes')}" if train.get("wall_time_s") else ""
    return out + ["", f"- 清单记录的阶段共 {total:.1f} s{extra}。", ""]
