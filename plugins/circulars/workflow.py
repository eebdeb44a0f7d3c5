"""The life of a circular as one state machine: 拟稿 → 核稿 → 签发 → 印发 → 签收, declared with the
core's process kit (portal.process; docs/plugins.md, "Anatomy of a workflow plugin").

Every step: permission, state and guards checked (``WORKFLOW.check``), input validated, the
change made in one transaction guarded by the circular's version, an audit entry written and
the event emitted (``record``: plugins hear it through ``portal_record_event``). A refused step raises
CircularError with a Chinese message and changes nothing. The document number is given at
signing, per prefix and year, from a counter row bumped in the signing transaction: no gaps, no
duplicates, whatever signs at the same time. The PDF is rendered once at issue and frozen with
its SHA-256.
"""
import hashlib
import re
from datetime import date

from portal.plugin_api import (audit, AuditEvent, access, Case, database, now, Problems, bounded_id, clean_text,
                              WORKING_KINDS, Department, Stale, Step, Workflow, WorkflowError, bump, next_number,
                              identity, Field, emit, documents)

from plugins.circulars import statements as circular_statements
from plugins.circulars.models import (
    KINDS, SECRECY_LABELS, URGENCY_LABELS, Circular, CircularAttachment, CircularCase, CircularCounter,
    CircularRecipient, CircularStatement, IssuedPdf,
)

MAX_FILE_BYTES = 10 * 1024 * 1024


class CircularError(WorkflowError):
    """A step that cannot be taken; its problems (all of them) are for the user."""


class StaleCircular(CircularError, Stale):
    MESSAGE = "该文件已被他人更新，您看到的不是最新内容。请刷新页面后重新操作。"


# -- who sees what ----------------------------------------------------------------------------

def received_by(department_id):
    """The ids of the circulars distributed to ``department_id`` (a subquery)."""
    return CircularRecipient.select(CircularRecipient.circular).where(CircularRecipient.department == department_id)


def named_cases(circular: Circular) -> list[Case]:
    return list(Case.select().join(CircularCase, on=(CircularCase.case == Case.id))
                .where(CircularCase.circular == circular.id).order_by(Case.id))


def can_see(user, circular: Circular) -> bool:
    """The drafter, holders of circulars.view, and receiving departments once issued; and in every
    case only those who may see each case the circular names (``portal.cases.access``)."""
    if not all(access.can_see(user, case) for case in named_cases(circular)):
        return False
    if user.can("circulars.view") or circular.drafted_by_id == user.id:
        return True
    return circular.state == "issued" and bool(user.department_id) and CircularRecipient.select().where(
        (CircularRecipient.circular == circular.id) & (CircularRecipient.department == user.department_id)).exists()


def without_hidden_cases(query, user):
    """Leave out the circulars naming a case ``user`` may not see: in every list of circulars."""
    if access.sees_every_case(user):
        return query
    seen = access.visible(Case.select(Case.id), user)
    naming_hidden = CircularCase.select(CircularCase.circular).where(CircularCase.case.not_in(seen))
    return query.where(Circular.id.not_in(naming_hidden))


def visible(query, user):
    query = without_hidden_cases(query, user)
    if user.can("circulars.view"):
        return query
    mine = Circular.drafted_by == user.id
    if not user.department_id:
        return query.where(mine)
    return query.where(mine | ((Circular.state == "issued") & Circular.id.in_(received_by(user.department_id))))


# Actions that change the text: whoever took one is one of its drafters.
WRITING = ("circular.drafted", "circular.edited", "circular.attachment_added", "circular.attachment_removed")


def drafters(circular: Circular) -> set[int]:
    """Everyone who wrote any of the circular: its drafter and whoever changed its text or attachments."""
    wrote = AuditEvent.select(AuditEvent.actor).where(
        (AuditEvent.object_type == "circular") & (AuditEvent.object_id == circular.id)
        & AuditEvent.action.in_(WRITING) & AuditEvent.actor.is_null(False))
    return {circular.drafted_by_id} | {row.actor_id for row in wrote}


