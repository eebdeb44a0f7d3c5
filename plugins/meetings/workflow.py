"""The joint meetings as three state machines on the core's process kit (docs/plugins.md,
"Anatomy of a workflow plugin"), after 《网络舆情信息通报共享和联席会商工作制度》:

- a meeting (第六条): 待批准 → 待安排 → 已安排 → 已召开 → 已结束. A 例会 and the leaders' emergency
  meeting (预案四（二）) start 待安排; a 临时会议 is asked for by the office with its reason and
  approved or refused by the convener (召集人), on record.
- an agenda item (第七条): a member unit submits it with its 处理意见 and 依据 (both required)
  before the submission deadline; the office accepts it into the agenda or returns it. Once the
  meeting is held, the item's host unit writes its minutes (第八条) and confirms them: locked.
- a decided matter (第九条): the office records it on an item with the responsible unit, a due
  date; the unit reports progress with evidence; the office closes it or sends it back.

Every step checks its permission, state and guards (``Workflow.check``), reads its fields
(every problem at once), writes in one transaction guarded by the record's version and leaves
an audit event. Who may learn of a meeting or item linked to a case is the cases' rule.
"""
from datetime import date, datetime, timedelta

from peewee import fn

from portal.plugin_api import (Case, Department, Field, Notification, Stale, Step, User, Workflow, quiet, WorkflowError,
                               WORKING_KINDS, access, audit, bump, can_see, database, get_setting, notify, now,
                               users_with_roles)

from plugins.meetings.models import Attendee, Decision, Item, ItemFile, Meeting, Member, Report


class MeetingError(WorkflowError):
    """A step that cannot be taken; the message is for the user."""


class StaleRecord(MeetingError, Stale):
    MESSAGE = "该记录已被他人更新，您看到的不是最新内容。请刷新页面后重新操作。"


REGULATION = "《网络舆情信息通报共享和联席会商工作制度》"
PLAN_BASIS = "《网络舆情预警机制及应对预案》四（二）：局领导召开紧急会议，对该舆情进行研判，并制定应对方案"
URGE_EVERY = timedelta(days=7)
WARN_DAYS = 30  # the half-year warning starts this many days before the half-year ends (setting meetings.warn_days)


# -- who is who -------------------------------------------------------------------------------

def convener() -> User | None:
    """The convener (召集人, 第四条): the setting ``meetings.convener``; None: any leader acts."""
    raw = get_setting("meetings.convener")
    return User.get_or_none(User.id == int(raw)) if raw and str(raw).isdigit() else None


def office_department() -> Department | None:
    """The office of the joint meeting (联席会议办公室, 第二条), at 信息中心."""
    raw = get_setting("meetings.office")
    found = Department.get_or_none(Department.id == int(raw)) if raw and str(raw).isdigit() else None
    return found or Department.get_or_none(Department.kind == "info_centre")


def is_convener(meeting, user) -> bool:
    chosen = convener()
    return chosen is None or chosen.id == user.id


def members() -> list[Member]:
    return list(Member.select(Member, Department).join(Department)
                .where(Department.active).order_by(Department.sort_order, Department.id))


def member_departments() -> list[Department]:
    return [m.department for m in members()]


def unit_people(department_id) -> list[User]:
    """Whom a unit's reminders go to: its liaison and head as set, else its heads and liaisons."""
    member = Member.get_or_none(Member.department == department_id)
    chosen = [u for u in (member.liaison, member.head) if u is not None] if member else []
    if chosen:
        return chosen
    return [u for u in users_with_roles(("dept_head", "liaison")) if u.department_id == department_id]


# -- who sees what ----------------------------------------------------------------------------

def _case_visible(case_id, user) -> bool:
    return case_id is None or can_see(user, Case.get_by_id(case_id))


def sees_meeting(meeting: Meeting, user) -> bool:
    """Holders of meetings.view and the people asked to it; never a meeting about a case they may not see."""
    if not _case_visible(meeting.case_id, user):
        return False
    return user.can("meetings.view") or Attendee.select().where(
        (Attendee.meeting == meeting.id) & (Attendee.user == user.id)).exists()


