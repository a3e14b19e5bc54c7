"""The forward-to-cloud detector: one function shared by data conversion, evaluation and the gateway.

The edge model is trained to reply with a message that starts with 转发云端 / "forward to cloud",
but a model also paraphrases ("已转交云端大模型处理", "I'll route this to the cloud model").
Evaluation and the gateway must agree on what counts as a forward, so both call `is_forward`.
Near-misses must not count: a device reply about cloud storage ("照片已上传到云端"), the weather
("多云"), forwarding an e-mail to a person, or a negated forward ("不需要转发云端").
"""

from __future__ import annotations

import math
import re

FORWARD_MARKER_ZH = "转发云端"

_CLOUD_ZH = r"(?:云端|云侧|云上|云服务|云模型|云端大模型|云端模型|云端服务)"
_VERB_ZH = r"(?:转发|转交|交给|交由|转到|转至|提交给|路由到|路由至|移交)"
_ZH = re.compile(
    rf"(?:{_VERB_ZH}[^。，,.!！?？\n]{{0,6}}?{_CLOUD_ZH}"  # 转发给云端 / 已转交云端大模型
    rf"|需要{_CLOUD_ZH}(?:来)?(?:处理|回答|完成|解答)"  # 需要云端处理
    rf"|由{_CLOUD_ZH}(?:来)?(?:处理|回答|完成|解答))"  # 由云端大模型处理
)
_NEG_ZH = re.compile(r"(?:不|无需|不用|没有|未|别|无法|不能)(?:需要)?(?:再)?$")

_OBJ_EN = r"(?:(?:this|it|that|your|the)\s+(?:request|question|task|query|problem|one)?\s*)?"
_EN = re.compile(
    r"\b(?:forward(?:ed|ing|s)?|rout(?:e|ed|es|ing)|escalat(?:e|ed|es|ing)|hand(?:ed|ing|s)?\s+(?:it\s+|this\s+)?off"
    r"|pass(?:ed|es|ing)?|send(?:s|ing)?|sent|transfer(?:red|ring|s)?)\s+"
    + _OBJ_EN
    + r"(?:on\s+)?to\s+(?:the\s+)?cloud\b",
    re.IGNORECASE,
)
_NEG_EN = re.compile(
    r"\b(?:no need to|don't|do not|won't|will not|not|never|cannot|can't|without)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)


def forward_match(reply: str | None) -> str | None:
    """The text that marks `reply` as a forward to the cloud, or None when it does not forward."""
    if not reply:
        return None
    text = " ".join(reply.split())
    for pattern, negation in ((_ZH, _NEG_ZH), (_EN, _NEG_EN)):
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 16) : m.start()]
            if negation.search(before):
                continue
            return m.group(0)
    if FORWARD_MARKER_ZH in text and not _NEG_ZH.search(text[: text.index(FORWARD_MARKER_ZH)][-16:]):
        return FORWARD_MARKER_ZH
    return None


def is_forward(reply: str | None) -> bool:
    """True when the edge model's reply hands the request to the cloud tier."""
    return forward_match(reply) is not None


# ---------------------------------------------------------------------------------------------
# The routing score and its calibrated threshold
#
# The forward reply starts with a token no edge reply starts with ("[" of "[转发云端] ..."), so the
# decision is the model's first reply token. The score of a request is the log-odds of that token at the
# reply's first position: log P(forward token) - log(1 - P(forward token)), > 0 exactly when the model puts
# more than half its probability on forwarding. Every backend gives it from one forward pass over the
# prompt: 04_eval from the logits, the gateway from the edge server's `top_logprobs` of its first reply
# token (swift deploy and edgecloud.edge.server alike). A forward token below the TOP_LOGPROBS best takes
# the smallest listed log-probability, in both places, so the two agree.
#
# Greedy decoding is not this rule: the model spreads an edge answer's probability over many first tokens
# ("好", "The", "当前", ...), so the forward token can be the single most likely one with P well below 0.5,
# and the fine-tuned model then forwards simple requests. With a calibrated threshold the score alone
# decides, and the edge's answer is generated with the forward token forbidden as the reply's first token
# (`SUPPRESS_KEY`: transformers' `begin_suppress_tokens`, set in the served model's generation config and
# in 04_eval's generate call): the answer greedy decoding gives among the replies that do not forward.

TOP_LOGPROBS = 5
SCORE_DEFINITION = (
    "log-odds of the forward token at the reply's first position, log P - log(1 - P); "
    f"a token outside the top {TOP_LOGPROBS} takes the smallest listed log-probability"
)
SUPPRESS_KEY = "begin_suppress_tokens"
_MIN_REST = 1e-9  # 1 - P when P rounds to 1: keeps the score finite (about 20.7)


def forward_token(forward_reply: str) -> str:
    """The first character of the forward reply, the decision token (it must be a token of its own)."""
    return forward_reply[:1]


def log_odds(logprob: float) -> float:
    """log P - log(1 - P) of a log-probability."""
    return float(logprob - math.log(max(-math.expm1(logprob), _MIN_REST)))


def score_from_top(top: list[tuple[str, float]], token: str) -> float:
    """The routing score from the first reply position's top log-probabilities [(token text, logprob)],
    as an OpenAI-compatible server returns them (`logprobs.content[0].top_logprobs`)."""
    if len(top) < 2:
        raise ValueError(f"the routing score needs at least 2 top log-probabilities, got {len(top)}")
    listed = [lp for _, lp in top]
    fwd = next((lp for t, lp in top if t == token), min(listed))
    return log_odds(fwd)


def score_from_logits(logits, token_id: int, top_k: int = TOP_LOGPROBS) -> float:
    """The same score from the full next-token logits of the prompt's last position (a 1-D tensor)."""
    import torch

    lp = torch.log_softmax(logits.float(), dim=-1)
    vals, ids = torch.topk(lp, top_k)
    listed = dict(zip(ids.tolist(), vals.tolist()))
    return log_odds(listed.get(token_id, vals[-1].item()))


def score_from_logprobs(logprobs, token_id: int, top_k: int = TOP_LOGPROBS) -> float:
    """The same score from the first position's log-probabilities as a 1-D numpy array (the 07 backends)."""
    import numpy as np

    lp = np.asarray(logprobs, dtype=np.float64)
    top = np.argsort(-lp)[:top_k]
    return log_odds(float(lp[token_id]) if token_id in set(top.tolist()) else float(lp[top[-1]]))


def decide(reply: str | None, score: float | None, threshold: float | None) -> bool:
    """True when the request goes to the cloud: the reply forwards, or the score reaches the calibrated
    threshold. The one decision 04_eval scores, the gateway applies and 07 measures on every variant."""
    if is_forward(reply):
        return True
    return threshold is not None and score is not None and score >= threshold
