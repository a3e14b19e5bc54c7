"""One small interface for every edge runtime: load, stream, generate, score.

A backend works on token ids only: the caller applies the chat template and decodes with the
model's own tokenizer, so every runtime sees exactly the same prompt and is judged on exactly the
same token sequence, and a benchmark worker never has to import transformers (or torch) for a
runtime that does not need it. Decoding is greedy. A new runtime (Apple's Core ML / Neural Engine,
say) is one more subclass: `load` from its variant folder, `stream` token ids, and `forced_argmax`
for the teacher-forced agreement; `generate` and `generate_batch` have generic defaults.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Iterator, Sequence

VARIANT_META = "variant.json"


class Backend(ABC):
    """A loaded edge model. `threads` is the number of CPU threads the runtime may use."""

    name: ClassVar[str]
    batched: ClassVar[bool] = False  # generate_batch runs one forward pass for the whole batch

    def __init__(self, folder: Path, meta: dict[str, Any], threads: int):
        self.folder, self.meta, self.threads = Path(folder), meta, threads

    @classmethod
    def load(cls, folder: Path, threads: int = 2) -> "Backend":
        meta = read_meta(folder)
        return cls(folder, meta, threads)

    @abstractmethod
    def stream(
        self,
        ids: Sequence[int],
        max_new_tokens: int,
        stop_ids: Sequence[int] = (),
        ignore_eos: bool = False,
        first: "FirstStep | None" = None,
    ) -> Iterator[int]:
        """Yield greedy next tokens one at a time (a stop token ends the stream and is not yielded).
        `first`: the first reply position's log-probabilities are kept there, and its suppressed tokens are
        never chosen as the first token (the routing score and the calibrated edge answer, see `routing`)."""

    @abstractmethod
    def forced_argmax(self, prompt: Sequence[int], reply: Sequence[int]) -> list[int]:
        """Teacher forcing: the argmax next token at each position of `reply`, with `prompt + reply[:i]` as input."""

    def generate(
        self,
        ids: Sequence[int],
        max_new_tokens: int,
        stop_ids: Sequence[int] = (),
        ignore_eos: bool = False,
        first: FirstStep | None = None,
    ) -> list[int]:
        return list(self.stream(ids, max_new_tokens, stop_ids, ignore_eos, first))

    def generate_batch(self, batch: Sequence[Sequence[int]], max_new_tokens: int) -> list[list[int]]:
        """Fixed-length replies (EOS ignored) for a batch; the default runs them one after another."""
        return [self.generate(ids, max_new_tokens, ignore_eos=True) for ids in batch]

    def close(self) -> None:  # noqa: B027  (optional: only backends that hold a process or a session close)
        pass


def read_meta(folder: Path) -> dict[str, Any]:
    path = Path(folder) / VARIANT_META
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the variant was not exported (run 07_edge_bench)")
    return json.loads(path.read_text(encoding="utf-8"))


def _stop(tok: int, stop_ids: Sequence[int], ignore_eos: bool) -> bool:
    return not ignore_eos and tok in stop_ids


class FirstStep:
    """The reply's first position: token ids to suppress there, and its log-probabilities once computed."""

    def __init__(self, suppress: Sequence[int] = ()):
        self.suppress = list(suppress)
        self.logprobs: Any = None  # 1-D numpy array over the vocabulary
        self.chosen: int | None = None  # the first token generated

    def top(self, k: int) -> list[tuple[int, float]]:
        import numpy as np

        idx = np.argsort(-self.logprobs)[:k]
        return [(int(i), float(self.logprobs[i])) for i in idx]


def _pick(row: Any, step: int, first: FirstStep | None) -> int:
    """Greedy choice from one position's logits (1-D numpy or torch); the first step feeds `first`."""
    if step > 0 or first is None:
        return int(row.argmax())
    import numpy as np

    x = np.asarray(row.float().numpy() if hasattr(row, "float") else row, dtype=np.float64)
    m = x.max()
    first.logprobs = x - (m + np.log(np.exp(x - m).sum()))
    if first.suppress:
        x = x.copy()
        x[first.suppress] = -np.inf
    first.chosen = int(x.argmax())
    return first.chosen


# ---------------------------------------------------------------------------------------------
# PyTorch (transformers model, own KV-cache loop)


