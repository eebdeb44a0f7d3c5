"""The handling process of 《网络舆情管理工作制度》 as one state machine, on the process kit
(portal.process): ``STEPS`` declares each step's states, permission, relation and guards once.

Every step: refused by ``WORKFLOW.check`` (the same reason the page gives for a missing button),
input validated, the change made in one transaction guarded by the case's version, an audit
event written, the event emitted. A refused step raises WorkflowError with a Chinese message and
changes nothing.
"""
from datetime import datetime, timedelta

from portal import audit
from portal.cases import access
from portal.cases import search as case_search
from portal.cases.deadlines import compute_deadline
from portal.cases.links import link_key
from portal.cases.events import emit
from portal.cases.models import (
    CATEGORIES, CLOCK_STATES, CONFIDENTIALITY, OPEN_STATES, SOURCES, Case, CaseCoDepartment, CaseCounter,
    Attachment, Explanation, Extension, ReplyDraft, Supervision, Urging,
)
from portal.db import database, now
from portal.inputs import Problems, bounded_id, optional, parse_datetime, required
from portal.org.models import WORKING_KINDS, Department
from portal.process import Field, Stale, Step, Workflow, WorkflowError, lock, quiet
from portal.process import next_number as next_in_year
from portal.workdays import DUE_SOON, MAX_REPLY_DAYS, REPLY_DAYS


class StaleCase(Stale):
    MESSAGE = "该事项已被他人更新，您看到的不是最新内容。请刷新页面后重新操作。"


def read_only(case: Case) -> str | None:
    """An archived case is read-only: every step, the core's and the plugins', is refused so."""
    return "该事项已立卷归档，不能再作任何修改。" if case.state == "archived" else None


def extension_days(case: Case) -> list[int]:
    """The time limits an extension may ask for: longer than today's, at most the law's cap."""
    return list(range(case.deadline_days + 1, MAX_REPLY_DAYS + 1))


def _host(case, user) -> bool:
    return access.in_host_department(user, case)


def _below_cap(case, user):
    if not extension_days(case):
        return f"办理时限已延至{MAX_REPLY_DAYS}日，按规定不能再延期。"


def _none_pending(case, user):
    if pending_extension(case):
        return "已有待审批的延期申请，请等待领导审批。"


@quiet
def _one_pending(case, user):
    if pending_extension(case) is None:
        return "该事项没有待审批的延期申请。"


@quiet
def _not_supervised(case, user):
    if case.supervised:
        return "该事项已列入督办。"


@quiet
def _supervised(case, user):
    if not case.supervised:
        return "该事项未列入督办。"


@quiet
def _files_allowed(case, user):
    if access.register_only(case):
        return "涉密事项线下办理，不得在本系统上传附件。"


def _assignable(case) -> list[tuple[int, str]]:
    """What a case may be assigned to: active 科室, 二级单位 and 信息中心 (never 局领导)."""
    return [(d.id, d.name) for d in Department.listed().where(Department.kind.in_(WORKING_KINDS))]


def _extension_choices(case) -> list[tuple[int, str]]:
    return [(n, f"{n}日") for n in extension_days(case)]


def _days_refused(value, case) -> str:
    days = bounded_id(value) if isinstance(value, (str, int)) else None
    if days is None:
        return "请选择延期后的办理时限。"
    if days <= case.deadline_days:
        return f"延期后的时限须长于当前的{case.deadline_days}日。"
    return f"延期后的办理时限不得超过{MAX_REPLY_DAYS}日。"


def _reply_time(value, case):
    if value > now() + timedelta(minutes=5) or value < case.posted_at:
        return "回复时间须在发帖时间之后，且不晚于当前时间。"


def _draft_text(case):
    draft = current_draft(case) if case.id else None
    if draft:
        return draft.text
    from portal.plugins import reply_wording  # the plugins' approved wording (统一口径), before any draft

    return reply_wording(case) if case.id else ""


