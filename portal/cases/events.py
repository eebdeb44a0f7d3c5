"""Workflow events: notifications to the people concerned, and the portal_case_event hook."""
from dataclasses import dataclass, field

from flask import current_app

from portal.cases import access
from portal.cases.models import Case, Notification
from portal.org.models import User, UserRole

HANDLERS = ("dept_head", "staff", "liaison")


@dataclass(frozen=True)
class CaseEvent:
    """What happened to a case. ``actor`` is None when the portal itself acted (deadlines)."""
    name: str
    actor: User | None = None
    data: dict = field(default_factory=dict)


def users_with_roles(roles, department_id=None):
    query = User.select().join(UserRole).where(UserRole.role.in_(roles) & User.active)
    if department_id is not None:
        query = query.where(User.department == department_id)
    return list(query.distinct())


def host_staff(case):
    return users_with_roles(HANDLERS, case.host_department_id) if case.host_department_id else []


# event name -> (who is told, message); messages take the case number and title.
RECIPIENTS = {
    "reported": (lambda c: users_with_roles(("leader", "office")), "舆情事项 {n} 已报送，请批办：{t}"),
    "assigned": (host_staff, "您科室收到批办的舆情事项 {n}：{t}"),
    "urged": (host_staff, "催办：舆情事项 {n} 请抓紧办理"),
    "reply_submitted": (lambda c: users_with_roles(("leader",)), "舆情事项 {n} 的回复稿待审定"),
    "returned": (host_staff, "舆情事项 {n} 的回复稿被退回修改"),
    "approved": (lambda c: users_with_roles(("office", "monitor")), "舆情事项 {n} 的回复已审定，请网上回复"),
    "extension_requested": (lambda c: users_with_roles(("leader",)), "舆情事项 {n} 申请延期，请审批"),
    "extension_approved": (host_staff, "舆情事项 {n} 的延期申请已批准"),
    "extension_refused": (host_staff, "舆情事项 {n} 的延期申请未获批准"),
    "due_soon": (lambda c: host_staff(c) + users_with_roles(("office",)), "舆情事项 {n} 即将到期（不足1天）"),
    "overdue": (lambda c: host_staff(c) + users_with_roles(("office",)), "舆情事项 {n} 已超期未回复"),
}


def notify(case: Case, users, kind: str, message: str, actor=None) -> int:
    """Tell ``users`` (User rows or ids) about ``case``: only those who may see it, never the actor.
    Every notification about a case, the core's and the plugins', is written here."""
    ids = {getattr(u, "id", u) for u in users} - ({actor.id} if actor else set())
    recipients = access.may_see_ids(case, ids)
    if recipients:
        Notification.insert_many(
            [{"user": uid, "case": case.id, "kind": kind, "message": message} for uid in sorted(recipients)]
        ).execute()
    return len(recipients)


def emit(case: Case, name: str, actor=None, **data):
    """Notify who must act, then let plugins react. Call inside the transaction."""
    event = CaseEvent(name, actor, data)
    if name in RECIPIENTS:
        who, template = RECIPIENTS[name]
        notify(case, who(case), name, template.format(n=case.number, t=case.title), actor)
    current_app.extensions["portal_pm"].hook.portal_case_event(case=case, event=event)
    return event
