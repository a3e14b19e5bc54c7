"""The prompt ms-swift trains on and serves, and the chat-template arguments that give the model's own chat
template the same prompt.

`swift sft` and `swift deploy` format a conversation with ms-swift's template (`model.template`), while
02_prepare, the preflight, the routing calibration, 04_eval and the edge variants format it with the model's
own (transformers) chat template (`model.chat_ids`). The two must end in the same generation prompt, or the
model is scored on a prompt it was never trained on. Where they can differ is the empty think block of a
hybrid-thinking model such as Qwen3-0.6B: its chat template adds `<think>\\n\\n</think>\\n\\n` after
`<|im_start|>assistant\\n` when `enable_thinking` is false, and leaves it out otherwise. ms-swift's `qwen3`
template adds the same block to every reply it trains on (its `non_thinking_prefix`), `qwen3_nothinking`
never does. So the arguments follow the ms-swift template (`chat_template_args`), and 02_prepare compares the
two prompts for one conversation (`check_prompt`) and stops when they differ.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from edgecloud.errors import EdgecloudError

DEFAULT_ARGS: dict[str, Any] = {"enable_thinking": False}
"""When no ms-swift template is named: thinking off (a template that does not know the switch ignores it)."""


class PromptMismatch(EdgecloudError):
    """The model's chat template and ms-swift's template build different prompts for the same conversation."""


def _template_meta(template: str) -> Any:
    from swift.template import TEMPLATE_MAPPING

    return TEMPLATE_MAPPING.get(template)


def chat_template_args(template: str | None) -> dict[str, Any]:
    """The `apply_chat_template` arguments that match ms-swift's `template`: `enable_thinking=False` when the
    template puts the empty think block into the prompt (a hybrid template such as `qwen3`), `True` for a
    thinking template, none for a template without thinking (`chatml`, `qwen3_nothinking`: a hybrid model's
    chat template then adds no think block either)."""
    meta = _template_meta(template) if template else None
    if meta is None:
        return dict(DEFAULT_ARGS)
    if meta.non_thinking_prefix:
        return {"enable_thinking": False}
    if meta.is_thinking:
        return {"enable_thinking": True}
    return {}


def swift_prompt_ids(folder: Path, model_type: str, template: str, messages: Sequence[dict[str, str]]) -> list[int]:
    """Token ids of the generation prompt ms-swift builds for `messages` (no reply), as `swift deploy` does."""
    from swift.model import get_processor
    from swift.template import get_template

    before = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"  # a local folder: ms-swift must not look anything up on a hub
    try:
        processor = get_processor(str(folder), model_type=model_type)
    finally:
        if before is None:
            os.environ.pop("HF_HUB_OFFLINE")
        else:
            os.environ["HF_HUB_OFFLINE"] = before
    swift_template = get_template(processor, template_type=template)
    return list(swift_template.encode({"messages": list(messages)})["input_ids"])


def check_prompt(
    tok: Any, folder: Path, model_type: str, template: str, messages: Sequence[dict[str, str]]
) -> dict[str, Any]:
    """Compare the package's prompt (the model's chat template with `chat_template_args(template)`) with
    ms-swift's for `messages`; return what was compared, or raise PromptMismatch naming both."""
    from edgecloud.model import chat_ids

    ours = chat_ids(tok, messages)
    theirs = swift_prompt_ids(folder, model_type, template, messages)
    result = {
        "template": template,
        "chat_template_args": chat_template_args(template),
        "tokens": len(ours),
        "matches": ours == theirs,
    }
    if ours != theirs:
        cut = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        raise PromptMismatch(
            f"the model's chat template in {folder} and ms-swift's template model.template={template!r} build "
            f"different prompts for the same conversation (first difference at token {cut}):\n"
            f"  chat template: ...{tok.decode(ours[max(0, cut - 8) :])!r}\n"
            f"  ms-swift     : ...{tok.decode(theirs[max(0, cut - 8) :])!r}\n"
            "Training and `swift deploy` use ms-swift's prompt, 04_eval and the edge variants the chat template's: "
            "pick the model.template that matches the model's chat template (a hybrid-thinking Qwen3 with thinking "
            "off: 'qwen3'), or fix the chat_template in the model folder's tokenizer_config.json"
        )
    return result
