"""04_eval through a running OpenAI-compatible server (eval.server_url): the whole `evaluate` on the smoke
split, with real OpenAI-compatible servers on loopback (tests/gateway_servers.py) for the base and the
fine-tuned model. They answer by a rule, with the first position's top log-probabilities, so the expected
routing scores and decisions are known; what is tested is the client, the score (the gateway's) and the report.
The same path against the package's own edge server over a real model is the integration test at the end."""

from __future__ import annotations

import json
import time

import pytest

from edgecloud import artifacts
from edgecloud.data.convert import convert
from edgecloud.errors import ParamsError
from edgecloud.eval.eval_server import EvalServerError
from edgecloud.eval.evaluate import evaluate
from edgecloud.jsonio import read_jsonl, write_json
from edgecloud.model import prompt_messages
from edgecloud.params import load_params
from edgecloud.paths import resolve
from edgecloud.routing import log_odds

from gateway_servers import ServerThread, StreamingUpstream

FT, BASE = "edge-ft", "edge-base"
FORWARD = list("[转发云端] forward to cloud")
FORWARD_TOP = [("[", -0.05), ("The", -3.2), ("好", -4.0)]  # P(forward) 0.95
ANSWER_TOP = [("The", -0.4), ("[", -1.9), ("好", -2.6)]  # P(forward) 0.15: greedy answers


@pytest.fixture
def served(run_name):
    """Splits of the smoke profile (01_convert) and two loopback servers: the fine-tuned model forwards exactly the
    requests that need the cloud, the base model answers everything. Yields a params factory and the servers."""
    p0 = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    convert(p0)
    cloud = {
        prompt_messages(r)[-1]["content"] for r in read_jsonl(artifacts.path("test_split", p0)) if r["needs_cloud"]
    }
    from edgecloud.data.heldout import load_heldout

    cloud |= {r["query"] for r in load_heldout(resolve(p0.eval.heldout_file)) if r["needs_cloud"]}
    ft = StreamingUpstream(
        FT,
        lambda q: FORWARD if q in cloud else list("Sure, done."),
        top=lambda q: FORWARD_TOP if q in cloud else ANSWER_TOP,
    )
    base = StreamingUpstream(BASE, lambda q: list("A base answer."), top=lambda q: ANSWER_TOP)
    threads = [ServerThread(ft.app).start(), ServerThread(base.app).start()]

    def params(*extra: str):
        return load_params(
            "params/smoke.yaml",
            [
                f"run_name={run_name}",
                "eval.heldout_max=6",
                "eval.max_new_tokens=24",
                "eval.server_concurrency=3",
                f"eval.server_url={threads[0].url}/v1",
                f"eval.server_model={FT}",
                f"eval.server_base_url={threads[1].url}/v1",
                f"eval.server_base_model={BASE}",
                *extra,
            ],
        )

    yield params, ft, base
    for t in threads:
        t.stop()


def test_evaluate_generates_and_scores_through_the_servers(served, tmp_path):
    params, ft, base = served
    p = params()
    report = evaluate(p, tmp_path / "model", tmp_path / "ckpt", echo=lambda _: None)
    n, n_held = report["test_records"], report["heldout"]["records"]
    assert report["device"] == "server" and n_held == 6
    assert report["server"]["url"].endswith("/v1") and report["server"]["model"] == FT
    assert report["server"]["base_model"] == BASE and report["server"]["unsuppressed_forward_replies"] == 0

    # every request greedy with the eval's max_tokens; the fine-tuned replies and the held-out first positions
    # ask for the top log-probabilities; the held-out set needs one token only
    assert len(base.requests) == n and len(ft.requests) == n + n_held
    assert all(r["temperature"] == 0 and r["max_tokens"] == 24 and not r.get("logprobs") for r in base.requests)
    assert all(r["logprobs"] is True and r["top_logprobs"] == 5 and r["model"] == FT for r in ft.requests)
    assert sorted(r["max_tokens"] for r in ft.requests) == [1] * n_held + [24] * n

    routers = {r["router"]: r for r in report["routers"]}
    assert routers["finetuned"]["accuracy"] == 1.0 and routers["base_prompted"]["cloud_share"] == 0.0
    labels = report["scores"]["labels"]
    expected = [round(log_odds(-0.05 if y else -1.9), 4) for y in labels]
    assert report["scores"]["finetuned"] == expected  # routing.score_from_top, as the gateway scores
    assert report["curves"]["finetuned"]["roc"]["auc"] == 1.0
    held = {r["router"]: r for r in report["heldout"]["routers"]}
    assert held["finetuned"]["accuracy"] == 1.0

    preds = read_jsonl(artifacts.path("predictions_finetuned", p))
    assert len(preds) == n and all(
        x["reply"] == ("".join(FORWARD) if x["needs_cloud"] else "Sure, done.") for x in preds
    )
    assert all(x["new_tokens"] == len(x["reply"]) and x["prompt_tokens"] == 7 and x["latency_s"] > 0 for x in preds)
    saved = json.loads(artifacts.path("eval", p).read_text(encoding="utf-8"))
    assert saved["server"] == report["server"]


