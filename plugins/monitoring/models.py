"""The monitoring desk's tables, all named ``monitoring_*``."""
import peewee

from portal.plugin_api import BaseModel, Case, Department, User, now


class Topic(BaseModel):
    """A watch-list topic (监测主题): its keywords and exclusions, one per line; the case category
    and host department it suggests. Changed only through ``watchlist`` (which bumps the list)."""
    name = peewee.CharField(max_length=60)
    keywords = peewee.TextField()
    exclusions = peewee.TextField(default="")
    category = peewee.CharField(max_length=20, default="")
    host_department = peewee.ForeignKeyField(Department, null=True, backref="+", on_delete="SET NULL")
    active = peewee.BooleanField(default=True)
    created_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=now)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_topic"


class TopicDepartment(BaseModel):
    """A department a topic concerns (its section lists the topic's hits)."""
    topic = peewee.ForeignKeyField(Topic, backref="concerns", on_delete="CASCADE")
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "monitoring_topic_department"
        indexes = ((("topic", "department"), True),)


class WatchList(BaseModel):
    """One row: the watch list's version, bumped with every change of a topic. ``stamp`` is new on
    every change, so a process's automaton is rebuilt when (and only when) the list changed."""
    version = peewee.IntegerField(default=0)
    stamp = peewee.CharField(max_length=32, default="")
    changed_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_watchlist"


class Hit(BaseModel):
    """A topic found in a case's text (命中)."""
    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    topic = peewee.ForeignKeyField(Topic, backref="hits", on_delete="CASCADE")
    keywords = peewee.CharField(max_length=500)
    list_version = peewee.IntegerField(default=0)
    found_at = peewee.DateTimeField(default=now, index=True)

    class Meta:
        table_name = "monitoring_hit"
        indexes = ((("case", "topic"), True),)

    @property
    def keyword_list(self):
        return self.keywords.split("\n")


PERIOD_KINDS = {"holiday": "法定节假日", "anniversary": "敏感纪念日", "meeting": "重大会议", "local": "本地重大活动",
                "other": "其他"}


class Period(BaseModel):
    """A sensitive period (特殊时期) of the office's calendar: from ``starts_at`` (included) to
    ``ends_at`` (excluded), Beijing time."""
    name = peewee.CharField(max_length=60)
    kind = peewee.CharField(max_length=20, default="other")
    starts_at = peewee.DateTimeField(index=True)
    ends_at = peewee.DateTimeField(index=True)
    note = peewee.CharField(max_length=200, default="")
    created_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_period"

    @property
    def kind_label(self):
        return PERIOD_KINDS.get(self.kind, self.kind)

    def covers(self, moment) -> bool:
        return self.starts_at <= moment < self.ends_at


class Shift(BaseModel):
    """A shift of the 24-hour duty roster of a sensitive period (细则 第八条2(1): 专人24小时监控):
    ``monitor`` watches from ``starts_at`` (included) to ``ends_at`` (excluded) and leaves a
    handover note for the next shift."""
    period = peewee.ForeignKeyField(Period, backref="shifts", on_delete="CASCADE")
    monitor = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    starts_at = peewee.DateTimeField(index=True)
    ends_at = peewee.DateTimeField(index=True)
    handover = peewee.TextField(default="")
    handover_at = peewee.DateTimeField(null=True)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_shift"


class Service(BaseModel):
    """A monitoring service (舆情监测服务) whose exports are imported; ``mapping`` (JSON, field ->
    column header) is remembered for its next file."""
    name = peewee.CharField(max_length=60, unique=True)
    mapping = peewee.TextField(default="{}")
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_service"


BATCH_STATES = {"preview": "待确认", "running": "导入中", "done": "已导入", "failed": "导入失败"}


