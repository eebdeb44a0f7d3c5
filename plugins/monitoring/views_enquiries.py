"""The monitoring desk's pages of media enquiries (媒体采访/问询)."""
from flask import abort, flash, redirect, render_template, request, url_for

from portal.plugin_api import InputError, current_user, flash_problems, requires

from plugins.monitoring import enquiries
from plugins.monitoring.models import Enquiry
from plugins.monitoring.views import bp


def enquiries_page(form=None, status=200):
    rows = list(Enquiry.select().order_by(Enquiry.closed_at.is_null(False), Enquiry.received_at.desc()).limit(200))
    return render_template("monitoring/enquiries.html", rows=rows, fields=enquiries.NEW_FIELDS, form=form,
                           open_count=enquiries.open_count()), status


@bp.route("/enquiries")
@requires("monitoring.enquiry")
def enquiry_list():
    return enquiries_page()


@bp.route("/enquiries", methods=["POST"])
@requires("monitoring.enquiry")
def record_enquiry():
    try:
        row = enquiries.record(current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return enquiries_page(request.form, 400)
    flash("已登记媒体问询，并通知办公室统一答复。请勿自行接受采访。", "success")
    return redirect(url_for("monitoring.enquiry", enquiry_id=row.id))


def enquiry_or_404(enquiry_id) -> Enquiry:
    return Enquiry.get_or_none(Enquiry.id == enquiry_id) or abort(404)


@bp.route("/enquiries/<int:enquiry_id>")
@requires("monitoring.enquiry")
def enquiry(enquiry_id):
    row = enquiry_or_404(enquiry_id)
    return render_template("monitoring/enquiry.html", row=row, ANSWER_FIELDS=enquiries.ANSWER_FIELDS)


def _act(enquiry_id, run, done):
    row = enquiry_or_404(enquiry_id)
    try:
        run(row)
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("monitoring.enquiry", enquiry_id=row.id)), 303
    flash(done, "success")
    return redirect(url_for("monitoring.enquiry", enquiry_id=row.id))


@bp.route("/enquiries/<int:enquiry_id>/answer", methods=["POST"])
@requires("monitoring.enquiry_answer")
def answer_enquiry(enquiry_id):
    return _act(enquiry_id, lambda r: enquiries.answer(r, current_user._get_current_object(), request.form,
                                                       request.form.get("version")), "已记录答复及采用的口径版本。")


@bp.route("/enquiries/<int:enquiry_id>/close", methods=["POST"])
@requires("monitoring.enquiry_answer")
def close_enquiry(enquiry_id):
    return _act(enquiry_id, lambda r: enquiries.close(r, current_user._get_current_object(),
                                                      request.form.get("version")), "该问询已办结。")
