"""Departments and working groups, as every member of staff browses them."""
from flask import Blueprint, current_app, render_template
from flask_login import current_user
from peewee import JOIN

from portal import fragments
from portal.auth.permissions import requires
from portal.hookspecs import hookimpl
from portal.org.models import Department, User, WorkingGroup, WorkingGroupMember
from portal.plugins import NavItem, collect

bp = Blueprint("org", __name__, url_prefix="")


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_nav_items(user):
    return [NavItem("科室", "/departments", order=80), NavItem("工作小组", "/groups", order=85)]


@bp.route("/departments")
@requires()
def departments():
    rows = list(Department.listed())
    counts = {d.id: 0 for d in rows}
    for user in User.select(User.department).where(User.active):
        if user.department_id in counts:
            counts[user.department_id] += 1
    return render_template("org/departments.html", departments=rows, counts=counts)


@bp.route("/departments/<int:department_id>")
@requires()
def department(department_id):
    # with the name of its 分管领导, which the page shows (it was a statement of its own)
    dept = (Department.select(Department, User.id, User.name)
            .join(User, JOIN.LEFT_OUTER, on=(Department.leader_in_charge == User.id), attr="leader_in_charge")
            .where(Department.id == department_id).first())
    if dept is None:
        from flask import abort
        abort(404)
    pm = current_app.extensions["portal_pm"]
    sections, staff = fragments.cached("department", lambda: (
        collect(pm.hook.portal_department_sections, department=dept, user=current_user._get_current_object()),
        User.listing(User.select().where((User.department == dept.id) & User.active).order_by(User.id))),
        dept.id)
    return render_template("org/department.html", department=dept, sections=sections, staff=staff)


@bp.route("/groups")
@requires()
def groups():
    groups = WorkingGroup.select().order_by(WorkingGroup.id)
    members = {}
    for m in group_members():
        members.setdefault(m.group_id, []).append(m)
    return render_template("org/groups.html", groups=groups, members=members)


def group_members():
    """Every group's members with their person, that person's department, or the member
    department, in one query."""
    persons_department = Department.alias()
    return (WorkingGroupMember.select(WorkingGroupMember, User, persons_department, Department)
            .join(User, JOIN.LEFT_OUTER)
            .join(persons_department, JOIN.LEFT_OUTER, on=(User.department == persons_department.id), attr="department")
            .switch(WorkingGroupMember)
            .join(Department, JOIN.LEFT_OUTER, on=(WorkingGroupMember.department == Department.id), attr="department")
            .order_by(WorkingGroupMember.id))