class Batch(BaseModel):
    """An uploaded export: previewed, then imported (in one transaction) by a background job."""
    service = peewee.ForeignKeyField(Service, backref="batches", on_delete="CASCADE")
    filename = peewee.CharField(max_length=200)
    data = peewee.BlobField()
    uploaded_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    uploaded_at = peewee.DateTimeField(default=now)
    state = peewee.CharField(max_length=10, default="preview")
    rows = peewee.IntegerField(default=0)
    imported = peewee.IntegerField(default=0)
    duplicates = peewee.IntegerField(default=0)
    rejected = peewee.IntegerField(default=0)
    report = peewee.TextField(default="[]")  # JSON: [[row, reason], …] of the rows not imported
    finished_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "monitoring_batch"

    @property
    def state_label(self):
        return BATCH_STATES.get(self.state, self.state)


CANDIDATE_STATES = {"waiting": "待处理", "accepted": "已受理", "dismissed": "已排除"}


class Candidate(BaseModel):
    """An imported item waiting for a monitor: accepted (a case is registered) or dismissed."""
    batch = peewee.ForeignKeyField(Batch, backref="candidates", on_delete="CASCADE")
    row = peewee.IntegerField()
    title = peewee.CharField(max_length=120)
    url = peewee.CharField(max_length=500)
    url_key = peewee.CharField(max_length=500, index=True)
    site = peewee.CharField(max_length=60, default="")
    author = peewee.CharField(max_length=80, default="")
    text = peewee.TextField(default="")
    posted_at = peewee.DateTimeField()
    clicks = peewee.IntegerField(default=0)
    comments = peewee.IntegerField(default=0)
    reposts = peewee.IntegerField(default=0)
    state = peewee.CharField(max_length=10, default="waiting", index=True)
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="SET NULL")
    reason = peewee.CharField(max_length=200, default="")
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = peewee.DateTimeField(null=True)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_candidate"

    @property
    def state_label(self):
        return CANDIDATE_STATES.get(self.state, self.state)


POSITION_KINDS = {"website": "网站", "weibo": "微博", "wechat": "微信公众号", "video": "短视频账号", "other": "其他"}


class Position(BaseModel):
    """An online position (网络阵地, 细则 第六条(一)): a unit's website or account and its manager."""
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="CASCADE")
    kind = peewee.CharField(max_length=20)
    name = peewee.CharField(max_length=60)
    url = peewee.CharField(max_length=500, default="")
    manager = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    active = peewee.BooleanField(default=True)
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_position"

    @property
    def kind_label(self):
        return POSITION_KINDS.get(self.kind, self.kind)


class Patrol(BaseModel):
    """A day's patrol of the bureau's own channels (制度一 二: 指定专人每天上网浏览官网、微博、微信公众号)."""
    day = peewee.DateField(unique=True)
    monitor = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    seen = peewee.TextField()
    leads = peewee.TextField(default="")
    recorded_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_patrol"


class PatrolPosition(BaseModel):
    patrol = peewee.ForeignKeyField(Patrol, backref="checked", on_delete="CASCADE")
    position = peewee.ForeignKeyField(Position, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "monitoring_patrol_position"
        indexes = ((("patrol", "position"), True),)


class Commentator(BaseModel):
    """A member of the commentator team (网络评论员队伍, 细则 第七条)."""
    user = peewee.ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
    joined_on = peewee.DateField()
    active = peewee.BooleanField(default=True)

    class Meta:
        table_name = "monitoring_commentator"


class Training(BaseModel):
    """A training of the team (定期开展相关培训): when, on what, by whom, with its materials."""
    held_on = peewee.DateField(index=True)
    topic = peewee.CharField(max_length=120)
    trainer = peewee.CharField(max_length=60)
    materials = peewee.TextField(default="")
    recorded_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    recorded_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_training"


class Attendance(BaseModel):
    training = peewee.ForeignKeyField(Training, backref="attendance", on_delete="CASCADE")
    commentator = peewee.ForeignKeyField(Commentator, backref="attendance", on_delete="CASCADE")

    class Meta:
        table_name = "monitoring_attendance"
        indexes = ((("training", "commentator"), True),)


HANDLING_CLASSES = {"enquiry": "询问、置疑、诉求", "spreading": "恶意传播、炒作",
                    "fabrication": "捏造、歪曲、夸大事实、恶意攻击"}


class Handling(BaseModel):
    """A case's handling class (分类处置, 细则 第八条2(5)–(8)) and what the class asks for: a
    same-day holding reply with a promised date (询问/置疑/诉求); the facts published and, where
    needed, a police referral (商请公安) with its date, reference and outcome (the others)."""
    case = peewee.ForeignKeyField(Case, unique=True, backref="+", on_delete="CASCADE")
    klass = peewee.CharField(max_length=20)
    set_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    set_at = peewee.DateTimeField(default=now)
    holding_text = peewee.TextField(default="")
    holding_at = peewee.DateTimeField(null=True)
    promised_on = peewee.DateField(null=True, index=True)
    promise_reminded_at = peewee.DateTimeField(null=True)
    facts_text = peewee.TextField(default="")
    facts_url = peewee.CharField(max_length=500, default="")
    referred_on = peewee.DateField(null=True)
    referral_ref = peewee.CharField(max_length=60, default="")
    referral_outcome = peewee.TextField(default="")
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_handling"

    @property
    def klass_label(self):
        return HANDLING_CLASSES.get(self.klass, self.klass)


class Statement(BaseModel):
    """An approved statement (统一口径, 预案 二: 统一对外信息发布口径) on a topic, drafted by a department."""
    title = peewee.CharField(max_length=60)
    topic = peewee.ForeignKeyField(Topic, null=True, backref="statements", on_delete="SET NULL")
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="RESTRICT")
    created_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "monitoring_statement"