def separate_from_drafting(circular: Circular, user) -> str | None:
    """The guard of 核稿, a second pair of eyes: nobody reviews a text they wrote (separation of duties)."""
    if user.id in drafters(circular):
        return "核稿须由拟稿人以外的人进行：您起草或修改过本文稿，不能自己核稿，请由办公室其他同事核稿。"
    return None


def _not_before_writing(day: date, circular: Circular) -> str | None:
    if circular.date_of_writing and day < circular.date_of_writing:
        return "印发日期不能早于成文日期。"
    return None


def _seal_problem(sealed: bool, circular: Circular) -> str | None:
    if sealed and documents.seal(circular.organ) is None:
        return (f"发文机关“{circular.organ}”尚未上传印章，不能加盖印章：请系统管理员在“系统管理—印章”上传，"
                "或不勾选“加盖印章”按普发版式印发。")
    return None


def _returned(step: str, state: str, permission: str) -> Step:
    """退回修改, at review or at signing."""
    return Step(step, "退回修改", (state,), permission, leads_to="draft", style="danger",
                fields=(Field("comment", "退回意见", "textarea", 1000, required=True, message="请写明退回修改的意见。"),),
                done="已退回修改。", run=lambda c, user, version, v: send_back(c, user, version=version, step=step, **v))


STEPS = [
    Step("submit", "送核稿", ("draft",), "circulars.draft", leads_to="reviewing", hint="送核稿后文稿不能再修改，除非被退回。",
         done="已送核稿。", run=lambda c, user, version, v: submit(c, user, version=version)),
    Step("review", "核稿通过，送签发", ("reviewing",), "circulars.review", leads_to="signing",
         guards=(separate_from_drafting,), done="核稿通过，已送领导签发。",
         run=lambda c, user, version, v: review(c, user, version=version)),
    _returned("return_review", "reviewing", "circulars.review"),
    Step("sign", "签发", ("signing",), "circulars.sign", leads_to="signed", partial="circulars/steps/sign.html",
         fields=(Field("comment", "签发意见", "textarea", 1000, default="同意印发。", caption="签发意见", rows=2),),
         done="已签发，文号 {record.number}。", run=lambda c, user, version, v: sign(c, user, version=version, **v)),
    _returned("return_sign", "signing", "circulars.sign"),
    Step("issue", "印发", ("signed",), "circulars.issue", leads_to="issued",
         hint="印发时生成定稿 PDF 并记录其校验值，此后不再改动；文件分送各单位签收。",
         fields=(Field("date_of_issue", "印发日期", "date", default=lambda c: now().date(), check=_not_before_writing),
                 Field("sealed", "加盖印章", "bool", check=_seal_problem,
                       hint="按加盖印章版式印发：署名和成文日期居中，印上本机关的印章（系统管理员上传）。"
                            "不勾选则按不加盖印章的版式印发。")),
         done="已印发，PDF 已定稿并分送各单位。", run=lambda c, user, version, v: issue(c, user, version=version, **v)),
]
WORKFLOW = Workflow.of("circular", STEPS, noun="该文件", stale=StaleCircular, error=CircularError,
                       no_permission="您没有{label}的权限。")
ACTIONS = WORKFLOW.steps


def record(action: str, summary: str, circular: Circular, user, **data):
    """The audit entry ``action`` ("circular.signed") and the event plugins hear
    (``portal_record_event``: "signed"), inside the step's transaction."""
    audit.record(action, summary, actor=user, obj=circular, **data)
    emit(WORKFLOW, circular, action.removeprefix("circular."), user, **data)


def refusal(circular: Circular, user, name: str) -> str | None:
    """Why ``user`` may not take step ``name`` now, in Chinese; None when they may."""
    return WORKFLOW.refusal(circular, user, name)


def allowed(circular: Circular, user, name: str) -> bool:
    return WORKFLOW.allowed(circular, user, name)


