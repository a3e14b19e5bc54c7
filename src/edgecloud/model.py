"""The model, in one place: load it, build its chat prompt, reply greedily; the adapter a run deploys and
the token ids that end a reply.

Every stage and every edge backend goes through here, so they all see the same prompt for the same
messages: `chat_ids` / `chat_inputs` apply the model's own chat template with ONE set of arguments per
tokenizer: the ones that build the prompt ms-swift trains on and serves with the profile's `model.template`
(`swift_prompt.chat_template_args`, fixed when the tokenizer is loaded with `template=`), else
`CHAT_TEMPLATE_ARGS` (thinking off). For a hybrid-thinking Qwen3 the two templates differ only in the empty
think block after the generation prompt: ms-swift's `qwen3` trains with it (`enable_thinking=False`),
`qwen3_nothinking` without it (no `enable_thinking`); templates that do not know the switch (SmolLM2's)
ignore it.

transformers and torch are imported inside the functions: an edge benchmark worker for a runtime that
needs neither never imports them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Sequence

from edgecloud.params import Params

CHAT_TEMPLATE_ARGS: dict[str, Any] = {"enable_thinking": False}
"""What `apply_chat_template` gets besides the messages and the output format when the tokenizer was loaded
without an ms-swift template; whether a generation prompt follows is `chat_ids`' `reply_follows` (True for
every prompt; False only to measure a whole conversation, reply included, as 03_train's preflight does)."""
CHAT_ARGS_ATTR = "edgecloud_chat_args"
"""The tokenizer attribute that holds its chat-template arguments (set by `load_tokenizer(..., template=)`)."""
END_OF_TURN = "<|im_end|>"


# ---------------------------------------------------------------------------------------------
# Loading


def quiet_transformers() -> None:
    """No weight-loading progress bars in notebooks, logs and nbval output."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def torch_dtype(dtype: Any) -> Any:
    """A params dtype name ('float32', 'bfloat16', 'auto', ...) as transformers takes it."""
    if not isinstance(dtype, str) or dtype == "auto":
        return dtype
    import torch

    return getattr(torch, dtype)


def load_tokenizer(folder: Path, gguf_file: str | None = None, template: str | None = None) -> Any:
    """The tokenizer (and chat template) of a transformers folder, or of `gguf_file` inside `folder`; with
    `template` (the profile's ms-swift template), its prompts are the ones ms-swift builds with that template."""
    from transformers import AutoTokenizer

    quiet_transformers()
    tok = AutoTokenizer.from_pretrained(folder, **({"gguf_file": gguf_file} if gguf_file else {}))
    if template is not None:
        from edgecloud.train.swift_prompt import chat_template_args

        setattr(tok, CHAT_ARGS_ATTR, chat_template_args(template))
    return tok


def chat_args(tok: Any) -> dict[str, Any]:
    """The chat-template arguments `chat_ids` uses for this tokenizer."""
    return dict(getattr(tok, CHAT_ARGS_ATTR, CHAT_TEMPLATE_ARGS))


def load_config(folder: Path) -> Any:
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(folder)


def load_weights(
    folder: Path,
    dtype: Any = "float32",
    device: str = "cpu",
    adapter: Path | None = None,
    *,
    merge: bool = False,
    gguf_file: str | None = None,
) -> Any:
    """The causal LM of `folder` (or of `gguf_file` inside it, de-quantized) in `dtype` on `device`, in eval
    mode; with `adapter`, the LoRA adapter (peft, as ms-swift saved it) on top, or merged into the weights
    (`merge=True`, peft's merge_and_unload: what `swift export --merge_lora true` does)."""
    from transformers import AutoModelForCausalLM

    quiet_transformers()
    model = AutoModelForCausalLM.from_pretrained(
        folder, dtype=torch_dtype(dtype), **({"gguf_file": gguf_file} if gguf_file else {})
    )
    model = model.to(device).eval()
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter)).eval()
        if merge:
            model = model.merge_and_unload()
    return model


def empty_weights(folder: Path, dtype: Any = "float32", device: str = "cpu") -> Any:
    """The architecture of `folder`'s config with fresh weights (nothing read from disk), in eval mode;
    on device 'meta' no memory is taken (parameter counts)."""
    import torch
    from transformers import AutoModelForCausalLM

    quiet_transformers()
    config = load_config(folder)
    with torch.device(device):
        return AutoModelForCausalLM.from_config(config, dtype=torch_dtype(dtype)).eval()


def load_model(
    folder: Path, dtype: str, device: str, adapter: Path | None = None, template: str | None = None
) -> tuple[Any, Any]:
    """(model, tokenizer) of a base model folder, with the LoRA adapter applied when given; `template`: the
    profile's ms-swift template (`load_tokenizer`)."""
    tok = load_tokenizer(folder, template=template)
    return load_weights(folder, dtype, device, adapter), tok


# ---------------------------------------------------------------------------------------------
# The chat prompt


def prompt_messages(row: dict[str, Any]) -> list[dict[str, str]]:
    """What the edge model sees for a converted record: system prompt, earlier turns, the last user turn."""
    msgs = row["messages"]
    return msgs[:-1] if msgs[-1]["role"] == "assistant" else msgs


def _apply_template(tok: Any, messages: Sequence[dict[str, str]], reply_follows: bool, **output: Any) -> Any:
    return tok.apply_chat_template(
        list(messages), add_generation_prompt=reply_follows, tokenize=True, return_dict=True, **chat_args(tok), **output
    )


def chat_ids(tok: Any, messages: Sequence[dict[str, str]], reply_follows: bool = True) -> list[int]:
    """Token ids of `messages` in the model's chat template, ending with the generation prompt (the prompt
    the model replies to); `reply_follows=False` for a whole conversation whose last turn is the reply."""
    return list(_apply_template(tok, messages, reply_follows)["input_ids"])


