"""Who may see a case, its netizen's contact data, and act on it: the one rule every path asks.

What a person may not see of a case they never learn from any path: not its page, title, number
or existence, in a list, a notification, an audit entry, a document or a circular. Counts are
allowed. 涉密 cases are register entries only (`REGISTER_ONLY`): the portal is not a classified
system, so it holds their number, dates, host department and state, and no content.
"""

from peewee import JOIN

from portal.auth.permissions import Permission
from portal.cases.models import Case, CaseCoDepartment
from portal.db import Param, compiled, from_json, is_sqlite, json_object_of
from portal.org.models import Department

PERMISSIONS = [
    Permission("case.view", "查看舆情事项", ("admin", "leader", "office", "monitor", "dept_head", "staff", "liaison")),
    Permission("case.view_restricted", "查看全部内部、涉密事项", ("leader", "office")),
    Permission("case.view_contact", "查看网民联系方式", ("leader", "office", "monitor")),
    Permission("case.register", "受理登记", ("monitor", "office")),
    Permission("case.report", "报送", ("monitor", "office")),
    Permission("case.reject", "不予受理", ("office",)),
    Permission("case.assign", "批办", ("leader",)),
    Permission("case.handle", "办理（本科室主办事项）", ("dept_head", "staff", "liaison")),
    Permission("case.approve", "审定回复、审批延期", ("leader",)),
    Permission("case.reply", "网上回复", ("office", "monitor")),
    Permission("case.archive", "立卷归档", ("office",)),
    Permission("case.urge", "催办", ("office", "leader")),
    Permission("case.supervise", "督办", ("office",)),
    Permission("case.attach", "上传附件", ("leader", "office", "monitor", "dept_head", "staff", "liaison")),
    Permission("case.bulletin", "查看通报", ("leader", "office")),
    Permission("admin.calendar", "维护节假日与时限设置", ("admin", "office")),
]


# 涉密: classified information must not be processed on a non-classified system (保密法第三十条).
REGISTER_ONLY = "secret"
SECRET_TITLE = "涉密事项（线下办理）"
SECRET_TEXT = "涉密，线下办理"
REDACTED = "（涉及您无权查看的舆情事项，内容不予显示）"


def register_only(case: Case) -> bool:
    """A 涉密 case: the portal holds its register entry, never its content."""
    return case.confidentiality == REGISTER_ONLY


def department_ids(case: Case) -> set[int]:
    co = case.__dict__.get("co_departments")  # read with the case (``case_or_404``'s ``more``), else asked
    ids = set(co) if co is not None else {row.department_id for row in case.co_rows}
    if case.host_department_id:
        ids.add(case.host_department_id)
    return ids


def can_see(user, case: Case, departments: set[int] | None = None) -> bool:
    """普通 cases: all staff. 内部/涉密: leaders, the office, the assigned departments, the registrant.
    ``departments``: ``department_ids(case)`` when the caller asks for many users at once."""
    if not user.can("case.view"):
        return False
    if case.confidentiality == "normal" or user.can("case.view_restricted"):
        return True
    if case.registered_by_id == user.id:
        return True
    return user.department_id in (department_ids(case) if departments is None else departments)


def case_or_404(case_id: int, user, more=None) -> Case:
    """The case ``user`` may see, else a 404: a confidential case is not even confirmed to exist.
    With its host department: every case page names it. ``more``: (key, columns()) a page reads
    with the case in the same statement on PostgreSQL, where each statement is a round trip, and
    then its co-departments too, as ``case.co_departments`` ({id: name} in the order of the ids),
    which ``can_see`` then asks. SQLite reads them apart: the case page's own statements cost its
    process less (13.7 M instructions a page instead of 14.5 M), so a page finds its columns in
    ``case.__dict__`` or reads what they tell itself."""
    from flask import abort

    key, columns = more if more and not is_sqlite() else ("access.case_or_404", None)
    case = next(iter(compiled(key, lambda: Case.select(Case, Department, *(
        [_co_departments_column(), *columns()] if columns else [])).join(
        Department, JOIN.LEFT_OUTER, on=(Case.host_department == Department.id)).where(Case.id == Param("id")).limit(1),
        id=case_id)), None)
    if case is not None and columns:
        co = from_json(case.co_departments_read)
        case.co_departments = {int(i): co[i] for i in sorted(co, key=int)}
    if case is None or not can_see(user, case):
        abort(404)
    return case