def sees_item(item: Item, user) -> bool:
    return _case_visible(item.case_id, user) and sees_meeting(item.meeting, user)


def hidden_cases(user):
    """The ids of cases ``user`` may not see (a subquery), for lists of meetings, items and decisions.

    Whoever may see cases sees every 普通 one (``access.visible``): only the few others are looked
    at. ``id NOT IN (every case they see)`` read the whole case table for every list (0.2–0.5 s
    per query on PostgreSQL with 100,000 cases, docs/performance.md)."""
    if not user.can("case.view"):
        return Case.select(Case.id)
    others = Case.select(Case.id).where(Case.confidentiality != "normal")
    if user.can("case.view_restricted"):
        return others.where(Case.id == 0)  # none: a primary-key lookup
    return others.where(Case.id.not_in(access.visible(Case.select(Case.id).where(Case.confidentiality != "normal"), user)))


def visible_meetings(query, user):
    if not access.sees_every_case(user):
        query = query.where(Meeting.case.is_null() | Meeting.case.not_in(hidden_cases(user)))
    if user.can("meetings.view"):
        return query
    return query.where(Meeting.id.in_(Attendee.select(Attendee.meeting).where(Attendee.user == user.id)))


def visible_items(query, user):
    """Items of meetings ``user`` sees, none linked to a case they may not see (query joins Meeting)."""
    query = visible_meetings(query, user)
    if access.sees_every_case(user):
        return query
    return query.where(Item.case.is_null() | Item.case.not_in(hidden_cases(user)))


def _unit_of(record, user) -> bool:
    return bool(user.department_id) and record.department_id == user.department_id


# -- the audit log ----------------------------------------------------------------------------

def linked_case(record) -> int | None:
    """The case a meeting, item or decision is about (an item's own, else its meeting's)."""
    if isinstance(record, Meeting):
        return record.case_id
    if isinstance(record, Item):
        return record.case_id or record.meeting.case_id
    if isinstance(record, Decision):
        return linked_case(record.item)
    return None


_CURRENT = object()  # the audit log's own default: the logged-in user


def _audit(action, said, *, obj, actor=_CURRENT, **data):
    """An event about a record linked to a case is recorded on the case, so the audit log hides
    it from whoever may not see that case (portal.cases.access.redact_events)."""
    options = {} if actor is _CURRENT else {"actor": actor}
    case_id = linked_case(obj)
    if case_id:
        data[type(obj).__name__.lower()] = obj.id
        return audit.record(action, said, object_type="case", object_id=case_id, **options, **data)
    return audit.record(action, said, obj=obj, **options, **data)


# -- meetings ---------------------------------------------------------------------------------

def _advance(workflow, record, version, name, action, said, **changes):
    with database.atomic():
        workflow.advance(record, version, name, **changes)
        _audit(action, said, obj=record, changed=sorted(changes))
    return record


def _until_start(meeting, user):
    if meeting.starts_at and meeting.starts_at > now():
        return f"会议定于{meeting.starts_at:%Y-%m-%d %H:%M}召开，召开后才能登记。"
    return None


def _minutes_confirmed(meeting, user):
    waiting = [i.title for i in meeting.items.where((Item.state == "accepted") & (Item.minutes_state != "confirmed"))]
    if waiting:
        return "以下研究事项的纪要尚未由主办单位确认：" + "、".join(waiting) + "。"
    return None


def _plan_recorded(meeting, user):
    if meeting.kind == "emergency" and not meeting.plan.strip():
        return "局领导紧急会议须先记录应对方案，才能结束。"
    return None


@quiet
def _emergency(meeting, user):
    return None if meeting.kind == "emergency" else "只有局领导紧急会议记录应对方案。"


def _people(meeting) -> list[tuple[int, str]]:
    return [(u.id, f"{u.name}（{u.department.name if u.department else '—'}）")
            for u in User.select(User, Department).join(Department, on=(User.department == Department.id))
            .where(User.active).order_by(Department.sort_order, User.id)]


def _chair_default(meeting):
    return meeting.chair_id or (convener().id if convener() else None)


