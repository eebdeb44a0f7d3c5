"""Cases (舆情事项) and the records their handling leaves."""
import peewee

from portal.db import BaseModel, now
from portal.org.models import Department, User

STATES = {
    "registered": "已受理",
    "reported": "已报送",
    "rejected": "不予受理",
    "handling": "办理中",
    "awaiting_approval": "待审定",
    "approved": "已审定待回复",
    "replied": "已回复",
    "archived": "已归档",
}
OPEN_STATES = ("registered", "reported", "handling", "awaiting_approval", "approved")
# The reply clock runs from posting until the reply is published.
CLOCK_STATES = OPEN_STATES
# The handling is over: replied, rejected or archived (the grading plugin's 后期处置 waits for it).
ENDED_STATES = tuple(s for s in STATES if s not in OPEN_STATES)
# Spelled out rather than `state != "archived"`, so that the (state, due_at) indexes serve it.
UNARCHIVED_STATES = tuple(s for s in STATES if s != "archived")

SOURCES = {"website": "局官网", "weibo": "微博", "wechat": "微信公众号", "forum": "论坛", "other": "其他"}
CATEGORIES = {
    "consult": "咨询", "complaint": "投诉", "suggestion": "建议", "appeal": "诉求",
    "report": "举报", "false_info": "虚假信息", "harmful_info": "不良信息", "other": "其他",
}
CONFIDENTIALITY = {"normal": "普通", "internal": "内部", "secret": "涉密"}


class Case(BaseModel):
    number = peewee.CharField(max_length=20, unique=True)
    year = peewee.IntegerField()
    seq = peewee.IntegerField()
    title = peewee.CharField(max_length=120)
    source = peewee.CharField(max_length=20)
    url = peewee.CharField(max_length=500, default="", index=True)
    url_key = peewee.CharField(max_length=500, default="", index=True)  # cases.links.link_key(url): the duplicate check
    post_text = peewee.TextField()
    netizen_nickname = peewee.CharField(max_length=80, default="")
    netizen_contact = peewee.CharField(max_length=120, default="")
    category = peewee.CharField(max_length=20)
    posted_at = peewee.DateTimeField(index=True)  # the list's 发帖时间 order and date filters
    confidentiality = peewee.CharField(max_length=10, default="normal")
    state = peewee.CharField(max_length=20, default="registered")
    registered_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    registered_at = peewee.DateTimeField(default=now)
    duplicate_of = peewee.ForeignKeyField("self", null=True, backref="+", on_delete="SET NULL")
    reject_reason = peewee.TextField(default="")
    host_department = peewee.ForeignKeyField(Department, null=True, backref="hosted_cases", on_delete="RESTRICT")
    instruction = peewee.TextField(default="")
    assigned_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    assigned_at = peewee.DateTimeField(null=True)
    findings = peewee.TextField(default="")
    deadline_days = peewee.IntegerField(default=3)
    due_at = peewee.DateTimeField(index=True)
    due_provisional = peewee.BooleanField(default=False)
    reply_text = peewee.TextField(default="")
    reply_url = peewee.CharField(max_length=500, default="")
    replied_at = peewee.DateTimeField(null=True)
    archived_at = peewee.DateTimeField(null=True)
    supervised = peewee.BooleanField(default=False, index=True)
    due_soon_fired_at = peewee.DateTimeField(null=True)
    overdue_fired_at = peewee.DateTimeField(null=True)
    updated_at = peewee.DateTimeField(default=now)
    version = peewee.IntegerField(default=1)

    class Meta:
        indexes = (
            (("year", "seq"), True),
            (("host_department", "state", "due_at"), False),
            (("state", "due_at"), False),
        )

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def source_label(self):
        return SOURCES.get(self.source, self.source)

    @property
    def category_label(self):
        return CATEGORIES.get(self.category, self.category)

    @property
    def confidentiality_label(self):
        return CONFIDENTIALITY.get(self.confidentiality, self.confidentiality)

    @property
    def is_open(self):
        return self.state in OPEN_STATES


# The cases not yet archived (a few percent of a bureau's history) in deadline order: the
# department page's list. PostgreSQL otherwise walks the whole deadline index for it, expecting
# the open cases spread over all deadlines where they are the latest (docs/performance.md).
UNARCHIVED_DUE_INDEX = "case_unarchived_due"
Case.add_index(Case.due_at, Case.id, where=Case.state.in_(UNARCHIVED_STATES), name=UNARCHIVED_DUE_INDEX)
# The same by host department: a department's section lists its own open cases, and a department
# with few of them had PostgreSQL walk every open case's deadline (3,245 rows for 19, 4 ms).
HOST_UNARCHIVED_DUE_INDEX = "case_host_unarchived_due"
Case.add_index(Case.host_department, Case.due_at, Case.id, where=Case.state.in_(UNARCHIVED_STATES),
               name=HOST_UNARCHIVED_DUE_INDEX)