def test_a_threshold_decides_by_the_score_and_unsuppressed_forward_replies_are_counted(served, tmp_path):
    """A calibrated run: the score alone decides. A server that does not suppress the forward token as first
    token (these do not) gives replies that start with it: counted, and decided by the score, not the text."""
    params, _, _ = served
    p = params()
    write_json(
        artifacts.path("calibration", p),
        {"threshold": 3.5, "step": 1, "checkpoint": "x", "score_definition": "log-odds"},
    )
    report = evaluate(p, tmp_path / "model", tmp_path / "ckpt", echo=lambda _: None)
    # log_odds(-0.05) is about 2.97: below 3.5, so nothing goes to the cloud, although every forward reply forwards
    assert report["server"]["unsuppressed_forward_replies"] == report["test_cloud"] > 0
    routers = {r["router"]: r for r in report["routers"]}
    assert routers["finetuned_calibrated"]["cloud_share"] == 0.0 and routers["finetuned"]["accuracy"] == 1.0
    write_json(
        artifacts.path("calibration", p),
        {"threshold": 0.0, "step": 1, "checkpoint": "x", "score_definition": "log-odds"},
    )
    report = evaluate(p, tmp_path / "model", tmp_path / "ckpt", echo=lambda _: None)
    assert {r["router"]: r for r in report["routers"]}["finetuned_calibrated"]["accuracy"] == 1.0


def test_a_model_the_server_does_not_serve_and_a_server_that_is_down_are_clear_errors(served, tmp_path):
    params, _, _ = served
    with pytest.raises(EvalServerError) as err:
        evaluate(params("eval.server_model=nope"), tmp_path, tmp_path, echo=lambda _: None)
    assert "eval.server_model" in str(err.value) and FT in str(err.value)
    with pytest.raises(EvalServerError) as err:
        evaluate(params("eval.server_base_url=http://127.0.0.1:9/v1"), tmp_path, tmp_path, echo=lambda _: None)
    assert "eval.server_base_url" in str(err.value) and "Start the server" in str(err.value)


def test_a_server_without_logprobs_is_refused_naming_what_is_missing(served, tmp_path):
    params, _, _ = served  # the base server answers logprobs; a server that ignores them:
    bare = StreamingUpstream("bare", lambda q: list("hi"))
    thread = ServerThread(bare.app).start()
    try:
        with pytest.raises(EvalServerError, match="top_logprobs"):
            evaluate(
                params(f"eval.server_url={thread.url}/v1", "eval.server_model=bare"),
                tmp_path,
                tmp_path,
                echo=lambda _: None,
            )
    finally:
        thread.stop()


def test_a_server_url_without_the_served_names_is_refused_naming_the_keys():
    with pytest.raises(ParamsError) as err:
        load_params("params/smoke.yaml", ["eval.server_url=http://127.0.0.1:8201/v1"])
    assert "eval.server_model" in str(err.value) and "eval.server_base_model" in str(err.value)
    with pytest.raises(ParamsError, match="eval.server_url"):
        load_params(
            "params/smoke.yaml", ["eval.server_url=localhost:8201", "eval.server_model=a", "eval.server_base_model=b"]
        )


@pytest.mark.integration
def test_evaluate_through_the_package_edge_server_scores_as_in_process(run_name, tmp_path):
    """The real thing: `python -m edgecloud.edge.server` over the embedded base model (torch fp32) serves both
    tiers; the routing scores 04_eval reads from its top_logprobs are the ones transformers gives in-process."""
    import subprocess
    import sys

    from edgecloud.eval.calibrate import forward_token_id, score_prompts
    from edgecloud.model import load_model
    from edgecloud.procs import die_with_parent, stop_process_group
    from edgecloud.train.prepare import prepare, prepared_model_dir

    from gateway_servers import free_ports

    base_params = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    convert(base_params)
    prepare(base_params)
    folder = prepared_model_dir(base_params)
    variant = tmp_path / "variant"
    variant.mkdir()
    (variant / "variant.json").write_text(
        json.dumps(
            {"variant": "torch-fp32", "backend": "torch", "precision": "fp32", "weights": str(folder.resolve())}
        ),
        encoding="utf-8",
    )
    import httpx

    def start_server() -> tuple[subprocess.Popen, int]:
        """The edge server on a free port; a port taken between choosing and binding it: another one."""
        for _ in range(3):
            port = free_ports(1)[0]
            with (tmp_path / "edge.log").open("w") as log:
                proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "edgecloud.edge.server",
                        "--variant-dir",
                        str(variant),
                        "--tokenizer",
                        str(folder),
                        "--template",
                        base_params.model.template,
                        "--port",
                        str(port),
                        "--served-model-name",
                        "edge",
                        "--threads",
                        "2",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=die_with_parent,
                )
            deadline = time.monotonic() + 600
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2, trust_env=False).status_code == 200:
                        return proc, port
                except httpx.HTTPError:
                    pass
                time.sleep(1)
            stop_process_group(proc)
            if "address already in use" not in (tmp_path / "edge.log").read_text():
                break
        raise AssertionError("the edge server did not start: " + (tmp_path / "edge.log").read_text())

    proc, port = start_server()
    url = f"http://127.0.0.1:{port}/v1"
    try:
        p = load_params(
            "params/smoke.yaml",
            [
                f"run_name={run_name}",
                "eval.heldout_max=3",
                "eval.max_new_tokens=8",
                f"eval.server_url={url}",
                "eval.server_model=edge",
                "eval.server_base_model=edge",
                "eval.server_concurrency=2",
            ],
        )
        report = evaluate(p, folder, folder, echo=lambda _: None)
    finally:
        stop_process_group(proc)
    preds = read_jsonl(artifacts.path("predictions_finetuned", p))
    assert report["device"] == "server" and len(preds) == report["test_records"] > 0
    assert all(x["reply"].strip() and 0 < x["new_tokens"] <= 8 for x in preds)
    model, tok = load_model(folder, "float32", "cpu", template=p.model.template)
    token_id = forward_token_id(tok, p.data.forward_reply)
    local, _ = score_prompts(
        model, tok, [prompt_messages(r) for r in read_jsonl(artifacts.path("test_split", p))], token_id, "cpu"
    )
    assert max(abs(a - b) for a, b in zip(report["scores"]["finetuned"], local)) < 0.05
