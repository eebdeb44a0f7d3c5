"""The annual inspection's pages (第十条): a unit's checklist scored item by item, and the
rectifications it required, followed until closed."""
import io

from flask import abort, flash, redirect, render_template, request, url_for

from portal.plugin_api import (Department, InputError, Problems, StepView, current_user, flash_problems, read, requires,
                               run_step, send_download)

from plugins.accountability import inspection, parties, visibility
from plugins.accountability.inspection import FINDING_FIELDS, WORKFLOW
from plugins.accountability.models import FINDING_SCORE, Evidence, Finding, Item, Rectification
from plugins.accountability.views import bp, chosen_year, party_name, this_year, FIRST_YEAR, year_or_404


def inspected_unit_or_404(department_id: int):
    """第十条 inspects each branch and department (not the Party group)."""
    unit = Department.get_or_none(Department.id == department_id) if department_id else None
    if unit is None or unit.kind not in parties.PARTY_KINDS:
        abort(404)
    return unit


@bp.route("/inspections/<int:year>/<int:department_id>")
@requires("accountability.inspect")
def inspection_page(year, department_id):
    return render_inspection(year_or_404(year), inspected_unit_or_404(department_id))


def render_inspection(year, unit, refused=None, status=200):
    items = list(Item.select().where((Item.year == year) & (Item.department == unit.id)).order_by(Item.id))
    ids = [i.id for i in items]
    findings = {f.item_id: f for f in Finding.select().where(Finding.item.in_(ids))} if ids else {}
    rects = {r.finding_id: r for r in Rectification.select().where(Rectification.finding.in_(
        [f.id for f in findings.values()]))} if findings else {}
    accepted = {}
    for e in Evidence.select(Evidence.item).where(Evidence.item.in_(ids) & (Evidence.state == "accepted")) if ids else []:
        accepted[e.item_id] = accepted.get(e.item_id, 0) + 1
    scores = [f.score for f in findings.values()]
    return render_template("accountability/inspection.html", year=year, unit=unit, items=items, findings=findings,
                           rects=rects, accepted=accepted, fields=FINDING_FIELDS, refused=refused or {},
                           owners=parties.names([i.owner_id for i in items]), full=FINDING_SCORE,
                           total=sum(scores), most=FINDING_SCORE * len(scores),
                           default_owner=parties.holder(year, "unit_head", unit.id)), status


@bp.route("/inspections/<int:year>/<int:department_id>/<int:item_id>", methods=["POST"])
@requires("accountability.inspect")
def inspect_item(year, department_id, item_id):
    year, unit = year_or_404(year), inspected_unit_or_404(department_id)
    item = Item.get_or_none((Item.id == item_id) & (Item.year == year) & (Item.department == unit.id)) or abort(404)
    try:
        values = read(FINDING_FIELDS, request.form, problems=Problems())
        inspection.record_finding(item, values, request.form.get("version"), current_user._get_current_object())
    except InputError as exc:
        flash_problems(exc)
        return render_inspection(year, unit, {"item": item.id, "form": request.form},
                                 409 if isinstance(exc, inspection.StaleFinding) else 400)
    flash(f"已记录“{item.title}”的督查结果。", "success")
    return redirect(url_for("accountability.inspection_page", year=year, department_id=unit.id) + f"#item-{item.id}")


# -- rectifications ------------------------------------------------------------------------------

@bp.route("/rectifications")
@requires("accountability.view")
def rectification_list():
    year, user = chosen_year(), current_user._get_current_object()
    held = None if visibility.sees_all(user) else parties.holders(year)[0]
    rows = [r for r in Rectification.select().where(Rectification.year == year).order_by(Rectification.due_at)
            if visibility.may_read(user, r, held)]
    units = {u.id: u.name for u in parties.units()}
    return render_template("accountability/rectifications.html", year=year, rows=rows, units=units,
                           owners=parties.names(r.owner_id for r in rows), years=range(this_year(), FIRST_YEAR - 1, -1),
                           inspect_units=parties.units() if user.can("accountability.inspect") else [])


def visible_rectification(rect_id) -> Rectification:
    rect = Rectification.get_or_none(Rectification.id == rect_id)
    if rect is None or not visibility.may_read(current_user._get_current_object(), rect):
        abort(404)
    return rect


def rectification_context(rect, form=None):
    user = current_user._get_current_object()
    finding = Finding.get_by_id(rect.finding_id)
    item = Item.get_by_id(finding.item_id)
    return {"rect": rect, "finding": finding, "item": item,
            "unit_name": party_name(rect.department if rect.department_id else None),
            "owner": parties.names([rect.owner_id]).get(rect.owner_id), "workflow": WORKFLOW, "form": form,
            "steps": [WORKFLOW.step(s) for s in WORKFLOW.allowed_steps(rect, user)],
            "withheld": WORKFLOW.withheld(rect, user)}


RECT_VIEW = StepView(WORKFLOW, load=visible_rectification, page="accountability/rectification.html",
                     partial="accountability/_rectification.html", context=rectification_context,
                     url=lambda rect: url_for("accountability.rectification", rect_id=rect.id))


@bp.route("/rectifications/<int:rect_id>")
@requires("accountability.view")
def rectification(rect_id):
    return RECT_VIEW.render(visible_rectification(rect_id))


@bp.route("/rectifications/<int:rect_id>/do/<action>", methods=["POST"])
@requires("accountability.view")  # each step checks its own permission in the workflow
def rectification_act(rect_id, action):
    return run_step(RECT_VIEW, rect_id, action)


@bp.route("/rectifications/<int:rect_id>/file")
@requires("accountability.view")
def rectification_file(rect_id):
    rect = visible_rectification(rect_id)
    if rect.data is None:
        abort(404)
    return send_download(io.BytesIO(bytes(rect.data)), content_type=rect.content_type, filename=rect.filename)
