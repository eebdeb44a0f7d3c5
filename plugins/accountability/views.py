"""The accountability pages: responsible parties per year, the template, each party's checklist
and its items (their steps run through the process kit's one view)."""
import io

import peewee
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from portal.plugin_api import (Case, Department, Field, InputError, Problems, StepView, audit, bump, can_see,
                               current_user,
                               database, flash_problems, now, read, requires, run_step, send_download, whole_number)

from plugins.accountability import assessment as annual
from plugins.accountability import checklists, parties, references, reports, visibility
from plugins.accountability.models import Evidence, Finding, Item, Rectification, TemplateItem
from plugins.accountability.regulation import DUTIES, PARTY_GROUP, SCOPES, SOURCES
from plugins.accountability.workflow import WORKFLOW, owner_or_office

bp = Blueprint("accountability", __name__, template_folder="templates", url_prefix="/accountability")
FIRST_YEAR, LAST_YEAR = 2019, 2100  # the regulation dates from 2019


def this_year() -> int:
    return now().year


def year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return year


def chosen_year() -> int:
    year = whole_number(request.args.get("year", ""), LAST_YEAR)
    return year if year and year >= FIRST_YEAR else this_year()


def unit_or_404(department_id: int):
    """0 is the Party group (None); else a branch or department that answers for its work."""
    if department_id == 0:
        return None
    unit = Department.get_or_none((Department.id == department_id) & Department.kind.in_(parties.PARTY_KINDS))
    if unit is None:
        abort(404)
    return unit


def party_name(unit) -> str:
    return unit.name if unit else PARTY_GROUP


# -- the year at a glance ----------------------------------------------------------------------

@bp.route("/")
@requires("accountability.view")
def index():
    year = chosen_year()
    items = list(Item.select(Item.department, Item.state, Item.due_at).where(Item.year == year))
    rows, user = [], current_user._get_current_object()
    held = None if visibility.sees_all(user) else parties.holders(year)[0]
    for unit in [None, *parties.units()]:
        mine = [i for i in items if i.department_id == (unit.id if unit else None)]
        done, total = checklists.progress(mine)
        rows.append({"unit": unit, "name": party_name(unit), "done": done, "total": total,
                     "readable": visibility.may_read_unit(user, year, unit.id if unit else None, held),
                     "overdue": sum(1 for i in mine if i.overdue)})
    my_items = list(Item.select().where((Item.owner == current_user.id) & (Item.state == "open"))
                    .order_by(Item.due_at).limit(50))
    return render_template("accountability/index.html", year=year, rows=rows, my_items=my_items,
                           generated=bool(items), years=range(this_year() + 1, FIRST_YEAR - 1, -1))


# -- responsible parties (第三—五条) ------------------------------------------------------------

def duty_fields(unit_list) -> list[Field]:
    named = {u.id: u.name for u in unit_list}
    return [Field(f"{duty}-{dept or 0}", f"{named[dept] + '：' if dept else ''}{DUTIES[duty][0]}", "choice",
                  choices=lambda record: parties.people(), placeholder="（未指定）")
            for duty, dept in parties.keys(unit_list)]


@bp.route("/parties/<int:year>", methods=["GET", "POST"])
@requires("accountability.view")
def responsible(year):
    year = year_or_404(year)
    unit_list = parties.units()
    fields = duty_fields(unit_list)
    status = 200
    if request.method == "POST":
        if not current_user.can("accountability.manage"):
            abort(403)
        try:
            values = read(fields, request.form)
        except InputError as exc:
            flash_problems(exc)
            status = 400
        else:
            chosen = {(duty, dept): values[f"{duty}-{dept or 0}"] for duty, dept in parties.keys(unit_list)}
            with database.atomic():
                parties.save(year, chosen)
                audit.record("accountability.parties_set", f"设定{year}年度网络意识形态工作责任人",
                             object_type="accountability_year", object_id=year)
            flash(f"{year}年度责任人已保存。", "success")
            return redirect(url_for("accountability.responsible", year=year))
    held, was_set = parties.holders(year)
    shown = request.form if status == 400 else {f"{d}-{u or 0}": held.get((d, u)) for d, u in parties.keys(unit_list)}
    return render_template("accountability/parties.html", year=year, fields=fields, shown=shown, was_set=was_set,
                           names=parties.names(held.values()), held=held, unit_list=unit_list, DUTIES=DUTIES,
                           keys=parties.keys(unit_list), PARTY_GROUP=PARTY_GROUP), status


# -- the template --------------------------------------------------------------------------------

