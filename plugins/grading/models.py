"""The grading plugin's tables, all named ``grading_*``."""
import peewee

from plugins.grading.rules import FLAGS, GRADE_LABELS, GRADES, MAJOR, rank
from portal.plugin_api import ENDED_STATES, BaseModel, Case, IdsIn, Param, User, compiled, now

SOURCES = {"rule": "按规则判定", "escalation": "办公室提级处置", "manual": "局领导人工定级"}
STAGES = {
    "emerging": "萌芽期（初始传播）",
    "spreading": "扩散期（快速发酵）",
    "peak": "高峰期（集中热议）",
    "fading": "消退期（趋于平稳）",
}


class Grade(BaseModel):
    """A case's grade now: at most one row per case, created when it is first graded."""
    case = peewee.ForeignKeyField(Case, unique=True, backref="+", on_delete="CASCADE")
    grade = peewee.CharField(max_length=10, default="general", index=True)
    source = peewee.CharField(max_length=12, default="rule")  # who set ``grade``: SOURCES
    reason = peewee.TextField(default="")  # the rule's criteria, or the person's reason
    rule_grade = peewee.CharField(max_length=10, default="general")  # the rule on the latest data
    rule_reasons = peewee.TextField(default="")
    flags = peewee.CharField(max_length=200, default="")  # comma-separated keys of rules.FLAGS
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = peewee.DateTimeField(null=True)
    meeting_requested_at = peewee.DateTimeField(null=True)
    meeting_grade = peewee.CharField(max_length=10, default="")  # the grade the meeting was asked for
    eliminated_at = peewee.DateTimeField(null=True)
    eliminated_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    eliminated_note = peewee.TextField(default="")
    review_reminded_at = peewee.DateTimeField(null=True)  # the office's last 后期处置 reminder
    version = peewee.IntegerField(default=1)  # changed only through portal.process.bump
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "grading_grade"

    @property
    def label(self) -> str:
        return GRADE_LABELS[self.grade]

    @property
    def rule_label(self) -> str:
        return GRADE_LABELS[self.rule_grade]

    @property
    def source_label(self) -> str:
        return SOURCES[self.source]

    @property
    def flag_set(self) -> frozenset[str]:
        return frozenset(f for f in self.flags.split(",") if f in FLAGS)

    @property
    def is_major(self) -> bool:
        """重大 or 特别重大: the leaders decide, meet, and a review follows."""
        return rank(self.grade) >= rank(MAJOR)

    @property
    def meeting_due(self) -> bool:
        return self.is_major and rank(self.meeting_grade or None) < rank(self.grade)

    @classmethod
    def of(cls, case) -> "Grade | None":
        """The case's grade row: as a page that only reads has ``kept`` it on ``case`` (the steps'
        guards ask for it once per step), else read."""
        kept = getattr(case, "__dict__", {})  # a list's row has none
        if "_grade_kept" in kept:
            return kept["_grade_kept"]
        return next(iter(compiled("grading.of", lambda: cls.select().where(cls.case == Param("case")).limit(1),
                                  case=case.id)), None)

    @staticmethod
    def keep(case, row: "Grade | None"):
        """``row`` is ``case``'s grade for as long as ``case`` lives (one request): only for a page that
        changes nothing, where a stale grade cannot arise."""
        case._grade_kept = row

    @classmethod
    def with_people(cls, case) -> "Grade | None":
        """The grade as the panel shows it, in one statement: the names of its ``decided_by`` and
        ``eliminated_by``, and ``review``: the case's Review (with its ``by``'s name), or None."""
        def build():
            decider, eliminator, reviewer = User.alias(), User.alias(), User.alias()
            return (cls.select(cls, decider.id, decider.name, eliminator.id, eliminator.name, Review, reviewer.id,
                               reviewer.name)
                    .join_from(cls, decider, peewee.JOIN.LEFT_OUTER, on=(cls.decided_by == decider.id),
                               attr="decided_by")
                    .join_from(cls, eliminator, peewee.JOIN.LEFT_OUTER, on=(cls.eliminated_by == eliminator.id),
                               attr="eliminated_by")
                    .join_from(cls, Review, peewee.JOIN.LEFT_OUTER, on=(Review.case == cls.case), attr="review")
                    .join_from(Review, reviewer, peewee.JOIN.LEFT_OUTER, on=(Review.by == reviewer.id), attr="by")
                    .where(cls.case == Param("case")))
        return next(iter(compiled("grading.with_people", build, case=case.id)), None)

    @classmethod
    def for_cases(cls, case_ids) -> dict[int, "Grade"]:
        """The grades of a list's cases, read as the list's badge shows them (grade, eliminated)."""
        ids = list(case_ids)
        if not ids:
            return {}
        query = compiled("grading.for_cases", lambda: cls.select(cls.case, cls.grade, cls.eliminated_at)
                         .where(IdsIn(cls.case, "ids")), ids=ids)
        return {g.case_id: g for g in query}


