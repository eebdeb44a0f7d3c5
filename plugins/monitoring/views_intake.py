"""The monitoring desk's pages of intake and its people: imports from monitoring services and their
candidates, the daily patrol, the register of online positions, the commentator team."""
import json

from flask import abort, flash, redirect, render_template, request, url_for

from portal.plugin_api import (Case, Department, InputError, Stale, User, current_user, flash_problems, jobs, now,
                               requires, visible)

from plugins.monitoring import imports, patrol, sheets, team, watchlist
from plugins.monitoring.models import (Batch, Candidate, Commentator, Patrol, PatrolPosition, Position, Service, Topic,
                                      Training)
from plugins.monitoring.views import bp


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


# -- the commentator team ------------------------------------------------------------------------

def team_page(member_form=None, training_form=None, status=200):
    year = now().year
    return render_template("monitoring/team.html", year=year, rows=team.year_record(year),
                           trainings=list(Training.select().order_by(Training.held_on.desc()).limit(20)),
                           member_fields=team.MEMBER_FIELDS, training_fields=team.TRAINING_FIELDS,
                           member_form=member_form, training_form=training_form), status


@bp.route("/team")
@requires("monitoring.view")
def team_index():
    return team_page()


@bp.route("/team", methods=["POST"])
@requires("monitoring.manage")
def add_member():
    try:
        member = team.add_member(current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return team_page(member_form=request.form, status=400)
    flash(f"{member.user.name}已加入网络评论员队伍。", "success")
    return redirect(url_for("monitoring.team_index"))


@bp.route("/trainings", methods=["POST"])
@requires("monitoring.manage")
def record_training():
    try:
        training = team.record_training(current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return team_page(training_form=request.form, status=400)
    flash(f"已记录培训：{training.topic}。", "success")
    return redirect(url_for("monitoring.training", training_id=training.id))


@bp.route("/trainings/<int:training_id>")
@requires("monitoring.view")
def training(training_id):
    row = Training.get_or_none(Training.id == training_id) or abort(404)
    present = {a.commentator_id for a in row.attendance}
    everyone = list(Commentator.select(Commentator, User).join(User).order_by(User.id))
    return render_template("monitoring/training.html", row=row, present=present,
                           members=[m for m in everyone if m.joined_on <= row.held_on])
