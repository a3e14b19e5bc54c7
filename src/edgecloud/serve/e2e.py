"""06_e2e: the fixed client cases of the reference run, sent through the gateway's backend API path.

The reference run judged its deployment by 12 fixed requests sent the way the web client sends
them (`POST /api/chat`): did every one get a non-empty reply, and did the 2 complex-reasoning ones
make the edge model say 转发云端 ("forward to cloud")? This module repeats that measurement on the
deployed stack, adds routing accuracy over all cases and latency (as the client sees it and as the
gateway reports it); `edgecloud.serve.e2e_report` writes the report in the reference's form. The
real-browser half of the stage is `edgecloud.serve.browser`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edgecloud.errors import DataError, EdgecloudError
from edgecloud.eval.metrics import percentile
from edgecloud.paths import rel, resolve

if TYPE_CHECKING:
    from edgecloud.params import Params

EDGE_CATEGORIES = ("device_control", "timer_reminder", "lookup", "translation", "arithmetic", "chitchat")
API_PATH = "/api/chat"


class Case(BaseModel):
    """One fixed client request and the tier it should end up on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    lang: Literal["zh", "en"]
    category: str = Field(min_length=1)
    query: str = Field(min_length=1)
    expected_tier: Literal["edge", "cloud"]
    history: list[dict[str, str]] = Field(
        default_factory=list,
        description="earlier turns, sent with the request "
        "as the web page does; expected_tier belongs to the last request",
    )


