"""The accountability records' pages (第九条): list and search, register, read, correct, attach
and download documents. Every route needs ``accountability.records``; nobody else learns that
a record exists (the permission check comes before any lookup)."""
import io

from flask import abort, flash, redirect, render_template, request, url_for

from portal.plugin_api import (Department, InputError, clean_text, current_user, flash_problems, read, requires, send_download)

from plugins.accountability import parties, records
from plugins.accountability.models import Record, RecordDocument
from plugins.accountability.records import DOCUMENT, FIELDS, PERMISSION
from plugins.accountability.regulation import SITUATIONS
from plugins.accountability.views import FIRST_YEAR, bp, this_year, whole_number


@bp.route("/records")
@requires(PERMISSION)
def record_list():
    year = whole_number(request.args.get("year", ""), 2100) or None
    q = clean_text(request.args.get("q", ""))[:50]
    rows = records.search(year, q)
    return render_template("accountability/records.html", rows=rows, year=year, q=q, situations=SITUATIONS,
                           units={u.id: u.name for u in parties.units()}, years=range(this_year(), FIRST_YEAR - 1, -1))


def form_page(record, form, status):
    return render_template("accountability/record_form.html", record=record, fields=FIELDS, form=form), status


@bp.route("/records/new", methods=["GET", "POST"])
@requires(PERMISSION)
def record_new():
    if request.method == "GET":
        return form_page(None, {}, 200)
    try:
        values = read(FIELDS, request.form)
    except InputError as exc:
        flash_problems(exc)
        return form_page(None, request.form, 400)
    record = records.create(values, current_user._get_current_object())
    flash("问责记录已登记。", "success")
    return redirect(url_for("accountability.record", record_id=record.id))


def record_or_404(record_id) -> Record:
    return Record.get_or_none(Record.id == record_id) or abort(404)


@bp.route("/records/<int:record_id>")
@requires(PERMISSION)
def record(record_id):
    row = record_or_404(record_id)
    documents = list(RecordDocument.select(RecordDocument.id, RecordDocument.filename, RecordDocument.added_at)
                     .where(RecordDocument.record == row.id).order_by(RecordDocument.id))
    unit = Department.get_or_none(Department.id == row.department_id) if row.department_id else None
    return render_template("accountability/record.html", record=row, documents=documents, situations=SITUATIONS,
                           unit=unit, document_field=DOCUMENT,
                           creator=parties.names([row.created_by_id]).get(row.created_by_id))


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
@requires(PERMISSION)
def record_edit(record_id):
    row = record_or_404(record_id)
    if request.method == "GET":
        shown = {f.name: getattr(row, f.name) for f in FIELDS}
        shown.update(department=row.department_id, situations=row.situation_numbers)
        return form_page(row, shown, 200)
    try:
        values = read(FIELDS, request.form)
        records.edit(row, request.form.get("version"), values, current_user._get_current_object())
    except InputError as exc:
        flash_problems(exc)
        return form_page(row, request.form, 409 if isinstance(exc, records.StaleRecord) else 400)
    flash("问责记录已保存。", "success")
    return redirect(url_for("accountability.record", record_id=row.id))


@bp.route("/records/<int:record_id>/documents", methods=["POST"])
@requires(PERMISSION)
def record_attach(record_id):
    row = record_or_404(record_id)
    try:
        values = read((DOCUMENT,), request.form, request.files)
    except InputError as exc:
        flash_problems(exc)
    else:
        records.attach(row, values["file"], current_user._get_current_object())
        flash("问责文书已添加。", "success")
    return redirect(url_for("accountability.record", record_id=row.id))


@bp.route("/records/<int:record_id>/documents/<int:document_id>")
@requires(PERMISSION)
def record_document(record_id, document_id):
    row = record_or_404(record_id)
    doc = RecordDocument.get_or_none((RecordDocument.id == document_id) & (RecordDocument.record == row.id))
    if doc is None:
        abort(404)
    return send_download(io.BytesIO(bytes(doc.data)), content_type=doc.content_type, filename=doc.filename)
