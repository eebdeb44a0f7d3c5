"""The grade of an online opinion under 《网络舆情预警机制及应对预案》三（二）: one pure function.

The plan's text::

    重大网络舆情是指，该事件的网民点击率1000-2999人次，或跟帖评论100-499篇，或被5家以下
    主流网站报道转发的特殊时期网民关心、网媒关注的网络舆情事件。特别重大网络舆情是指，该事件的
    网民点击率3000人次以上，或跟帖评论500篇以上，或被5家以上主流网站报道转发的，涉及能源行业的
    突发、公共及自然灾害、安全生产、安全保密等事件或严重影响市能源局形象及社会稳定的……网络舆情事件。

How it is read here (``classify`` below):

* 以上 / 以下 include the number itself, as Chinese legal texts read them (《民法典》第一千二百五十九条):
  "3000人次以上" is clicks >= 3000, "1000-2999" is 1000 <= clicks <= 2999.
* Each criterion suffices on its own ("或"), and so does each subject-matter flag: the plan lists
  them as alternatives, and a reading that asks for several at once would let a grave event go
  ungraded while its numbers are still low.
* **Exactly 5 mainstream sites is 特别重大.** "5家以下" (up to 5, for 重大 in a sensitive period) and
  "5家以上" (5 or more, for 特别重大) both include 5, so the text puts 5 sites in both grades. An
  event meeting the definition of the graver grade is that grade: the clicks and comments bands
  show the same pattern (the 重大 band stops where the 特别重大 band starts), and the plan's own
  method is "提早发现……积极应对，先入为主" — when in doubt, respond at the higher level. So the
  重大 reposts band is ``major_reposts <= reposts < critical_reposts`` (1 to 4 sites by default),
  and only in a sensitive period; ``reposts >= critical_reposts`` is 特别重大 at any time.
* Reposts by no site at all are not "被……报道转发": the 重大 band starts at 1 site.
* The heat index (热点指数) is recorded and charted, but the plan sets no threshold for it.
* Anything below every threshold and without a flag is 一般 (建议、问题反映、咨询质询、个人利益诉求).
"""
from dataclasses import dataclass, fields

GENERAL, MAJOR, CRITICAL = "general", "major", "critical"
GRADES = (GENERAL, MAJOR, CRITICAL)  # from the mildest to the gravest
GRADE_LABELS = {GENERAL: "一般", MAJOR: "重大", CRITICAL: "特别重大"}

SENSITIVE_PERIOD = "sensitive_period"
# What a monitor or the office marks on a case. Every flag but the sensitive period makes it 特别重大.
FLAGS = {
    "energy_emergency": "涉及能源行业突发事件",
    "disaster": "涉及公共及自然灾害",
    "production_safety": "涉及安全生产",
    "secrecy": "涉及安全保密",
    "serious_harm": "严重影响市能源局形象及社会稳定",
    SENSITIVE_PERIOD: "特殊时期（敏感时期）",
}
CRITICAL_FLAGS = tuple(f for f in FLAGS if f != SENSITIVE_PERIOD)


@dataclass(frozen=True)
class Thresholds:
    """The editable numbers of the rule, each the lowest value that reaches its grade."""
    major_clicks: int = 1000
    critical_clicks: int = 3000
    major_comments: int = 100
    critical_comments: int = 500
    major_reposts: int = 1
    critical_reposts: int = 5

    LABELS = {
        "major_clicks": "重大：点击率达到（人次）",
        "critical_clicks": "特别重大：点击率达到（人次）",
        "major_comments": "重大：跟帖评论达到（篇）",
        "critical_comments": "特别重大：跟帖评论达到（篇）",
        "major_reposts": "重大（特殊时期）：主流网站转发达到（家）",
        "critical_reposts": "特别重大：主流网站转发达到（家）",
    }

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def problems(self) -> list[str]:
        """Why these numbers cannot be the rule, in Chinese; empty when they can."""
        found = []
        for name in self.names():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100_000_000:
                found.append(f"“{self.LABELS[name]}”须为1至100000000之间的整数。")
        if found:
            return found
        for what, label in (("clicks", "点击率"), ("comments", "跟帖评论"), ("reposts", "主流网站转发")):
            if getattr(self, f"major_{what}") >= getattr(self, f"critical_{what}"):
                found.append(f"{label}：重大的标准须低于特别重大的标准。")
        return found


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Verdict:
    """A grade and, in Chinese, every criterion of that grade the case meets."""
    grade: str
    reasons: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return GRADE_LABELS[self.grade]


def rank(grade: str | None) -> int:
    """0 for 一般 (and for no grade yet), 1 for 重大, 2 for 特别重大."""
    return GRADES.index(grade) if grade else 0


def classify(clicks: int = 0, comments: int = 0, reposts: int = 0, flags=frozenset(),
             thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Verdict:
    """The grade the plan gives an opinion with these numbers and flags (see the module's docstring).

    ``clicks``, ``comments`` and ``reposts`` (mainstream sites) are non-negative integers;
    ``flags`` a collection of keys of ``FLAGS``. Raises ValueError on anything else.
    """
    for name, value in (("clicks", clicks), ("comments", comments), ("reposts", reposts)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    unknown = set(flags) - set(FLAGS)
    if unknown:
        raise ValueError(f"unknown flags: {sorted(unknown)}")
    t = thresholds

    critical = [f"{FLAGS[f]}" for f in CRITICAL_FLAGS if f in flags]
    if clicks >= t.critical_clicks:
        critical.append(f"点击率{clicks}人次，达到{t.critical_clicks}人次以上")
    if comments >= t.critical_comments:
        critical.append(f"跟帖评论{comments}篇，达到{t.critical_comments}篇以上")
    if reposts >= t.critical_reposts:
        critical.append(f"被{reposts}家主流网站报道转发，达到{t.critical_reposts}家以上")
    if critical:
        return Verdict(CRITICAL, tuple(critical))

    major = []
    if clicks >= t.major_clicks:
        major.append(f"点击率{clicks}人次，在{t.major_clicks}至{t.critical_clicks - 1}人次之间")
    if comments >= t.major_comments:
        major.append(f"跟帖评论{comments}篇，在{t.major_comments}至{t.critical_comments - 1}篇之间")
    if reposts >= t.major_reposts and SENSITIVE_PERIOD in flags:
        major.append(f"特殊时期被{reposts}家主流网站报道转发（{t.critical_reposts - 1}家以内）")
    if major:
        return Verdict(MAJOR, tuple(major))
    return Verdict(GENERAL)
