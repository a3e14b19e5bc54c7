"""06_e2e: the fixed cases file, the summary arithmetic, and a real run through the unmodified gateway
with a real headless Chromium on the web page it serves.

The gateway's tiers are rule-based loopback servers (tests/gateway_servers.py): the edge forwards
exactly the complex cases, so every routing figure of the run has a known right answer. The stack
with real `swift deploy` is tested by the deploy tests and by nbval of notebooks/06_e2e.ipynb.
"""

from __future__ import annotations

import asyncio
import json
import shutil

import psutil
import pytest

from edgecloud.errors import DataError, EdgecloudError
from edgecloud.jsonio import read_json
from edgecloud.params import DEFAULT_FORWARD_REPLY, load_params
from edgecloud.paths import RunDirs, resolve
from edgecloud.serve import e2e, e2e_report
from edgecloud.serve.browser import check_chromium, check_web_client, run_browser_check, select_cases
from edgecloud.serve.gateway import GatewayConfig, create_app

from conftest import ROOT
from gateway_servers import ServerThread, rule_upstream

CASES_FILE = ROOT / "data" / "e2e" / "cases.jsonl"
EDGE_ANSWER = "好的，已经为你处理。Done."
CLOUD_ANSWER = "云端详细解答：第一步，……因此结论成立。Step by step, the result holds."
CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian chromium not installed (make sysdeps)"
)


# ---------------------------------------------------------------------------------------------
# The cases file


def test_cases_file_has_ten_edge_and_two_complex_cases_over_every_category():
    cases = e2e.load_cases(CASES_FILE)
    assert len(cases) == 12
    assert len({c["id"] for c in cases}) == 12
    assert [c["expected_tier"] for c in cases].count("edge") == 10
    complex_ = [c for c in cases if c["expected_tier"] == "cloud"]
    assert {c["category"] for c in complex_} == {"proof_derivation", "planning"}
    assert {c["category"] for c in cases if c["expected_tier"] == "edge"} == set(e2e.EDGE_CATEGORIES)
    assert {c["lang"] for c in cases} == {"zh", "en"}


def test_cases_are_new_phrasings_not_copied_from_the_training_data():
    queries = {
        c["query"] for f in (CASES_FILE, ROOT / "data" / "e2e" / "cases_multiturn.jsonl") for c in e2e.load_cases(f)
    }

    def final_request(rec: dict) -> str:  # plain records carry `query`, conversations end in a user turn
        return rec["query"] if "query" in rec else rec["messages"][-1]["content"]

    for raw in (ROOT / "data" / "raw").glob("*.jsonl"):
        seen = {
            final_request(json.loads(line)) for line in raw.read_text(encoding="utf-8").splitlines() if line.strip()
        }
        assert not queries & seen, raw.name