MONTH = "完成月份须为1至12之间的整数。"
TEMPLATE_FIELDS = (
    Field("article", "条款", "text", 30, required=True, placeholder="如：第六条（一）"),
    Field("title", "事项", "text", 120, required=True),
    Field("text", "工作要求", "textarea", 2000, required=True),
    Field("scope", "适用于", "choice", required=True, choices=list(SCOPES.items()), default="all"),
    Field("source", "系统佐证来源", "choice", choices=list(SOURCES.items()), default=""),
    Field("due_month", "完成月份", "whole", 12, required=True, default=12, hint="当年该月月底前完成（1—12）。",
          message=MONTH, check=lambda v, r: None if 1 <= v <= 12 else MONTH),
    Field("active", "启用（生成清单时列入）", "bool", default=True),
)


@bp.route("/template", methods=["GET", "POST"])
@requires("accountability.manage")
def template():
    status, form = 200, None
    if request.method == "POST":
        try:
            values = read(TEMPLATE_FIELDS, request.form)
        except InputError as exc:
            flash_problems(exc)
            status, form = 400, request.form
        else:
            with database.atomic():
                last = TemplateItem.select().order_by(TemplateItem.sort_order.desc()).first()
                row = TemplateItem.create(sort_order=(last.sort_order + 10) if last else 0, **values)
                audit.record("accountability.template_added", f"清单模板新增事项：{row.title}", obj=row)
            flash("已加入清单模板；以后生成的清单列入此项。", "success")
            return redirect(url_for("accountability.template"))
    with database.atomic():
        checklists.seed_template()
    rows = list(TemplateItem.select().order_by(TemplateItem.sort_order, TemplateItem.id))
    return render_template("accountability/template.html", rows=rows, fields=TEMPLATE_FIELDS, form=form,
                           year=this_year()), status


@bp.route("/template/<int:template_id>", methods=["GET", "POST"])
@requires("accountability.manage")
def template_item(template_id):
    row = TemplateItem.get_or_none(TemplateItem.id == template_id) or abort(404)
    status, form = 200, None
    if request.method == "POST":
        p = Problems()
        try:
            values = read(TEMPLATE_FIELDS, request.form, problems=p)
            with database.atomic():
                bump(row, request.form.get("version"), **values)
                audit.record("accountability.template_edited", f"修改清单模板事项：{row.title}", obj=row)
        except InputError as exc:
            flash_problems(exc)
            status, form = (409 if "已被他人更新" in str(exc) else 400), request.form
        else:
            flash("模板事项已保存；已生成的清单不受影响。", "success")
            return redirect(url_for("accountability.template"))
    shown = form or {f.name: getattr(row, f.name) for f in TEMPLATE_FIELDS}
    return render_template("accountability/template_item.html", row=row, fields=TEMPLATE_FIELDS, shown=shown), status


@bp.route("/checklists/<int:year>/generate", methods=["POST"])
@requires("accountability.manage")
def generate(year):
    year = year_or_404(year)
    made = checklists.generate(year, current_user._get_current_object())
    flash(f"已生成{year}年度责任清单，新增{made}项。" if made else f"{year}年度清单已是最新，没有新增事项。", "success")
    return redirect(url_for("accountability.index", year=year))


# -- a party's checklist and its items -----------------------------------------------------------

@bp.route("/checklists/<int:year>/<int:department_id>")
@requires("accountability.view")
def checklist(year, department_id):
    year, unit = year_or_404(year), unit_or_404(department_id)
    if not visibility.may_read_unit(current_user._get_current_object(), year, unit.id if unit else None):
        abort(403)
    items = list(Item.select().where((Item.year == year) & (Item.department == (unit.id if unit else None)))
                 .order_by(Item.id))
    done, total = checklists.progress(items)
    held, _ = parties.holders(year)
    first = held.get(("unit_head", unit.id)) if unit else held.get(("secretary", None))
    return render_template("accountability/checklist.html", year=year, unit=unit, name=party_name(unit), items=items,
                           done=done, total=total, owners=parties.names(i.owner_id for i in items),
                           first=parties.names([first]).get(first))


def visible_item(item_id) -> Item:
    item = Item.get_or_none(Item.id == item_id)
    if item is None or not visibility.may_read(current_user._get_current_object(), item):
        abort(404)
    return item