class TorchBackend(Backend):
    """fp32 / bf16 from a transformers folder; int8 = torch's dynamic quantization of the Linear layers."""

    name = "torch"
    batched = True

    def __init__(self, folder: Path, meta: dict[str, Any], threads: int):
        super().__init__(folder, meta, threads)
        import torch

        from edgecloud.edge.torch_int8 import load_int8, quantize_dynamic_int8
        from edgecloud.model import empty_weights, load_weights

        torch.set_num_threads(threads)
        self.torch = torch
        weights = (Path(folder) / meta["weights"]).resolve()
        precision = meta["precision"]
        if precision in ("fp32", "bf16"):
            self.model = load_weights(weights, "float32" if precision == "fp32" else "bfloat16")
        elif precision == "int8":
            model = quantize_dynamic_int8(empty_weights(weights, "float32"), meta.get("int8_skip", []))
            load_int8(model, Path(folder) / meta["int8_state"])
            self.model = model
        else:
            raise ValueError(f"torch backend: unknown precision {precision!r} in {folder / VARIANT_META}")

    def stream(self, ids, max_new_tokens, stop_ids=(), ignore_eos=False, first=None):
        torch = self.torch
        with torch.inference_mode():
            x = torch.tensor([list(ids)])
            past = None
            for i in range(max_new_tokens):
                out = self.model(input_ids=x, past_key_values=past, use_cache=True)
                past = out.past_key_values
                tok = _pick(out.logits[0, -1], i, first)
                if _stop(tok, stop_ids, ignore_eos):
                    return
                yield tok
                x = torch.tensor([[tok]])

    def forced_argmax(self, prompt, reply):
        torch = self.torch
        with torch.inference_mode():
            logits = self.model(input_ids=torch.tensor([list(prompt) + list(reply)])).logits[0]
        n = len(prompt)
        return [int(t) for t in logits[n - 1 : n - 1 + len(reply)].argmax(-1)]

    def generate_batch(self, batch, max_new_tokens):
        torch = self.torch
        width = max(len(b) for b in batch)
        pad = 0
        ids = torch.tensor([[pad] * (width - len(b)) + list(b) for b in batch])
        mask = torch.tensor([[0] * (width - len(b)) + [1] * len(b) for b in batch])
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=max_new_tokens,
                min_new_tokens=max_new_tokens,
                do_sample=False,
                pad_token_id=pad,
            )
        return [row[width:].tolist() for row in out]


# ---------------------------------------------------------------------------------------------
# ONNX Runtime (own incremental loop over a decoder graph with past/present key-values)


class OrtBackend(Backend):
    """A decoder ONNX graph (inputs input_ids, attention_mask, past_key_values.N.key/value; outputs logits,
    present.N.key/value) run by a plain onnxruntime InferenceSession, greedy, past fed back each step."""

    name = "ort"

    def __init__(self, folder: Path, meta: dict[str, Any], threads: int):
        super().__init__(folder, meta, threads)
        import numpy as np
        import onnxruntime as ort

        self.np = np
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        self.session = ort.InferenceSession(str(Path(folder) / meta["onnx"]), so, providers=["CPUExecutionProvider"])
        inputs = {i.name: i for i in self.session.get_inputs()}
        self.past_names = sorted(
            (n for n in inputs if n.startswith("past_key_values.")),
            key=lambda n: (int(n.split(".")[1]), n.split(".")[2]),
        )
        self.present_names = [n.replace("past_key_values.", "present.") for n in self.past_names]
        self.input_names = set(inputs)
        shape = inputs[self.past_names[0]].shape  # [batch, kv_heads, past_len, head_dim] (dims may be symbolic)
        self.kv_heads = shape[1] if isinstance(shape[1], int) else int(meta["kv_heads"])
        self.head_dim = shape[3] if isinstance(shape[3], int) else int(meta["head_dim"])
        self.kv_dtype = np.float16 if "float16" in inputs[self.past_names[0]].type else np.float32

    def _feeds(self, ids: list[int], past: list[Any] | None, past_len: int) -> dict[str, Any]:
        np = self.np
        feeds: dict[str, Any] = {"input_ids": np.array([ids], dtype=np.int64)}
        total = past_len + len(ids)
        if "attention_mask" in self.input_names:
            feeds["attention_mask"] = np.ones((1, total), dtype=np.int64)
        if "position_ids" in self.input_names:
            feeds["position_ids"] = np.arange(past_len, total, dtype=np.int64)[None, :]
        if past is None:
            empty = np.zeros((1, self.kv_heads, 0, self.head_dim), dtype=self.kv_dtype)
            past = [empty] * len(self.past_names)
        feeds.update(zip(self.past_names, past))
        return feeds

    def _run(self, ids: list[int], past: list[Any] | None, past_len: int) -> tuple[Any, list[Any]]:
        outs = self.session.run(["logits", *self.present_names], self._feeds(ids, past, past_len))
        return outs[0], outs[1:]

    def stream(self, ids, max_new_tokens, stop_ids=(), ignore_eos=False, first=None):
        x, past, past_len = list(ids), None, 0
        for i in range(max_new_tokens):
            logits, past = self._run(x, past, past_len)
            past_len += len(x)
            tok = _pick(logits[0, -1], i, first)
            if _stop(tok, stop_ids, ignore_eos):
                return
            yield tok
            x = [tok]

    def forced_argmax(self, prompt, reply):
        logits, _ = self._run(list(prompt) + list(reply), None, 0)
        n = len(prompt)
        return [int(t) for t in logits[0, n - 1 : n - 1 + len(reply)].argmax(-1)]


