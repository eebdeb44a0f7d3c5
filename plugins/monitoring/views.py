"""The monitoring desk's pages: the overview, the watch list and its hits, the case panel. The
blueprint's other pages: views_calendar (periods, roster) and views_intake (imports, patrol)."""
from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from peewee import fn

from portal.plugin_api import (CATEGORIES, Case, InputError, access, Stale, case_or_404, current_user, flash_problems, jobs,
                               now, requires, visible)

from plugins.monitoring import handling, watchlist
from plugins.monitoring.models import Handling, Hit, Topic, TopicDepartment

bp = Blueprint("monitoring", __name__, template_folder="templates", url_prefix="/monitoring")


def hits_query(user, since=None, department=None, columns=None):
    """The hits on cases ``user`` may see, newest first, with their case and topic (or only
    ``columns`` of them)."""
    query = Hit.select(*(columns or (Hit, Case, Topic))).join(Case).switch(Hit).join(Topic)
    if since is not None:
        query = query.where(Hit.found_at >= since)
    if department is not None:
        query = query.where(Hit.topic.in_(TopicDepartment.select(TopicDepartment.topic)
                                          .where(TopicDepartment.department == department)))
    return visible(query, user).order_by(Hit.found_at.desc(), Hit.id.desc())


def today_start() -> datetime:
    return datetime.combine(now().date(), time())


@bp.route("/")
@requires("monitoring.view")
def index():
    today = hits_query(current_user, since=today_start())
    return render_template("monitoring/index.html", hits=list(today.limit(50)), hit_count=today.count(),
                           topics=Topic.select().where(Topic.active).count(), list_version=watchlist.version())


# -- the watch list -------------------------------------------------------------------------------

def topics_page(form=None, status=200):
    topics = list(Topic.select().order_by(Topic.active.desc(), Topic.name))
    concerns = {}
    for row in TopicDepartment.select(TopicDepartment.topic, TopicDepartment.department):
        concerns.setdefault(row.topic_id, []).append(row.department_id)
    names = dict(watchlist.departments())
    counts = {h.topic_id: h.n for h in Hit.select(Hit.topic, fn.COUNT(Hit.id).alias("n")).group_by(Hit.topic)}
    return render_template("monitoring/topics.html", topics=topics, concerns=concerns, names=names, counts=counts,
                           fields=watchlist.FIELDS, form=form, list_version=watchlist.version(),
                           CATEGORIES=CATEGORIES), status


@bp.route("/topics")
@requires("monitoring.view")
def topics():
    return topics_page()


@bp.route("/topics", methods=["POST"])
@requires("monitoring.manage")
def add_topic():
    try:
        topic = watchlist.add_topic(current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return topics_page(request.form, 400)
    flash(f"监测主题“{topic.name}”已加入监测清单；此后登记的事项按新清单匹配。", "success")
    return redirect(url_for("monitoring.topics"))


def topic_or_404(topic_id) -> Topic:
    return Topic.get_or_none(Topic.id == topic_id) or abort(404)


def topic_page(topic, form=None, status=200):
    shown = form or {f.name: getattr(topic, f.name) for f in watchlist.FIELDS if f.name != "concerns"}
    if not form:
        shown["concerns"] = [r.department_id for r in topic.concerns]
        shown["host_department"] = topic.host_department_id or ""
    hits = list(hits_query(current_user).where(Hit.topic == topic.id).limit(30))
    return render_template("monitoring/topic.html", topic=topic, fields=watchlist.FIELDS, shown=shown,
                           hits=hits, form=form), status


@bp.route("/topics/<int:topic_id>")
@requires("monitoring.view")
def topic(topic_id):
    return topic_page(topic_or_404(topic_id))


@bp.route("/topics/<int:topic_id>", methods=["POST"])
@requires("monitoring.manage")
def edit_topic(topic_id):
    topic = topic_or_404(topic_id)
    try:
        watchlist.edit_topic(topic, current_user._get_current_object(), request.form, request.form.get("version"))
    except InputError as exc:
        flash_problems(exc)
        return topic_page(topic, request.form, 409 if isinstance(exc, Stale) else 400)
    flash(f"监测主题“{topic.name}”已保存；此后登记的事项按新清单匹配。", "success")
    return redirect(url_for("monitoring.topics"))


def may_rescan(user, params):
    return user.can("monitoring.manage")


@jobs.kind("monitoring.rescan", can_access=may_rescan, label="按监测清单重新匹配事项")
def rescan_job(ctx, days=90):
    since = now() - timedelta(days=days)
    ids = [c.id for c in Case.select(Case.id).where(Case.registered_at >= since)]
    ctx.progress(5, f"正在匹配近{days}天登记的{len(ids)}件事项……")
    made = watchlist.rescan(ids)
    ctx.progress(100, f"已匹配{len(ids)}件事项，新增命中{made}条。")


@bp.route("/rescan", methods=["POST"])
@requires("monitoring.manage")
def rescan():
    job = jobs.enqueue("monitoring.rescan", owner=current_user._get_current_object(),
                       title="按监测清单重新匹配近90天的事项", reuse=True, days=90)
    return jobs.response(job)


# -- hits ----------------------------------------------------------------------------------------

@bp.route("/hits")
@requires("monitoring.view")
def hits():
    days = 7
    query = hits_query(current_user, since=today_start() - timedelta(days=days - 1))
    return render_template("monitoring/hits.html", hits=list(query.limit(200)), count=query.count(), days=days)


@bp.route("/cases/<int:case_id>/panel")
@requires("monitoring.view")
def panel(case_id):
    case = case_or_404(case_id, current_user)
    found = list(Hit.select(Hit, Topic).join(Topic).where(Hit.case == case.id).order_by(Hit.id))
    return render_template("monitoring/panel.html", case=case, hits=found, suggested=watchlist.suggestions(found))


# -- 分类处置 on a case --------------------------------------------------------------------------

def handling_page(case):
    """The case panel (loaded by htmx); its forms post to the steps below."""
    row = Handling.get_or_none(Handling.case == case.id)
    return render_template("monitoring/handling.html", case=case, row=row, today=now().date(),
                           may=handling.may_handle(case, current_user) and not access.register_only(case),
                           CLASS_FIELD=handling.CLASS_FIELD, HOLDING_FIELDS=handling.HOLDING_FIELDS,
                           REFERRAL_FIELDS=handling.REFERRAL_FIELDS, same_day=handling.same_day,
                           promise_overdue=handling.promise_overdue)


@bp.route("/cases/<int:case_id>/handling")
@requires("case.view")
def case_handling(case_id):
    return handling_page(case_or_404(case_id, current_user))


def _handling_step(case_id, run):
    case = case_or_404(case_id, current_user)
    try:
        run(case, current_user._get_current_object(), request.form, request.form.get("version"))
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("cases.detail", case_id=case.id)), 303
    flash("分类处置已记录。", "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/cases/<int:case_id>/handling/class", methods=["POST"])
@requires("monitoring.handle")
def handling_class(case_id):
    return _handling_step(case_id, handling.set_class)


@bp.route("/cases/<int:case_id>/handling/holding", methods=["POST"])
@requires("monitoring.handle")
def handling_holding(case_id):
    return _handling_step(case_id, handling.holding_reply)


@bp.route("/cases/<int:case_id>/handling/referral", methods=["POST"])
@requires("monitoring.handle")
def handling_referral(case_id):
    return _handling_step(case_id, handling.referral)


from plugins.monitoring import views_calendar, views_enquiries, views_intake, views_statements  # noqa: E402,F401  their routes join bp