def _note(name, label, limit, **options):
    """A free-text field of a step: content a 涉密 case does not carry."""
    return Field(name, label, options.pop("kind", "textarea"), limit, content=True, **options)


STEPS = [
    Step("report", "报送", ("registered",), "case.report", leads_to="reported", button="报送领导小组办公室",
         hint="报送后由局领导批办。", done="已报送领导小组办公室。",
         run=lambda case, user, version, v: report(case, user, version=version)),
    Step("reject", "不予受理", ("registered", "reported"), "case.reject", leads_to="rejected", style="danger",
         fields=(_note("reason", "不予受理的理由", 2000, required=True, caption="理由"),), done="已作不予受理处理。",
         run=lambda case, user, version, v: reject(case, user, version=version, **v)),
    Step("assign", "批办", ("reported",), "case.assign", leads_to="handling", done="已批办。", fields=(
        Field("host_department", "主办部门", "choice", required=True, choices=_assignable, placeholder="— 请选择 —"),
        Field("co_departments", "协办部门", "choices", choices=_assignable, caption="协办部门（可选）",
              message="协办部门无效，请重新选择。"),
        _note("instruction", "批办意见", 2000, required=True, rows=4)),
         run=lambda case, user, version, v: assign(case, user, version=version, host_department_id=v["host_department"],
                                                   co_department_ids=v["co_departments"], instruction=v["instruction"])),
    Step("submit_reply", "提交回复稿", ("handling",), "case.handle", leads_to="awaiting_approval", relation=_host,
         title="办理并提交回复稿", button="提交审定", done="回复稿已提交审定。", fields=(
             _note("findings", "调查核实情况", 10000, required=True, rows=4, default=lambda case: case.findings),
             _note("reply_text", "回复稿", 10000, required=True, rows=6, default=_draft_text)),
         run=lambda case, user, version, v: submit_reply(case, user, version=version, findings=v["findings"],
                                                         text=v["reply_text"])),
    Step("approve", "审定通过", ("awaiting_approval",), "case.approve", leads_to="approved", title="审定回复稿",
         fields=(_note("comment", "审定意见", 2000, rows=2),), done="回复稿已审定通过。",
         run=lambda case, user, version, v: approve(case, user, version=version, **v)),
    Step("return_draft", "退回修改", ("awaiting_approval",), "case.approve", leads_to="handling", title="退回回复稿",
         fields=(_note("comment", "退回意见", 2000, required=True),), done="回复稿已退回修改。",
         run=lambda case, user, version, v: return_draft(case, user, version=version, **v)),
    Step("request_extension", "申请延期", ("handling", "awaiting_approval"), "case.handle", relation=_host,
         guards=(_below_cap, _none_pending), button="提交延期申请", done="延期申请已提交。", fields=(
             Field("days", "延期后的办理时限", "choice", required=True, choices=_extension_choices,
                   message=_days_refused, hint=f"按规定最长不得超过{MAX_REPLY_DAYS}日。"),
             _note("reason", "延期理由", 2000, required=True, caption="理由")),
         run=lambda case, user, version, v: request_extension(case, user, version=version, **v)),
    Step("decide_extension", "审批延期", ("handling", "awaiting_approval", "approved"), "case.approve",
         guards=(_one_pending,), button="提交审批", done="延期申请已审批。", partial="cases/steps/decide_extension.html",
         fields=(Field("decision", "审批结果", "choice", required=True, choices=[("approve", "批准"), ("refuse", "不批准")],
                       message="请选择审批结果（批准或不批准）。"),
                 _note("comment", "审批意见", 2000, kind="text", caption="意见（可选）")),
         run=lambda case, user, version, v: decide_extension(case, user, version=version, comment=v["comment"],
                                                             approve=v["decision"] == "approve")),
    Step("explain", "情况说明", ("handling", "awaiting_approval", "approved"), "case.handle", relation=_host,
         button="提交情况说明", done="情况说明已提交。",
         fields=(_note("explanation", "情况说明", 5000, required=True, caption="不能按期回复的原因"),),
         run=lambda case, user, version, v: explain(case, user, version=version, text=v["explanation"])),
    Step("record_reply", "登记网上回复", ("approved",), "case.reply", leads_to="replied", button="登记回复",
         hint="将审定通过的回复稿发布到网民原留言的网站后登记。", done="网上回复已登记，时限停止计算。", fields=(
             _note("reply_url", "回复链接", 500, kind="url", required=True, caption="回复所在网页链接",
                   placeholder="https://", message="请填写回复所在网页的链接（以 http:// 或 https:// 开头）。"),
             Field("replied_at", "回复时间", "datetime", check=_reply_time, hint="留空即为当前时间。"),
             _note("proof", "回复截图", None, kind="file", accept="image/*,application/pdf")),
         run=lambda case, user, version, v: record_reply(case, user, version=version, **v)),
    Step("archive", "立卷归档", ("replied", "rejected"), "case.archive", leads_to="archived", style="danger",
         confirm="我已核对案卷材料齐全，确认立卷归档（归档后不能撤销，事项内容不能再修改）",
         hint="归档后事项的任何内容都不能再修改，也不能撤销。", done="已立卷归档。",
         run=lambda case, user, version, v: archive(case, user, version=version, **v)),
    Step("urge", "催办", ("handling",), "case.urge", done="已催办。",
         fields=(_note("message", "催办内容", 1000, kind="text", required=True, default="请抓紧办理，按期回复。"),),
         run=lambda case, user, version, v: urge(case, user, version=version, **v)),
    Step("supervise", "督办", OPEN_STATES, "case.supervise", guards=(_not_supervised,), button="列入督办",
         fields=(_note("note", "督办要求", 1000, kind="text"),), done="已列入督办。",
         run=lambda case, user, version, v: supervise(case, user, version=version, **v)),
    Step("end_supervision", "结束督办", OPEN_STATES + ("replied",), "case.supervise", guards=(_supervised,),
         done="已结束督办。", run=lambda case, user, version, v: end_supervision(case, user, version=version)),
    Step("attach", "上传附件", OPEN_STATES + ("replied", "rejected"), "case.attach", guards=(_files_allowed,),
         button="上传", done="附件已上传。", versioned=False, fields=(
             Field("kind", "类别", "choice", required=True, choices=list(Attachment.KINDS.items()), default="material",
                   message="附件类别无效。"),
             Field("file", "文件", "file", required=True)),
         run=lambda case, user, version, v: attach(case, user, upload=v["file"], kind=v["kind"])),
]
OFFLINE = "涉密事项线下办理：本系统只记录办理环节，不填写意见、说明等内容。"
WORKFLOW = Workflow.of("case", STEPS, noun="该事项", sees=lambda case, user: access.can_see(user, case),
                       read_only=read_only, stale=StaleCase,
                       offline=lambda case: OFFLINE if access.register_only(case) else None,
                       offline_refusal="涉密事项线下办理，本系统不记录{label}，请勿填写。")