# ---------------------------------------------------------------------------------------------
# llama.cpp (llama-cpp-python over a GGUF file)


def lookup_draft(history: Sequence[int], max_ngram: int = 3, k: int = 8, min_ngram: int = 1) -> list[int]:
    """Prompt-lookup (n-gram) drafting: the up to `k` tokens that followed the most recent earlier occurrence
    of the history's last n tokens (n from `max_ngram` down to `min_ngram`), or [] when that suffix never
    occurred. The edge model's replies echo the request ("把客厅的空调调到二十六度" -> "好的，客厅的空调调到二十六度"),
    so the prompt predicts many of the next tokens. A draft changes the cost, not the greedy choice; only the
    rounding of llama.cpp's batched kernels differs from one-token steps (46 of the test split's 50 replies were
    identical to plain decoding, the others diverge after a near-tie)."""
    hist = list(history)
    for n in range(min(max_ngram, len(hist) - 1), max(min_ngram, 1) - 1, -1):
        tail = hist[-n:]
        for start in range(len(hist) - n - 1, -1, -1):
            if hist[start : start + n] == tail:
                return hist[start + n : start + n + k]
    return []


class LlamaCppBackend(Backend):
    """A GGUF file through llama-cpp-python, greedy; with `decoding: lookup` in the variant's meta, each step
    verifies a prompt-lookup draft in one batched forward pass and keeps the prefix the model agrees with.
    `forced_argmax` scores the whole reply in one batched pass."""

    name = "llamacpp"

    def __init__(self, folder: Path, meta: dict[str, Any], threads: int):
        super().__init__(folder, meta, threads)
        import llama_cpp
        import numpy as np

        self.np, self.lib = np, llama_cpp
        self.llm = llama_cpp.Llama(
            model_path=str(Path(folder) / meta["gguf"]),
            n_ctx=int(meta.get("n_ctx", 2048)),
            n_threads=threads,
            n_threads_batch=threads,
            n_batch=512,
            verbose=False,
            seed=0,
        )
        self.lookup = meta.get("decoding") == "lookup"
        self.lookup_ngram = int(meta.get("lookup_max_ngram", 3))
        self.lookup_min_ngram = int(meta.get("lookup_min_ngram", 2))
        self.lookup_k = int(meta.get("lookup_draft_tokens", 4))
        self.draft_stats = {"steps": 0, "drafted": 0, "accepted": 0}

    def _logits(self, i: int) -> Any:
        # Llama.eval keeps no scores unless logits_all: read the output row from the context
        ptr = self.lib.llama_get_logits_ith(self.llm._ctx.ctx, i)
        return self.np.ctypeslib.as_array(ptr, shape=(self.llm.n_vocab(),))

    def _last_logits(self) -> Any:
        return self._logits(-1)

    def _argmax_last(self) -> int:
        return int(self.np.argmax(self._last_logits()))

    def _eval_all(self, tokens: Sequence[int]) -> list[int]:
        """Evaluate `tokens` after the cached ones in one batch with logits at every position; their argmaxes."""
        llm = self.llm
        llm._ctx.kv_cache_seq_rm(-1, llm.n_tokens, -1)
        llm._batch.set_batch(batch=list(tokens), n_past=llm.n_tokens, logits_all=True)
        llm._ctx.decode(llm._batch)
        llm.input_ids[llm.n_tokens : llm.n_tokens + len(tokens)] = tokens
        llm.n_tokens += len(tokens)
        return [int(self.np.argmax(self._logits(i))) for i in range(len(tokens))]

    def stream(self, ids, max_new_tokens, stop_ids=(), ignore_eos=False, first=None):
        self.llm.reset()
        self.llm.eval(list(ids))
        if self.lookup:
            yield from self._stream_lookup(list(ids), max_new_tokens, stop_ids, ignore_eos, first)
            return
        for i in range(max_new_tokens):
            tok = _pick(self._last_logits(), i, first)
            if _stop(tok, stop_ids, ignore_eos):
                return
            yield tok
            if i + 1 < max_new_tokens:
                self.llm.eval([tok])

    def _stream_lookup(self, history, max_new_tokens, stop_ids, ignore_eos, first):
        # the first position decides the routing score and the suppressed tokens; later ones come in runs: the
        # draft tokens the model agreed with, then its own next token (not yet in the cache, fed first next time)
        pending = [_pick(self._last_logits(), 0, first)]
        made = 0
        while True:
            for t in pending:
                if _stop(t, stop_ids, ignore_eos):
                    return
                yield t
                made += 1
                history.append(t)
                if made >= max_new_tokens:
                    return
            draft = lookup_draft(
                history, self.lookup_ngram, min(self.lookup_k, max_new_tokens - made - 1), self.lookup_min_ngram
            )
            base = self.llm.n_tokens
            preds = self._eval_all([pending[-1]] + draft)  # preds[j]: the greedy token after draft[:j]
            kept = 0
            while kept < len(draft) and preds[kept] == draft[kept]:
                kept += 1
            self.draft_stats["steps"] += 1
            self.draft_stats["drafted"] += len(draft)
            self.draft_stats["accepted"] += kept
            self.llm.n_tokens = base + 1 + kept  # the rejected draft's cache is dropped by the next evaluation
            pending = draft[:kept] + [preds[kept]]

    def forced_argmax(self, prompt, reply):
        self.llm.reset()
        self.llm.eval(list(prompt))
        first = self._argmax_last()
        if len(reply) <= 1:
            return [first][: len(reply)]
        return [first] + self._eval_all([int(t) for t in reply[:-1]])

    def close(self) -> None:
        self.llm.close()


