"""The accountability plugin's tables, all named ``accountability_*``."""
import peewee

from portal.plugin_api import BaseModel, Case, Department, User, now

from plugins.accountability.regulation import DUTIES, SCOPES, SOURCES

ITEM_STATES = {"open": "未完成", "done": "已完成"}
EVIDENCE_STATES = {"proposed": "待确认", "accepted": "已采用", "rejected": "未采用"}


class Responsibility(BaseModel):
    """Who held a duty of 第四、五条 in a year (``department`` None: a duty of the Party group)."""
    year = peewee.IntegerField(index=True)
    duty = peewee.CharField(max_length=20)
    department = peewee.ForeignKeyField(Department, null=True, backref="+", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "accountability_responsibility"

    @property
    def duty_label(self):
        return DUTIES[self.duty][0]


class TemplateItem(BaseModel):
    """An item of the yearly checklist's template (the office edits it; regulation.DEFAULT_ITEMS
    fill an empty one)."""
    article = peewee.CharField(max_length=30)
    title = peewee.CharField(max_length=120)
    text = peewee.TextField()
    scope = peewee.CharField(max_length=10, default="all")
    source = peewee.CharField(max_length=20, default="")
    due_month = peewee.IntegerField(default=12)
    sort_order = peewee.IntegerField(default=0)
    active = peewee.BooleanField(default=True)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "accountability_template_item"

    @property
    def scope_label(self):
        return SCOPES.get(self.scope, self.scope)

    @property
    def source_label(self):
        return SOURCES.get(self.source, self.source)


class Item(BaseModel):
    """One item of a party's checklist for a year (``department`` None: the Party group's)."""
    year = peewee.IntegerField()
    department = peewee.ForeignKeyField(Department, null=True, backref="+", on_delete="CASCADE")
    template = peewee.ForeignKeyField(TemplateItem, null=True, backref="+", on_delete="SET NULL")
    article = peewee.CharField(max_length=30)
    title = peewee.CharField(max_length=120)
    text = peewee.TextField()
    source = peewee.CharField(max_length=20, default="")
    owner = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    due_at = peewee.DateTimeField()
    state = peewee.CharField(max_length=10, default="open")
    self_assessment = peewee.TextField(default="")
    completed_at = peewee.DateTimeField(null=True)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "accountability_item"
        indexes = ((("year", "department"), False),)

    @property
    def state_label(self):
        return ITEM_STATES[self.state]

    @property
    def source_label(self):
        return SOURCES.get(self.source, self.source)

    @property
    def overdue(self):
        return self.state == "open" and self.due_at < now()


class Evidence(BaseModel):
    """Proof of an item: an uploaded file, or a record of the portal (a case) that a source
    proposed and the owner accepted or rejected."""
    item = peewee.ForeignKeyField(Item, backref="evidence", on_delete="CASCADE")
    state = peewee.CharField(max_length=10, default="accepted")
    source = peewee.CharField(max_length=20, default="")  # regulation.SOURCES; "" for a file
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="CASCADE")
    filename = peewee.CharField(max_length=200, default="")
    content_type = peewee.CharField(max_length=100, default="")
    data = peewee.BlobField(null=True)
    note = peewee.CharField(max_length=200, default="")
    added_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    added_at = peewee.DateTimeField(default=now)
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = peewee.DateTimeField(null=True)
    # a record another plugin offered (hook portal_evidence_sources), kept as it read when attached
    ref_kind = peewee.CharField(max_length=60, default="")  # "monitoring.training"; "" for a file or a case
    ref_id = peewee.CharField(max_length=40, default="")
    ref_label = peewee.CharField(max_length=200, default="")
    ref_day = peewee.DateField(null=True)

    class Meta:
        table_name = "accountability_evidence"
        indexes = ((("item", "source", "case"), True),)

    @property
    def state_label(self):
        return EVIDENCE_STATES[self.state]

    @property
    def source_label(self):
        return SOURCES.get(self.source, self.source)


