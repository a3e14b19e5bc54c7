"""ms-swift loss-scale plugin: weight the routing decision, the first characters of each reply, more.

Loaded by `swift sft --external_plugins <this file> --loss_scale edge_decision` (03_train passes both
when `train.decision_loss_weight` is above 1). Every reply starts with the decision: the forward
reply's "转发云端" or the first words of an edge answer. With plain cross-entropy those few tokens
are a small part of the loss, and a 10-token forward reply weighs less than a 30-token edge reply,
so the model learns the replies' wording before it learns when to forward. The plugin splits each
assistant reply into its first `EDGECLOUD_DECISION_CHARS` characters, weighted
`EDGECLOUD_DECISION_WEIGHT`, and the rest, weighted 1 (ms-swift tokenizes the two parts apart, the
split at a character boundary). This file is imported by ms-swift inside the training process; it
imports nothing from edgecloud so that it loads in any environment that has ms-swift.
"""

from __future__ import annotations

import os

from swift.loss_scale import LossScale, loss_scale_map

NAME = "edge_decision"


class DecisionLossScale(LossScale):
    is_binary = False

    def get_loss_scale(self, context, **kwargs):
        weight = float(os.environ.get("EDGECLOUD_DECISION_WEIGHT", "1"))
        chars = int(os.environ.get("EDGECLOUD_DECISION_CHARS", "4"))
        if kwargs.get("query") is None or not isinstance(context, str) or weight == 1.0:
            return [context], [1.0]  # not a reply (the end-of-turn suffix has no query): unweighted
        if len(context) <= chars:
            return [context], [weight]
        return [context[:chars], context[chars:]], [weight, 1.0]


loss_scale_map[NAME] = DecisionLossScale
