"""The routing score, its calibrated threshold and the one decision 04_eval, the gateway and 07 share."""

import math

import pytest
import torch

from edgecloud.eval import calibrate
from edgecloud.params import DEFAULT_FORWARD_REPLY
from edgecloud.routing import TOP_LOGPROBS, decide, forward_token, score_from_logits, score_from_top
from edgecloud.serve.gateway_routing import routing_match
from edgecloud.serve.gateway_tiers import TierCall
from edgecloud.train.devices import train_dtype


def _top(logits: torch.Tensor, vocab: list[str]) -> list[tuple[str, float]]:
    """What an OpenAI-compatible server lists for the first reply position."""
    lp = torch.log_softmax(logits, -1)
    vals, ids = torch.topk(lp, TOP_LOGPROBS)
    return [(vocab[i], v) for i, v in zip(ids.tolist(), vals.tolist())]


@pytest.mark.parametrize("seed", range(20))
def test_score_from_server_top_logprobs_equals_score_from_logits(seed):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(50, generator=g) * 3
    vocab = [f"t{i}" for i in range(50)]
    fwd = int(torch.randint(0, 50, (1,), generator=g))
    assert score_from_top(_top(logits, vocab), vocab[fwd]) == pytest.approx(score_from_logits(logits, fwd), abs=1e-5)


def test_score_is_the_log_odds_of_the_forward_token():
    logits = torch.tensor([2.0, 1.0, 0.5, 0.0, -1.0, -2.0])
    p = torch.softmax(logits, -1)
    for i in range(5):
        assert score_from_logits(logits, i) == pytest.approx(math.log(p[i] / (1 - p[i])), abs=1e-5)
    # outside the top 5 the smallest listed log-probability stands in (what a server can tell)
    assert score_from_logits(logits, 5) == pytest.approx(score_from_logits(logits, 4))
    # a certain forward stays finite
    assert math.isfinite(score_from_logits(torch.tensor([80.0, 0.0, 0.0, 0.0, 0.0, 0.0]), 0))


def test_greedy_can_forward_with_the_forward_token_below_even_odds():
    """The case a calibrated threshold exists for: the forward token is the single most likely first token
    (greedy starts the forward reply) while the edge answers' many first tokens together outweigh it."""
    logits = torch.log(torch.tensor([0.30, 0.2, 0.2, 0.15, 0.15]))
    assert int(logits.argmax()) == 0 and score_from_logits(logits, 0) < 0


def test_decide_forwards_on_the_reply_or_on_the_score():
    assert decide(DEFAULT_FORWARD_REPLY, -9.0, -1.0)
    assert decide("好的，已打开客厅灯。", -0.5, -1.0)
    assert not decide("好的，已打开客厅灯。", -1.5, -1.0)
    assert not decide("好的，已打开客厅灯。", 5.0, None)  # no calibration: the reply alone decides
    assert not decide("好的", None, -1.0)


def test_the_default_forward_reply_starts_with_its_own_decision_token():
    assert forward_token(DEFAULT_FORWARD_REPLY) == "["


def test_gateway_applies_the_same_decision():
    edge = TierCall(ok=True, text="Sure, the timer is set.", score=-0.8)
    assert routing_match(edge, -1.0).startswith("routing score -0.80")
    assert routing_match(edge, -0.5) is None
    assert routing_match(edge, None) is None
    assert routing_match(TierCall(ok=True, text=DEFAULT_FORWARD_REPLY, score=None), -1.0) == "转发云端"


def test_threshold_is_the_middle_of_the_widest_gap_on_either_side_of_zero():
    labels = [False] * 6 + [True] * 4
    scores = [-9, -8, -7, -6, -5, -4.0, -2.0, -1.0, 1.0, 2.0]
    t, info = calibrate.threshold_on(labels, scores)
    assert t == pytest.approx(-3.0)
    t, info = calibrate.threshold_on([False, False, True, True], [-1.0, -0.5, 2.0, 3.0])
    assert t == pytest.approx(0.75) and info["method"] == "margin_midpoint"
    assert calibrate.threshold_on([False, False], [1.0, 2.0])[0] == 0.0  # one class: even odds


def test_checkpoint_selection_prefers_routing_then_auc_then_loss():
    rows = [
        {"step": 50, "valid_accuracy": 0.95, "valid_auc": 0.97, "eval_loss": 1.0},
        {"step": 100, "valid_accuracy": 0.97, "valid_auc": 0.96, "eval_loss": 1.2},
        {"step": 150, "valid_accuracy": 0.97, "valid_auc": 0.99, "eval_loss": 1.3},
    ]
    assert calibrate.select(rows)["step"] == 150


def test_train_dtype_auto_is_float32_without_native_bf16(monkeypatch):
    monkeypatch.setattr("edgecloud.train.devices.cpu_has_native_bf16", lambda: False)
    assert train_dtype("auto", "cpu") == "float32"
    monkeypatch.setattr("edgecloud.train.devices.cpu_has_native_bf16", lambda: True)
    assert train_dtype("auto", "cpu") == "bfloat16"
    assert train_dtype("bfloat16", "cpu") == "bfloat16"


def test_loss_scale_plugin_weights_the_first_characters_of_replies(monkeypatch):
    pytest.importorskip("swift")
    from swift.loss_scale import get_loss_scale

    from edgecloud.train.swift_loss_scale import NAME, DecisionLossScale

    monkeypatch.setenv("EDGECLOUD_DECISION_WEIGHT", "5")
    monkeypatch.setenv("EDGECLOUD_DECISION_CHARS", "4")
    ls = get_loss_scale(NAME)
    assert isinstance(ls, DecisionLossScale) and not ls.is_binary
    assert ls.get_loss_scale("[转发云端] forward to cloud", query="q") == (
        ["[转发云", "端] forward to cloud"],
        [5.0, 1.0],
    )
    assert ls.get_loss_scale("OK", query="q") == (["OK"], [5.0])
    assert ls.get_loss_scale("<|im_end|>", query=None) == (["<|im_end|>"], [1.0])  # the end-of-turn suffix
