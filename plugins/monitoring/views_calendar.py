"""The monitoring desk's pages of the sensitive periods: the calendar, each period's 24-hour duty
roster with its gaps and handover notes, and who is on duty now."""
from flask import abort, flash, redirect, render_template, request, url_for

from portal.plugin_api import InputError, Stale, User, current_user, flash_problems, now, requires

from plugins.monitoring import periods, roster
from plugins.monitoring.models import Period, Shift
from plugins.monitoring.views import bp


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
