"""The joint meetings' tables (《网络舆情信息通报共享和联席会商工作制度》), all named ``meetings_*``."""
import peewee

from portal.plugin_api import BaseModel, Case, Department, User, now

KINDS = {"regular": "例会", "adhoc": "临时会议", "emergency": "局领导紧急会议"}
STATES = {"request": "待批准", "approved": "待安排", "scheduled": "已安排", "held": "已召开", "closed": "已结束",
          "refused": "未批准"}
ITEM_STATES = {"submitted": "待审核", "accepted": "已列入议程", "returned": "已退回"}
MINUTES_STATES = {"": "未记录", "draft": "记录中", "confirmed": "已确认"}
DECISION_STATES = {"open": "办理中", "reported": "已报告待审核", "closed": "已办结"}
ATTENDANCE = {"": "未登记", "present": "出席", "leave": "请假", "observer": "列席"}


class Member(BaseModel):
    """A member unit (第二条): a working department, its liaison (联络员) and its head, who attends."""
    department = peewee.ForeignKeyField(Department, unique=True, backref="+", on_delete="CASCADE")
    liaison = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    head = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    version = peewee.IntegerField(default=1)

    class Meta:
        table_name = "meetings_member"


class Meeting(BaseModel):
    kind = peewee.CharField(max_length=12, index=True)
    title = peewee.CharField(max_length=120)
    reason = peewee.TextField(default="")          # why an ad hoc meeting is asked for
    state = peewee.CharField(max_length=12, default="request", index=True)
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="RESTRICT")
    starts_at = peewee.DateTimeField(null=True)
    place = peewee.CharField(max_length=120, default="")
    chair = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    items_due_at = peewee.DateTimeField(null=True)  # the agenda's submission deadline (第七条)
    requested_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    requested_at = peewee.DateTimeField(default=now)
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = peewee.DateTimeField(null=True)
    decision_note = peewee.TextField(default="")   # the convener's word on the request
    plan = peewee.TextField(default="")             # the leaders' 应对方案 (emergency meetings)
    summary = peewee.TextField(default="")          # the office's 会议纪要 preamble
    compiled_at = peewee.DateTimeField(null=True)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "meetings_meeting"

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)


class Attendee(BaseModel):
    """Who is asked to the meeting, and whether they came (出席/请假/列席)."""
    meeting = peewee.ForeignKeyField(Meeting, backref="attendees", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    invited = peewee.BooleanField(default=False)    # not a member: 列席
    attendance = peewee.CharField(max_length=10, default="")
    note = peewee.CharField(max_length=200, default="")  # the reason for leave

    class Meta:
        table_name = "meetings_attendee"
        indexes = ((("meeting", "user"), True),)

    @property
    def attendance_label(self):
        return ATTENDANCE.get(self.attendance, self.attendance)


class Item(BaseModel):
    """An agenda item (研究事项, 第七条) a unit submits, and its minutes (第八条) by that unit."""
    meeting = peewee.ForeignKeyField(Meeting, backref="items", on_delete="CASCADE")
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="RESTRICT")  # the host
    title = peewee.CharField(max_length=120)
    opinion = peewee.TextField()                    # 处理意见
    basis = peewee.TextField()                      # 依据
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="RESTRICT")
    carried_from = peewee.IntegerField(null=True)  # the decision it carries over (第九条)
    state = peewee.CharField(max_length=12, default="submitted", index=True)
    position = peewee.IntegerField(null=True)       # its place in the agenda once accepted
    return_reason = peewee.TextField(default="")
    submitted_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    submitted_at = peewee.DateTimeField(default=now)
    minutes = peewee.TextField(default="")
    minutes_state = peewee.CharField(max_length=10, default="")
    minutes_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    confirmed_at = peewee.DateTimeField(null=True)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "meetings_item"

    @property
    def state_label(self):
        return ITEM_STATES.get(self.state, self.state)

    @property
    def minutes_label(self):
        return MINUTES_STATES.get(self.minutes_state, self.minutes_state)


class ItemFile(BaseModel):
    """A material of an item (附件), checked by the core's upload rules."""
    item = peewee.ForeignKeyField(Item, backref="files", on_delete="CASCADE")
    file_name = peewee.CharField(max_length=200)
    content_type = peewee.CharField(max_length=100)
    data = peewee.BlobField()
    added_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    added_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "meetings_item_file"


class Decision(BaseModel):
    """A decided matter (议定事项, 第九条): the unit responsible, its co-units, a due date, a state."""
    item = peewee.ForeignKeyField(Item, backref="decisions", on_delete="CASCADE")
    text = peewee.TextField()
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="RESTRICT")
    co_units = peewee.CharField(max_length=200, default="")  # comma-separated department ids
    due_on = peewee.DateField()
    state = peewee.CharField(max_length=10, default="open", index=True)
    closed_at = peewee.DateTimeField(null=True)
    urged_at = peewee.DateTimeField(null=True)  # the last overdue reminder
    carried_to = peewee.ForeignKeyField(Item, null=True, backref="+", on_delete="SET NULL")
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "meetings_decision"

    @property
    def state_label(self):
        return DECISION_STATES.get(self.state, self.state)

    @property
    def co_unit_ids(self) -> list[int]:
        return [int(i) for i in self.co_units.split(",") if i.strip().isdigit()]

    def overdue(self, today) -> bool:
        return self.state != "closed" and self.due_on < today


