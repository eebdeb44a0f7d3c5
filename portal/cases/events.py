"""Case events: notifications to the people concerned, the portal_case_event hook, and the kit's
event path every workflow shares (portal.process.emit, hook portal_record_event)."""
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app

from portal.cases import access
from portal.cases.access import department_ids
from portal.cases.deadlines import describe_deadline
from portal.cases.models import Case, Notification
from portal.db import now
from portal.org.models import User, UserRole, heads_and_leaders_in_charge
from portal.process.events import emit as emit_event

HANDLERS = ("dept_head", "staff", "liaison")


@dataclass(frozen=True)
class CaseEvent:
    """What happened to a case. ``actor`` is None when the portal itself acted (deadlines)."""
    name: str
    actor: User | None = None
    data: dict = field(default_factory=dict)


def users_with_roles(roles, departments=None):
    """Active users holding one of ``roles``; in ``departments`` (one id, or several) when given."""
    query = User.select().join(UserRole).where(UserRole.role.in_(roles) & User.active)
    if departments is not None:
        query = query.where(User.department.in_([departments] if isinstance(departments, int) else list(departments)))
    return list(query.distinct())


def host_staff(case):
    return users_with_roles(HANDLERS, case.host_department_id) if case.host_department_id else []


def in_charge(case):
    """The heads of the host and co-departments and their 分管领导 (预案 一); other leaders
    find the case in their lists."""
    return heads_and_leaders_in_charge(department_ids(case))


def responsible(case):
    """Who answers for a supervised case. 制度一 四.1: each unit's 主要负责人 leads the work and
    names one 联络员 to handle it; so the head and the liaison of the host department and of every
    co-department. Before 批办 no unit holds the case yet: the leaders, whose 批办 is awaited."""
    if not case.host_department_id:
        return users_with_roles(("leader",))
    return users_with_roles(("dept_head", "liaison"), department_ids(case))


# event name -> (who is told, message); messages take the case number {n}, its title {t} and the
# event's data ({message} of an urging, {note} of a supervision), empty when absent, and its
# deadline {d} as portal.cases.deadlines says it ("3月16日24:00前答复").
RECIPIENTS = {
    "reported": (lambda c: users_with_roles(("leader", "office")), "舆情事项 {n} 已报送，请批办：{t}"),
    "assigned": (lambda c: host_staff(c) + in_charge(c), "批办的舆情事项 {n} 由您科室或您分管的科室办理：{t}"),
    "urged": (host_staff, "催办：舆情事项 {n} 请抓紧办理。{message}"),
    "supervised": (responsible, "督办：舆情事项 {n} 已列入督办，请按期办结。{note}"),
    "reply_submitted": (lambda c: users_with_roles(("leader",)), "舆情事项 {n} 的回复稿待审定"),
    "returned": (host_staff, "舆情事项 {n} 的回复稿被退回修改"),
    "approved": (lambda c: users_with_roles(("office", "monitor")), "舆情事项 {n} 的回复已审定，请网上回复"),
    "extension_requested": (lambda c: users_with_roles(("leader",)), "舆情事项 {n} 申请延期，请审批"),
    "extension_approved": (host_staff, "舆情事项 {n} 的延期申请已批准，应于{d}"),
    "extension_refused": (host_staff, "舆情事项 {n} 的延期申请未获批准"),
    "due_soon": (lambda c: host_staff(c) + users_with_roles(("office",)), "舆情事项 {n} 即将到期：{d}"),
    "overdue": (lambda c: host_staff(c) + users_with_roles(("office",)), "舆情事项 {n} 已超期未回复：{d}"),
}


def notify(case: Case | None, users, kind: str, message: str, actor=None) -> int:
    """Tell ``users`` (User rows or ids) about ``case``: only those who may see it, never the actor.
    Every notification, the core's and the plugins', is written here; ``case`` None is one about
    no case (a plugin's reminder of its own work), told to every user listed but the actor."""
    ids = {getattr(u, "id", u) for u in users} - ({actor.id} if actor else set())
    recipients = access.may_see_ids(case, ids) if case is not None else ids
    if recipients:
        Notification.insert_many(
            [{"user": uid, "case": case.id if case is not None else None, "kind": kind, "message": message}
             for uid in sorted(recipients)]
        ).execute()
    return len(recipients)


def emit(case: Case, name: str, actor=None, *, workflow=None, **data):
    """Notify who must act, then let plugins react: ``portal_case_event``, then
    ``portal_record_event`` of ``workflow`` (the cases' own, or a plugin's whose record is the
    case, as grading's). Call inside the transaction."""
    event = CaseEvent(name, actor, data)
    if name in RECIPIENTS:
        who, template = RECIPIENTS[name]
        due = describe_deadline(case.due_at, now(), provisional=case.due_provisional).due if case.due_at else ""
        message = template.format_map(defaultdict(str, data, n=case.number, t=case.title, d=due)).strip()
        notify(case, who(case), name, message, actor)
    current_app.extensions["portal_pm"].hook.portal_case_event(case=case, event=event)
    if workflow is None:
        from portal.cases.workflow import WORKFLOW as workflow  # it emits through this module
    emit_event(workflow, case, name, actor, **data)
    return event