MODELS = [Responsibility, TemplateItem, Item, Evidence]


class Report(BaseModel):
    """A unit's regular analysis report to the Party group (第七条（三）) for one period."""
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="CASCADE")
    period = peewee.CharField(max_length=20)  # reports.key: "2026-quarter-4"
    text = peewee.TextField()
    filed_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    filed_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "accountability_report"
        indexes = ((("department", "period"), True),)


class ReportReminder(BaseModel):
    """A reminder sent (claimed) for a unit's report of a period: "due_soon" or "overdue", once each."""
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="CASCADE")
    period = peewee.CharField(max_length=20)
    stage = peewee.CharField(max_length=10)
    sent_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "accountability_report_reminder"
        indexes = ((("department", "period", "stage"), True),)


MODELS = MODELS + [Report, ReportReminder]


FINDING_SCORE = 10  # an item's inspection score is out of this
RECTIFICATION_STATES = {"open": "整改中", "reported": "待验收", "closed": "已销号"}


class Finding(BaseModel):
    """What the annual inspection (第十条 专项督查) found about one checklist item: a score and the findings."""
    item = peewee.ForeignKeyField(Item, backref="+", on_delete="CASCADE", unique=True)
    score = peewee.IntegerField()
    text = peewee.TextField()
    inspected_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    inspected_at = peewee.DateTimeField(default=now)
    version = peewee.IntegerField(default=1)

    class Meta:
        table_name = "accountability_finding"


class Rectification(BaseModel):
    """What a finding requires to be put right (整改): its owner, due date, the owner's report back
    with evidence, and the office's closing or sending back."""
    finding = peewee.ForeignKeyField(Finding, backref="+", on_delete="CASCADE", unique=True)
    year = peewee.IntegerField(index=True)
    department = peewee.ForeignKeyField(Department, null=True, backref="+", on_delete="CASCADE")
    task = peewee.TextField()
    owner = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    due_at = peewee.DateTimeField()
    state = peewee.CharField(max_length=10, default="open")
    report = peewee.TextField(default="")
    filename = peewee.CharField(max_length=200, default="")
    content_type = peewee.CharField(max_length=100, default="")
    data = peewee.BlobField(null=True)
    reported_at = peewee.DateTimeField(null=True)
    closed_at = peewee.DateTimeField(null=True)
    reminded_at = peewee.DateTimeField(null=True)  # the overdue reminder, claimed once per due date
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "accountability_rectification"

    @property
    def state_label(self):
        return RECTIFICATION_STATES[self.state]

    @property
    def overdue(self):
        return self.state == "open" and self.due_at < now()


MODELS = MODELS + [Finding, Rectification]


class Record(BaseModel):
    """An accountability record (第九条 问责): who was held to account, in which of the nine
    situations, the facts, the form, who decided and when. Seen only with ``accountability.records``."""
    year = peewee.IntegerField(index=True)
    subject = peewee.CharField(max_length=100)  # the person or the body held to account
    department = peewee.ForeignKeyField(Department, null=True, backref="+", on_delete="SET NULL")
    situations = peewee.CharField(max_length=30)  # "1,4": numbers of regulation.SITUATIONS
    facts = peewee.TextField()
    form = peewee.CharField(max_length=20)  # one of regulation.FORMS
    decided_by = peewee.CharField(max_length=100)
    decided_on = peewee.DateField()
    created_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=now)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "accountability_record"

    @property
    def situation_numbers(self) -> list[int]:
        return [int(n) for n in self.situations.split(",") if n]


class RecordDocument(BaseModel):
    """A document of an accountability record (the decision, the investigation report …)."""
    record = peewee.ForeignKeyField(Record, backref="+", on_delete="CASCADE")
    filename = peewee.CharField(max_length=200)
    content_type = peewee.CharField(max_length=100)
    data = peewee.BlobField()
    added_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    added_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "accountability_record_document"


MODELS = MODELS + [Record, RecordDocument]