ACTIONS = WORKFLOW.steps


def allowed(case: Case, user, name: str, *, seen: bool | None = None) -> bool:
    """May ``user`` take step ``name`` now? ``seen``: can_see already answered by the caller."""
    return WORKFLOW.allowed(case, user, name, seen=seen)


def allowed_actions(case: Case, user) -> list[str]:
    return WORKFLOW.allowed_steps(case, user)


def _check(case: Case, user, name: str, version=None, **options):
    return WORKFLOW.check(case, user, name, version, **options)


def _read(case, name: str, **given) -> dict:
    """A step's arguments read through its fields (portal.process.Field): the limits, choices
    and messages the form has, whoever calls the step."""
    return WORKFLOW.read(case, name, given)


def _step(case, actor, name, version, summary, changes=None, event=None, **data):
    """The common path of a step, inside the caller's transaction (checked by the caller first):
    the state it leads to and ``changes`` written if the case is still at ``version``."""
    WORKFLOW.advance(case, version, name, **(changes or {}))
    audit.record(f"case.{event or name}", summary, actor=actor, obj=case, **data)
    emit(case, event or name, actor, **data)
    return case


# 1. 受理 ------------------------------------------------------------------------------

def next_number(year: int) -> tuple[int, str]:
    """The next gap-free number of ``year``; call inside the intake transaction."""
    seq = next_in_year(CaseCounter, year=year)
    return seq, f"YQ-{year}-{seq:04d}"


