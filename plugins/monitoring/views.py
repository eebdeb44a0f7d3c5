"""The monitoring desk's pages: the overview, the watch list and its hits, the case panel,
sensitive periods and their roster, imports and their candidates."""
import json
from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from peewee import fn

from portal.plugin_api import (CATEGORIES, Case, Department, InputError, Stale, User, case_or_404, current_user,
                               flash_problems, jobs, now, requires, visible)

from plugins.monitoring import imports, patrol, periods, roster, sheets, watchlist
from plugins.monitoring.models import (Batch, Candidate, Hit, Patrol, PatrolPosition, Period, Position, Service, Shift,
                                      Topic, TopicDepartment)

bp = Blueprint("monitoring", __name__, template_folder="templates", url_prefix="/monitoring")


def hits_query(user, since=None, department=None):
    """The hits on cases ``user`` may see, newest first, with their case and topic."""
    query = Hit.select(Hit, Case, Topic).join(Case).switch(Hit).join(Topic)
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


# -- sensitive periods ---------------------------------------------------------------------------

def periods_page(form=None, status=200):
    at = now()
    rows = list(Period.select().order_by(Period.starts_at.desc()).limit(100))
    return render_template("monitoring/periods.html", rows=rows, now=at, current=periods.covering(at),
                           fields=periods.FIELDS, form=form), status


@bp.route("/periods")
@requires("monitoring.view")
def period_list():
    return periods_page()


@bp.route("/periods", methods=["POST"])
@requires("monitoring.manage")
def add_period():
    try:
        period = periods.add(current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return periods_page(request.form, 400)
    flash(f"已设置特殊时期：{periods.describe(period)}。期间舆情分级按特殊时期标准。", "success")
    return redirect(url_for("monitoring.period_list"))


def period_or_404(period_id) -> Period:
    return Period.get_or_none(Period.id == period_id) or abort(404)


def period_page(period, form=None, status=200, shift_form=None):
    shown = form or {f.name: getattr(period, f.name) for f in periods.FIELDS}
    shifts = list(Shift.select(Shift, User).join(User).where(Shift.period == period.id).order_by(Shift.starts_at))
    return render_template("monitoring/period.html", period=period, fields=periods.FIELDS, shown=shown,
                           shifts=shifts, gaps=roster.gaps(period.starts_at, period.ends_at, shifts), now=now(),
                           shift_fields=roster.FIELDS, shift_form=shift_form or {}, HANDOVER=roster.HANDOVER,
                           may_hand_over=roster.may_hand_over), status


@bp.route("/periods/<int:period_id>")
@requires("monitoring.view")
def period(period_id):
    return period_page(period_or_404(period_id))


@bp.route("/periods/<int:period_id>", methods=["POST"])
@requires("monitoring.manage")
def edit_period(period_id):
    period = period_or_404(period_id)
    try:
        periods.edit(period, current_user._get_current_object(), request.form, request.form.get("version"))
    except InputError as exc:
        flash_problems(exc)
        return period_page(period, request.form, 409 if isinstance(exc, Stale) else 400)
    flash(f"已保存：{periods.describe(period)}。", "success")
    return redirect(url_for("monitoring.period_list"))


@bp.route("/periods/<int:period_id>/remove", methods=["POST"])
@requires("monitoring.manage")
def remove_period(period_id):
    period = period_or_404(period_id)
    try:
        periods.remove(period, current_user._get_current_object(), request.form.get("version"))
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("monitoring.period", period_id=period.id)), 303
    flash(f"已删除特殊时期：{period.name}。", "success")
    return redirect(url_for("monitoring.period_list"))


# -- the duty roster -----------------------------------------------------------------------------

@bp.route("/periods/<int:period_id>/shifts", methods=["POST"])
@requires("monitoring.manage")
def add_shift(period_id):
    period = period_or_404(period_id)
    try:
        shift = roster.add_shift(period, current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return period_page(period, status=400, shift_form=request.form)
    flash(f"已排班：{shift.monitor.name} {roster.describe(shift)}。", "success")
    return redirect(url_for("monitoring.period", period_id=period.id))


def shift_or_404(shift_id) -> Shift:
    return Shift.get_or_none(Shift.id == shift_id) or abort(404)


@bp.route("/shifts/<int:shift_id>/remove", methods=["POST"])
@requires("monitoring.manage")
def remove_shift(shift_id):
    shift = shift_or_404(shift_id)
    try:
        roster.remove_shift(shift, current_user._get_current_object(), request.form.get("version"))
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("monitoring.period", period_id=shift.period_id)), 303
    flash(f"已取消班次：{shift.monitor.name} {roster.describe(shift)}。", "success")
    return redirect(url_for("monitoring.period", period_id=shift.period_id))