def approve(meeting, user, version, values):
    return _advance(MEETING, meeting, version, "approve", "meetings.approved",
                    f"批准召开临时会议：{meeting.title}" + (f"（{values['note']}）" if values["note"] else ""),
                    decided_by=user.id, decided_at=now(), decision_note=values["note"])


def refuse(meeting, user, version, values):
    return _advance(MEETING, meeting, version, "refuse", "meetings.refused",
                    f"不同意召开临时会议：{meeting.title}（{values['note']}）",
                    decided_by=user.id, decided_at=now(), decision_note=values["note"])


def schedule(meeting, user, version, values):
    if values["items_due_at"] and values["items_due_at"] > values["starts_at"]:
        raise MeetingError("研究事项报送截止时间须早于会议时间。")
    chair = User.get_by_id(values["chair"])
    return _advance(MEETING, meeting, version, "schedule", "meetings.scheduled",
                    f"安排会议：{values['starts_at']:%Y-%m-%d %H:%M}，{values['place']}，主持人{chair.name}",
                    starts_at=values["starts_at"], place=values["place"], chair=chair.id,
                    items_due_at=values["items_due_at"])


def hold(meeting, user, version, values):
    return _advance(MEETING, meeting, version, "hold", "meetings.held", f"会议已召开：{meeting.title}")


def record_plan(meeting, user, version, values):
    return _advance(MEETING, meeting, version, "plan", "meetings.plan", f"应对方案：{values['plan'][:80]}",
                    plan=values["plan"])


def compile_minutes(meeting, user, version, values):
    return _advance(MEETING, meeting, version, "compile", "meetings.compiled", "汇总会议纪要",
                    summary=values["summary"], compiled_at=now())


def close(meeting, user, version, values):
    return _advance(MEETING, meeting, version, "close", "meetings.closed", f"会议结束：{meeting.title}")


MEETING_STEPS = [
    Step("approve", "批准召开", ("request",), "meetings.convene", leads_to="approved", relation=is_convener,
         title="审批临时会议申请", fields=(Field("note", "审批意见", "text", limit=500),), done="已批准召开。",
         run=approve),
    Step("refuse", "不同意召开", ("request",), "meetings.convene", leads_to="refused", relation=is_convener,
         style="danger", fields=(Field("note", "不同意的理由", "text", limit=500, required=True),),
         done="已作不同意召开处理。", run=refuse),
    Step("schedule", "安排会议", ("approved", "scheduled"), "meetings.manage", leads_to="scheduled",
         hint="召集人可指定其他同志主持会议。", done="会议已安排。", fields=(
             Field("starts_at", "会议时间", "datetime", required=True, default=lambda m: m.starts_at),
             Field("place", "会议地点", "text", limit=120, required=True, default=lambda m: m.place),
             Field("chair", "主持人", "choice", required=True, choices=_people, default=_chair_default),
             Field("items_due_at", "研究事项报送截止时间", "datetime", default=lambda m: m.items_due_at,
                   hint="各成员单位须在此前报送研究事项（第七条）。")),
         run=schedule),
    Step("hold", "登记会议已召开", ("scheduled",), "meetings.manage", leads_to="held", guards=(_until_start,),
         hint="召开后，各研究事项的主办单位记录并确认本事项纪要。", done="已登记会议召开。", run=hold),
    Step("plan", "记录应对方案", ("held",), "meetings.manage", guards=(_emergency,),
         hint="局领导研判后制定的应对方案；各项措施作为议定事项分解到责任单位。", done="应对方案已记录。",
         fields=(Field("plan", "应对方案", "textarea", limit=10000, required=True, rows=6, default=lambda m: m.plan),),
         run=record_plan),
    Step("compile", "汇总会议纪要", ("held",), "meetings.manage", guards=(_minutes_confirmed,),
         hint="由各主办单位确认的事项纪要汇总为会议纪要（第八条）。", done="会议纪要已汇总。",
         fields=(Field("summary", "会议概况", "textarea", limit=5000, required=True, rows=4,
                       default=lambda m: m.summary),), run=compile_minutes),
    Step("close", "结束会议", ("held",), "meetings.manage", leads_to="closed", style="danger",
         guards=(_minutes_confirmed, _plan_recorded), confirm="会议纪要已确认无误，结束会议",
         done="会议已结束；议定事项继续督办。", run=close),
]
MEETING = Workflow.of("meetings.meeting", MEETING_STEPS, noun="该会议", sees=sees_meeting, stale=StaleRecord,
                      error=MeetingError, no_permission="您没有{label}的权限。")