@pytest.mark.parametrize(
    "bad, message",
    [
        ('{"id": "x-2", "lang": "zh", "category": "lookup", "query": "几点了"', "not valid JSON"),
        ('{"id": "x-2", "lang": "fr", "category": "lookup", "query": "hi", "expected_tier": "edge"}', "'lang'"),
        ('{"id": "x-2", "lang": "en", "category": "lookup", "query": "hi", "expected_tier": "gpu"}', "'expected_tier'"),
        ('{"id": "x-2", "lang": "en", "category": "lookup", "expected_tier": "edge"}', "'query'"),
        (
            '{"id": "x-2", "lang": "en", "category": "lookup", "query": "hi", "expected_tier": "edge", "tier": 1}',
            "unknown key",
        ),
        ('{"id": "x-1", "lang": "en", "category": "lookup", "query": "hi", "expected_tier": "edge"}', "line 1"),
        ('["x-2"]', "JSON object"),
    ],
)
def test_a_bad_cases_line_is_named_with_file_and_line(tmp_path, bad, message):
    path = tmp_path / "cases.jsonl"
    good = '{"id": "x-1", "lang": "zh", "category": "lookup", "query": "几点了", "expected_tier": "edge"}'
    path.write_text(f"{good}\n\n{bad}\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        e2e.load_cases(path)
    text = str(err.value)
    assert "cases.jsonl line 3" in text and message in text


def test_a_missing_cases_file_says_which_param_sets_it(tmp_path):
    with pytest.raises(DataError, match="e2e.cases_file"):
        e2e.load_cases(tmp_path / "nope.jsonl")


# ---------------------------------------------------------------------------------------------
# Summary arithmetic


def _result(i, expected, decision, tier, reply, client_ms, gateway_ms):
    return {
        "id": f"c{i}",
        "lang": "en",
        "category": "x",
        "query": "q",
        "expected_tier": expected,
        "edge_decision": decision,
        "tier": tier,
        "status": "ok" if tier else None,
        "reply": reply,
        "latency_ms_client": client_ms,
        "latency_ms_gateway": gateway_ms,
        "error": None if tier else "HTTP 503: no tier",
    }


def test_summary_counts_non_empty_forward_hits_routing_and_percentiles():
    results = [
        _result(1, "edge", "answer", "edge", "ok", 100.0, 90.0),
        _result(2, "edge", "forward", "cloud", "long answer", 200.0, 190.0),  # wrongly forwarded
        _result(3, "edge", "answer", "edge", "   ", 300.0, 290.0),  # blank reply
        _result(4, "cloud", "forward", "cloud", "proof", 400.0, 390.0),  # hit
        _result(5, "cloud", "answer", "edge", "I think...", 500.0, 490.0),  # missed forward
        _result(6, "cloud", None, None, "", 600.0, None),  # failed request: no decision
    ]
    s = e2e.summarize(results)
    assert (s["cases"], s["non_empty"], s["errors"]) == (6, 4, 1)
    assert s["non_empty_rate"] == pytest.approx(4 / 6)
    assert (s["complex_cases"], s["complex_forward_hits"]) == (3, 1)
    assert (s["edge_cases"], s["edge_kept"]) == (3, 2)
    assert s["routing_correct"] == 3 and s["routing_accuracy"] == pytest.approx(0.5)
    assert s["answered_by"] == {"edge": 3, "cloud": 2, "None": 1}
    assert s["latency_ms"]["client"]["p50"] == pytest.approx(350.0)
    assert s["latency_ms"]["client"]["p95"] == pytest.approx(575.0)  # numpy's linear interpolation
    assert s["latency_ms"]["gateway"]["n"] == 5 and s["latency_ms"]["gateway"]["p50"] == pytest.approx(290.0)
    assert not s["all_non_empty"] and not s["all_complex_forwarded"]
    assert [c["routed_ok"] for c in s["per_case"]] == [True, False, True, True, False, False]
    table = e2e_report.summary_table(s).set_index("指标")["数值"]
    assert table["总用例"] == "6" and table["非空回复"] == "4" and table["非空成功率"] == "67%"
    assert table["复杂推理用例"] == "3" and table["复杂推理“转发云端”命中"] == "1"


def test_summary_of_a_clean_run_matches_the_reference_figures():
    results = [_result(i, "edge", "answer", "edge", "ok", 10.0, 9.0) for i in range(10)]
    results += [_result(10 + i, "cloud", "forward", "cloud", "proof", 900.0, 890.0) for i in range(2)]
    s = e2e.summarize(results)
    assert (s["cases"], s["non_empty"], s["non_empty_rate"]) == (12, 12, 1.0)
    assert (s["complex_cases"], s["complex_forward_hits"], s["routing_accuracy"]) == (2, 2, 1.0)
    assert s["all_non_empty"] and s["all_complex_forwarded"]


def test_browser_cases_default_to_the_first_edge_and_first_complex_case():
    cases = e2e.load_cases(CASES_FILE)
    assert [c["id"] for c in select_cases(cases, [])] == ["e2e-01", "e2e-11"]
    assert [c["id"] for c in select_cases(cases, ["e2e-12"])] == ["e2e-12"]
    with pytest.raises(EdgecloudError, match="e2e-99"):
        select_cases(cases, ["e2e-99"])


def test_missing_chromium_says_run_make_sysdeps(tmp_path):
    with pytest.raises(EdgecloudError, match="make sysdeps"):
        check_chromium(str(tmp_path / "chromium"))


# ---------------------------------------------------------------------------------------------
# A real run: the gateway over HTTP, the API path, then headless Chromium on the web page


SEEN: dict = {}  # SEEN["edge"]: the requests the edge upstream of the `gateway_url` fixture received


@pytest.fixture
def gateway_url():
    """The unmodified gateway with an edge that forwards exactly the complex cases, and a cloud tier."""
    complex_queries = {c["query"] for c in e2e.load_cases(CASES_FILE) if c["expected_tier"] == "cloud"}
    edge_app, SEEN["edge"] = rule_upstream(
        "edge-e2e", lambda q: DEFAULT_FORWARD_REPLY if q in complex_queries else EDGE_ANSWER
    )
    cloud_app, cloud_requests = rule_upstream("cloud-e2e", lambda q: CLOUD_ANSWER)
    servers = [ServerThread(edge_app).start(), ServerThread(cloud_app).start()]
    config = GatewayConfig(
        edge_base_url=f"{servers[0].url}/v1",
        edge_model="edge-e2e",
        cloud_base_url=f"{servers[1].url}/v1",
        cloud_model="cloud-e2e",
        cloud_label="test cloud",
        edge_timeout_s=5,
        cloud_timeout_s=5,
        health_timeout_s=1,
    )
    servers.append(ServerThread(create_app(config)).start())
    yield servers[2].url
    for s in servers:
        s.request_stop()
    for s in reversed(servers):
        s.stop()


def _browser_processes() -> list[psutil.Process]:
    out = []
    for p in psutil.Process().children(recursive=True):
        try:
            if any(k in p.name().lower() for k in ("chrom", "node", "playwright")):
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.mark.integration
@needs_chromium
def test_cases_through_the_api_and_the_web_page_in_headless_chromium(gateway_url, run_name, write_params):
    cases = e2e.load_cases(CASES_FILE)
    results = e2e.run_cases(gateway_url, cases, timeout_s=10)
    assert len(results) == 12 and not any(r["error"] for r in results)
    for r in results:
        cloud = r["expected_tier"] == "cloud"
        assert (r["tier"], r["edge_decision"]) == (("cloud", "forward") if cloud else ("edge", "answer"))
        assert r["reply"] == (CLOUD_ANSWER if cloud else EDGE_ANSWER)
        assert r["latency_ms_client"] >= r["latency_ms_gateway"] > 0
    summary = e2e.summarize(results)
    assert (summary["non_empty"], summary["complex_forward_hits"], summary["routing_accuracy"]) == (12, 2, 1.0)

    params = load_params(write_params(f"run_name: {run_name}\ndeploy: {{edge_timeout_s: 5, cloud_timeout_s: 5}}\n"))

    async def in_a_running_loop():  # as in a Jupyter kernel, where Playwright's sync API cannot run directly
        return run_browser_check(params, gateway_url, cases, api_results=results)

    n_api = len(SEEN["edge"])
    browser = asyncio.run(in_a_running_loop())
    assert _browser_processes() == [], "a browser or driver process outlived the check"

    assert browser["ok"], browser
    assert [c["id"] for c in browser["cases"]] == ["e2e-01", "e2e-11"]
    edge_case, cloud_case = browser["cases"]
    assert (edge_case["text"], edge_case["tier_shown"], edge_case["response_tier"]) == (EDGE_ANSWER, "edge", "edge")
    assert (cloud_case["text"], cloud_case["tier_shown"], cloud_case["response_tier"]) == (
        CLOUD_ANSWER,
        "cloud",
        "cloud",
    )
    assert all(c["agrees_with_api_run"] and c["latency_matches"] for c in browser["cases"])
    assert cloud_case["latency_badge"].endswith(" ms")
    assert browser["console_errors"] == []
    # the page sent each case alone (no earlier turns), as the API path does
    from_page = SEEN["edge"][n_api:]
    assert len(from_page) == 2 and browser["history_sent"] is False
    assert all([m["role"] for m in r["messages"]] == ["system", "user"] for r in from_page)
    shot = resolve(browser["screenshot"])
    assert browser["screenshot"] == f"figures/{run_name}/06_web_client.png"
    assert shot == RunDirs(run_name).figures / "06_web_client.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000

    paths = e2e_report.write_report(params, results, summary, browser, deployment={"cloud_label": "test cloud"})
    report = read_json(paths["json"])
    assert paths["json"].name == f"client_web_e2e_{run_name}.json"
    assert report["summary"]["complex_forward_hits"] == 2 and report["browser"]["ok"]
    md = paths["md"].read_text(encoding="utf-8")
    for heading in ("总用例", "非空回复", "非空成功率", "复杂推理用例", "复杂推理“转发云端”命中", "路由准确率"):
        assert heading in md
    assert "| 非空成功率 | 100% |" in md
    for name in ("06_e2e.tex", "06_e2e.md", "06_e2e_cases.tex", "06_latency.pdf", "06_latency.png"):
        assert (RunDirs(run_name).figures / name).is_file(), name


@pytest.mark.integration
@needs_chromium
def test_the_browser_check_fails_when_the_gateway_is_down_and_leaves_no_process(tmp_path):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound, not listening: nothing answers there
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        with pytest.raises(EdgecloudError, match="did not load.*ERR_CONNECTION_REFUSED"):
            check_web_client(
                url, e2e.load_cases(CASES_FILE)[:1], tmp_path / "shot.png", chromium_path=CHROMIUM, timeout_s=10
            )
    finally:
        sock.close()
    assert _browser_processes() == []