def _open_with_link(url: str):
    key = link_key(url)
    return Case.select().where((Case.url_key == key) & (key != "") & Case.state.in_(OPEN_STATES)).order_by(Case.id)


def open_duplicate(url: str) -> Case | None:
    """The first open case of the same post, whoever may see it: recorded on the new case, whose
    page names it only to those who may see it."""
    return _open_with_link(url).first() if link_key(url) else None


def duplicates_seen_by(user, url: str, *, limit=5) -> list[Case]:
    """The open cases of the same post that ``user`` may see (portal.cases.access.visible). One
    they may not see is neither named nor hinted at: "a case you may not see has this link" would
    confirm that a hidden case exists and what it is about (docs/security.md)."""
    if not link_key(url):
        return []
    return list(access.visible(_open_with_link(url), user).limit(limit))


SECRET_REFUSED = {"title": "事项标题", "post_text": "原帖内容", "url": "原帖链接", "netizen_nickname": "网民昵称",
                  "netizen_contact": "网民联系方式", "files": "截图或附件"}


def secret_content(**given) -> list[str]:
    """What was offered for a 涉密 case that the portal must not hold (labels, in form order)."""
    return [label for name, label in SECRET_REFUSED.items() if given.get(name)]


def register(actor, *, title, source, url, post_text, category, posted_at: datetime | str,
             confidentiality="normal", netizen_nickname="", netizen_contact="", files=0,
             problems: Problems | None = None) -> Case:
    """``posted_at`` as typed ("2026-11-28T09:30") or a datetime. ``files``: how many uploads come
    with the intake (a 涉密 case takes none). ``problems``: those the caller already found in the
    same form (an upload), reported with the fields' own, all at once."""
    if not actor.can("case.register"):
        raise WorkflowError("您没有受理登记的权限。")
    p = problems if problems is not None else Problems()
    if confidentiality == access.REGISTER_ONLY:
        offered = secret_content(title=(title or "").strip(), post_text=(post_text or "").strip(),
                                 url=(url or "").strip(), netizen_nickname=(netizen_nickname or "").strip(),
                                 netizen_contact=(netizen_contact or "").strip(), files=files)
        if offered:
            p.add("本系统不是涉密信息系统，涉密事项只登记编号、日期和办理状态，内容一律线下办理。"
                  f"请清空以下内容后再登记：{'、'.join(offered)}。")
            p.check(WorkflowError)
        title, post_text = access.SECRET_TITLE, access.SECRET_TEXT
    title = p.read(required, title, "事项标题", 120)
    post_text = p.read(required, post_text, "原帖内容")
    url = (url or "").strip()
    if len(url) > 500 or (url and not url.lower().startswith(("http://", "https://"))):
        p.add("原帖链接须以 http:// 或 https:// 开头，且不超过500个字符。")
    for value, choices, label in ((source, SOURCES, "来源"), (category, CATEGORIES, "类别"),
                                  (confidentiality, CONFIDENTIALITY, "密级")):
        if value not in choices:
            p.add(f"请选择{label}。")
    if isinstance(posted_at, str) and posted_at.strip():
        posted_at = p.read(parse_datetime, posted_at, "网民发帖时间")
    elif not isinstance(posted_at, datetime):
        posted_at = None
        p.add("请填写网民发帖时间。")
    registered_at = now()
    if posted_at and posted_at > registered_at + timedelta(minutes=5):
        p.add("网民发帖时间不能晚于当前时间。")
    if posted_at and posted_at < registered_at - timedelta(days=366):
        p.add("网民发帖时间不能早于一年以前，请核对。")
    netizen_nickname = p.read(optional, netizen_nickname, "网民昵称", 80)
    netizen_contact = p.read(optional, netizen_contact, "网民联系方式", 120)
    p.check(WorkflowError)
    deadline = compute_deadline(posted_at, REPLY_DAYS)
    with database.atomic():
        seq, number = next_number(registered_at.year)
        case = Case.create(
            number=number, year=registered_at.year, seq=seq, title=title, source=source, url=url,
            post_text=post_text, category=category, posted_at=posted_at, confidentiality=confidentiality,
            netizen_nickname=netizen_nickname, netizen_contact=netizen_contact,
            url_key=link_key(url), registered_by=actor, registered_at=registered_at, duplicate_of=open_duplicate(url),
            due_at=deadline.due_at, due_provisional=deadline.provisional, deadline_days=REPLY_DAYS,
        )
        case_search.index([case])
        audit.record("case.registered", f"受理登记 {number}：{title}", actor=actor, obj=case,
                     duplicate_of=case.duplicate_of.number if case.duplicate_of else None)
        emit(case, "registered", actor)
    return case