class Snapshot(BaseModel):
    """The heat of the post at one moment, as a monitor or the office read it."""
    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    observed_at = peewee.DateTimeField(default=now)
    clicks = peewee.IntegerField(default=0)
    comments = peewee.IntegerField(default=0)
    reposts = peewee.IntegerField(default=0)  # mainstream sites that reported or reposted it
    heat_index = peewee.FloatField(default=0)
    note = peewee.CharField(max_length=200, default="")
    rule_grade = peewee.CharField(max_length=10, default="general")  # the rule on these numbers
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "grading_snapshot"
        indexes = ((("case", "observed_at"), False),)

    @classmethod
    def history(cls, case) -> list["Snapshot"]:
        """The case's heat, oldest first, each with its recorder's name."""
        return list(compiled("grading.history", lambda: cls.select(cls, User.id, User.name).join(User)
                             .where(cls.case == Param("case")).order_by(cls.observed_at, cls.id), case=case.id))

    @classmethod
    def latest(cls, case) -> "Snapshot | None":
        return next(iter(compiled("grading.latest", lambda: cls.select().where(cls.case == Param("case"))
                                  .order_by(cls.observed_at.desc(), cls.id.desc()).limit(1), case=case.id)), None)


class GradeChange(BaseModel):
    """Every change of a case's grade, the first grading included (``old`` empty)."""
    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    old = peewee.CharField(max_length=10, default="")
    new = peewee.CharField(max_length=10)
    upgrade = peewee.BooleanField(default=False)
    source = peewee.CharField(max_length=12)
    reason = peewee.TextField(default="")
    by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    at = peewee.DateTimeField(default=now, index=True)

    class Meta:
        table_name = "grading_change"

    @property
    def old_label(self) -> str:
        return GRADE_LABELS.get(self.old, "未分级")

    @property
    def new_label(self) -> str:
        return GRADE_LABELS[self.new]

    @property
    def source_label(self) -> str:
        return SOURCES[self.source]


class Assessment(BaseModel):
    """研判: the office's reading of the opinion (预案三（二）)."""
    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    content = peewee.TextField()
    attention = peewee.TextField()
    commenters = peewee.IntegerField(default=0)
    heat_index = peewee.FloatField(default=0)
    stage = peewee.CharField(max_length=12)
    impact = peewee.TextField()
    response = peewee.TextField()
    grade = peewee.CharField(max_length=10, default="general")  # the case's grade when assessed
    by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "grading_assessment"

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS[self.grade]


class Review(BaseModel):
    """后期处置: the working group's summary and evaluation once the response is over (预案五)."""
    case = peewee.ForeignKeyField(Case, unique=True, backref="+", on_delete="CASCADE")
    summary = peewee.TextField()
    worked = peewee.TextField()
    failed = peewee.TextField()
    rewards = peewee.TextField(default="")
    plan_changes = peewee.TextField(default="")
    by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "grading_review"


def review_due_query(*columns):
    """Cases at 重大 or above whose response is over (handled, or the opinion eliminated), not yet
    archived, without a review: the office's to-do until the review exists (``columns`` of them)."""
    ended = Case.state.in_(ENDED_STATES) | Grade.eliminated_at.is_null(False)
    return (Case.select(*(columns or (Case,))).join(Grade, on=(Grade.case == Case.id))
            .where(Grade.grade.in_(GRADES[1:]) & ended & (Case.state != "archived")
                   & Case.id.not_in(Review.select(Review.case)))
            .order_by(Case.id))


MODELS = [Grade, Snapshot, GradeChange, Assessment, Review]