def _invite(meeting, user_ids, invited=False):
    for uid in dict.fromkeys(user_ids):
        Attendee.insert(meeting=meeting.id, user=uid, invited=invited).on_conflict_ignore().execute()


def member_attendees() -> list[int]:
    """Each member unit's head (or liaison), the convener and the office's people."""
    ids = [m.head_id or m.liaison_id for m in members() if m.head_id or m.liaison_id]
    chosen = convener()
    office = [u.id for u in users_with_roles(("office",))]
    return ([chosen.id] if chosen else []) + ids + office


def create_meeting(user, *, kind, title, reason="", case=None, invited=()) -> Meeting:
    """A 例会 (the office, 第六条) or a 临时会议 request (the office, with its reason)."""
    if not user.can("meetings.manage"):
        raise MeetingError("只有联席会议办公室可以发起会议。")
    if kind not in ("regular", "adhoc"):
        raise MeetingError("请选择会议类型。")
    if kind == "adhoc" and not reason.strip():
        raise MeetingError("请填写召开临时会议的理由。")
    if case is not None and not can_see(user, case):
        raise MeetingError("没有这件舆情事项。")
    with database.atomic():
        meeting = Meeting.create(kind=kind, title=title, reason=reason, case=case, requested_by=user.id,
                                 state="request" if kind == "adhoc" else "approved")
        _invite(meeting, member_attendees())
        _invite(meeting, invited, invited=True)
        if kind == "adhoc":
            _audit("meetings.requested", f"申请召开临时会议：{title}（{reason}）", obj=meeting)
            chosen = convener()
            tell([chosen] if chosen else users_with_roles(("leader",)), "meetings_request",
                 f"联席会议办公室申请召开临时会议：{title}，请审批。", case=case, actor=user)
        else:
            _audit("meetings.created", f"发起联席会议例会：{title}", obj=meeting)
    return meeting


def create_emergency(case, actor=None) -> Meeting:
    """预案四（二）: grading's request for the leaders' emergency meeting makes it: linked to the
    case, the leaders asked, no approval step; one item to decide the 应对方案 on."""
    existing = Meeting.get_or_none((Meeting.case == case.id) & (Meeting.kind == "emergency")
                                   & Meeting.state.not_in(("closed", "refused")))
    if existing:
        return existing
    meeting = Meeting.create(kind="emergency", title=f"舆情事项 {case.number} 应对处置紧急会议",
                             reason="重大舆情：局领导召开紧急会议，对该舆情进行研判，并制定应对方案。",
                             case=case.id, state="approved", requested_by=actor.id if actor else None)
    leaders = users_with_roles(("leader",))
    _invite(meeting, [u.id for u in leaders])
    host = office_department() or (actor.department if actor else None)
    Item.create(meeting=meeting.id, department=host.id, title="研判舆情并制定应对方案", case=case.id,
                opinion="由信息中心提供信息、办公室作出研判，局领导研究制定应对方案。", basis=PLAN_BASIS,
                state="accepted", position=1, submitted_by=actor.id if actor else None)
    _audit("meetings.emergency_created", f"提请局领导召开紧急会议：{meeting.title}", actor=actor, obj=meeting,
                 case=case.id)
    return meeting


