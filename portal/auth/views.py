"""Login, logout and changing one's own password."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal import audit
from portal.auth.forms import ChangePasswordForm, LoginForm
from portal.auth.permissions import public, requires
from portal.auth.throttle import failure_summary, lock_reason
from portal.db import database, now
from portal.hookspecs import hookimpl
from portal.inputs import clean_text, safe_next
from portal.org.models import User, password_problem

bp = Blueprint("auth", __name__, url_prefix="")

LOGIN_FAILED = "用户名或密码错误。"


@hookimpl
def portal_blueprints():
    return bp




@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = clean_text(form.username.data).strip()
        user = User.get_or_none(User.username == username)
        locked = lock_reason(username, request.remote_addr or "", user)
        if locked:
            with database.atomic():
                audit.record("login.locked", f"登录被锁定：{username}", actor=user, username=username)
            flash(locked, "error")
            return render_template("auth/login.html", form=form), 429
        if user is None or not user.active or not user.check_password(form.password.data):
            with database.atomic():
                audit.record("login.failed", failure_summary(username), actor=user, username=username)
            flash(LOGIN_FAILED, "error")
            return render_template("auth/login.html", form=form), 200
        session.clear()  # a fresh session: no fixation
        session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without a request
        login_user(user)
        with database.atomic():
            user.last_login_at = now()
            user.save(only=[User.last_login_at])
            audit.record("login", f"{user.name} 登录", actor=user)
        return redirect(safe_next(request.args.get("next"), url_for("home.index")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
@requires()
def logout():
    if request.method == "GET":
        return render_template("auth/logout.html")
    with database.atomic():
        User.get_by_id(current_user.id).end_sessions()
        audit.record("logout", f"{current_user.name} 退出登录")
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires()
def change_password():
    form = ChangePasswordForm()
    if form.is_submitted():
        valid = form.validate()  # each field's own checks, beside the field; the rest here, all at once
        problems = [p for p in (
            form.current.data and not current_user.check_password(form.current.data) and "当前密码不正确。",
            form.new.data and not form.new.errors and password_problem(form.new.data)) if p]
        for problem in problems:
            flash(problem, "error")
        if valid and not problems:
            user = User.get_by_id(current_user.id)
            with database.atomic():
                user.set_password(form.new.data)
                user.save(only=[User.password_hash])
                user.end_sessions()
                audit.record("password.changed", f"{user.name} 修改了密码", actor=user)
            flash("密码已修改。", "success")
            login_user(user)  # this session goes on with the new token; the others end
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