@bp.route("/shifts/<int:shift_id>/handover", methods=["POST"])
@requires("monitoring.duty")
def handover(shift_id):
    shift = shift_or_404(shift_id)
    if not roster.may_hand_over(shift, current_user):
        abort(403)
    try:
        roster.hand_over(shift, current_user._get_current_object(), request.form, request.form.get("version"))
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("monitoring.period", period_id=shift.period_id)), 303
    flash("交接班记录已保存。", "success")
    return redirect(url_for("monitoring.period", period_id=shift.period_id))


@bp.route("/duty")
@requires("monitoring.view")
def duty():
    at = now()
    mine = list(Shift.select(Shift, Period).join(Period)
                .where((Shift.monitor == current_user.id) & (Shift.ends_at > at)).order_by(Shift.starts_at).limit(20))
    handovers = list(Shift.select(Shift, User).join(User).where(Shift.handover_at.is_null(False))
                     .order_by(Shift.ends_at.desc()).limit(10))
    return render_template("monitoring/duty.html", current=roster.current_shifts(at), period=periods.covering(at),
                           mine=mine, handovers=handovers, upcoming=upcoming_with_gaps(at))


def upcoming_with_gaps(at) -> list[tuple]:
    """[(period, gaps)] of the periods not over yet whose roster leaves stretches uncovered."""
    found = []
    for p in periods.upcoming(at):
        left = [(max(a, at), b) for a, b in roster.period_gaps(p) if b > at]
        if left:
            found.append((p, left))
    return found


# -- imports from monitoring services ------------------------------------------------------------

@bp.route("/imports")
@requires("monitoring.import")
def import_list():
    batches = list(Batch.select(Batch.id, Batch.filename, Batch.state, Batch.rows, Batch.imported, Batch.duplicates,
                                Batch.rejected, Batch.uploaded_at, Batch.service, Service.name)
                   .join(Service).order_by(Batch.id.desc()).limit(50))
    return render_template("monitoring/imports.html", batches=batches,
                           services=[s.name for s in Service.select().order_by(Service.name)])


@bp.route("/imports", methods=["POST"])
@requires("monitoring.import")
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("请选择要导入的文件。", "error")
        return redirect(url_for("monitoring.import_list")), 303
    try:
        batch = imports.upload(current_user._get_current_object(), request.form.get("service", ""), file.filename,
                               file.read(imports.MAX_BYTES + 1))
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("monitoring.import_list")), 303
    return redirect(url_for("monitoring.batch", batch_id=batch.id))


def batch_or_404(batch_id) -> Batch:
    return Batch.get_or_none(Batch.id == batch_id) or abort(404)


@bp.route("/imports/<int:batch_id>")
@requires("monitoring.import")
def batch(batch_id):
    b = batch_or_404(batch_id)
    shown = None
    if b.state == "preview":
        try:
            shown = imports.preview(b)
        except InputError as exc:
            flash_problems(exc)
    return render_template("monitoring/batch.html", batch=b, shown=shown, FIELDS=sheets.FIELDS,
                           report=json.loads(b.report or "[]"))


@bp.route("/imports/<int:batch_id>/mapping", methods=["POST"])
@requires("monitoring.import")
def mapping(batch_id):
    b = batch_or_404(batch_id)
    try:
        imports.save_mapping(b, request.form)
    except InputError as exc:
        flash_problems(exc)
    else:
        flash(f"已记住“{b.service.name}”的列对应关系。", "success")
    return redirect(url_for("monitoring.batch", batch_id=b.id)), 303


@bp.route("/imports/<int:batch_id>/confirm", methods=["POST"])
@requires("monitoring.import")
def confirm(batch_id):
    b = batch_or_404(batch_id)
    if b.state != "preview":
        flash("该文件已导入。", "error")
        return redirect(url_for("monitoring.batch", batch_id=b.id)), 303
    try:
        table = imports.load(b)
        if lacking := imports.missing(imports.mapping_of(b, table)):
            raise InputError(f"请先指定“{'”“'.join(lacking)}”对应的列。")
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("monitoring.batch", batch_id=b.id)), 303
    job = jobs.enqueue("monitoring.import", owner=current_user._get_current_object(),
                       title=f"导入 {b.filename}", reuse=True, batch_id=b.id)
    return jobs.response(job)