# 2. 报送 / 不予受理 ------------------------------------------------------------------------

def report(case, actor, *, version):
    _check(case, actor, "report", version)
    with database.atomic():
        return _step(case, actor, "report", version, f"报送领导小组办公室 {case.number}",
                     {}, event="reported")


def reject(case, actor, *, version, reason):
    _check(case, actor, "reject", version)
    reason = _read(case, "reject", reason=reason)["reason"]
    with database.atomic():
        return _step(case, actor, "reject", version, f"不予受理 {case.number}：{reason}",
                     {"reject_reason": reason}, event="rejected", reason=reason)


# 3. 批办 ---------------------------------------------------------------------------------

def assign(case, actor, *, version, host_department_id, instruction, co_department_ids=()):
    _check(case, actor, "assign", version)
    v = _read(case, "assign", host_department=host_department_id, co_departments=list(co_department_ids),
              instruction=instruction)
    host, instruction = Department.get_by_id(v["host_department"]), v["instruction"]
    co_ids = sorted(set(v["co_departments"]) - {host.id})
    co = list(Department.select().where(Department.id.in_(co_ids)).order_by(Department.id)) if co_ids else []
    with database.atomic():
        # the co-departments first: the event tells their heads and leaders in charge too
        CaseCoDepartment.insert_many([{"case": case.id, "department": d.id} for d in co]).execute() if co else None
        _step(case, actor, "assign", version, f"批办 {case.number}，主办：{host.name}",
              {"host_department": host.id, "instruction": instruction,
               "assigned_by": actor.id, "assigned_at": now()},
              event="assigned", host=host.name, co=[d.name for d in co], instruction=instruction)
    return case


# 4. 办理: reply drafts, extensions, explanations ------------------------------------------

def submit_reply(case, actor, *, version, findings, text):
    _check(case, actor, "submit_reply", version)
    v = _read(case, "submit_reply", findings=findings, reply_text=text)
    findings, text = v["findings"], v["reply_text"]
    with database.atomic():
        number = (ReplyDraft.select().where(ReplyDraft.case == case).count()) + 1
        _step(case, actor, "submit_reply", version, f"提交第{number}稿回复，待审定",
              {"findings": findings}, event="reply_submitted", draft=number)
        ReplyDraft.create(case=case, version=number, findings=findings, text=text, submitted_by=actor)
    return case


def current_draft(case) -> ReplyDraft | None:
    return case.drafts.order_by(ReplyDraft.version.desc()).first()


