"""06_e2e, second half: the gateway's web page driven by a real headless Chromium.

The backend API path (`edgecloud.serve.e2e.run_cases`) shows the gateway answers; it does not show that a
user sees the answer. Here Playwright opens the page the gateway serves at `/`, types a request
into it, presses send and reads what the page rendered: the reply text, the tier it shows
(`data-tier`) and the latency badge, and checks them against the answer the page received (its streamed events) for that
very request. Debian's `/usr/bin/chromium` is launched through `executable_path`
(`playwright install` downloads browsers, which offline machines cannot).

The cases are sent one after another in one conversation, as a user would: from the second case
on the page sends the earlier turns as `history`, so its request is not byte-for-byte the API
path's. The check is therefore against the response to the page's own request; whether the tier
also agrees with the API path's run of the case is recorded beside it (`agrees_with_api_run`).
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edgecloud.errors import EdgecloudError
from edgecloud.paths import rel
from edgecloud.serve.tier_stream import read_events

if TYPE_CHECKING:
    from edgecloud.params import Params

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 900, "height": 760}


def select_cases(cases: list[dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    """The cases named by e2e.browser_cases, or by default the first edge and the first complex case."""
    if ids:
        by_id = {c["id"]: c for c in cases}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise EdgecloudError(
                f"e2e.browser_cases names {', '.join(unknown)}, not in the cases file (ids: {', '.join(by_id)})"
            )
        return [by_id[i] for i in ids]
    chosen = [next((c for c in cases if c["expected_tier"] == t), None) for t in ("edge", "cloud")]
    return [c for c in chosen if c is not None]


def check_chromium(path: str) -> Path:
    """The Chromium executable, or an error that says how to get one."""
    exe = Path(path)
    if not (exe.is_file() and os.access(exe, os.X_OK)):
        raise EdgecloudError(
            f"Chromium not found at {path} (e2e.chromium_path): run `make sysdeps` (as root it installs Debian's "
            "chromium package), or point e2e.chromium_path at a Chromium/Chrome executable, or set e2e.browser "
            "to false to skip the browser check"
        )
    return exe


def _sync_playwright():  # noqa: ANN202 - the import is the check
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise EdgecloudError(
            "The Python package playwright is missing: run `make venv` (it is pinned in "
            "requirements.txt; `playwright install` is not needed, Debian's chromium is used)"
        ) from None
    return sync_playwright


def _badge_ms(text: str | None) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)\s*ms", text or "")
    return float(m.group(1)) if m else None


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def check_web_client(
    gateway_url: str,
    cases: list[dict[str, Any]],
    screenshot: Path,
    *,
    chromium_path: str = "/usr/bin/chromium",
    timeout_s: float = 120.0,
    api_results: list[dict[str, Any]] | None = None,
    api_key: str | None = None,
) -> dict[str, Any]:
    """Send `cases` from the web page in headless Chromium; return what was rendered and whether it checks out.

    A case passes when its rendered reply is non-empty, the tier on the page equals the tier in the
    response to the page's request, and the latency badge shows that response's latency.
    The browser and Playwright's driver are closed whatever happens (a `finally`), so no process
    outlives the call.

    Playwright's sync API refuses to run in a thread with a running asyncio loop, which is every
    Jupyter kernel's main thread; there the check runs in a worker thread and this call waits for it.
    """
    kwargs = dict(chromium_path=chromium_path, timeout_s=timeout_s, api_results=api_results, api_key=api_key)
    if _loop_running():
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="edgecloud-browser") as pool:
            return pool.submit(_check_web_client, gateway_url, cases, screenshot, **kwargs).result()
    return _check_web_client(gateway_url, cases, screenshot, **kwargs)


def _check_web_client(
    gateway_url: str,
    cases: list[dict[str, Any]],
    screenshot: Path,
    *,
    chromium_path: str,
    timeout_s: float,
    api_results: list[dict[str, Any]] | None,
    api_key: str | None,
) -> dict[str, Any]:
    exe = check_chromium(chromium_path)
    sync_playwright = _sync_playwright()
    api_by_id = {r["id"]: r for r in api_results or []}
    url = gateway_url.rstrip("/") + "/"
    timeout_ms = timeout_s * 1000
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"url": url, "cases": [], "console_errors": [], "screenshot": None}
    start = time.perf_counter()
    # launch() gives the browser a fresh temporary profile of its own (removed on close); HOME points at a
    # temporary folder too, so Chromium's caches and crash reports do not land in the user's home
    with tempfile.TemporaryDirectory(prefix="edgecloud-chromium-") as home, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(exe),
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "HOME": home},
            timeout=60_000,
        )
        try:
            out["browser"] = f"Chromium {browser.version}"
            context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", device_scale_factor=1)
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    out["console_errors"].append(m.text)
                    if m.type == "error" and not m.text.startswith("Failed to load resource")
                    else None
                ),
            )
            page.on("pageerror", lambda e: out["console_errors"].append(str(e)))
            # a failed load shows in the console without its URL: record it here, minus the browser's own
            # favicon request (the page has none)
            page.on(
                "response",
                lambda r: (
                    out["console_errors"].append(f"HTTP {r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico")
                    else None
                ),
            )
            try:
                page.goto(url, wait_until="load", timeout=timeout_ms)
            except Exception as exc:  # playwright's Error: the page did not load at all
                raise EdgecloudError(
                    f"The web client did not load at {url}: {str(exc).splitlines()[0]} "
                    "(is the gateway running? see its log)"
                ) from None
            try:  # the header shows the tiers' health once /healthz answered; only cosmetic for the screenshot
                page.wait_for_function(
                    "!document.getElementById('health').textContent.includes('checking')", timeout=10_000
                )
            except Exception:  # noqa: BLE001 - a slow health probe must not fail the check
                pass
            if api_key:  # the key field sits in a closed <details>; set it the way a user's typing would end up
                page.eval_on_selector("#apikey", "(el, key) => { el.value = key; }", api_key)
            # each case alone, as on the API path: the model was fine-tuned on single requests, and earlier
            # turns as history changed its routing decision in a first run
            page.eval_on_selector("#context", "el => { el.checked = false; }")
            out["history_sent"] = False
            for case in cases:
                out["cases"].append(_send_one(page, case, timeout_ms, api_by_id.get(case["id"])))
            page.screenshot(path=str(screenshot))
            out["screenshot"] = rel(screenshot)
        finally:
            browser.close()
    out["elapsed_s"] = round(time.perf_counter() - start, 2)
    out["ok"] = bool(out["cases"]) and all(c["ok"] for c in out["cases"])
    return out


def _send_one(page: Any, case: dict[str, Any], timeout_ms: float, api_row: dict[str, Any] | None) -> dict[str, Any]:
    """Type one request, press send, wait for its rendered reply (or error) and read it back."""
    finished = "#log .msg.reply[data-done], #log .msg.error"  # a streamed reply box is there from its first token
    done_before = page.locator(finished).count()
    page.fill("#message", case["query"])
    with page.expect_response(
        lambda r: r.url.endswith("/api/chat") and r.request.method == "POST", timeout=timeout_ms
    ) as info:
        page.click("#send")
    response = info.value
    try:  # the page streams: its events read back as /api/chat's flat answer; an error is JSON
        text = response.text()
        body = read_events(text) if text.startswith("data: ") else response.json()
    except Exception:  # noqa: BLE001 - an unreadable body is reported, not raised
        body = {}
    rendered = page.locator(finished).nth(done_before)
    rendered.wait_for(state="attached", timeout=timeout_ms)
    row: dict[str, Any] = {
        "id": case["id"],
        "expected_tier": case["expected_tier"],
        "http_status": response.status,
        "response_tier": body.get("tier"),
        "response_latency_ms": body.get("latency_ms"),
        "api_run_tier": api_row.get("tier") if api_row else None,
    }
    if "error" in (rendered.get_attribute("class") or "").split():
        row.update(
            text="",
            tier_shown=None,
            status_shown=None,
            latency_badge=None,
            non_empty=False,
            tier_matches=False,
            latency_matches=False,
            error=rendered.inner_text(),
        )
    else:
        text = rendered.locator(".text").inner_text()
        badge = rendered.locator(".latency").inner_text()
        shown = rendered.get_attribute("data-tier")
        api_ms = body["latency_ms"] if isinstance(body.get("latency_ms"), (int, float)) else None
        shown_ms = _badge_ms(badge)
        row.update(
            text=text,
            tier_shown=shown,
            status_shown=rendered.get_attribute("data-status"),
            latency_badge=badge,
            non_empty=bool(text.strip()),
            tier_matches=shown is not None and shown == body.get("tier"),
            # the page rounds with JS Math.round (half up), Python's round() goes half to even:
            # compare within a millisecond, not for equality (12.5 ms showed as 13, expected 12)
            latency_matches=api_ms is not None and shown_ms is not None and abs(shown_ms - api_ms) <= 1,
        )
    row["agrees_with_api_run"] = None if api_row is None else row["tier_shown"] == api_row.get("tier")
    row["ok"] = bool(row["non_empty"] and row["tier_matches"] and row["latency_matches"])
    return row


def run_browser_check(
    params: "Params",
    gateway_url: str,
    cases: list[dict[str, Any]],
    api_results: list[dict[str, Any]] | None = None,
    api_key: str | None = None,
) -> dict[str, Any]:
    """check_web_client with the run's settings: e2e.browser_cases, e2e.chromium_path, the deploy timeouts,
    and the screenshot at figures/<run>/06_web_client.png."""
    from edgecloud import artifacts
    from edgecloud.serve.e2e import request_timeout_s

    chosen = select_cases(cases, params.e2e.browser_cases)
    return check_web_client(
        gateway_url,
        chosen,
        artifacts.path("web_screenshot", params),
        chromium_path=params.e2e.chromium_path,
        timeout_s=request_timeout_s(params),
        api_results=api_results,
        api_key=api_key,
    )
