"""Pages around the process: 我的待办, 督办, 通报, notifications, the deadline calendar."""
from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import fn
from werkzeug.local import LocalProxy

from portal import audit
from portal.auth.permissions import requires
from portal.cases import deadlines, queries
from portal.cases.models import Notification, WorkdayOverride
from portal.db import database, now
from portal.holidays import ScheduleError
from portal.hookspecs import hookimpl
from portal.inputs import bounded_day, bounded_id, clean_text, safe_next
from portal.plugins import NavItem
from portal.settings import set_setting
from portal.workdays import MODES

bp = Blueprint("casepages", __name__, url_prefix="")


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_nav_items(user):
    items = []
    if user.can("case.supervise") or user.can("case.bulletin"):
        items.append(NavItem("督办", "/cases/supervision", order=40))
    if user.can("case.bulletin"):
        items.append(NavItem("通报", "/cases/bulletin", order=45))
    if user.can("admin.calendar"):
        items.append(NavItem("时限设置", "/admin/calendar", order=940))
    return items


@bp.app_context_processor
def unread_notifications():
    if not current_user.is_authenticated:
        return {}
    return {"unread_notifications": LocalProxy(unread_count)}


def unread_subquery():
    """The signed-in user's unread notifications, counted inside the statement that reads the user."""
    from portal.org.models import User

    mine = Notification.alias("unread")
    return mine.select(fn.COUNT(mine.id)).where((mine.user == User.id) & mine.read_at.is_null())


def unread_count() -> int:
    """Once per request, and only when a template shows it: htmx fragments never do."""
    if "unread_notifications" not in g:
        unread = Notification.select().where((Notification.user == current_user.id) & Notification.read_at.is_null())
        g.unread_notifications = unread.count()
    return g.unread_notifications


@bp.route("/cases/todo")
@requires("case.view")
def todo():
    return render_template("cases/todo.html", groups=queries.todo(current_user), view=deadlines.view)


@bp.route("/cases/supervision")
@requires("case.view")
def supervision():
    return render_template("cases/supervision.html", cases=queries.supervision_list(current_user), view=deadlines.view)


@bp.route("/cases/bulletin")
@requires("case.bulletin")
def bulletin():
    today = now().date()
    start = bounded_day(request.args.get("from"), today.replace(day=1))
    end = bounded_day(request.args.get("to"), today)
    if end < start:
        flash("结束日期不能早于开始日期。", "error")
        end = start
    rows = queries.bulletin(start, end)
    return render_template("cases/bulletin.html", rows=rows, start=start, end=end, view=deadlines.view)


@bp.route("/notifications")
@requires()
def notifications():
    rows = (Notification.select().where(Notification.user == current_user.id)
            .order_by(Notification.id.desc()).limit(200))
    return render_template("cases/notifications.html", notifications=rows)


@bp.route("/notifications/read", methods=["POST"])
@requires()
def mark_read():
    sent = request.form.getlist("id")
    ids = [i for i in map(bounded_id, sent) if i]
    if sent and not ids:
        flash("通知编号无效，未作任何更改。", "error")
        return redirect(url_for("casepages.notifications"))
    query = Notification.update(read_at=now()).where(
        (Notification.user == current_user.id) & Notification.read_at.is_null())
    if ids:
        query = query.where(Notification.id.in_(ids))
    query.execute()
    return redirect(safe_next(request.form.get("next"), url_for("casepages.notifications")))


@bp.route("/admin/calendar", methods=["GET", "POST"])
@requires("admin.calendar")
def calendar():
    status, problems = 200, []
    if request.method == "POST":
        if request.form.get("action") in ("schedule", "unschedule"):
            message, problems = _save_schedule(request.form)
            ok = not problems
            flash(message, "success" if ok else "error")
        else:
            message, ok = _save_calendar(request.form)
            for line in [message] if isinstance(message, str) else message:  # a refused form: every problem
                flash(line, "success" if ok else "error")
        if ok:
            return redirect(url_for("casepages.calendar"))
        status = 400
    overrides = WorkdayOverride.select().order_by(WorkdayOverride.day.desc())
    year = now().year
    return render_template("cases/calendar.html", mode=deadlines.deadline_mode(), MODES=deadlines.MODE_LABELS,
                           overrides=overrides, years=deadlines.year_status((year, year + 1)), this_year=year,
                           form=request.form, problems=problems), status


def _save_schedule(form) -> tuple[str, list[str]]:
    """Enter (or remove) a year's official schedule; (message, problems) — no problem is success."""
    year = bounded_id(form.get("year"))
    if year is None or not 1901 <= year <= 2099:
        return "请填写正确的年份。", ["请填写正确的年份。"]
    if form.get("action") == "unschedule":
        try:
            moved = deadlines.remove_schedule(year)
        except LookupError:
            return f"{year}年的节假日安排已被删除。", [f"{year}年的节假日安排已被删除。"]
        return f"已删除{year}年节假日安排。已重新计算{moved}件在办事项的时限。", []
    try:
        rest, work, moved = deadlines.enter_schedule(current_user, year, form.get("rest", ""), form.get("work", ""))
    except ScheduleError as refused:
        return f"{year}年节假日安排有{len(refused.problems)}处错误，未保存，请修改后重新提交。", refused.problems
    return (f"已录入{year}年节假日安排：放假{rest}天，调休上班{work}天。"
            f"已重新计算{moved}件在办事项的时限，{year}年的时限不再是暂定。"), []


def _save_calendar(form) -> tuple[str, bool]:
    action = form.get("action")
    with database.atomic():
        if action == "mode":
            mode = form.get("mode")
            if mode not in MODES:
                return "请选择时限计算方式。", False
            set_setting("deadline_mode", mode)
            summary = f"时限计算方式改为{deadlines.MODE_LABELS[mode]}"
        elif action == "add":
            problems = []
            day = bounded_day(form.get("day", ""), None)
            if day is None:
                problems.append("请填写正确的日期。")
            if form.get("is_workday") not in ("0", "1"):
                problems.append("请选择该日是工作日还是休息日。")
            is_workday = form.get("is_workday") == "1"
            note = clean_text(form.get("note", "")).strip()
            if len(note) > 100:
                problems.append("说明不能超过100个字。")
            if problems:
                return problems, False
            WorkdayOverride.insert(day=day, is_workday=is_workday, note=note).on_conflict(
                conflict_target=[WorkdayOverride.day],
                update={WorkdayOverride.is_workday: is_workday, WorkdayOverride.note: note}).execute()
            summary = f"{day.isoformat()} 设为{'工作日' if is_workday else '休息日'}{('：' + note) if note else ''}"
        elif action == "delete":
            deleted = WorkdayOverride.delete().where(WorkdayOverride.id == (bounded_id(form.get("id")) or 0)).execute()
            if not deleted:
                return "该日期已被删除。", False
            summary = "删除了一条节假日调整"
        else:
            return "未知操作。", False
        moved = deadlines.recompute_open_deadlines()
        audit.record("calendar.changed", summary, moved=moved)
    return f"已保存：{summary}。已重新计算{moved}件在办事项的时限。", True
