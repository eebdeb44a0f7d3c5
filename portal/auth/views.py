"""Login, logout and changing one's own password."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal import audit, clock
from portal.auth import throttle
from portal.auth.forms import ChangePasswordForm, LoginForm
from portal.auth.permissions import public, requires
from portal.db import database, now
from portal.hookspecs import hookimpl
from portal.inputs import clean_text, safe_next
from portal.org.models import User, password_problem, verify_password

bp = Blueprint("auth", __name__, url_prefix="")

LOGIN_FAILED = "用户名或密码错误。"


def failure_summary(username: str) -> str:
    return f"登录失败：{username}"


@hookimpl
def portal_blueprints():
    return bp


# What a user whose password an administrator chose may still do before changing it.
ALLOWED_BEFORE_CHANGE = {"auth.change_password", "auth.logout", "static"}


def _is_public() -> bool:
    return getattr(current_app.view_functions.get(request.endpoint), "portal_access", None) == ("public",)


@bp.before_app_request
def keep_an_active_session():
    """A signed-in session ends PERMANENT_SESSION_LIFETIME after its last request: its cookie is
    signed and sent again once every SESSION_REFRESH_SECONDS of use, not with every page (that
    was 3–8% of a page's CPU time); the lifetime then counts from up to that long before."""
    if session.permanent and request.endpoint != "static" and not _is_public():
        window = int(clock.instant().timestamp()) // current_app.config["SESSION_REFRESH_SECONDS"]
        if session.get("_window") != window:
            session["_window"] = window


@bp.before_app_request
def password_chosen_by_administrator():
    if _is_public():
        return  # open to anyone, nothing to hold back: /healthz then reads no database, signed in or not
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ALLOWED_BEFORE_CHANGE):
        target = url_for("auth.change_password")
        if request.headers.get("HX-Request"):
            response = current_app.make_response(("", 204))
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = clean_text(form.username.data).strip()
        secret = current_app.config["SECRET_KEY"]
        cookie = request.cookies.get(throttle.DEVICE_COOKIE)
        device = throttle.known_devices(cookie, secret).get(username)
        buckets = throttle.buckets(username, request.remote_addr or "", device)
        wait = throttle.take(buckets)
        if wait:  # refused before the password is looked at
            flash(throttle.waiting_message(wait), "error")
            response = current_app.make_response((render_template("auth/login.html", form=form), 429))
            response.headers["Retry-After"] = str(wait)
            return response
        user = User.get_or_none(User.username == username)
        if not verify_password(user, form.password.data):
            with database.atomic():
                audit.record("login.failed", failure_summary(username), actor=user, username=username)
                if throttle.is_empty(buckets):
                    audit.record("login.throttled", f"登录失败过多，已限速：{username}", actor=user,
                                 username=username, budgets=[b.name for b, _ in buckets])
            flash(LOGIN_FAILED, "error")
            return render_template("auth/login.html", form=form), 200
        throttle.give_back(buckets)
        session.clear()  # a fresh session: no fixation
        session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without a request
        login_user(user)
        with database.atomic():
            user.last_login_at = now()
            user.save(only=[User.last_login_at])
            audit.record("login", f"{user.name} 登录", actor=user)
        response = redirect(safe_next(request.args.get("next"), url_for("home.index")))
        response.set_cookie(throttle.DEVICE_COOKIE, throttle.remember_device(cookie, secret, username),
                            max_age=throttle.DEVICE_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response
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
            form.new.data and form.new.data == form.current.data and "新密码不能与当前密码相同。",
            form.new.data and not form.new.errors and password_problem(form.new.data)) if p]
        for problem in problems:
            flash(problem, "error")
        if valid and not problems:
            user = User.get_by_id(current_user.id)
            with database.atomic():
                user.set_password(form.new.data)
                user.must_change_password = False
                user.save(only=[User.password_hash, User.must_change_password])
                user.end_sessions()
                audit.record("password.changed", f"{user.name} 修改了密码", actor=user)
            flash("密码已修改。", "success")
            login_user(user)  # this session goes on with the new token; the others end
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form, forced=current_user.must_change_password)
