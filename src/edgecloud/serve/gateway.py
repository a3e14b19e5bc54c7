"""The edge gateway: one OpenAI-compatible endpoint in front of the edge model and the cloud tier.

Every request goes to the edge model first (ms-swift `swift deploy`). When its reply forwards the
request (decided by `routing.forward_match`, the same detector evaluation scores the model with, so
the thesis measures exactly what the gateway does), the gateway asks the cloud tier and returns
its answer, keeping the edge reply in the response metadata.

Failures never turn into an empty reply or a bare 500: the `edgecloud.status` field of every
answer says which tier answered and what went wrong on the way (cloud not configured, cloud
unavailable, edge unavailable and the cloud stood in). Only when no tier can answer does the
client get an error, an OpenAI-style 503.

Bad input never passes silently and never becomes a 500: every request the gateway cannot serve as
sent (not JSON, nested too deeply, an unknown route or method, an option it does not support such as
n > 1, max_tokens above `max_tokens_limit`, ...) gets a 4xx with the OpenAI error object and a code,
and every response, whatever its status, is counted in /metrics.

`stream: true` is real pass-through streaming, routed on the edge's first tokens (`gateway_stream`).

Run it as a process: `python -m edgecloud.serve.gateway --config gateway.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
import uuid
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from edgecloud.errors import EdgecloudError
from edgecloud.serve.gateway_config import GATEWAY_LOGGER, GatewayConfig, load_config
from edgecloud.serve.gateway_health import health
from edgecloud.serve.gateway_metrics import AccessLog, Metrics
from edgecloud.serve.gateway_request import (
    ApiError,
    ChatRequest,
    authorize,
    http_error,
    parse_openai_request,
    parse_web_request,
    read_json_body,
    validation_error,
)
from edgecloud.serve.gateway_routing import GatewayState, completion_body, route, web_body
from edgecloud.serve.upstream_pool import ShardedTransport

log = logging.getLogger(GATEWAY_LOGGER)

WEB_DIR = Path(__file__).with_name("web")


def read_api_keys(config: GatewayConfig) -> frozenset[str]:
    """Client keys from the env var named in the config; a named but empty variable stops the start,
    since every request would then be refused with no hint why."""
    if not config.api_keys_env:
        return frozenset()
    keys = frozenset(k.strip() for k in os.environ.get(config.api_keys_env, "").split(",") if k.strip())
    if not keys:
        raise EdgecloudError(
            f"api_keys_env is {config.api_keys_env!r} but that environment variable is not set "
            "or empty: export comma-separated client keys in it, or set api_keys_env to null"
        )
    return keys


async def _handle_chat(
    request: Request, state: GatewayState, parse: Callable[[Any, GatewayConfig], ChatRequest]
) -> tuple[ChatRequest, Any]:
    """Auth, size, validation, routing and metrics, shared by both chat endpoints. A streamed request
    returns the `gateway_stream.Routed` stream, decided on the edge's first tokens (counted when it ends)."""
    start = time.perf_counter()
    try:
        authorize(request, state.api_keys)
        chat = parse(await read_json_body(request, state.config.max_body_bytes), state.config)
        if chat.stream:
            from edgecloud.serve.gateway_stream import route_stream

            routed = await route_stream(state, chat, start)
            request.state.tier = routed.tier
            return chat, routed
        outcome = await route(state, chat)
    except ApiError as err:
        state.metrics.observe("none", err.code, time.perf_counter() - start)
        request.state.tier = "none"
        raise
    except Exception:
        state.metrics.observe("none", "internal_error", time.perf_counter() - start)
        request.state.tier = "none"
        raise
    state.metrics.observe(outcome.tier, outcome.status, time.perf_counter() - start)
    request.state.tier = outcome.tier
    if state.config.debug_log_prompts:
        log.info("prompt=%r reply=%r", chat.messages[-1]["content"], outcome.reply)
    return chat, outcome


def _add_access_log(app: FastAPI, metrics: Metrics) -> None:
    app.add_middleware(AccessLog, metrics=metrics)


def create_app(config: GatewayConfig) -> FastAPI:
    """The gateway app; the HTTP clients live for the app's lifespan (one connection pool per tier), and so does
    the background probe of edge replicas out of service."""
    state = GatewayState(config, read_api_keys(config), Metrics())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The edge is a local server: ignore proxy variables for it; the cloud may need them.
        n = config.upstream_connections
        async with (
            httpx.AsyncClient(trust_env=False, transport=ShardedTransport(n)) as edge_client,
            httpx.AsyncClient(transport=ShardedTransport(n)) as cloud_client,
        ):
            state.edge_client, state.cloud_client = edge_client, cloud_client
            watch = asyncio.create_task(
                state.replicas.watch(
                    edge_client, config.edge_model, config.edge_probe_interval_s, config.health_timeout_s
                )
            )
            try:
                yield
            finally:
                watch.cancel()
                with suppress(asyncio.CancelledError):
                    await watch

    app = FastAPI(title="edgecloud gateway", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.gateway = state
    _add_access_log(app, state.metrics)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, err: ApiError) -> JSONResponse:
        return err.response()

    @app.exception_handler(StarletteHTTPException)
    async def router_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return http_error(request, exc).response()

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_error(exc).response()

    @app.exception_handler(Exception)
    async def unexpected(_: Request, err: Exception) -> JSONResponse:
        log.error("unexpected error: %s", type(err).__name__, exc_info=err)
        return ApiError(
            500, "Internal gateway error (see the gateway log).", "internal_error", type_="server_error"
        ).response()

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        chat, outcome = await _handle_chat(request, state, parse_openai_request)
        chat_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if chat.stream:
            from edgecloud.serve.gateway_stream import stream_response

            return stream_response(outcome, state, chat_id, created)
        return JSONResponse(completion_body(outcome, chat_id, created))

    @app.post("/api/chat")
    async def web_chat(request: Request) -> Response:
        chat, outcome = await _handle_chat(request, state, parse_web_request)
        if chat.stream:  # the web page: the same chunks as /v1/chat/completions
            from edgecloud.serve.gateway_stream import stream_response

            return stream_response(outcome, state, f"chatcmpl-{uuid.uuid4().hex}", int(time.time()))
        return JSONResponse(web_body(outcome))

    @app.get("/v1/models")
    async def models(request: Request) -> JSONResponse:
        authorize(request, state.api_keys)
        data = [
            {"id": m, "object": "model", "created": int(state.started), "owned_by": "edgecloud"}
            for m in config.served_models()
        ]
        return JSONResponse({"object": "list", "data": data})

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        code, body = await health(state)
        return JSONResponse(body, status_code=code)

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(
            state.metrics.render() + state.replicas.render_metrics(),
            media_type="text/plain; version=0.0.4; charset=utf-8",
        )

    @app.get("/")
    async def index() -> HTMLResponse:
        return HTMLResponse((WEB_DIR / "index.html").read_text(encoding="utf-8"))

    return app


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    """`python -m edgecloud.serve.gateway --config gateway.json`: serve until SIGINT/SIGTERM."""
    ap = argparse.ArgumentParser(prog="python -m edgecloud.serve.gateway", description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", required=True, help="a JSON file with the GatewayConfig fields")
    args = ap.parse_args(argv)
    try:
        config = load_config(args.config)
        app = create_app(config)
    except EdgecloudError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per upstream call is noise next to ours
    print(
        f"edgecloud gateway on http://{config.host}:{config.port} (edge {config.edge_model} on "
        f"{len(config.edge_urls)} server(s), "
        f"cloud {config.cloud_model or 'not configured'})",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