class StatementVersion(BaseModel):
    """One version of a statement's text: a draft until a leader approves it, holding from
    ``valid_from``, until withdrawn (or superseded by the next approved version)."""
    statement = peewee.ForeignKeyField(Statement, backref="versions", on_delete="CASCADE")
    number = peewee.IntegerField()
    text = peewee.TextField()
    drafted_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    drafted_at = peewee.DateTimeField(default=now)
    approved_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    approved_at = peewee.DateTimeField(null=True)
    valid_from = peewee.DateField(null=True)
    withdrawn_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "monitoring_statement_version"
        indexes = ((("statement", "number"), True),)

    @property
    def state_label(self):
        if self.withdrawn_at and self.withdrawn_at <= now():
            return "已废止"
        return "已审定" if self.approved_at else "待审定"

    @property
    def replaced_later(self) -> bool:
        """Approved, and in force until a later version takes over on a later day."""
        return bool(self.withdrawn_at and self.withdrawn_at > now())


class StatementUse(BaseModel):
    """The version of a statement the host department chose for a case's reply (插入统一口径)."""
    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    statement_version = peewee.ForeignKeyField(StatementVersion, backref="+", on_delete="CASCADE")
    chosen_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    chosen_at = peewee.DateTimeField(default=now, index=True)

    class Meta:
        table_name = "monitoring_statement_use"


class Enquiry(BaseModel):
    """A media enquiry (媒体采访/问询, 预案 二: no unit or person gives interviews on its own): recorded by
    whoever received it, answered by the response group with an approved statement's version, closed."""
    outlet = peewee.CharField(max_length=60)
    reporter = peewee.CharField(max_length=30)
    contact = peewee.CharField(max_length=60)
    subject = peewee.TextField()
    received_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    received_at = peewee.DateTimeField(index=True)
    recorded_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    recorded_at = peewee.DateTimeField(default=now)
    statement_version = peewee.ForeignKeyField(StatementVersion, null=True, backref="+", on_delete="SET NULL")
    answer_text = peewee.TextField(default="")
    answered_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    answered_at = peewee.DateTimeField(null=True)
    closed_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    closed_at = peewee.DateTimeField(null=True, index=True)
    version = peewee.IntegerField(default=1)

    class Meta:
        table_name = "monitoring_enquiry"

    @property
    def state_label(self):
        return "已办结" if self.closed_at else "已答复" if self.answered_at else "待答复"


MODELS = [Topic, TopicDepartment, WatchList, Hit, Period, Shift, Service, Batch, Candidate, Position, Patrol,
          PatrolPosition, Commentator, Training, Attendance, Handling, Statement, StatementVersion, Enquiry, StatementUse]