class CaseCoDepartment(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="co_rows", on_delete="CASCADE")
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="RESTRICT")

    class Meta:
        indexes = ((("case", "department"), True), (("department",), False))


class CaseCounter(BaseModel):
    """The last number given per year; bumped inside the intake transaction, so no gaps."""
    year = peewee.IntegerField(primary_key=True)
    last = peewee.IntegerField(default=0)


class ReplyDraft(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="drafts", on_delete="CASCADE")
    version = peewee.IntegerField()
    findings = peewee.TextField(default="")
    text = peewee.TextField()
    submitted_by = peewee.ForeignKeyField(User, backref="+")
    submitted_at = peewee.DateTimeField(default=now)
    decision = peewee.CharField(max_length=10, default="")  # "", approved, returned
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+")
    decided_at = peewee.DateTimeField(null=True)
    comment = peewee.TextField(default="")

    class Meta:
        indexes = ((("case", "version"), True),)


class Extension(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="extensions", on_delete="CASCADE")
    days = peewee.IntegerField()  # the total period asked for: 4 or 5
    reason = peewee.TextField()
    requested_by = peewee.ForeignKeyField(User, backref="+")
    requested_at = peewee.DateTimeField(default=now)
    decision = peewee.CharField(max_length=10, default="")  # "", approved, refused
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+")
    decided_at = peewee.DateTimeField(null=True)
    comment = peewee.TextField(default="")

    DECISIONS = {"": "待审批", "approved": "已批准", "refused": "未批准"}

    @property
    def decision_label(self):
        return self.DECISIONS[self.decision]


class Explanation(BaseModel):
    """情况说明: why a reply cannot be made in time."""
    case = peewee.ForeignKeyField(Case, backref="explanations", on_delete="CASCADE")
    text = peewee.TextField()
    author = peewee.ForeignKeyField(User, backref="+")
    at = peewee.DateTimeField(default=now)


class Urging(BaseModel):
    """催办: a reminder to the host department; ``by`` is None when the portal sent it."""
    case = peewee.ForeignKeyField(Case, backref="urgings", on_delete="CASCADE")
    message = peewee.TextField()
    by = peewee.ForeignKeyField(User, null=True, backref="+")
    at = peewee.DateTimeField(default=now)


class Supervision(BaseModel):
    """督办: the office tracks a case closely until it ends the supervision."""
    case = peewee.ForeignKeyField(Case, backref="supervisions", on_delete="CASCADE")
    note = peewee.TextField(default="")
    by = peewee.ForeignKeyField(User, backref="+")
    at = peewee.DateTimeField(default=now)
    ended_at = peewee.DateTimeField(null=True)


class Attachment(BaseModel):
    KINDS = {"screenshot": "原帖截图", "material": "办理材料", "reply_proof": "回复截图"}

    case = peewee.ForeignKeyField(Case, backref="attachments", on_delete="CASCADE")
    kind = peewee.CharField(max_length=20, default="material")
    filename = peewee.CharField(max_length=200)
    stored_name = peewee.CharField(max_length=64, unique=True)
    content_type = peewee.CharField(max_length=100)
    size = peewee.IntegerField()
    sha256 = peewee.CharField(max_length=64)
    uploaded_by = peewee.ForeignKeyField(User, backref="+")
    uploaded_at = peewee.DateTimeField(default=now)

    @property
    def kind_label(self):
        return self.KINDS.get(self.kind, self.kind)

    @property
    def previewable(self) -> bool:
        """An image the case page may show inline (never SVG or HTML: the upload check admits neither)."""
        from portal.downloads import INLINE_IMAGES

        return self.content_type in INLINE_IMAGES


class Notification(BaseModel):
    user = peewee.ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="CASCADE")
    kind = peewee.CharField(max_length=30)
    message = peewee.TextField()
    created_at = peewee.DateTimeField(default=now)
    read_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "read_at"), False),)


class WorkdayOverride(BaseModel):
    """The admin's corrections to the holiday calendar (is_workday wins over chinesecalendar)."""
    day = peewee.DateField(unique=True)
    is_workday = peewee.BooleanField()
    note = peewee.CharField(max_length=100, default="")


class HolidaySchedule(BaseModel):
    """A year whose official schedule an administrator entered: its rest and make-up working
    days are WorkdayOverride rows, and no deadline in it is provisional any more."""
    year = peewee.IntegerField(primary_key=True)
    entered_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    entered_at = peewee.DateTimeField(default=now)


MODELS = [Case, CaseCoDepartment, CaseCounter, ReplyDraft, Extension, Explanation, Urging,
          Supervision, Attachment, Notification, WorkdayOverride, HolidaySchedule]