# ---------------------------------------------------------------------------------------------
# Cases


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate a cases JSONL file; a bad line stops with the file, the line and what is wrong."""
    fpath = resolve(path)
    where = rel(fpath)
    if not fpath.is_file():
        raise DataError(f"E2E cases file not found: {where} (set e2e.cases_file; the default is data/e2e/cases.jsonl)")
    cases: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(fpath.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where} line {lineno}: not valid JSON ({exc.msg}, column {exc.colno})") from None
        if not isinstance(doc, dict):
            raise DataError(
                f"{where} line {lineno}: expected a JSON object with id, lang, category, query, expected_tier"
            )
        try:
            case = Case.model_validate(doc)
        except ValidationError as exc:
            problems = "; ".join(
                f"'{'.'.join(str(x) for x in e['loc']) or '(line)'}': "
                + ("unknown key" if e["type"] == "extra_forbidden" else e["msg"].removeprefix("Value error, "))
                for e in exc.errors()
            )
            raise DataError(f"{where} line {lineno}: {problems}") from None
        if not case.query.strip():
            raise DataError(f"{where} line {lineno}: 'query' is blank")
        if case.id in seen:
            raise DataError(f"{where} line {lineno}: id {case.id!r} is already used on line {seen[case.id]}")
        seen[case.id] = lineno
        cases.append(case.model_dump())
    if not cases:
        raise DataError(f"{where}: no cases (one JSON object per line)")
    return cases


def client_api_key(params: "Params") -> str | None:
    """The first client key of the gateway (deploy.api_keys_env names the variable), or None without auth."""
    name = params.deploy.api_keys_env
    if not name:
        return None
    keys = [k.strip() for k in os.environ.get(name, "").split(",") if k.strip()]
    if not keys:
        raise EdgecloudError(
            f"deploy.api_keys_env is {name!r} but that environment variable is empty: "
            "export the gateway's client keys in it"
        )
    return keys[0]


def request_timeout_s(params: "Params") -> float:
    """What one request may take: the edge, then the cloud, plus a margin for the gateway itself."""
    return params.deploy.edge_timeout_s + params.deploy.cloud_timeout_s + 10.0


# ---------------------------------------------------------------------------------------------
# Running


def routed_tier(edge_decision: str | None) -> str | None:
    """The tier the edge model chose: a forward counts as cloud, an answer as edge, no decision as none."""
    return {"forward": "cloud", "answer": "edge"}.get(edge_decision or "")


def run_cases(
    gateway_url: str, cases: list[dict[str, Any]], timeout_s: float, api_key: str | None = None
) -> list[dict[str, Any]]:
    """Send each case as the web client does (`POST /api/chat`, with the case's earlier turns), one after another.

    A failed request is recorded with its error rather than raised: the report counts it as an
    empty reply, which is what the reference's "non-empty" figure measures.
    """
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    results = []
    # trust_env=False: the gateway is on loopback, and a proxy variable must not take the request elsewhere
    with httpx.Client(base_url=gateway_url.rstrip("/"), timeout=timeout_s, trust_env=False) as client:
        for case in cases:
            row: dict[str, Any] = {
                **case,
                "reply": "",
                "tier": None,
                "status": None,
                "edge_decision": None,
                "edge_reply": None,
                "http_status": None,
                "error": None,
                "latency_ms_client": None,
                "latency_ms_gateway": None,
                "edge_ms": None,
                "cloud_ms": None,
            }
            start = time.perf_counter()
            try:
                body_in: dict[str, Any] = {"message": case["query"]}
                if case.get("history"):
                    body_in["history"] = case["history"]
                resp = client.post(API_PATH, json=body_in, headers=headers)
            except httpx.HTTPError as exc:
                row["error"] = f"{type(exc).__name__}: {exc}"
            else:
                row["http_status"] = resp.status_code
                try:
                    body = resp.json()
                except ValueError:
                    body = None
                if resp.status_code != 200 or not isinstance(body, dict):
                    err = body.get("error", {}) if isinstance(body, dict) else {}
                    row["error"] = f"HTTP {resp.status_code}: {err.get('message') if isinstance(err, dict) else ''}"
                else:
                    timings = body.get("timings_ms") or {}
                    row.update(
                        reply=body.get("reply") or "",
                        tier=body.get("tier"),
                        status=body.get("status"),
                        edge_decision=body.get("edge_decision"),
                        edge_reply=body.get("edge_reply"),
                        latency_ms_gateway=body.get("latency_ms"),
                        edge_ms=timings.get("edge"),
                        cloud_ms=timings.get("cloud"),
                    )
            row["latency_ms_client"] = round((time.perf_counter() - start) * 1000, 1)
            row["routed"] = routed_tier(row["edge_decision"])
            row["routed_ok"] = row["routed"] == case["expected_tier"]
            row["non_empty"] = bool(row["reply"].strip())
            results.append(row)
    return results


# ---------------------------------------------------------------------------------------------
# Summary


def _ms(values: list[float]) -> dict[str, float | None]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 1)

    return {
        "n": len(values),
        "p50": r(percentile(values, 50)),
        "p95": r(percentile(values, 95)),
        "max": r(max(values)) if values else None,
    }


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The reference's figures (cases, non-empty, complex cases and their forward hits) plus routing and latency."""
    n = len(results)
    non_empty = sum(1 for r in results if (r.get("reply") or "").strip())
    complex_ = [r for r in results if r["expected_tier"] == "cloud"]
    edge = [r for r in results if r["expected_tier"] == "edge"]
    hits = sum(1 for r in complex_ if r.get("edge_decision") == "forward")
    kept = sum(1 for r in edge if r.get("edge_decision") == "answer")
    correct = hits + kept
    tiers: dict[str, int] = {}
    statuses: dict[str, int] = {}
    for r in results:
        tiers[str(r.get("tier"))] = tiers.get(str(r.get("tier")), 0) + 1
        statuses[str(r.get("status"))] = statuses.get(str(r.get("status")), 0) + 1
    client = [r["latency_ms_client"] for r in results if r.get("latency_ms_client") is not None]
    gateway = [r["latency_ms_gateway"] for r in results if r.get("latency_ms_gateway") is not None]
    by_tier = {
        t: _ms(
            [r["latency_ms_client"] for r in results if r.get("tier") == t and r.get("latency_ms_client") is not None]
        )
        for t in ("edge", "cloud")
    }
    return {
        "cases": n,
        "non_empty": non_empty,
        "non_empty_rate": non_empty / n if n else None,
        "errors": sum(1 for r in results if r.get("error")),
        "complex_cases": len(complex_),
        "complex_forward_hits": hits,
        "edge_cases": len(edge),
        "edge_kept": kept,
        "routing_correct": correct,
        "routing_accuracy": correct / n if n else None,
        "answered_by": tiers,
        "status": statuses,
        "latency_ms": {"client": _ms(client), "gateway": _ms(gateway), "client_by_tier": by_tier},
        "all_non_empty": n > 0 and non_empty == n,
        "all_complex_forwarded": bool(complex_) and hits == len(complex_),
        "per_case": [
            {
                **{
                    k: r.get(k)
                    for k in (
                        "id",
                        "lang",
                        "category",
                        "expected_tier",
                        "edge_decision",
                        "tier",
                        "status",
                        "latency_ms_client",
                        "latency_ms_gateway",
                    )
                },
                "routed_ok": routed_tier(r.get("edge_decision")) == r["expected_tier"],
                "non_empty": bool((r.get("reply") or "").strip()),
            }
            for r in results
        ],
    }