def allowed_actions(circular: Circular, user) -> list[str]:
    return WORKFLOW.allowed_steps(circular, user)


def withheld_actions(circular: Circular, user) -> dict[str, str]:
    """{step: reason} for the steps of the current state that ``user`` holds the permission for
    and still may not take: the page says why their button is missing."""
    return WORKFLOW.withheld(circular, user)


def not_drafted_by(user):
    """A condition on Circular: ``user`` wrote none of it (for the list of circulars awaiting 核稿)."""
    wrote = AuditEvent.select(AuditEvent.object_id).where(
        (AuditEvent.object_type == "circular") & AuditEvent.action.in_(WRITING) & (AuditEvent.actor == user.id))
    return (Circular.drafted_by != user.id) & Circular.id.not_in(wrote)


# -- drafting ---------------------------------------------------------------------------------

FIELDS = {  # name: (label, limit, required to send for review)
    "title": ("标题", 200, True), "organ": ("发文机关", 60, True), "mark": ("发文机关标志", 24, True),
    "prefix": ("发文字号的机关代字", 20, True), "recipients": ("主送机关", 500, True), "body": ("正文", 50000, True),
    "signature": ("发文机关署名", 60, True), "printed_by": ("印发机关", 60, True), "note": ("附注", 200, False),
    "copy_to": ("抄送机关", 500, False), "secrecy_term": ("保密期限", 20, False),
}
DATE_OF_WRITING = Field("date_of_writing", "成文日期", "date")
PREFIX_FORBIDDEN = re.compile(r"[〔〕\[\]()（）\d号第]")


def clean(form, problems: Problems | None = None) -> dict:
    """The fields of the drafting form, checked; raises CircularError naming every bad one (or,
    given ``problems``, adds them there for the caller to raise with its own)."""
    p = problems if problems is not None else Problems()
    data = {}
    for name, (label, limit, _) in FIELDS.items():
        value = clean_text(form.get(name)).strip()
        if len(value) > limit:
            p.add(f"{label}不能超过{limit}个字。")
        data[name] = value
    if data["prefix"] and PREFIX_FORBIDDEN.search(data["prefix"]):
        p.add(f"机关代字只填文字部分（例如“{identity().prefix or '某局发'}”）：年份、〔〕、序号和“号”字在签发时自动生成。")
    if len(data["mark"].splitlines()) > 1 or len(data["prefix"].splitlines()) > 1:
        p.add("发文机关标志和机关代字只能有一行。")
    if len([line for line in data["title"].splitlines() if line.strip()]) > 4:
        p.add("标题最多分四行排列。")
    data["kind"] = form.get("kind") or "notice"
    if data["kind"] not in KINDS:
        p.add("请选择文种。")
    for name, choices, label in (("secrecy", SECRECY_LABELS, "密级"), ("urgency", URGENCY_LABELS, "紧急程度")):
        data[name] = form.get(name) or ""
        if data[name] not in choices:
            p.add(f"请选择{label}。")
    if data["secrecy_term"] and not data["secrecy"]:
        p.add("只有标注了密级才能填写保密期限。")
    data["date_of_writing"] = p.read(DATE_OF_WRITING.read, form.get("date_of_writing"), None)
    if problems is None:
        p.check(CircularError)
    return data


def default_departments() -> list[Department]:
    return list(Department.listed().where(Department.kind.in_(WORKING_KINDS)))


def _department_ids(ids) -> list[int]:
    wanted = {bounded_id(i) for i in ids or []}  # None for anything but a key
    found = {d.id for d in Department.select(Department.id).where(
        Department.id.in_(wanted - {None}) & Department.active)}
    if wanted - found:
        raise CircularError("所选分送单位中有不存在或已停用的科室，请刷新页面后重新选择。")
    return sorted(found)