def _co_departments_column():
    co, named = CaseCoDepartment.alias("co"), Department.alias("co_department")
    return (co.select(json_object_of(co.department, named.name)).join(named, on=(co.department == named.id))
            .where(co.case == Case.id).alias("co_departments_read"))


def can_see_contact(user, case: Case) -> bool:
    return user.can("case.view_contact") and can_see(user, case)


def in_host_department(user, case: Case) -> bool:
    return case.host_department_id is not None and user.department_id == case.host_department_id


def sees_every_case(user) -> bool:
    """Whether ``visible`` leaves every case in: a list may then skip asking which are hidden
    (``NOT IN`` every case's id cost SQLite a list of all of them, on every dashboard)."""
    return user.can("case.view") and user.can("case.view_restricted")


def visible(query, user, department_id=None):
    """Restrict a Case query to what ``user`` may see (lists, searches, counts).

    ``department_id``: the query is already limited to cases that department hosts or co-handles;
    when it is the user's own, they may see every one and the (costly) restriction is left out.
    """
    if department_id and department_id == user.department_id and user.can("case.view"):
        return query
    if not user.can("case.view"):
        return query.where(Case.id == 0)
    if sees_every_case(user):
        return query
    co_case_ids = CaseCoDepartment.select(CaseCoDepartment.case).where(CaseCoDepartment.department == user.department_id)
    return query.where(
        (Case.confidentiality == "normal")
        | (Case.registered_by == user.id)
        | (Case.host_department == user.department_id)
        | (Case.id.in_(co_case_ids))
    )


def may_see_ids(case: Case, user_ids) -> set[int]:
    """Those of ``user_ids`` who may see ``case``: whom a notification about it may reach."""
    from portal.org.models import User

    ids = set(user_ids)
    if not ids:
        return set()
    departments = department_ids(case)  # once, not once per person
    return {u.id for u in User.select().where(User.id.in_(ids)) if can_see(u, case, departments)}


def department_may_see(department_id: int, cases) -> bool:
    """May a document naming ``cases`` be distributed to a department? Only when every active
    member may see every one of them: its host and co-departments, or a department whose members
    all may see 内部/涉密 cases (局领导). A department with no members may receive only 普通 ones."""
    from portal.org.models import User

    restricted = [c for c in cases if c.confidentiality != "normal"]
    if not restricted:
        return True
    departments = {c.id: department_ids(c) for c in restricted}  # once per case, not per member
    if all(department_id in departments[c.id] for c in restricted):
        return True
    members = list(User.select().where((User.department == department_id) & User.active))
    return bool(members) and all(can_see(u, c, departments[c.id]) for u in members for c in restricted)


def hidden_case_ids(user, case_ids) -> set[int]:
    """Those of ``case_ids`` that ``user`` may not see (one query)."""
    ids = {i for i in case_ids if i}
    if not ids:
        return set()
    seen = {c.id for c in visible(Case.select(Case.id).where(Case.id.in_(ids)), user)}
    return ids - seen


def redact_events(events, user) -> list:
    """Audit events as ``user`` may read them: one about a case they may not see keeps its time,
    actor and action, and loses its summary, details and the case's id (the chain is unchanged:
    these are copies for display, never saved)."""
    events = list(events)
    hidden = hidden_case_ids(user, [e.object_id for e in events if e.object_type == "case"])
    for event in events:
        if event.object_type == "case" and event.object_id in hidden:
            event.summary, event.data, event.object_id = REDACTED, "{}", None
    return events