@bp.route("/candidates")
@requires("monitoring.import")
def candidates():
    waiting = Candidate.select().where(Candidate.state == "waiting")
    done = list(Candidate.select().where(Candidate.state != "waiting").order_by(Candidate.decided_at.desc()).limit(30))
    shown_cases = {c.id: c for c in visible(Case.select(Case.id, Case.number), current_user)
                   .where(Case.id.in_([d.case_id for d in done if d.case_id]))}
    return render_template("monitoring/candidates.html", waiting=list(waiting.order_by(Candidate.posted_at.desc())
                                                                       .limit(100)),
                           count=waiting.count(), done=done, shown_cases=shown_cases,
                           ACCEPT_FIELDS=imports.ACCEPT_FIELDS, DISMISS=imports.DISMISS,
                           matcher=watchlist.matcher(), topics={t.id: t for t in Topic.select()})


def candidate_or_404(candidate_id) -> Candidate:
    return Candidate.get_or_none(Candidate.id == candidate_id) or abort(404)


@bp.route("/candidates/<int:candidate_id>/accept", methods=["POST"])
@requires("monitoring.import", "case.register")
def accept(candidate_id):
    c = candidate_or_404(candidate_id)
    try:
        case = imports.accept(c, current_user._get_current_object(), request.form.get("version"), request.form)
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("monitoring.candidates")), 303
    flash(f"已受理登记为舆情事项 {case.number}。", "success")
    return redirect(url_for("monitoring.candidates"))


@bp.route("/candidates/<int:candidate_id>/dismiss", methods=["POST"])
@requires("monitoring.import")
def dismiss(candidate_id):
    c = candidate_or_404(candidate_id)
    try:
        imports.dismiss(c, current_user._get_current_object(), request.form.get("version"), request.form)
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("monitoring.candidates")), 303
    flash("已排除该线索。", "success")
    return redirect(url_for("monitoring.candidates"))


# -- daily patrol and online positions -----------------------------------------------------------

def patrols_page(form=None, status=200):
    rows = list(Patrol.select(Patrol, User).join(User).order_by(Patrol.day.desc()).limit(30))
    checked = {}
    for row in (PatrolPosition.select(PatrolPosition.patrol, Position.name).join(Position)
                .where(PatrolPosition.patrol.in_([r.id for r in rows]))):
        checked.setdefault(row.patrol_id, []).append(row.position.name)
    return render_template("monitoring/patrols.html", rows=rows, checked=checked, missed=patrol.missed_days(),
                           fields=patrol.PATROL_FIELDS, form=form, back=patrol.LOOK_BACK), status


@bp.route("/patrols")
@requires("monitoring.view")
def patrols():
    return patrols_page()


@bp.route("/patrols", methods=["POST"])
@requires("monitoring.patrol")
def record_patrol():
    try:
        row = patrol.record_patrol(current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return patrols_page(request.form, 400)
    flash(f"已记录{row.day:%Y-%m-%d}的日常巡查。", "success")
    return redirect(url_for("monitoring.patrols"))


def positions_page(form=None, status=200):
    rows = list(Position.select(Position, Department).join(Department).order_by(Department.sort_order, Position.id))
    managers = {u.id: u.name for u in User.select(User.id, User.name)
                .where(User.id.in_([r.manager_id for r in rows if r.manager_id]))}
    return render_template("monitoring/positions.html", rows=rows, managers=managers, fields=patrol.POSITION_FIELDS,
                           form=form), status


@bp.route("/positions")
@requires("monitoring.view")
def positions():
    return positions_page()


@bp.route("/positions", methods=["POST"])
@requires("monitoring.manage")
def add_position():
    try:
        row = patrol.save_position(None, current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return positions_page(request.form, 400)
    flash(f"已登记网络阵地：{row.name}。", "success")
    return redirect(url_for("monitoring.positions"))


def position_or_404(position_id) -> Position:
    return Position.get_or_none(Position.id == position_id) or abort(404)


def position_page(row, form=None, status=200):
    shown = form or {"department": row.department_id, "kind": row.kind, "name": row.name, "url": row.url,
                     "manager": row.manager_id or "", "active": row.active}
    return render_template("monitoring/position.html", row=row, fields=patrol.POSITION_FIELDS, shown=shown), status


@bp.route("/positions/<int:position_id>")
@requires("monitoring.view")
def position(position_id):
    return position_page(position_or_404(position_id))


@bp.route("/positions/<int:position_id>", methods=["POST"])
@requires("monitoring.manage")
def edit_position(position_id):
    row = position_or_404(position_id)
    try:
        patrol.save_position(row, current_user._get_current_object(), request.form, request.form.get("version"))
    except InputError as exc:
        flash_problems(exc)
        return position_page(row, request.form, 409 if isinstance(exc, Stale) else 400)
    flash(f"已保存：{row.name}。", "success")
    return redirect(url_for("monitoring.positions"))
