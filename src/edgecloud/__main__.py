"""Command line: `python -m edgecloud run --params params/smoke.yaml [--only ...] [--from ...] [--set k=v ...]`;
`python -m edgecloud serve --params ...` keeps a trained run's stack up until Ctrl-C; `compare RUN RUN ...` puts runs
side by side; `ui` serves the experiment tracker's UI."""

from __future__ import annotations

import argparse
import json
import sys

from edgecloud.errors import EdgecloudError


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m edgecloud", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    r = sub.add_parser("run", help="execute the stage notebooks with papermill into outputs/<run_name>/")
    r.add_argument("--params", required=True, help="a params file, e.g. params/default.yaml")
    sel = r.add_mutually_exclusive_group()
    sel.add_argument("--only", help="comma-separated stages, e.g. 01_convert,02_prepare")
    sel.add_argument("--from", dest="from_stage", help="run this stage and every later one")
    r.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one parameter (validated like the file), e.g. --set train.max_steps=20",
    )
    r.add_argument("--timeout", type=int, default=4 * 3600, help="per-cell execution timeout in seconds")
    r.add_argument("--quiet", action="store_true", help="only one line per stage (cell output still goes to the log)")

    p = sub.add_parser("params", help="validate a params file and print the resolved parameters")
    p.add_argument("--params", required=True)
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")

    pub = sub.add_parser(
        "publish",
        help="copy the run's figures, tables and number macros into the thesis, "
        "compile it and build its Word version (publish.* in the params)",
    )
    pub.add_argument("--params", required=True)
    pub.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    pub.add_argument("--thesis-dir", help="thesis folder (default: publish.thesis_dir, the sample thesis/)")
    pub.add_argument(
        "--no-compile", action="store_true", help="copy only (docx_source.md included): run neither latexmk nor pandoc"
    )

    rep = sub.add_parser("report", help="write outputs/<run>/reports/summary_<run>.md and .html from the run's reports")
    rep.add_argument("--params", required=True)
    rep.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")

    srv = sub.add_parser(
        "serve",
        help="start the stack of a trained run (edge, cloud tier, gateway on 127.0.0.1), "
        "print its URLs and logs, stop it on Ctrl-C or SIGTERM",
    )
    srv.add_argument("--params", required=True)
    srv.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="e.g. --set deploy.edge_variant=gguf-q8_0 or --set deploy.gateway_port=8300",
    )

    cmp_ = sub.add_parser(
        "compare",
        help="runs side by side: the params that differ, the key numbers, loss and "
        "routing curves, as tables (LaTeX + Markdown) and a figure (PDF + PNG) in figures/<first run>/",
    )
    cmp_.add_argument("runs", nargs="+", metavar="RUN", help="a run folder name (outputs/<run>/) or a tracker run id")
    cmp_.add_argument("--name", help="file stem (default: compare_<run>-vs-<run>)")
    cmp_.add_argument("--out", help="folder to write into (default: figures/<first run>/, which publish copies)")

    trk = sub.add_parser("track", help="log an existing run folder to the experiment tracker (MLflow) as a new run")
    trk.add_argument("--params", required=True)
    trk.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")

    ui = sub.add_parser("ui", help="the experiment tracker's UI (MLflow) on 127.0.0.1, on the same store as the runs")
    ui.add_argument("--port", type=int, default=5000)

    sub.add_parser("stages", help="list the stages and their notebooks")

    args = ap.parse_args(argv)
    try:
        if args.cmd == "run":
            from edgecloud.runner import run

            only = [s.strip() for s in args.only.split(",") if s.strip()] if args.only else None
            return run(
                args.params,
                args.overrides,
                only=only,
                from_stage=args.from_stage,
                timeout_s=args.timeout,
                echo_output=not args.quiet,
            )
        if args.cmd == "serve":
            from edgecloud.serve.command import serve

            return serve(args.params, args.overrides)
        if args.cmd == "publish":
            from edgecloud.params import load_params
            from edgecloud.paths import rel
            from edgecloud.publish.thesis import publish, sync_report_path

            params = load_params(args.params, args.overrides)
            report = publish(params, args.thesis_dir, compile=False if args.no_compile else None)
            print(f"sync report: {rel(sync_report_path(params).with_suffix('.md'))}")
            docx = report["docx"]  # a missing pandoc is reported as skipped, not as a failure
            failed = (
                report["counts"].get("refused")
                or (report["compile"] and not report["compile"]["ok"])
                or (docx and not docx["ok"] and not docx["skipped"])
            )
            return 1 if failed else 0
        if args.cmd == "report":
            from edgecloud.params import load_params
            from edgecloud.paths import rel
            from edgecloud.publish.summary import write_summary
            from edgecloud.publish.summary_html import write_html

            params = load_params(args.params, args.overrides)
            print(f"summary: {rel(write_summary(params))}")
            html = write_html(params)
            print(f"html: {rel(html)}" if html else "html: no executed notebook in this run yet")
            return 0
        if args.cmd == "compare":
            from edgecloud.paths import rel, resolve
            from edgecloud.publish.compare import compare

            res = compare(args.runs, args.name, resolve(args.out) if args.out else None)
            for r in res["runs"]:
                print(f"run {r['label']}: {r['source']}")
            for what, files in res["files"].items():
                print(f"{what}: {', '.join(rel(p) for p in files.values())}")
            return 0
        if args.cmd == "track":
            from edgecloud.params import load_params
            from edgecloud.tracking import describe, track_folder

            record = track_folder(load_params(args.params, args.overrides))
            print(describe(record))
            return 0 if record.get("status") in ("ok", "off") else 1
        if args.cmd == "ui":
            from edgecloud.tracking import ui

            return ui(args.port)
        if args.cmd == "params":
            from edgecloud.params import load_params

            params = load_params(args.params, args.overrides)
            print(json.dumps(params.to_dict(), ensure_ascii=False, indent=2))
            print(f"# sha256 {params.sha256()}", file=sys.stderr)
            return 0
        from edgecloud.stages import STAGES

        for s in STAGES:
            have = "notebook" if s.notebook.is_file() else "no notebook yet"
            print(f"{s.name:12} {s.title}  (upstream: {', '.join(s.upstream) or '-'}; {have})")
        return 0
    except (EdgecloudError, KeyError) as exc:
        print(f"error: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # the runner records its own interruption; elsewhere: no traceback either
        print("interrupted: rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