def _decide_draft(case, actor, version, name, decision, comment, summary):
    draft = current_draft(case)
    with database.atomic():
        _step(case, actor, name, version, summary, {},
              event="approved" if decision == "approved" else "returned", draft=draft.version, comment=comment)
        ReplyDraft.update(decision=decision, decided_by=actor, decided_at=now(), comment=comment).where(
            ReplyDraft.id == draft.id).execute()
    return case


def approve(case, actor, *, version, comment=""):
    _check(case, actor, "approve", version)
    comment = _read(case, "approve", comment=comment)["comment"]
    return _decide_draft(case, actor, version, "approve", "approved", comment, f"审定通过 {case.number} 的回复稿")


def return_draft(case, actor, *, version, comment):
    _check(case, actor, "return_draft", version)
    comment = _read(case, "return_draft", comment=comment)["comment"]
    return _decide_draft(case, actor, version, "return_draft", "returned", comment,
                         f"退回 {case.number} 的回复稿：{comment}")


def pending_extension(case) -> Extension | None:
    return case.extensions.where(Extension.decision == "").first()


def request_extension(case, actor, *, version, days, reason):
    _check(case, actor, "request_extension", version)
    v = _read(case, "request_extension", days=days, reason=reason)
    days, reason = v["days"], v["reason"]
    with database.atomic():
        _step(case, actor, "request_extension", version, f"申请延期至{days}日：{reason}", {},
              event="extension_requested", days=days, reason=reason)
        Extension.create(case=case, days=days, reason=reason, requested_by=actor)
    return case


def decide_extension(case, actor, *, version, approve: bool | None, comment=""):
    """``approve`` is True or False; None (no choice made) is refused."""
    _check(case, actor, "decide_extension", version)
    decision = {True: "approve", False: "refuse"}.get(approve)
    comment = _read(case, "decide_extension", decision=decision, comment=comment)["comment"]
    event = "extension_approved" if approve else "extension_refused"
    with database.atomic():
        lock(case)  # the deadline is computed with the mode and calendar of this transaction
        extension = pending_extension(case)
        changes = {}
        if approve:
            deadline = compute_deadline(case.posted_at, extension.days)  # raises past the cap
            changes = {"deadline_days": extension.days, "due_at": deadline.due_at,
                       "due_provisional": deadline.provisional, "due_soon_fired_at": None, "overdue_fired_at": None}
        _step(case, actor, "decide_extension", version,
              f"{'批准' if approve else '不批准'}延期申请" + (f"：{comment}" if comment else ""), changes,
              event=event, days=extension.days, comment=comment)
        Extension.update(decision="approved" if approve else "refused", decided_by=actor, decided_at=now(),
                         comment=comment).where(Extension.id == extension.id).execute()
    return case


def explain(case, actor, *, version, text):
    _check(case, actor, "explain", version)
    text = _read(case, "explain", explanation=text)["explanation"]
    with database.atomic():
        _step(case, actor, "explain", version, f"提交情况说明：{text[:60]}", {}, event="explained")
        Explanation.create(case=case, text=text, author=actor)
    return case


# 6. 回复 / 7. 归档 -------------------------------------------------------------------------

def record_reply(case, actor, *, version, reply_url, replied_at: datetime | str | None = None, proof=None,
                 problems: Problems | None = None):
    """``replied_at`` as typed or a datetime; empty is now. ``proof``: a screenshot (an upload,
    checked or not) kept with the reply. ``problems``: those the caller already found."""
    from portal.cases.attachments import store

    _check(case, actor, "record_reply", version)
    v = WORKFLOW.read(case, "record_reply", {"reply_url": reply_url, "replied_at": replied_at}, {"proof": proof},
                      problems=problems)
    reply_url, replied_at = v["reply_url"], v["replied_at"] or now()
    draft = current_draft(case)
    with database.atomic():
        _step(case, actor, "record_reply", version, f"已在原网站回复 {case.number}",
              {"reply_text": draft.text, "reply_url": reply_url, "replied_at": replied_at},
              event="replied", url=reply_url)
        if v["proof"]:
            store(case, v["proof"], "reply_proof", actor)
    return case