def set_attendance(meeting, user, rows: dict[int, tuple[str, str]], version) -> None:
    """{attendee id: (出席/请假/列席, note)}: recorded by the office once the meeting is scheduled."""
    if not user.can("meetings.manage") or not sees_meeting(meeting, user):
        raise MeetingError("您没有登记出席情况的权限。")
    if meeting.state not in ("scheduled", "held"):
        raise MeetingError(f"该会议当前状态为“{meeting.state_label}”，不能登记出席情况。")
    wrong = [a for a, (value, _) in rows.items() if value not in ("", "present", "leave", "observer")]
    if wrong:
        raise MeetingError("出席情况无效，请重新选择。")
    if any(value == "leave" and not note.strip() for value, note in rows.values()):
        raise MeetingError("请假的须写明原因。")
    with database.atomic():
        bump(meeting, version, StaleRecord)
        for attendee_id, (value, note) in rows.items():
            Attendee.update(attendance=value, note=note.strip()[:200]).where(
                (Attendee.id == attendee_id) & (Attendee.meeting == meeting.id)).execute()
        counts = {v: sum(1 for a, _ in rows.values() if a == v) for v in ("present", "leave", "observer")}
        _audit("meetings.attendance", f"登记出席情况：出席{counts['present']}人、请假{counts['leave']}人、"
                     f"列席{counts['observer']}人", obj=meeting)


def invite(meeting, user, user_ids, version) -> None:
    """Other people asked to the meeting (列席, 第六条: 可邀请其他部门参加)."""
    if not user.can("meetings.manage") or meeting.state in ("closed", "refused"):
        raise MeetingError("不能邀请列席人员。")
    with database.atomic():
        bump(meeting, version, StaleRecord)
        _invite(meeting, user_ids, invited=True)
        _audit("meetings.invited", f"邀请列席：{len(user_ids)}人", obj=meeting)


# -- agenda items -----------------------------------------------------------------------------

ITEM_FIELDS = (
    Field("title", "研究事项", "text", limit=120, required=True),
    Field("opinion", "处理意见", "textarea", limit=5000, required=True, rows=4,
          message="请填写拟提出的处理意见（第七条：研究事项须附处理意见）。"),
    Field("basis", "依据", "textarea", limit=3000, required=True, rows=3,
          hint="处理意见所依据的法律、法规、规章、政策。", message="请填写处理意见的依据（法律、法规、规章、政策）。"),
)


def submit_item(meeting, user, values, *, department_id, case=None, upload=None) -> Item:
    """A member unit's item before the deadline: its title, 处理意见 and 依据 (all required)."""
    if not user.can("meetings.unit", department=department_id) or not sees_meeting(meeting, user):
        raise MeetingError("只有成员单位的负责人或联络员可以报送本单位的研究事项。")
    if meeting.state not in ("approved", "scheduled"):
        raise MeetingError(f"该会议当前状态为“{meeting.state_label}”，不再接收研究事项。")
    if meeting.items_due_at and now() > meeting.items_due_at:
        raise MeetingError(f"研究事项报送已于{meeting.items_due_at:%Y-%m-%d %H:%M}截止。")
    if case is not None and not can_see(user, case):
        raise MeetingError("没有这件舆情事项。")
    with database.atomic():
        item = Item.create(meeting=meeting.id, department=department_id, case=case.id if case else None,
                           submitted_by=user.id, **values)
        if upload is not None:
            _store_file(item, upload, user)
        _audit("meetings.item_submitted", f"报送研究事项：{item.title}", obj=item, meeting=meeting.id)
    return item


def _store_file(item, upload, user):
    ItemFile.create(item=item.id, file_name=upload.filename[:200], content_type=upload.content_type,
                    data=upload.data, added_by=user.id)
    _audit("meetings.file_added", f"添加材料：{upload.filename[:80]}", obj=item)


def add_file(item, user, upload):
    if not _unit_of(item, user) or not user.can("meetings.unit", department=item.department_id):
        raise MeetingError("只有主办单位可以添加材料。")
    if item.state == "returned" or item.meeting.state in ("held", "closed", "refused"):
        raise MeetingError("该研究事项不能再添加材料。")
    with database.atomic():
        _store_file(item, upload, user)


def _host(item, user) -> bool:
    """The item's host unit writes its minutes: the unit's head or liaison; for an item the office
    hosts (the emergency meeting's 应对方案 item), the office's own people."""
    if not _unit_of(item, user):
        return False
    if user.can("meetings.unit", department=item.department_id):
        return True
    office = office_department()
    return office is not None and item.department_id == office.id and user.can("meetings.manage")