def item_context(item, form=None):
    user = current_user._get_current_object()
    rows = list(Evidence.select(Evidence.id, Evidence.item, Evidence.state, Evidence.source, Evidence.case,
                                Evidence.filename, Evidence.note, Evidence.added_at, Evidence.ref_kind,
                                Evidence.ref_id, Evidence.ref_label, Evidence.ref_day)
                .where(Evidence.item == item.id).order_by(Evidence.state != "proposed", Evidence.id))
    referenced = references.status(item, user, rows)
    cases = {c.id: c for c in Case.select().where(Case.id.in_([e.case_id for e in rows if e.case_id]))}
    evidence = []
    for e in rows:
        case = cases.get(e.case_id)
        evidence.append({"row": e, "case": case if case and can_see(user, case) else None, "hidden": case is not None
                         and not can_see(user, case), "ref": referenced.get(e.id)})
    finding = Finding.get_or_none(Finding.item == item.id)
    rect = Rectification.get_or_none(Rectification.finding == finding.id) if finding else None
    may_decide = item.state == "open" and owner_or_office(item, user) and user.can("accountability.work")
    offered = references.fields(item, user)[0] if may_decide else ()
    return {"item": item, "finding": finding, "reference_fields": offered if offered and offered[0].choices else (), "rect": rect, "unit_name": party_name(item.department if item.department_id else None),
            "owner": parties.names([item.owner_id]).get(item.owner_id), "evidence": evidence,
            "workflow": WORKFLOW, "steps": [WORKFLOW.step(s) for s in WORKFLOW.allowed_steps(item, user)],
            "withheld": WORKFLOW.withheld(item, user), "form": form,
            "may_decide": may_decide}


STEPS_VIEW = StepView(WORKFLOW, load=visible_item, page="accountability/item.html",
                      partial="accountability/_item.html", context=item_context,
                      url=lambda item: url_for("accountability.item", item_id=item.id))


@bp.route("/items/<int:item_id>")
@requires("accountability.view")
def item(item_id):
    return STEPS_VIEW.render(visible_item(item_id))


@bp.route("/items/<int:item_id>/do/<action>", methods=["POST"])
@requires("accountability.view")  # each step checks its own permission in the workflow
def act(item_id, action):
    return run_step(STEPS_VIEW, item_id, action)


def decidable(item_id) -> Item:
    item = visible_item(item_id)
    user = current_user._get_current_object()
    if not (user.can("accountability.work") and owner_or_office(item, user)):
        abort(403)
    return item


@bp.route("/items/<int:item_id>/propose", methods=["POST"])
@requires("accountability.work")
def propose(item_id):
    item = decidable(item_id)
    if item.state != "open" or not item.source:
        flash("本项没有可由系统查找的佐证来源，或已完成。", "error")
    else:
        found = checklists.propose(item, current_user._get_current_object())
        flash(f"找到{found}条新的佐证记录，请逐条确认是否采用。" if found else "没有找到新的佐证记录。", "success")
    return redirect(url_for("accountability.item", item_id=item.id))


@bp.route("/items/<int:item_id>/evidence/<int:evidence_id>/<any(accept, reject):decision>", methods=["POST"])
@requires("accountability.work")
def decide(item_id, evidence_id, decision):
    item = decidable(item_id)
    evidence = Evidence.get_or_none((Evidence.id == evidence_id) & (Evidence.item == item.id)) or abort(404)
    state = {"accept": "accepted", "reject": "rejected"}[decision]
    if item.state != "open":
        flash("本项已完成，佐证材料不能再更改。", "error")
        return redirect(url_for("accountability.item", item_id=item.id))
    with database.atomic():
        changed = (Evidence.update(state=state, decided_by=current_user.id, decided_at=now())
                   .where((Evidence.id == evidence.id) & (Evidence.state != state)).execute())
        if changed:
            audit.record(f"accountability.evidence_{'accepted' if state == 'accepted' else 'rejected'}",
                         f"{'采用' if state == 'accepted' else '不采用'}佐证记录：{item.title}", obj=item)
    flash("已采用该佐证记录。" if state == "accepted" else "已标记为不采用。", "success")
    return redirect(url_for("accountability.item", item_id=item.id))


@bp.route("/items/<int:item_id>/references", methods=["POST"])
@requires("accountability.work")
def attach_reference(item_id):
    """采用其他模块的记录 (a training of the commentator team …) as evidence of the item."""
    item = decidable(item_id)
    try:
        row = references.attach(item, current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("accountability.item", item_id=item.id) + "#evidence"), 303
    flash(f"已采用佐证记录：{row.ref_label}。", "success")
    return redirect(url_for("accountability.item", item_id=item.id) + "#evidence")


