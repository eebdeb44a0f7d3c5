"""Administration of working groups: the group's record, its positions and members.

The rules live in ``portal.org.groups``; these views read the forms and show its answers.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from portal.auth.permissions import requires
from portal.hookspecs import hookimpl
from portal.inputs import bounded_id, clean_text
from portal.org.groups import GroupError, StaleGroup, add_member, change_position, delete_group, positions_for, \
    remove_member, save_group
from portal.org.models import POSITIONS, Department, User, WorkingGroup, WorkingGroupMember
from portal.org.views import group_members

bp = Blueprint("groupadmin", __name__, url_prefix="/admin/groups")


@hookimpl
def portal_blueprints():
    return bp


def _fields() -> dict:
    form = request.form
    return {"name": clean_text(form.get("name")).strip(), "code": clean_text(form.get("code")).strip(),
            "basis": clean_text(form.get("basis")).strip(), "duties": clean_text(form.get("duties")).strip()}


def _group_or_404(group_id) -> WorkingGroup:
    return WorkingGroup.get_or_none(WorkingGroup.id == group_id) or abort(404)


def _member_or_404(group, member_id) -> WorkingGroupMember:
    return WorkingGroupMember.get_or_none((WorkingGroupMember.id == member_id)
                                          & (WorkingGroupMember.group == group.id)) or abort(404)


def _refused(error: GroupError):
    for problem in error.problems:
        flash(problem, "error")


@bp.route("", methods=["GET", "POST"])
@requires("admin.users")
def groups():
    values = {}
    if request.method == "POST":
        values = _fields()
        try:
            group = save_group(None, **values)
        except GroupError as error:
            _refused(error)
        else:
            flash(f"已新建工作小组“{group.name}”，请添加成员。", "success")
            return redirect(url_for("groupadmin.edit_group", group_id=group.id))
    counts = {}
    for m in WorkingGroupMember.select(WorkingGroupMember.group):
        counts[m.group_id] = counts.get(m.group_id, 0) + 1
    rows = WorkingGroup.select().order_by(WorkingGroup.id)
    return render_template("admin/groups.html", groups=rows, counts=counts, values=values), 400 if values else 200


@bp.route("/<int:group_id>", methods=["GET", "POST"])
@requires("admin.users")
def edit_group(group_id):
    group = _group_or_404(group_id)
    values, status = {}, 200
    if request.method == "POST":
        values = _fields()
        try:
            save_group(group, version=request.form.get("version"), **values)
        except GroupError as error:
            _refused(error)
            status, values = (409, {}) if isinstance(error, StaleGroup) else (400, values)
            group = _group_or_404(group_id)
        else:
            flash(f"已保存工作小组“{group.name}”。", "success")
            return redirect(url_for("groupadmin.edit_group", group_id=group.id))
    return _edit_page(group, values, status)


def _edit_page(group, values=None, status=200):
    members = list(group_members().where(WorkingGroupMember.group == group.id))
    people = User.listing(User.select().where(User.active).order_by(User.department, User.id))
    return render_template(
        "admin/group_form.html", group=group, values=values or {}, members=members, POSITIONS=POSITIONS,
        positions_for=positions_for, people=people, departments=Department.listed(),
    ), status


def _member_step(group_id, act, success: str):
    """Run one change of membership; on refusal show the group again with every reason."""
    group = _group_or_404(group_id)
    try:
        act(group)
    except GroupError as error:
        _refused(error)
        return _edit_page(_group_or_404(group_id), status=409 if isinstance(error, StaleGroup) else 400)
    flash(success, "success")
    return redirect(url_for("groupadmin.edit_group", group_id=group_id))


@bp.route("/<int:group_id>/members", methods=["POST"])
@requires("admin.users")
def add(group_id):
    form = request.form
    return _member_step(group_id, lambda group: add_member(
        group, version=form.get("version"), position=form.get("position", ""),
        user_id=bounded_id(form.get("user")), department_id=bounded_id(form.get("department"))), "已添加。")


@bp.route("/<int:group_id>/members/<int:member_id>", methods=["POST"])
@requires("admin.users")
def change(group_id, member_id):
    form = request.form
    return _member_step(group_id, lambda group: change_position(
        group, _member_or_404(group, member_id), version=form.get("version"), position=form.get("position", "")),
        "已调整职务。")


@bp.route("/<int:group_id>/members/<int:member_id>/delete", methods=["POST"])
@requires("admin.users")
def remove(group_id, member_id):
    return _member_step(group_id, lambda group: remove_member(
        group, _member_or_404(group, member_id), version=request.form.get("version")), "已移出本小组。")


@bp.route("/<int:group_id>/delete", methods=["POST"])
@requires("admin.users")
def delete(group_id):
    group = _group_or_404(group_id)
    if request.form.get("confirm") != "yes":
        flash("撤销工作小组将同时移除其全部成员，且不可恢复；请勾选“确认撤销”后再提交。", "error")
        return _edit_page(group, status=400)
    try:
        delete_group(group, version=request.form.get("version"))
    except GroupError as error:
        _refused(error)
        return _edit_page(_group_or_404(group_id), status=409)
    flash(f"已撤销工作小组“{group.name}”。", "success")
    return redirect(url_for("groupadmin.groups"))