def _meeting_held(item, user):
    return None if item.meeting.state == "held" else "会议召开后才能记录纪要。"


def _not_confirmed(item, user):
    return "本事项纪要已确认，不能再修改。" if item.minutes_state == "confirmed" else None


def _has_minutes(item, user):
    return None if item.minutes_state == "draft" and item.minutes.strip() else "请先记录本事项纪要。"


@quiet
def _before_meeting(item, user):
    return None if item.meeting.state in ("approved", "scheduled") else "会议已召开，不能再调整议程。"


def accept(item, user, version, values):
    position = (Item.select(fn.MAX(Item.position)).where(Item.meeting == item.meeting_id).scalar() or 0) + 1
    return _advance(ITEM, item, version, "accept", "meetings.item_accepted", f"列入议程：{item.title}",
                    position=position)


def return_item(item, user, version, values):
    _advance(ITEM, item, version, "return", "meetings.item_returned", f"退回研究事项：{item.title}（{values['reason']}）",
             return_reason=values["reason"])
    tell(unit_people(item.department_id), "meetings_item_returned",
         f"研究事项“{item.title}”被退回：{values['reason']}", case=item.case, actor=user)
    return item


def move_up(item, user, version, values):
    above = (Item.select().where((Item.meeting == item.meeting_id) & (Item.state == "accepted")
                                 & (Item.position < item.position)).order_by(Item.position.desc()).first())
    if above is None:
        raise MeetingError("该事项已排在议程第一项。")
    with database.atomic():
        mine = item.position
        bump(item, version, StaleRecord, position=above.position)
        Item.update(position=mine).where(Item.id == above.id).execute()
        _audit("meetings.item_moved", f"议程调整：{item.title}上移一项", obj=item)
    return item


def write_minutes(item, user, version, values):
    return _advance(ITEM, item, version, "minutes", "meetings.minutes_written", f"记录事项纪要：{item.title}",
                    minutes=values["minutes"], minutes_state="draft", minutes_by=user.id)


def confirm_minutes(item, user, version, values):
    return _advance(ITEM, item, version, "confirm", "meetings.minutes_confirmed", f"确认事项纪要：{item.title}",
                    minutes_state="confirmed", confirmed_at=now())


ITEM_STEPS = [
    Step("accept", "列入议程", ("submitted",), "meetings.manage", leads_to="accepted", guards=(_before_meeting,),
         done="已列入议程。", run=accept),
    Step("return", "退回", ("submitted",), "meetings.manage", leads_to="returned", style="danger",
         guards=(_before_meeting,), fields=(Field("reason", "退回理由", "text", limit=500, required=True),),
         done="已退回报送单位。", run=return_item),
    Step("move_up", "上移一项", ("accepted",), "meetings.manage", guards=(_before_meeting,), done="议程已调整。",
         run=move_up),
    Step("minutes", "记录本事项纪要", ("accepted",), "meetings.view", relation=_host,
         guards=(_meeting_held, _not_confirmed), hint="由本事项主办单位记录；确认后锁定，不能再修改（第八条）。",
         button="保存纪要", done="事项纪要已保存。",
         fields=(Field("minutes", "事项纪要", "textarea", limit=10000, required=True, rows=6,
                       default=lambda i: i.minutes),), run=write_minutes),
    Step("confirm", "确认本事项纪要", ("accepted",), "meetings.view", relation=_host,
         guards=(_meeting_held, _not_confirmed, _has_minutes),
         confirm="纪要内容已核对无误，确认后不能再修改", done="事项纪要已确认并锁定。", run=confirm_minutes),
]
ITEM = Workflow.of("meetings.item", ITEM_STEPS, noun="该研究事项", sees=sees_item, stale=StaleRecord,
                   error=MeetingError, no_permission="您没有{label}的权限。")


# -- decided matters --------------------------------------------------------------------------

def _units(record=None) -> list[tuple[int, str]]:
    return [(d.id, d.name) for d in member_departments()] or [
        (d.id, d.name) for d in Department.select().where(Department.kind.in_(WORKING_KINDS) & Department.active)
        .order_by(Department.sort_order)]