class Report(BaseModel):
    """A progress report (办理情况) on a decision, with its evidence, and the office's review."""
    decision = peewee.ForeignKeyField(Decision, backref="reports", on_delete="CASCADE")
    text = peewee.TextField()
    file_name = peewee.CharField(max_length=200, default="")
    content_type = peewee.CharField(max_length=100, default="")
    data = peewee.BlobField(null=True)
    by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    at = peewee.DateTimeField(default=now)
    review = peewee.TextField(default="")  # the office's word when it sent the matter back

    class Meta:
        table_name = "meetings_report"


GROUP_STATES = {"active": "督办中", "closed": "已结束"}
TASK_STATES = {"open": "待阅", "read": "已阅待反馈", "reported": "已反馈待审核", "closed": "已办结"}
SHARE_KINDS = {"lead": "舆情线索", "work": "工作情况", "bulletin": "联席会议办公室通报"}


class Group(BaseModel):
    """A special supervision group (专项督查组, 第五条（三）) the joint meeting sends to follow matters."""
    title = peewee.CharField(max_length=120)
    task = peewee.TextField()                         # what it is sent to supervise
    meeting = peewee.ForeignKeyField(Meeting, null=True, backref="+", on_delete="SET NULL")
    leader = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    state = peewee.CharField(max_length=10, default="active", index=True)
    conclusion = peewee.TextField(default="")         # its final report's summary
    created_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=now)
    closed_at = peewee.DateTimeField(null=True)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "meetings_group"

    @property
    def state_label(self):
        return GROUP_STATES.get(self.state, self.state)


class GroupMember(BaseModel):
    group = peewee.ForeignKeyField(Group, backref="members", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "meetings_group_member"
        indexes = ((("group", "user"), True),)


class GroupMatter(BaseModel):
    """A matter the group follows: a decided matter, or a case."""
    group = peewee.ForeignKeyField(Group, backref="matters", on_delete="CASCADE")
    decision = peewee.ForeignKeyField(Decision, null=True, backref="+", on_delete="CASCADE")
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "meetings_group_matter"


class GroupReport(BaseModel):
    """The group's findings (督查情况), by one of its members."""
    group = peewee.ForeignKeyField(Group, backref="reports", on_delete="CASCADE")
    text = peewee.TextField()
    by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "meetings_group_report"


class Instruction(BaseModel):
    """An instruction from above (上级机关的指示、要求, 第五条（一）) the office records and relays."""
    source = peewee.CharField(max_length=120)         # the issuing body
    number = peewee.CharField(max_length=60, default="")  # its 文号
    received_on = peewee.DateField()
    title = peewee.CharField(max_length=120)
    text = peewee.TextField()
    file_name = peewee.CharField(max_length=200, default="")
    content_type = peewee.CharField(max_length=100, default="")
    data = peewee.BlobField(null=True)
    due_on = peewee.DateField(null=True)              # by when the units report what they did
    recorded_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    recorded_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "meetings_instruction"


class Task(BaseModel):
    """An instruction relayed to one member unit: read, what it did, the office's review."""
    instruction = peewee.ForeignKeyField(Instruction, backref="tasks", on_delete="CASCADE")
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="CASCADE")
    state = peewee.CharField(max_length=10, default="open", index=True)
    read_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    read_at = peewee.DateTimeField(null=True)
    action = peewee.TextField(default="")             # what the unit did (落实情况)
    reported_at = peewee.DateTimeField(null=True)
    review = peewee.TextField(default="")             # the office's word when it sent it back
    closed_at = peewee.DateTimeField(null=True)
    urged_at = peewee.DateTimeField(null=True)        # the last overdue reminder
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "meetings_task"
        indexes = ((("instruction", "department"), True),)

    @property
    def state_label(self):
        return TASK_STATES.get(self.state, self.state)


class Share(BaseModel):
    """Information shared through the office (第三、十一、十二条): a unit's 舆情线索 or 工作情况 to the
    office, or the office's 通报 to the member units; whom it went to is in ShareRecipient."""
    kind = peewee.CharField(max_length=10, index=True)
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="RESTRICT")  # from
    title = peewee.CharField(max_length=120)
    text = peewee.TextField()
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="RESTRICT")
    bulletin = peewee.ForeignKeyField("self", null=True, backref="included", on_delete="SET NULL")  # circulated in
    by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "meetings_share"

    @property
    def kind_label(self):
        return SHARE_KINDS.get(self.kind, self.kind)


class ShareRecipient(BaseModel):
    share = peewee.ForeignKeyField(Share, backref="recipients", on_delete="CASCADE")
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="CASCADE")
    read_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    read_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "meetings_share_recipient"
        indexes = ((("share", "department"), True),)


FOLLOW_UP = [Group, GroupMember, GroupMatter, GroupReport, Instruction, Task, Share, ShareRecipient]
MODELS = [Member, Meeting, Attendee, Item, ItemFile, Decision, Report, *FOLLOW_UP]