def chat_inputs(tok: Any, messages: Sequence[dict[str, str]], device: str) -> dict[str, Any]:
    """`chat_ids` as a batch of one on `device` (input_ids and attention_mask), what the model takes."""
    enc = _apply_template(tok, messages, True, return_tensors="pt")
    return {k: v.to(device) for k, v in enc.items()}


def stop_ids(tok: Any, folder: Path) -> list[int]:
    """The token ids that end a reply: the tokenizer's EOS, the end-of-turn token and the generation
    config's `eos_token_id`s (sorted)."""
    ids = {tok.eos_token_id, tok.convert_tokens_to_ids(END_OF_TURN)}
    cfg = Path(folder) / "generation_config.json"
    if cfg.is_file():
        eos = json.loads(cfg.read_text()).get("eos_token_id")
        ids |= set(eos if isinstance(eos, list) else [eos] if eos is not None else [])
    return sorted(i for i in ids if isinstance(i, int) and i >= 0)


# ---------------------------------------------------------------------------------------------
# Greedy reply


def greedy_reply(
    model: Any,
    tok: Any,
    messages: Sequence[dict[str, str]],
    max_new_tokens: int,
    device: str,
    suppress_first: list[int] | None = None,
) -> dict[str, Any]:
    """The model's greedy reply to `messages`: text (special tokens dropped, stripped), prompt and reply
    token counts, and the seconds `generate` took. `suppress_first`: token ids forbidden as the reply's first
    token (the served edge model's `begin_suppress_tokens` when a calibrated threshold decides, see `routing`)."""
    import torch

    enc = chat_inputs(tok, messages, device)
    t0 = time.perf_counter()
    with torch.inference_mode():
        out = model.generate(
            **enc,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            pad_token_id=tok.pad_token_id or tok.eos_token_id,
            **({"begin_suppress_tokens": suppress_first} if suppress_first else {}),
        )
    latency = time.perf_counter() - t0
    new = out[0, enc["input_ids"].shape[1] :]
    return {
        "reply": tok.decode(new, skip_special_tokens=True).strip(),
        "prompt_tokens": int(enc["input_ids"].shape[1]),
        "new_tokens": int(new.shape[0]),
        "latency_s": latency,
    }


def padded(seqs: Sequence[Sequence[int]], pad: int, left: bool) -> tuple[Any, Any]:
    """Token id lists as one batch (input_ids, attention_mask), padded with `pad` on the left (replies then all
    start at the same position) or on the right (each sequence keeps its own positions)."""
    import torch

    width = max(len(x) for x in seqs)
    input_ids = torch.full((len(seqs), width), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, x in enumerate(seqs):
        span = slice(width - len(x), width) if left else slice(0, len(x))
        input_ids[row, span] = torch.tensor(list(x), dtype=torch.long)
        mask[row, span] = 1
    return input_ids, mask


def greedy_replies(
    model: Any,
    tok: Any,
    conversations: Sequence[Sequence[dict[str, str]]],
    max_new_tokens: int,
    device: str,
    suppress_first: list[int] | None = None,
    batch_size: int = 8,
) -> list[dict[str, Any]]:
    """`greedy_reply` for many conversations, `batch_size` at a time (prompts of similar length together,
    padded on the left, so every reply starts at the same position): the same fields, in the input order,
    where `latency_s` is the batch's `generate` time divided by the replies in it (seconds per reply at that
    batch size, not one request's latency). Decoding many replies at once is how 04_eval fits its budget on
    a CPU: one pass over the weights serves the whole batch."""
    import torch

    ids = [chat_ids(tok, msgs) for msgs in conversations]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    eos = model.generation_config.eos_token_id
    stops = {
        pad,
        tok.eos_token_id,
        tok.convert_tokens_to_ids(END_OF_TURN),
        *(eos if isinstance(eos, list) else [eos]),
    } - {None}
    out: list[dict[str, Any]] = [{} for _ in ids]
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        input_ids, mask = padded([ids[i] for i in batch], pad, left=True)
        width = input_ids.shape[1]
        t0 = time.perf_counter()
        with torch.inference_mode():
            gen = model.generate(
                input_ids=input_ids.to(device),
                attention_mask=mask.to(device),
                max_new_tokens=max_new_tokens,
                do_sample=False,
                pad_token_id=pad,
                **({"begin_suppress_tokens": suppress_first} if suppress_first else {}),
            )
        per_reply = (time.perf_counter() - t0) / len(batch)
        for row, i in enumerate(batch):
            new = gen[row, width:].tolist()
            end = next((k + 1 for k, t in enumerate(new) if t in stops), len(new))
            out[i] = {
                "reply": tok.decode(new[:end], skip_special_tokens=True).strip(),
                "prompt_tokens": len(ids[i]),
                "new_tokens": end,
                "latency_s": per_reply,
            }
    return out


# ---------------------------------------------------------------------------------------------
# The deployed adapter


def best_adapter(params: Params) -> Path:
    """The deployed checkpoint: the one 03_train's routing calibration chose on the validation split
    (reports/routing_calibration_<run>.json), else the lowest eval loss (a run trained before
    calibration existed). The stack, 04_eval, 07_edge_bench and the benchmarks all serve this one."""
    from edgecloud import artifacts
    from edgecloud.eval.calibrate import load_calibration
    from edgecloud.jsonio import read_json
    from edgecloud.paths import resolve

    cal = load_calibration(params)
    if cal is not None:
        return resolve(cal["checkpoint"])
    summary = read_json(artifacts.path("train", params))
    if not summary["best"]["checkpoint"]:
        raise FileNotFoundError("03_train found no checkpoint to evaluate")
    return resolve(summary["best"]["checkpoint"])
