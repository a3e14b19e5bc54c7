"""An OpenAI-compatible server over any edge backend: the gateway's edge tier without `swift deploy`.

`python -m edgecloud.edge.server --variant-dir DIR --tokenizer MERGED --port N --served-model-name NAME`
serves `GET /v1/models`, `POST /v1/chat/completions` (also `stream: true`, as server-sent events; a client
that disconnects stops its generation) and `GET /health` (`busy` while a generation holds the model), on 127.0.0.1 only. The chat template is the model's own (transformers tokenizer), decoding
is greedy (a sampling temperature from the client is accepted and ignored: the benchmark measured the
greedy model), and one request runs at a time (the runtimes are given all the threads).

Routing as `swift deploy` serves it: `logprobs` / `top_logprobs` return the log-probabilities of the
reply's **first** position (the routing score's input; later positions are not listed), computed before
`--suppress-first` ids are forbidden there (the calibrated edge's `begin_suppress_tokens`, see `routing`);
streamed, they come with the first content chunk, as `swift deploy` sends them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from edgecloud.model import chat_ids, load_tokenizer, stop_ids

HOST = "127.0.0.1"


class EdgeModel:
    """Backend + tokenizer + the stop tokens: messages in, text out."""

    def __init__(
        self,
        variant_dir: Path,
        tokenizer_dir: Path,
        threads: int,
        max_tokens_default: int,
        suppress_first: list[int] | None = None,
        template: str | None = None,
    ):
        from edgecloud.edge.backends import load_backend

        self.tok = load_tokenizer(tokenizer_dir, template=template)
        self.stop = stop_ids(self.tok, tokenizer_dir)
        self.backend = load_backend(variant_dir, threads)
        self.max_tokens_default = max_tokens_default
        self.suppress_first = list(suppress_first or [])
        self.lock = threading.Lock()

    def prompt(self, messages: list[dict[str, str]]) -> list[int]:
        return chat_ids(self.tok, messages)

    def stream_text(
        self, messages: list[dict[str, str]], max_tokens: int, first: Any = None, stop: threading.Event | None = None
    ) -> Iterator[tuple[str, int, bool]]:
        """(text delta, tokens so far, finished by a stop token) as tokens arrive; deltas never split a character.
        `first` (a backends.FirstStep) receives the first position's log-probabilities; `stop`, once set, ends
        the generation after the current token (its client went away) and frees the model for the next one."""
        from edgecloud.edge.backends import FirstStep

        ids = self.prompt(messages)
        tokens: list[int] = []
        sent = ""
        first = first if first is not None else FirstStep()
        first.suppress = self.suppress_first
        with self.lock:
            for tok in self.backend.stream(ids, max_tokens, self.stop, first=first):
                if stop is not None and stop.is_set():
                    return
                tokens.append(tok)
                text = self.tok.decode(tokens, skip_special_tokens=True)
                if text.endswith("\ufffd"):
                    continue
                yield text[len(sent) :], len(tokens), False
                sent = text
        text = self.tok.decode(tokens, skip_special_tokens=True)
        yield text[len(sent) :], len(tokens), len(tokens) < max_tokens


def _first_logprobs(model: EdgeModel, first: Any, top_n: int) -> dict[str, Any]:
    """OpenAI `logprobs` of the reply's first position (the routing score's input)."""
    top = [{"token": model.tok.decode([i]), "logprob": lp} for i, lp in first.top(top_n)]
    chosen = first.chosen if first.chosen is not None else int(first.logprobs.argmax())
    return {
        "content": [
            {"token": model.tok.decode([chosen]), "logprob": float(first.logprobs[chosen]), "top_logprobs": top}
        ]
    }


async def _events(
    model: EdgeModel,
    messages: list[dict[str, str]],
    max_tokens: int,
    first: Any,
    top_n: int | None,
    head: dict[str, Any],
) -> AsyncIterator[str]:
    """Server-sent events of one generation, each token as it is made. The generation runs in a thread and
    stops after the current token when the client goes away (this generator is then closed or cancelled),
    so the model is free for the next request. The text is the non-streamed reply's: leading and trailing
    whitespace are not sent."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the loop is gone: the server is shutting down
            stop.set()

    def work() -> None:
        try:
            for item in model.stream_text(messages, max_tokens, first, stop):
                put(("delta", item))
            put(("end", None))
        except Exception as exc:  # noqa: BLE001 - reported to the client as an error event
            put(("error", exc))

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, **extra}
        return "data: " + json.dumps({**head, "choices": [choice]}, ensure_ascii=False) + "\n\n"

    threading.Thread(target=work, daemon=True, name="edge-stream").start()
    try:
        yield event({"role": "assistant"})
        sent, held, stopped = False, "", False
        while True:
            kind, item = await queue.get()
            if kind == "error":
                yield (
                    "data: " + json.dumps({"error": {"message": f"generation failed: {type(item).__name__}"}}) + "\n\n"
                )
                return
            if kind == "end":
                break
            delta, _, stopped = item
            text = held + delta
            if not sent:
                text = text.lstrip()
            body, held = text.rstrip(), text[len(text.rstrip()) :]
            if body:
                extra = (
                    {"logprobs": _first_logprobs(model, first, top_n)}
                    if (not sent and top_n is not None and first.logprobs is not None)
                    else {}
                )
                yield event({"content": body}, **extra)
                sent = True
        yield event({}, "stop" if stopped else "length")
        yield "data: [DONE]\n\n"
    finally:
        stop.set()