@bp.route("/items/<int:item_id>/evidence/<int:evidence_id>")
@requires("accountability.view")
def evidence_file(item_id, evidence_id):
    item = visible_item(item_id)
    row = Evidence.get_or_none((Evidence.id == evidence_id) & (Evidence.item == item.id) & Evidence.data.is_null(False))
    if row is None:
        abort(404)
    return send_download(io.BytesIO(bytes(row.data)), content_type=row.content_type, filename=row.filename)


# -- regular analysis reports (第七条（三）) -----------------------------------------------------

SCHEDULE_FIELDS = (
    Field("period", "报送周期", "choice", required=True, choices=[(k, v[0]) for k, v in reports.PERIODS.items()]),
    Field("due_days", "期满后报送天数", "whole", reports.MAX_DUE_DAYS, required=True,
          hint=f"每期结束后多少日内报送（0—{reports.MAX_DUE_DAYS}）。"),
)
REPORT_FIELDS = (Field("text", "报告内容", "textarea", 5000, required=True, rows=8,
                       placeholder="本期网络意识形态领域情况、重大事件和重要舆情中倾向性、苗头性问题，以及建议。"),)


@bp.route("/reports")
@requires("accountability.view")
def report_list():
    year = chosen_year()
    unit_list, at = parties.units(), now()
    rows = []
    for p in reports.periods(year):
        done = reports.filed(p)
        missing = [u for u in unit_list if u.id not in done]
        rows.append({"period": p, "filed": done, "missing": missing, "late": at >= p.due, "open": p.start <= at})
    kind, days = reports.schedule()
    return render_template("accountability/reports.html", year=year, rows=rows, unit_list=unit_list,
                           fields=SCHEDULE_FIELDS, shown={"period": kind, "due_days": days},
                           years=range(this_year(), FIRST_YEAR - 1, -1))


@bp.route("/reports/schedule", methods=["POST"])
@requires("accountability.manage")
def report_schedule():
    try:
        values = read(SCHEDULE_FIELDS, request.form)
    except InputError as exc:
        flash_problems(exc)
    else:
        reports.set_schedule(values["period"], values["due_days"], current_user._get_current_object())
        flash("报送周期已保存。", "success")
    return redirect(url_for("accountability.report_list"))


@bp.route("/reports/<int:year>/<int:number>/<int:department_id>", methods=["GET", "POST"])
@requires("accountability.view")
def report(year, number, department_id):
    year = year_or_404(year)
    p = reports.period(year, number)
    unit = unit_or_404(department_id) if department_id else None
    if p is None or unit is None:
        abort(404)
    user = current_user._get_current_object()
    existing = reports.filed(p).get(unit.id)
    status = 200
    if request.method == "POST":
        if not reports.may_file(user, unit, year):
            abort(403)
        if existing is not None:
            flash("本期报告已报送，不能重复报送。", "error")
            return redirect(url_for("accountability.report", year=year, number=number, department_id=unit.id))
        try:
            values = read(REPORT_FIELDS, request.form)
        except InputError as exc:
            flash_problems(exc)
            status = 400
        else:
            try:
                reports.file(p, unit, values["text"], user)
            except peewee.IntegrityError:
                flash("本期报告已报送，不能重复报送。", "error")
            else:
                flash(f"已报送{unit.name}{p.label}分析研判报告。", "success")
            return redirect(url_for("accountability.report", year=year, number=number, department_id=unit.id))
    return render_template("accountability/report.html", period=p, unit=unit, report=existing, fields=REPORT_FIELDS,
                           shown=request.form if status == 400 else {}, may_file=reports.may_file(user, unit, year),
                           filer=parties.names([existing.filed_by_id]).get(existing.filed_by_id) if existing else None
                           ), status


# -- the annual target assessment (第十条) ---------------------------------------------------------

@bp.route("/assessment")
@requires("accountability.oversee")
def assessment():
    year, user = chosen_year(), current_user._get_current_object()
    with_records = user.can("accountability.records")
    return render_template("accountability/assessment.html", year=year, rows=annual.table(year, with_records),
                           columns=annual.columns(with_records), with_records=with_records,
                           years=range(this_year(), FIRST_YEAR - 1, -1))


@bp.route("/assessment/<int:year>.xlsx")
@requires("accountability.oversee")
def assessment_excel(year):
    year = year_or_404(year)
    data = annual.excel(year, current_user.can("accountability.records"))
    return send_download(io.BytesIO(data), filename=f"{year}年度网络意识形态工作责任目标考核表.xlsx",
                         content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
