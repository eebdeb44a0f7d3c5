"""Administration: users, departments, loaded plugins, the audit log."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN

from portal import audit
from portal.auth.permissions import ROLES, requires
from portal.cases import access
from portal.db import database
from portal.hookspecs import hookimpl
from portal.inputs import page_number
from portal.org.forms import DepartmentForm, ResetPasswordForm, UserForm
from portal.org.models import Department, User, UserRole, password_problem
from portal.plugins import NavItem

bp = Blueprint("admin", __name__, url_prefix="/admin")


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_nav_items(user):
    if user.can("admin.users"):
        return NavItem("系统管理", "/admin/users", order=950)
    if user.can("admin.audit"):
        return NavItem("审计日志", "/admin/audit", order=950)


def _department_choices():
    return [(0, "— 请选择 —")] + [(d.id, d.name) for d in Department.listed()]


def _other_active_admins(user) -> int:
    return (
        User.select().join(UserRole)
        .where((UserRole.role == "admin") & User.active & (User.id != user.id))
        .count()
    )


@bp.route("/users")
@requires("admin.users")
def users():
    rows = User.listing(User.select().order_by(User.active.desc(), User.department, User.id))
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("admin.users")
def edit_user(user_id=None):
    user = User.get_or_none(User.id == user_id) if user_id else None
    if user_id and user is None:
        abort(404)
    form = UserForm(obj=user)
    form.department.choices = _department_choices()
    if request.method == "GET" and user:
        form.department.data = user.department_id
        form.roles.data = user.roles
    if form.validate_on_submit():
        problem = _user_problem(form, user)
        if problem:
            flash(problem, "error")
        else:
            user = _save_user(form, user)
            flash(f"已保存用户“{user.name}”。", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, ROLES=ROLES)


def _user_problem(form, user) -> str | None:
    username = form.username.data.strip()
    clash = User.get_or_none(User.username == username)
    if clash and (user is None or clash.id != user.id):
        return f"用户名“{username}”已被使用。"
    if Department.get_or_none(Department.id == form.department.data) is None:
        return "请选择所属科室。"
    if not form.roles.data:
        return "请至少选择一个角色。"
    if user is None and not form.password.data:
        return "请为新用户设置初始密码。"
    if form.password.data:
        problem = password_problem(form.password.data)
        if problem:
            return problem
    if user is not None and "admin" in user.roles:
        losing_admin = not form.active.data or "admin" not in form.roles.data
        if losing_admin and _other_active_admins(user) == 0:
            return "这是唯一启用的系统管理员，不能停用或取消其管理员角色。"
    return None


def _save_user(form, user):
    creating = user is None
    with database.atomic():
        user = user or User()
        user.username = form.username.data.strip()
        user.name = form.name.data
        user.department = form.department.data
        user.active = form.active.data
        if form.password.data:
            user.set_password(form.password.data)
        user.save()
        user.set_roles(form.roles.data)
        audit.record(
            "user.created" if creating else "user.updated",
            f"{'创建' if creating else '修改'}用户 {user.name}（{user.username}）",
            obj=user, roles=form.roles.data, active=user.active,
        )
    return user


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires("admin.users")
def reset_password(user_id):
    user = User.get_or_none(User.id == user_id) or abort(404)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        flash("请输入新密码。", "error")
    elif problem := password_problem(form.password.data):
        flash(problem, "error")
    else:
        with database.atomic():
            user.set_password(form.password.data)
            user.save(only=[User.password_hash])
            user.end_sessions()
            audit.record("user.password_reset", f"重置了 {user.name} 的密码", obj=user)
        flash(f"已重置“{user.name}”的密码。", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/departments", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@requires("admin.users")
def edit_department(department_id=None):
    dept = Department.get_or_none(Department.id == department_id) if department_id else None
    if department_id and dept is None:
        abort(404)
    form = DepartmentForm(obj=dept)
    if form.validate_on_submit():
        name = form.name.data
        clash = Department.get_or_none(Department.name == name)
        if clash and (dept is None or clash.id != dept.id):
            flash(f"名称“{name}”已存在。", "error")
        else:
            creating = dept is None
            with database.atomic():
                dept = dept or Department()
                dept.name, dept.kind = name, form.kind.data
                dept.sort_order = 100 if form.sort_order.data is None else form.sort_order.data
                dept.active = form.active.data
                dept.save()
                audit.record("department.saved", f"{'新建' if creating else '修改'}科室 {dept.name}", obj=dept)
            flash(f"已保存“{dept.name}”。", "success")
            return redirect(url_for("admin.edit_department"))
    rows = Department.select().order_by(Department.sort_order, Department.id)
    return render_template("admin/departments.html", form=form, department=dept, departments=rows)


@bp.route("/plugins")
@requires("admin.plugins")
def plugins():
    return render_template("admin/plugins.html", plugins=current_app.extensions["portal_plugins"])


@bp.route("/audit/verify")
@requires("admin.audit")
def audit_verify():
    checked, broken = audit.verify()
    return render_template("admin/audit_verify.html", checked=checked, broken=broken)


@bp.route("/audit")
@requires("admin.audit")
def audit_log():
    page = page_number(request.args.get("page"))
    events = (
        audit.AuditEvent.select(audit.AuditEvent, User).join(User, join_type=JOIN.LEFT_OUTER)
        .order_by(audit.AuditEvent.id.desc()).paginate(page, 50)
    )
    events = access.redact_events(events, current_user)  # an event about a hidden case loses its text
    return render_template("admin/audit.html", events=events, page=page)
