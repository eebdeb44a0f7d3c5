"""Administration: users, departments, loaded plugins, the audit log."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN

from portal import audit, audit_anchor, audit_labels, plugin_admin, settings
from portal.auth.permissions import requires
from portal.cases import access
from portal.db import database
from portal.hookspecs import hookimpl
from portal.inputs import InputError, flash_problems, page_number
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


def _leader_choices():
    leaders = User.select().join(UserRole).where((UserRole.role == "leader") & User.active).order_by(User.id)
    return [(0, "— 未指定 —")] + [(u.id, u.name) for u in leaders]


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
    if form.is_submitted():
        valid = form.validate()  # every field's own checks, shown beside the field
        problems = _user_problems(form, user)  # and the rules across fields and rows, all of them
        if valid and not problems:
            user = _save_user(form, user)
            flash(f"已保存用户“{user.name}”。", "success")
            return redirect(url_for("admin.users"))
        for problem in problems:
            flash(problem, "error")
    return render_template("admin/user_form.html", form=form, user=user)


def _user_problems(form, user) -> list[str]:
    """What the fields' own validators cannot see; a field they refused is not judged again."""
    problems = []
    username = (form.username.data or "").strip()
    clash = User.get_or_none(User.username == username) if username and not form.username.errors else None
    if clash and (user is None or clash.id != user.id):
        problems.append(f"用户名“{username}”已被使用。")
    if not form.department.errors and Department.get_or_none(Department.id == (form.department.data or 0)) is None:
        problems.append("请选择所属科室。")
    if not form.roles.errors and not form.roles.data:
        problems.append("请至少选择一个角色。")
    if user is None and not form.password.data:
        problems.append("请为新用户设置初始密码。")
    if form.password.data and (problem := password_problem(form.password.data)):
        problems.append(problem)
    if user is not None and "admin" in user.roles:
        losing_admin = not form.active.data or "admin" not in (form.roles.data or [])
        if losing_admin and _other_active_admins(user) == 0:
            problems.append("这是唯一启用的系统管理员，不能停用或取消其管理员角色。")
    return problems


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
            user.must_change_password = True  # chosen by the administrator: the user replaces it
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
            user.must_change_password = True
            user.save(only=[User.password_hash, User.must_change_password])
            user.end_sessions()
            audit.record("user.password_reset", f"重置了 {user.name} 的密码", obj=user)
        flash(f"已重置“{user.name}”的密码。该用户下次登录时须先修改密码。", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/departments", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@requires("admin.users")
def edit_department(department_id=None):
    dept = Department.get_or_none(Department.id == department_id) if department_id else None
    if department_id and dept is None:
        abort(404)
    form = DepartmentForm(obj=dept)
    form.leader_in_charge.choices = _leader_choices()
    if request.method == "GET" and dept:
        form.leader_in_charge.data = dept.leader_in_charge_id or 0
    if form.is_submitted():
        valid, name = form.validate(), form.name.data  # the fields' own checks and the name's clash, together
        clash = Department.get_or_none(Department.name == name) if name and not form.name.errors else None
        if clash and (dept is None or clash.id != dept.id):
            flash(f"名称“{name}”已存在。", "error")
        elif valid:
            creating = dept is None
            with database.atomic():
                dept = dept or Department()
                dept.name, dept.kind = name, form.kind.data
                dept.leader_in_charge = form.leader_in_charge.data or None
                dept.sort_order = 100 if form.sort_order.data is None else form.sort_order.data
                dept.active = form.active.data
                dept.save()
                audit.record("department.saved", f"{'新建' if creating else '修改'}科室 {dept.name}", obj=dept,
                             leader_in_charge=dept.leader_in_charge_id)
            flash(f"已保存“{dept.name}”。", "success")
            return redirect(url_for("admin.edit_department"))
    in_charge = User.alias()
    rows = (Department.select(Department, in_charge).join(in_charge, JOIN.LEFT_OUTER, on=(Department.leader_in_charge == in_charge.id), attr="leader_in_charge")
            .order_by(Department.sort_order, Department.id))
    return render_template("admin/departments.html", form=form, department=dept, departments=rows)


@bp.route("/plugins")
@requires("admin.plugins")
def plugins():
    rows = plugin_admin.rows()
    return render_template("admin/plugins.html", plugins=rows, any_pending=any(r.pending_restart for r in rows),
                           roles=current_app.extensions["portal_roles"])


def _plugin_row(name):
    return next((r for r in plugin_admin.rows() if r.name == name), None) or abort(404)


@bp.route("/plugins/<name>/state", methods=["POST"])
@requires("admin.plugins")
def plugin_state(name):
    """Switch a plugin on or off at the next start (the page says so)."""
    row = _plugin_row(name)
    enabled = request.form.get("enabled") == "1"
    if row.forced_off and enabled:
        flash(f"插件“{name}”由配置 DISABLED_PLUGINS 停用，须先在配置中去掉。", "error")
        return redirect(url_for("admin.plugins"))
    with database.atomic():
        plugin_admin.set_wanted(name, enabled)
        audit.record("plugin.enabled" if enabled else "plugin.disabled",
                     f"{'启用' if enabled else '停用'}插件 {name}（重启后生效）", plugin=name)
    flash(f"已{'启用' if enabled else '停用'}插件“{name}”，门户重启后生效。", "success")
    return redirect(url_for("admin.plugins") + f"#plugin-{name}")


@bp.route("/plugins/<name>/settings", methods=["GET", "POST"])
@requires("admin.plugins")
def plugin_settings(name):
    row = _plugin_row(name)
    if not row.settings:
        abort(404)
    fields = row.settings
    shown = settings.values(fields)
    if request.method == "POST":
        try:
            parsed = settings.parse_form(fields, request.form)
        except InputError as error:
            flash_problems(error)
            shown = {f.key: (request.form.get(f.key) if f.type != "bool" else bool(request.form.get(f.key)))
                     for f in fields}
            return render_template("admin/plugin_settings.html", plugin=row, fields=fields, shown=shown), 400
        with database.atomic():
            changed = settings.save(fields, parsed)
            if changed:
                labels = {f.key: f.label for f in fields}
                audit.record("plugin.settings_changed", f"修改插件 {name} 的设置：" + "、".join(labels[k] for k in changed),
                             plugin=name, **changed)
        flash("已保存设置。" if changed else "没有修改。", "success")
        return redirect(url_for("admin.plugin_settings", name=name))
    return render_template("admin/plugin_settings.html", plugin=row, fields=fields, shown=shown)


@bp.route("/audit/verify")
@requires("admin.audit")
def audit_verify():
    verdict = audit_anchor.check()
    audit_anchor.anchor(verdict)
    return render_template("admin/audit_verify.html", verdict=verdict)


@hookimpl
def portal_audit_labels():
    return {"plugin.enabled": "启用插件", "plugin.disabled": "停用插件", "plugin.settings_changed": "修改插件设置"}


@bp.app_template_filter("audit_label")
def audit_label(action: str) -> str:
    return audit_labels.label(action)


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