def _entitled(department_ids: list[int], cases: list[Case]):
    """Refuse recipients who may not learn of every case the circular names."""
    refused = [i for i in department_ids if not access.department_may_see(i, cases)]
    if refused:
        names = "、".join(d.name for d in Department.select().where(Department.id.in_(refused)).order_by(Department.id))
        raise CircularError(f"本文列有内部事项，只能分送有权查看这些事项的单位（主办、协办部门和局领导）；"
                            f"请取消：{names}。")


def save_draft(user, circular: Circular | None = None, *, version=None, form, department_ids,
               cases=(), statements=None) -> Circular:
    """Create a draft, or change one that is still being drafted. ``cases``: those a new draft
    names (a 通报 of overdue cases); its recipients must be entitled to see them. ``statements``:
    the approved statement versions its text takes (``circulars.statements.chosen``), None to
    leave them as they are."""
    if not user.can("circulars.draft"):
        raise CircularError("您没有拟稿的权限。")
    if circular is not None and not circular.editable:
        raise CircularError(f"该文件已{circular.state_label}，内容不能再修改。")
    p = Problems()
    data = clean(form, p)
    departments = p.read(_department_ids, department_ids)
    p.check(CircularError)
    cases = list(cases) if circular is None else named_cases(circular)
    _entitled(departments, cases)
    with database.atomic():
        if circular is None:
            circular = Circular.create(drafted_by=user, **data)
            CircularCase.insert_many([{"circular": circular.id, "case": c.id} for c in cases]).execute() if cases else None
            action, summary = "circular.drafted", f"拟稿：{circular.plain_title}"
        else:
            if str(version) != str(circular.version):
                raise StaleCircular()
            bump(circular, version, StaleCircular, **data)
            action, summary = "circular.edited", f"修改文稿：{circular.plain_title}"
        used = _set_statements(circular, statements, user)
        if used:
            summary += f"；采用统一口径：{circular_statements.summary(used)}"
        record(action, summary, circular, user, **({"statements": [r.key for r in used]} if used else {}))
        _set_recipients(circular, departments)
    return circular


def _set_statements(circular: Circular, statements, user) -> list[CircularStatement]:
    """Keep the versions chosen (new ones as they read now), drop the others; the versions recorded."""
    if statements is not None:
        keys = [s.key for s in statements]
        CircularStatement.delete().where((CircularStatement.circular == circular.id)
                                         & CircularStatement.key.not_in(keys)).execute()
        have = {r.key for r in CircularStatement.select().where(CircularStatement.circular == circular.id)}
        for s in statements:
            if s.key not in have:
                CircularStatement.create(circular=circular.id, key=s.key, statement_key=s.statement_key,
                                         title=s.title[:120], topic=(s.topic or "")[:60], number=s.number,
                                         valid_from=s.valid_from, text=s.text, inserted_by=user.id)
    return circular_statements.recorded(circular)


def _set_recipients(circular: Circular, department_ids: list[int]):
    CircularRecipient.delete().where((CircularRecipient.circular == circular.id)
                                     & CircularRecipient.department.not_in(department_ids)).execute()
    have = {r.department_id for r in CircularRecipient.select().where(CircularRecipient.circular == circular.id)}
    for dept_id in department_ids:
        if dept_id not in have:
            CircularRecipient.create(circular=circular, department=dept_id)