def archive(case, actor, *, version, confirmed: bool):
    """Irreversible: taken only with ``confirmed``, the user's explicit tick."""
    _check(case, actor, "archive", version, confirmed=confirmed)
    with database.atomic():
        _step(case, actor, "archive", version, f"立卷归档 {case.number}",
              {"archived_at": now(), "supervised": False}, event="archived")
        Supervision.update(ended_at=now()).where((Supervision.case == case) & Supervision.ended_at.is_null()).execute()
    return case


# 催办 / 督办 ---------------------------------------------------------------------------------

def urge(case, actor, *, version, message):
    _check(case, actor, "urge", version)
    message = _read(case, "urge", message=message)["message"]
    with database.atomic():
        _step(case, actor, "urge", version, f"催办：{message}", {}, event="urged", message=message)
        Urging.create(case=case, message=message, by=actor)
    return case


def supervise(case, actor, *, version, note=""):
    _check(case, actor, "supervise", version)
    note = _read(case, "supervise", note=note)["note"]
    with database.atomic():
        _step(case, actor, "supervise", version, "列入督办" + (f"：{note}" if note else ""), {"supervised": True},
              event="supervised", note=note)
        Supervision.create(case=case, note=note, by=actor)
    return case


def end_supervision(case, actor, *, version):
    _check(case, actor, "end_supervision", version)
    with database.atomic():
        _step(case, actor, "end_supervision", version, "结束督办", {"supervised": False}, event="supervision_ended")
        Supervision.update(ended_at=now()).where((Supervision.case == case) & Supervision.ended_at.is_null()).execute()
    return case


def attach(case, actor, *, upload, kind):
    """Add a checked upload (portal.uploads.read_upload) to the case."""
    from portal.cases.attachments import store

    _check(case, actor, "attach")
    v = _read(case, "attach", file=upload, kind=kind)
    with database.atomic():
        return store(case, v["file"], v["kind"], actor)


# Deadlines: fired once each, by `portal tick` and lazily on page loads ------------------------

AUTO_URGE = "系统自动催办：该事项距回复时限已不足1天，请抓紧办理。"


def tick(at: datetime | None = None) -> dict[str, int]:
    """Fire ``due_soon`` and ``overdue`` for every open case that has reached them, once."""
    at = at or now()
    fired = {"due_soon": 0, "overdue": 0}
    open_cases = Case.state.in_(CLOCK_STATES)
    for name, field, reached in (
        ("overdue", Case.overdue_fired_at, Case.due_at <= at),
        ("due_soon", Case.due_soon_fired_at, Case.due_at <= at + DUE_SOON),
    ):
        # Read them all first: writing while a SELECT is still open keeps SQLite on an old
        # snapshot, and the next BEGIN IMMEDIATE then fails at once if another writer committed.
        for case in list(Case.select().where(open_cases & field.is_null() & reached)):
            with database.atomic():
                claimed = Case.update({field: at}).where((Case.id == case.id) & field.is_null()).execute()
                if not claimed:
                    continue  # another worker fired it
                if name == "overdue":  # an overdue case is past due-soon too: never warn about it later
                    Case.update(due_soon_fired_at=at).where((Case.id == case.id) & Case.due_soon_fired_at.is_null()).execute()
                audit.record(f"case.{name}", f"{case.number} {'已超期' if name == 'overdue' else '即将到期'}",
                             actor=None, obj=case)
                emit(case, name, None)
                if name == "due_soon" and case.state == "handling":
                    Urging.create(case=case, message=AUTO_URGE, by=None)
                    emit(case, "urged", None, automatic=True, message=AUTO_URGE)
                fired[name] += 1
    return fired