DECISION_FIELDS = (
    Field("text", "议定事项", "textarea", limit=2000, required=True, rows=3),
    Field("department", "责任单位", "choice", required=True, choices=_units, placeholder="— 请选择 —"),
    Field("co_units", "配合单位", "choices", choices=_units, caption="配合单位（可选）"),
    Field("due_on", "完成时限", "datetime", required=True, hint="到期未办结的，系统每周提醒责任单位。"),
)


def add_decision(item, user, values) -> Decision:
    if not user.can("meetings.manage") or not sees_item(item, user):
        raise MeetingError("只有联席会议办公室可以记录议定事项。")
    if item.state != "accepted" or item.meeting.state not in ("held", "closed"):
        raise MeetingError("会议召开后才能记录议定事项。")
    co = [d for d in values["co_units"] if d != values["department"]]
    with database.atomic():
        decision = Decision.create(item=item.id, text=values["text"], department=values["department"],
                                   co_units=",".join(str(d) for d in co), due_on=values["due_on"].date())
        unit = Department.get_by_id(values["department"])
        _audit("meetings.decision_added", f"议定事项：{values['text'][:60]}（责任单位：{unit.name}，"
                     f"{decision.due_on:%Y-%m-%d}前）", obj=decision, item=item.id)
        tell(unit_people(unit.id), "meetings_decision",
             f"联席会议议定事项交由本单位办理，{decision.due_on:%Y-%m-%d}前完成：{values['text'][:60]}",
             case=item.case, actor=user)
    return decision


def _responsible(decision, user) -> bool:
    return _unit_of(decision, user)


def report(decision, user, version, values):
    with database.atomic():
        DECISION.advance(decision, version, "report")
        upload = values["evidence"]
        Report.create(decision=decision.id, text=values["text"], by=user.id,
                      file_name=upload.filename[:200] if upload else "", content_type=upload.content_type if upload else "",
                      data=upload.data if upload else None)
        _audit("meetings.reported", f"报告办理情况：{values['text'][:80]}", obj=decision)
    return decision


def close_decision(decision, user, version, values):
    return _advance(DECISION, decision, version, "close", "meetings.decision_closed",
                    f"议定事项办结：{decision.text[:60]}", closed_at=now())


def send_back(decision, user, version, values):
    with database.atomic():
        DECISION.advance(decision, version, "send_back")
        latest = decision.reports.order_by(Report.id.desc()).first()
        if latest:
            Report.update(review=values["review"]).where(Report.id == latest.id).execute()
        _audit("meetings.decision_returned", f"办理情况退回：{values['review']}", obj=decision)
    tell(unit_people(decision.department_id), "meetings_decision_returned",
         f"议定事项的办理情况被退回：{values['review']}", case=decision.item.case, actor=user)
    return decision


DECISION_STEPS = [
    Step("report", "报告办理情况", ("open",), "meetings.unit", leads_to="reported", relation=_responsible,
         button="提交办理情况", done="办理情况已报告，待联席会议办公室审核。", fields=(
             Field("text", "办理情况", "textarea", limit=5000, required=True, rows=4),
             Field("evidence", "佐证材料", "file", hint="可上传图片或 PDF。")), run=report),
    Step("close", "审核办结", ("reported",), "meetings.manage", leads_to="closed", done="议定事项已办结。",
         run=close_decision),
    Step("send_back", "退回继续办理", ("reported",), "meetings.manage", leads_to="open", style="danger",
         fields=(Field("review", "退回意见", "text", limit=500, required=True),), done="已退回继续办理。",
         run=send_back),
]
DECISION = Workflow.of("meetings.decision", DECISION_STEPS, noun="该议定事项",
                       sees=lambda d, user: sees_item(d.item, user), stale=StaleRecord, error=MeetingError,
                       no_permission="您没有{label}的权限。")


