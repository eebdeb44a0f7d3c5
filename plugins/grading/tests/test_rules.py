"""The rule of 预案三（二） at every boundary, as a table."""
import pytest

from plugins.grading.rules import (
    CRITICAL, CRITICAL_FLAGS, FLAGS, GENERAL, MAJOR, SENSITIVE_PERIOD, Thresholds, classify, rank,
)

SP = {SENSITIVE_PERIOD}

# clicks, comments, reposts (mainstream sites), flags, grade
TABLE = [
    (0, 0, 0, set(), GENERAL),
    (999, 0, 0, set(), GENERAL),
    (1000, 0, 0, set(), MAJOR),
    (2999, 0, 0, set(), MAJOR),
    (3000, 0, 0, set(), CRITICAL),
    (0, 99, 0, set(), GENERAL),
    (0, 100, 0, set(), MAJOR),
    (0, 499, 0, set(), MAJOR),
    (0, 500, 0, set(), CRITICAL),
    # reposts outside a sensitive period: only 5家以上 counts
    (0, 0, 1, set(), GENERAL),
    (0, 0, 4, set(), GENERAL),
    (0, 0, 5, set(), CRITICAL),
    (0, 0, 6, set(), CRITICAL),
    # in a sensitive period: 5家以下 is 重大, but exactly 5 is 特别重大 (the graver reading)
    (0, 0, 0, SP, GENERAL),
    (0, 0, 1, SP, MAJOR),
    (0, 0, 4, SP, MAJOR),
    (0, 0, 5, SP, CRITICAL),
    (0, 0, 6, SP, CRITICAL),
    # every number just below its threshold
    (999, 99, 4, set(), GENERAL),
    (999, 99, 4, SP, MAJOR),
    # the gravest criterion met wins
    (1000, 500, 0, set(), CRITICAL),
    (2999, 499, 4, SP, MAJOR),
] + [(0, 0, 0, {flag}, CRITICAL) for flag in CRITICAL_FLAGS] + [
    (10, 1, 0, {flag, SENSITIVE_PERIOD}, CRITICAL) for flag in CRITICAL_FLAGS
]


@pytest.mark.parametrize("clicks, comments, reposts, flags, grade", TABLE)
def test_the_plans_thresholds(clicks, comments, reposts, flags, grade):
    assert classify(clicks, comments, reposts, flags).grade == grade


CUSTOM = Thresholds(major_clicks=500, critical_clicks=800, major_comments=20, critical_comments=50,
                    major_reposts=2, critical_reposts=3)


@pytest.mark.parametrize("clicks, comments, reposts, flags, grade", [
    (499, 0, 0, set(), GENERAL), (500, 0, 0, set(), MAJOR), (799, 0, 0, set(), MAJOR), (800, 0, 0, set(), CRITICAL),
    (0, 19, 0, set(), GENERAL), (0, 20, 0, set(), MAJOR), (0, 49, 0, set(), MAJOR), (0, 50, 0, set(), CRITICAL),
    (0, 0, 1, SP, GENERAL), (0, 0, 2, SP, MAJOR), (0, 0, 3, SP, CRITICAL), (0, 0, 3, set(), CRITICAL),
    (0, 0, 2, set(), GENERAL), (1000, 0, 0, set(), CRITICAL),
])
def test_custom_thresholds(clicks, comments, reposts, flags, grade):
    assert classify(clicks, comments, reposts, flags, CUSTOM).grade == grade


def test_the_verdict_says_why_in_chinese():
    verdict = classify(3000, 120, 5, {"production_safety"})
    assert verdict.label == "特别重大"
    assert verdict.reasons == ("涉及安全生产", "点击率3000人次，达到3000人次以上", "被5家主流网站报道转发，达到5家以上")
    assert classify(1000).reasons == ("点击率1000人次，在1000至2999人次之间",)
    assert classify(0, 0, 2, SP).reasons == ("特殊时期被2家主流网站报道转发（4家以内）",)
    assert classify(999, 99).reasons == ()


@pytest.mark.parametrize("args", [(-1, 0, 0), (0, -5, 0), (0, 0, 1.5), (True, 0, 0), ("1000", 0, 0)])
def test_bad_numbers_are_refused(args):
    with pytest.raises(ValueError):
        classify(*args)


def test_unknown_flags_are_refused():
    with pytest.raises(ValueError, match="unknown flags"):
        classify(0, 0, 0, {"rumour"})
    assert set(CRITICAL_FLAGS) | SP == set(FLAGS)


def test_thresholds_must_rise_from_major_to_critical():
    assert Thresholds().problems() == []
    assert Thresholds(major_clicks=3000).problems() == ["点击率：重大的标准须低于特别重大的标准。"]
    assert "须为1至100000000之间的整数" in Thresholds(critical_reposts=0).problems()[0]


def test_rank_orders_the_grades():
    assert rank(None) == rank(GENERAL) == 0 < rank(MAJOR) < rank(CRITICAL)