# ---------------------------------------------------------------------------------------------
# onnxruntime-genai (its own generator loop and KV cache)


class GenaiBackend(Backend):
    name = "genai"

    def __init__(self, folder: Path, meta: dict[str, Any], threads: int):
        super().__init__(folder, meta, threads)
        import numpy as np
        import onnxruntime_genai as og

        self.np, self.og = np, og
        self.model = og.Model(str(folder))

    def _generator(self, max_length: int) -> Any:
        params = self.og.GeneratorParams(self.model)
        params.set_search_options(do_sample=False, max_length=max_length, batch_size=1)
        return self.og.Generator(self.model, params)

    def stream(self, ids, max_new_tokens, stop_ids=(), ignore_eos=False, first=None):
        gen = self._generator(len(ids) + max_new_tokens)
        gen.append_tokens(self.np.array([list(ids)], dtype=self.np.int32))
        for i in range(max_new_tokens):
            logits = gen.get_logits()
            tok = _pick(logits[0, -1], i, first)
            if _stop(tok, stop_ids, ignore_eos):
                return
            yield tok
            gen.append_tokens(self.np.array([[tok]], dtype=self.np.int32))

    def forced_argmax(self, prompt, reply):
        gen = self._generator(len(prompt) + len(reply) + 1)
        gen.append_tokens(self.np.array([list(prompt)], dtype=self.np.int32))
        out = []
        for tok in reply:
            out.append(int(self.np.argmax(gen.get_logits()[0, -1])))
            gen.append_tokens(self.np.array([[int(tok)]], dtype=self.np.int32))
        return out


BACKENDS: dict[str, type[Backend]] = {b.name: b for b in (TorchBackend, OrtBackend, LlamaCppBackend, GenaiBackend)}


def load_backend(folder: Path, threads: int = 2) -> Backend:
    """Load whatever variant `folder` holds (its variant.json names the backend)."""
    meta = read_meta(folder)
    return BACKENDS[meta["backend"]].load(folder, threads)


def timed_stream(
    backend: Backend, ids: Sequence[int], max_new_tokens: int, stop_ids: Sequence[int] = (), ignore_eos: bool = False
) -> dict[str, Any]:
    """Tokens with time to first token and decode speed (tokens after the first / time after the first)."""
    t0 = time.perf_counter()
    tokens: list[int] = []
    t_first = None
    for tok in backend.stream(ids, max_new_tokens, stop_ids, ignore_eos):
        if t_first is None:
            t_first = time.perf_counter()
        tokens.append(tok)
    t_end = time.perf_counter()
    ttft = (t_first - t0) if t_first is not None else None
    decode_s = (t_end - t_first) if t_first is not None else 0.0
    return {
        "tokens": tokens,
        "ttft_s": ttft,
        "total_s": t_end - t0,
        "decode_tokens_per_s": (len(tokens) - 1) / decode_s if len(tokens) > 1 and decode_s > 0 else None,
    }
