"""The forward-to-cloud detector shared by conversion, evaluation and the gateway."""

import pytest

from edgecloud.params import DEFAULT_FORWARD_REPLY
from edgecloud.routing import forward_match, is_forward

HITS = [
    DEFAULT_FORWARD_REPLY,
    "转发云端",
    "转发云端。",
    "已转交云端大模型处理。",
    "这个问题需要云端处理，请稍候。",
    "该请求将由云端大模型来处理。",
    "我会把这个请求转发给云端模型。",
    "Forward to cloud.",
    "forward to cloud",
    "Forwarding to the cloud.",
    "I will route this request to the cloud model.",
    "This needs deeper reasoning, so I'm escalating it to the cloud.",
    "Handing this off to the cloud",
]
NEAR_MISSES = [
    "",
    None,
    "照片已上传到云端。",
    "明天多云转晴，最高气温 18 度。",
    "云端存储空间已满，请清理。",
    "I forwarded the email to Bob.",
    "Sending your photos to the cloud backup now.",
    "Cloud computing is a big topic.",
    "不需要转发云端，我来回答：2 + 2 = 4。",
    "No need to forward to the cloud: 2 + 2 = 4.",
    "I won't forward this to the cloud; the answer is 12.",
    "好的，已为你打开客厅的灯。",
]


@pytest.mark.parametrize("reply", HITS)
def test_forward_replies_and_paraphrases_are_detected(reply):
    assert is_forward(reply), reply
    assert forward_match(reply)


@pytest.mark.parametrize("reply", NEAR_MISSES)
def test_near_misses_are_not_forwards(reply):
    assert not is_forward(reply), reply
