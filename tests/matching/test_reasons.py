"""Reasons read in Chinese (the default) and in English."""

from __future__ import annotations

from django.utils import translation

from matching.engine.eligibility import RULE_NAMES
from matching.engine.explain import Reason
from matching.reasons import RULE_MESSAGES, render, render_rule


def test_reasons_render_in_chinese_and_english():
    reasons = [
        Reason("same_township"),
        Reason("places_left", {"count": 3}),
        Reason("accepts_household", {"household": "rural"}),
    ]
    with translation.override("zh-hans"):
        assert [render(r) for r in reasons] == ["同一乡镇", "剩余 3 个名额", "接收农村户籍"]
        assert render_rule("minors") == "不接收未成年人"
    with translation.override("en"):
        assert [render(r) for r in reasons] == ["same township", "3 places left", "accepts rural households"]
        assert render(Reason("places_left", {"count": 1})) == "1 place left"
        assert render(Reason("distance", {"km": 4.2})) == "4.2 km away"


def test_every_rule_has_a_message():
    assert set(RULE_NAMES) <= set(RULE_MESSAGES)
