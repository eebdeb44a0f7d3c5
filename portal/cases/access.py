"""Who may see a case, its netizen's contact data, and act on it."""

from peewee import JOIN

from portal.auth.permissions import Permission
from portal.cases.models import Case, CaseCoDepartment
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


def department_ids(case: Case) -> set[int]:
    ids = {row.department_id for row in case.co_rows}
    if case.host_department_id:
        ids.add(case.host_department_id)
    return ids


def can_see(user, case: Case) -> bool:
    """普通 cases: all staff. 内部/涉密: leaders, the office, the assigned departments, the registrant."""
    if not user.can("case.view"):
        return False
    if case.confidentiality == "normal" or user.can("case.view_restricted"):
        return True
    return case.registered_by_id == user.id or user.department_id in department_ids(case)


def case_or_404(case_id: int, user) -> Case:
    """The case ``user`` may see, else a 404: a confidential case is not even confirmed to exist."""
    from flask import abort

    case = (Case.select(Case, Department).join(Department, JOIN.LEFT_OUTER, on=(Case.host_department == Department.id))
            .where(Case.id == case_id).first())  # with its host department: every case page names it
    if case is None or not can_see(user, case):
        abort(404)
    return case


def can_see_contact(user, case: Case) -> bool:
    return user.can("case.view_contact") and can_see(user, case)


def in_host_department(user, case: Case) -> bool:
    return case.host_department_id is not None and user.department_id == case.host_department_id


def visible(query, user, department_id=None):
    """Restrict a Case query to what ``user`` may see (lists, searches, counts).

    ``department_id``: the query is already limited to cases that department hosts or co-handles;
    when it is the user's own, they may see every one and the (costly) restriction is left out.
    """
    if department_id and department_id == user.department_id and user.can("case.view"):
        return query
    if not user.can("case.view"):
        return query.where(Case.id == 0)
    if user.can("case.view_restricted"):
        return query
    co_case_ids = CaseCoDepartment.select(CaseCoDepartment.case).where(CaseCoDepartment.department == user.department_id)
    return query.where(
        (Case.confidentiality == "normal")
        | (Case.registered_by == user.id)
        | (Case.host_department == user.department_id)
        | (Case.id.in_(co_case_ids))
    )