def add_attachment(circular: Circular, user, *, kind: str, title: str, text: str = "", upload=None,
                   document=None, problems: Problems | None = None) -> CircularAttachment:
    """``upload`` is (filename, content_type, bytes); ``document`` is (kind name, object id), already
    checked visible to ``user`` by the caller. ``problems``: those the caller found reading them."""
    if not user.can("circulars.draft"):
        raise CircularError("您没有拟稿的权限。")
    if not circular.editable:
        raise CircularError(f"该文件已{circular.state_label}，附件不能再修改。")
    p = problems if problems is not None else Problems()
    title = clean_text(title).strip()
    fields = {"kind": kind}
    if kind == "text":
        text = clean_text(text).strip()
        if not text:
            p.add("请填写附件的内容。")
        fields["text"] = text
    elif kind == "file":
        if not upload or not upload[2]:
            if not p.found:  # an upload the caller refused has said why already
                p.add("请选择要上传的附件文件。")
        else:
            name, content_type, data = upload
            if len(data) > MAX_FILE_BYTES:
                p.add(f"附件文件不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB。")
            fields.update(file_name=name[:200], content_type=(content_type or "application/octet-stream")[:100],
                          file_data=data)
            title = title or name.rsplit(".", 1)[0]
    elif kind == "document":
        if not document:
            if not p.found:
                p.add("请选择要作为附件的门户文档。")
        else:
            fields.update(doc_kind=document[0], doc_id=int(document[1]))
            title = title or document[2]
    else:
        p.add("附件类型不正确。")
    if not title and (kind == "text" or len(fields) > 1):  # a file's or document's name is its default
        p.add("请填写附件名称。")
    if len(title) > 200:
        p.add("附件名称不能超过200个字。")
    p.check(CircularError)
    with database.atomic():
        position = CircularAttachment.select().where(CircularAttachment.circular == circular.id).count() + 1
        attachment = CircularAttachment.create(circular=circular, position=position, title=title, **fields)
        bump(circular, circular.version, StaleCircular)  # the text changed: older forms are stale
        record("circular.attachment_added", f"添加附件{position}：{attachment.plain_title}", circular, user,
               attachment=attachment.id)
    return attachment


def remove_attachment(circular: Circular, user, attachment_id: int):
    if not user.can("circulars.draft"):
        raise CircularError("您没有拟稿的权限。")
    if not circular.editable:
        raise CircularError(f"该文件已{circular.state_label}，附件不能再修改。")
    with database.atomic():
        attachment = CircularAttachment.get_or_none((CircularAttachment.id == attachment_id)
                                                    & (CircularAttachment.circular == circular.id))
        if attachment is None:
            raise CircularError("该附件不存在或已删除。")
        attachment.delete_instance()
        for position, row in enumerate(circular.attachments.order_by(CircularAttachment.position), start=1):
            if row.position != position:
                row.position = position
                row.save(only=[CircularAttachment.position])
        bump(circular, circular.version, StaleCircular)  # the text changed: older forms are stale
        record("circular.attachment_removed", f"删除附件：{attachment.plain_title}", circular, user)


# -- the process --------------------------------------------------------------------------------

def missing_for_review(circular: Circular) -> list[str]:
    missing = [label for name, (label, _, required) in FIELDS.items() if required and not getattr(circular, name).strip()]
    if not CircularRecipient.select().where(CircularRecipient.circular == circular.id).exists():
        missing.append("分送单位")
    return missing


def submit(circular: Circular, user, *, version) -> Circular:
    WORKFLOW.check(circular, user, "submit", version)
    missing = missing_for_review(circular)
    if missing:
        raise CircularError(f"请先填写：{'、'.join(missing)}。")
    with database.atomic():
        WORKFLOW.advance(circular, version, "submit", return_comment="")
        record("circular.submitted", f"送核稿：{circular.plain_title}", circular, user)
    return circular


def review(circular: Circular, user, *, version) -> Circular:
    WORKFLOW.check(circular, user, "review", version)
    with database.atomic():
        WORKFLOW.advance(circular, version, "review", reviewed_by=user.id, reviewed_at=now())
        record("circular.reviewed", f"核稿通过，送签发：{circular.plain_title}", circular, user)
    return circular


def send_back(circular: Circular, user, *, version, comment: str, step: str) -> Circular:
    """退回修改 at review (``step="return_review"``) or at signing (``"return_sign"``)."""
    WORKFLOW.check(circular, user, step, version)
    comment = WORKFLOW.read(circular, step, {"comment": comment})["comment"]
    with database.atomic():
        WORKFLOW.advance(circular, version, step, return_comment=comment)
        record("circular.returned", f"退回修改：{comment}", circular, user, step=step)
    return circular


