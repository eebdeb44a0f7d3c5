"""Circulars (发文): the document, its attachments, who receives it, its frozen PDF, the counter."""
import peewee

from portal.plugin_api import Case, BaseModel, now, SECRECY, URGENCY, document_number, Department, User

KINDS = {
    "notice": "通知", "bulletin": "通报", "minutes": "纪要", "opinion": "意见", "decision": "决定",
    "report": "报告", "request": "请示", "reply": "批复", "letter": "函",
}
STATES = {
    "draft": "拟稿",
    "reviewing": "待核稿",
    "signing": "待签发",
    "signed": "已签发待印发",
    "issued": "已印发",
}
EDITABLE_STATES = ("draft",)
SECRECY_LABELS = {"": "无", **{k: v for k, v in SECRECY.items() if k}}
URGENCY_LABELS = {"": "无", **{k: v for k, v in URGENCY.items() if k}}
ATTACHMENT_KINDS = {"text": "文字", "file": "文件", "document": "门户文档"}


class Circular(BaseModel):
    kind = peewee.CharField(max_length=20, default="notice")
    organ = peewee.CharField(max_length=60)            # 发文机关
    mark = peewee.CharField(max_length=40)             # 发文机关标志
    prefix = peewee.CharField(max_length=30)           # 发文字号的机关代字: 某能局发
    title = peewee.TextField()                          # lines as the drafter breaks them
    recipients = peewee.TextField(default="")           # 主送机关
    body = peewee.TextField(default="")
    signature = peewee.CharField(max_length=60)         # 发文机关署名
    date_of_writing = peewee.DateField(null=True)       # 成文日期; the signing date when left empty
    note = peewee.CharField(max_length=200, default="")  # 附注
    copy_to = peewee.TextField(default="")              # 抄送机关
    printed_by = peewee.CharField(max_length=60, default="")  # 印发机关
    date_of_issue = peewee.DateField(null=True)         # 印发日期
    secrecy = peewee.CharField(max_length=20, default="")
    secrecy_term = peewee.CharField(max_length=20, default="")
    urgency = peewee.CharField(max_length=20, default="")
    source = peewee.CharField(max_length=120, default="")  # what a ready-made draft was made from

    state = peewee.CharField(max_length=20, default="draft", index=True)
    version = peewee.IntegerField(default=1)
    year = peewee.IntegerField(null=True)
    seq = peewee.IntegerField(null=True)
    number = peewee.CharField(max_length=60, default="")
    return_comment = peewee.TextField(default="")      # why it was last sent back

    drafted_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    drafted_at = peewee.DateTimeField(default=now)
    reviewed_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    reviewed_at = peewee.DateTimeField(null=True)
    signed_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    signed_at = peewee.DateTimeField(null=True)
    sign_comment = peewee.TextField(default="")        # 签发意见
    issued_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    issued_at = peewee.DateTimeField(null=True)
    sealed = peewee.BooleanField(default=False)        # issued in the 加盖印章 layout
    updated_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "circulars_circular"
        indexes = ((("prefix", "year", "seq"), True),)

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def plain_title(self) -> str:
        return "".join(line.strip() for line in self.title.splitlines())

    @property
    def secrecy_label(self):
        return SECRECY_LABELS.get(self.secrecy, "")

    @property
    def urgency_label(self):
        return URGENCY_LABELS.get(self.urgency, "")

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def number_or_placeholder(self) -> str:
        return self.number or f"{self.prefix}〔　　〕　号"

    def make_number(self, year: int, seq: int) -> str:
        return document_number(self.prefix, year, seq)


class CircularAttachment(BaseModel):
    """附件: typed text (a regulation), an uploaded file, or a document of the portal."""
    circular = peewee.ForeignKeyField(Circular, backref="attachments", on_delete="CASCADE")
    position = peewee.IntegerField(default=1)
    title = peewee.TextField()
    kind = peewee.CharField(max_length=10, default="text")
    text = peewee.TextField(default="")
    file_name = peewee.CharField(max_length=200, default="")
    content_type = peewee.CharField(max_length=100, default="")
    file_data = peewee.BlobField(null=True)
    doc_kind = peewee.CharField(max_length=60, default="")
    doc_id = peewee.IntegerField(null=True)

    class Meta:
        table_name = "circulars_attachment"

    @property
    def kind_label(self):
        return ATTACHMENT_KINDS.get(self.kind, self.kind)

    @property
    def plain_title(self) -> str:
        return "".join(line.strip() for line in self.title.splitlines())


class CircularRecipient(BaseModel):
    """A department the circular is distributed to, and its receipt (签收)."""
    circular = peewee.ForeignKeyField(Circular, backref="recipient_rows", on_delete="CASCADE")
    department = peewee.ForeignKeyField(Department, backref="+", on_delete="RESTRICT")
    acknowledged_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    acknowledged_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "circulars_recipient"
        indexes = ((("circular", "department"), True), (("department", "acknowledged_at"), False))


class CircularCounter(BaseModel):
    """The last number given per prefix and year, bumped inside the signing transaction."""
    prefix = peewee.CharField(max_length=30)
    year = peewee.IntegerField()
    last = peewee.IntegerField(default=0)

    class Meta:
        table_name = "circulars_counter"
        primary_key = peewee.CompositeKey("prefix", "year")


class IssuedPdf(BaseModel):
    """The PDF as issued (印发): written once, served as it is, never rendered again."""
    circular = peewee.ForeignKeyField(Circular, backref="+", unique=True, on_delete="RESTRICT")
    data = peewee.BlobField()
    sha256 = peewee.CharField(max_length=64)
    size = peewee.IntegerField()
    created_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "circulars_issued_pdf"


class CircularCase(BaseModel):
    """A case the circular names (a 通报 of overdue cases): the circular is shown only to those who
    may see every case it names, and distributed only to departments all of whose members may."""
    circular = peewee.ForeignKeyField(Circular, backref="case_rows", on_delete="CASCADE")
    case = peewee.ForeignKeyField(Case, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "circulars_case"
        indexes = ((("circular", "case"), True), (("case",), False))


class CircularStatement(BaseModel):
    """An approved statement version (统一口径) the circular's text took (插入统一口径), as it read
    then: the plugin that offered it may change it, withdraw it or be switched off later."""
    circular = peewee.ForeignKeyField(Circular, backref="statement_rows", on_delete="CASCADE")
    key = peewee.CharField(max_length=60)            # the version, "<plugin>:<id>" (portal_approved_statements)
    statement_key = peewee.CharField(max_length=60)  # the statement, the same for all its versions
    title = peewee.CharField(max_length=120)
    topic = peewee.CharField(max_length=60, default="")
    number = peewee.IntegerField()
    valid_from = peewee.DateField(null=True)
    text = peewee.TextField()
    inserted_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    inserted_at = peewee.DateTimeField(default=now)

    class Meta:
        table_name = "circulars_statement"
        indexes = ((("circular", "key"), True),)

    @property
    def plugin(self) -> str:
        return self.key.split(":", 1)[0]


MODELS = [Circular, CircularAttachment, CircularRecipient, CircularCounter, IssuedPdf, CircularCase, CircularStatement]