def _error(status: int, message: str, code: str) -> Any:
    return JSONResponse({"error": {"message": message, "type": "invalid_request_error", "code": code}}, status)


def create_app(model: EdgeModel, served_name: str, variant: str) -> FastAPI:
    from edgecloud.edge.backends import FirstStep

    app = FastAPI(title=f"edge variant {variant}")

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"ok": True, "variant": variant, "model": served_name, "busy": model.lock.locked()}

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": served_name, "object": "model", "owned_by": f"edgecloud:{variant}"}]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        try:
            body = await request.json()
        except (ValueError, json.JSONDecodeError):
            return _error(400, "the body is not JSON", "invalid_json")
        messages = body.get("messages") if isinstance(body, dict) else None
        if (
            not isinstance(messages, list)
            or not messages
            or not all(
                isinstance(m, dict)
                and isinstance(m.get("content"), str)
                and m.get("role") in ("system", "user", "assistant")
                for m in messages
            )
        ):
            return _error(400, "messages must be a non-empty list of {role, content}", "invalid_messages")
        max_tokens = body.get("max_tokens") or body.get("max_completion_tokens") or model.max_tokens_default
        if not isinstance(max_tokens, int) or max_tokens < 1:
            return _error(400, "max_tokens must be a positive integer", "invalid_max_tokens")
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        prompt_tokens = len(model.prompt(messages))
        top_n = body.get("top_logprobs") if body.get("logprobs") else None
        if top_n is not None and (not isinstance(top_n, int) or not 0 <= top_n <= 20):
            return _error(400, "top_logprobs must be an integer from 0 to 20", "invalid_top_logprobs")
        first = FirstStep()
        if body.get("stream"):
            return StreamingResponse(
                _events(
                    model,
                    messages,
                    max_tokens,
                    first,
                    (top_n or 0) if body.get("logprobs") else None,
                    {"id": cid, "object": "chat.completion.chunk", "created": created, "model": served_name},
                ),
                media_type="text/event-stream",
            )

        def run() -> tuple[str, int, bool]:
            text, n, stopped = "", 0, False
            for delta, n, stopped in model.stream_text(messages, max_tokens, first):  # noqa: B007  (the last ones count)
                text += delta
            return text, n, stopped

        text, n, stopped = await asyncio.to_thread(run)
        choice: dict[str, Any] = {
            "index": 0,
            "message": {"role": "assistant", "content": text.strip()},
            "finish_reason": "stop" if stopped else "length",
        }
        if body.get("logprobs") and first.logprobs is not None:
            choice["logprobs"] = _first_logprobs(model, first, top_n or 0)
        return {
            "id": cid,
            "object": "chat.completion",
            "created": created,
            "model": served_name,
            "choices": [choice],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": n, "total_tokens": prompt_tokens + n},
        }

    return app


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant-dir", required=True, type=Path, help="an exported variant (holds variant.json)")
    ap.add_argument("--tokenizer", required=True, type=Path, help="folder with the tokenizer and chat template")
    ap.add_argument(
        "--template",
        default=None,
        help="the ms-swift template the model was trained with (model.template): the prompt follows it",
    )
    ap.add_argument("--port", required=True, type=int)
    ap.add_argument("--served-model-name", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-tokens-default", type=int, default=64)
    ap.add_argument(
        "--suppress-first",
        type=int,
        nargs="*",
        default=[],
        help="token ids never chosen as the reply's first token (the calibrated routing)",
    )
    args = ap.parse_args(argv)
    import uvicorn

    from edgecloud.edge.backends import read_meta

    variant = read_meta(args.variant_dir)["variant"]
    model = EdgeModel(
        args.variant_dir, args.tokenizer, args.threads, args.max_tokens_default, args.suppress_first, args.template
    )
    print(
        f"edge variant {variant} from {args.variant_dir} as {args.served_model_name!r} on {HOST}:{args.port}",
        flush=True,
    )
    uvicorn.run(
        create_app(model, args.served_model_name, variant),
        host=HOST,
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