def sign(circular: Circular, user, *, version, comment: str = "", today: date | None = None) -> Circular:
    WORKFLOW.check(circular, user, "sign", version)
    comment = WORKFLOW.read(circular, "sign", {"comment": comment})["comment"]
    today = today or now().date()
    with database.atomic():
        seq = next_number(CircularCounter, prefix=circular.prefix, year=today.year)  # queues concurrent signers
        WORKFLOW.advance(circular, version, "sign", year=today.year, seq=seq,
                         number=circular.make_number(today.year, seq), signed_by=user.id, signed_at=now(),
                         sign_comment=comment, date_of_writing=circular.date_of_writing or today)
        record("circular.signed", f"签发，文号 {circular.number}", circular, user, number=circular.number)
    return circular


def issue(circular: Circular, user, *, version, date_of_issue: date | str | None = None, sealed: bool = False) -> Circular:
    """印发: the PDF is rendered now, once, and frozen with its SHA-256. ``date_of_issue`` as
    typed or a date; empty is today. ``sealed``: in the 加盖印章 layout, with the organ's seal
    (the one place a seal is ever pressed; the use is audited)."""
    from plugins.circulars.printing import render

    WORKFLOW.check(circular, user, "issue", version)
    values = WORKFLOW.read(circular, "issue", {"date_of_issue": date_of_issue, "sealed": sealed})
    day, sealed = values["date_of_issue"], values["sealed"]
    seal = documents.seal(circular.organ) if sealed else None
    if sealed and seal is None:  # removed since the form was read
        raise CircularError(_seal_problem(True, circular))
    circular.date_of_issue = day
    pdf = render(circular, seal=seal[1] if seal else b"")  # outside the transaction: rendering takes a moment
    digest = hashlib.sha256(pdf).hexdigest()
    with database.atomic():
        WORKFLOW.advance(circular, version, "issue", date_of_issue=day, issued_by=user.id, issued_at=now(),
                         sealed=bool(seal))
        IssuedPdf.create(circular=circular, data=pdf, sha256=digest, size=len(pdf))
        if seal:
            record("circular.sealed", f"加盖印章：{seal[0].organ}（{circular.number}）", circular, user,
                   organ=seal[0].organ, seal_sha256=seal[0].sha256)
        count = CircularRecipient.select().where(CircularRecipient.circular == circular.id).count()
        record("circular.issued", f"印发 {circular.number}，分送 {count} 个单位", circular, user, sha256=digest,
               size=len(pdf), sealed=bool(seal))
    return circular


def acknowledge(circular: Circular, user) -> CircularRecipient:
    """签收 for the user's department."""
    if circular.state != "issued":
        raise CircularError("该文件尚未印发，不能签收。")
    if not user.department_id:
        raise CircularError("您不属于任何科室，不能签收。")
    with database.atomic():
        row = CircularRecipient.get_or_none((CircularRecipient.circular == circular.id)
                                            & (CircularRecipient.department == user.department_id))
        if row is None:
            raise CircularError("该文件未分送您所在的科室，无需签收。")
        if row.acknowledged_at is not None:
            raise CircularError(f"本科室已于 {row.acknowledged_at:%Y-%m-%d %H:%M} 由{row.acknowledged_by.name}签收。")
        updated = (CircularRecipient.update(acknowledged_by=user.id, acknowledged_at=now())
                   .where((CircularRecipient.id == row.id) & CircularRecipient.acknowledged_at.is_null()).execute())
        if updated != 1:
            raise CircularError("本科室已有人签收。")
        record("circular.acknowledged", f"{user.department.name}签收 {circular.number}", circular, user,
               department=user.department_id)
    return CircularRecipient.get_by_id(row.id)


def frozen_pdf(circular: Circular) -> IssuedPdf | None:
    return IssuedPdf.get_or_none(IssuedPdf.circular == circular.id)