def carry_over(meeting, user, version) -> int:
    """第九条: unfinished matters of earlier meetings go on this meeting's agenda, once each."""
    if not user.can("meetings.manage") or not sees_meeting(meeting, user):
        raise MeetingError("只有联席会议办公室可以结转未办结事项。")
    if meeting.state not in ("approved", "scheduled"):
        raise MeetingError("会议召开前才能结转未办结事项。")
    unfinished = list(Decision.select(Decision, Item).join(Item).where(
        (Decision.state != "closed") & Decision.carried_to.is_null() & (Item.meeting != meeting.id)))
    if not unfinished:
        raise MeetingError("没有需要结转的未办结事项。")
    with database.atomic():
        bump(meeting, version, StaleRecord)
        position = Item.select(fn.MAX(Item.position)).where(Item.meeting == meeting.id).scalar() or 0
        for position, decision in enumerate(unfinished, start=position + 1):
            item = Item.create(meeting=meeting.id, department=decision.department_id, case=decision.item.case_id,
                               title=f"未办结事项：{decision.text[:100]}", carried_from=decision.id,
                               opinion=f"继续办理，{decision.department.name}报告进展。",
                               basis=f"{REGULATION}第九条；原议定事项（{decision.item.meeting.title}）",
                               state="accepted", position=position, submitted_by=user.id)
            Decision.update(carried_to=item.id).where(Decision.id == decision.id).execute()
        _audit("meetings.carried_over", f"结转未办结事项{len(unfinished)}项", obj=meeting)
    return len(unfinished)


# -- notifications, the scheduled check, the half-year warning ----------------------------------

def tell(users, kind: str, message: str, *, case=None, actor=None) -> int:
    """Through the core's notify when a case is concerned (only who may see it), else directly."""
    users = [u for u in users if u is not None]
    if case is not None:
        return notify(case, users, kind, message, actor)
    ids = sorted({u.id for u in users} - ({actor.id} if actor else set()))
    if ids:
        Notification.insert_many([{"user": i, "case": None, "kind": kind, "message": message} for i in ids]).execute()
    return len(ids)


def overdue_query(today: date):
    return Decision.select(Decision, Item).join(Item).where((Decision.state != "closed") & (Decision.due_on < today))


def urge_overdue(at: datetime) -> int:
    """Remind the responsible unit (and the office) of each overdue matter, once a week."""
    stale = Decision.urged_at.is_null() | (Decision.urged_at <= at - URGE_EVERY)
    sent = 0
    for decision in list(overdue_query(at.date()).where(stale)):
        with database.atomic():
            if Decision.update(urged_at=at).where((Decision.id == decision.id) & stale).execute():
                message = f"联席会议议定事项已超过完成时限（{decision.due_on:%Y-%m-%d}），请抓紧办理并报告：{decision.text[:60]}"
                tell(unit_people(decision.department_id) + users_with_roles(("office",)), "meetings_overdue",
                     message, case=decision.item.case)
                _audit("meetings.urged", f"超期提醒：{decision.text[:60]}", actor=None, obj=decision)
                sent += 1
    return sent


def half_year(day: date) -> tuple[date, date]:
    return (date(day.year, 1, 1), date(day.year, 6, 30)) if day.month <= 6 else (date(day.year, 7, 1), date(day.year, 12, 31))


def warn_days() -> int:
    raw = get_setting("meetings.warn_days")
    return int(raw) if raw and str(raw).isdigit() else WARN_DAYS


def half_year_warning(today: date) -> str | None:
    """第六条: a regular meeting each half-year. Within ``warn_days`` of the half-year's end with
    none held or scheduled in it, the office is warned."""
    start, end = half_year(today)
    if (end - today).days > warn_days():
        return None
    begun, ended = datetime.combine(start, datetime.min.time()), datetime.combine(end + timedelta(days=1), datetime.min.time())
    held = Meeting.select().where((Meeting.kind == "regular") & Meeting.state.in_(("scheduled", "held", "closed"))
                                  & (Meeting.starts_at >= begun) & (Meeting.starts_at < ended)).exists()
    if held:
        return None
    return f"本半年度（至{end:%Y年%m月%d日}）尚未召开联席会议例会，距半年度结束还有{(end - today).days}天（第六条：一般每半年召开一次）。"
