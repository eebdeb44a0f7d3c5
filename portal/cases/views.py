"""Case pages: the list, intake, the case page with its steps, attachments, the dossier."""
import operator
from collections import namedtuple
from functools import reduce

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from peewee import SQL, Select, fn

from portal import audit, scheduled, uploads
from portal.auth.permissions import requires
from portal.cases import access, attachments, deadlines, queries, workflow
from portal.cases.access import PERMISSIONS
from portal.cases.forms import text
from portal.cases.models import (
    CATEGORIES, CONFIDENTIALITY, MODELS, SOURCES, STATES, Attachment, Case, CaseCoDepartment, Explanation, Extension,
    ReplyDraft, Supervision, Urging,
)
from portal.db import IdsIn, Param, compiled, database, from_json, json_object_of, now
from portal.downloads import send_download
from portal.hookspecs import hookimpl
from portal.inputs import InputError, Problems, flash_problems
from portal.org.models import Department
from portal.plugins import NavItem, Section, Widget, collect
from portal.settings import MODELS as SETTING_MODELS
from portal.process import StepView, partial_request, run_step

bp = Blueprint("cases", __name__, url_prefix="/cases")


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_models():
    return MODELS + SETTING_MODELS


@hookimpl
def portal_permissions():
    return PERMISSIONS


@hookimpl
def portal_nav_items(user):
    items = [NavItem("我的待办", "/cases/todo", order=10), NavItem("舆情事项", "/cases/", order=20)]
    if user.can("case.register"):
        items.append(NavItem("受理登记", "/cases/new", order=30))
    return items


@hookimpl
def portal_dashboard_widgets(user):
    if not user.can("case.view"):
        return None
    html = render_template("cases/widget_todo.html", groups=queries.todo_counts(user), alerts=queries.open_alerts(user))
    return Widget("我的待办", Markup(html), order=10)


@hookimpl
def portal_department_sections(department, user):
    f = queries.CaseFilter(department=department.id, sort="due")
    rows = queries.rows_of(lambda: queries.open_of_department(department.id, user),
                           key=("department_section", queries.statement_key(f, user)))
    html = render_template("cases/section_department.html", cases=rows, department=department,
                           counts=queries.counts_by_state(user, department.id), view=deadlines.view)
    return Section("本科室舆情事项", Markup(html), order=10)


@hookimpl
def portal_demo_data(app):
    from portal.cases.demo import create_demo_cases

    create_demo_cases()


@bp.before_app_request
def _lazy_tick():
    """Fire due-soon and overdue at most once a minute per process, on any page load."""
    if request.endpoint in (None, "static"):
        return
    last = current_app.extensions.get("portal_last_tick")
    if last is None or (now() - last).total_seconds() >= 60:
        current_app.extensions["portal_last_tick"] = now()
        scheduled.tick()


Listed = namedtuple("Listed", "id name")  # one class, not one per request (peewee's namedtuples())

SUPERVISED = ' <span class="tag tag-supervised">督办</span>'
# a row's state and secrecy, written once for every known code (escaping each on every row was 7%
# of the list); an unknown code, which only a hand-edited database could hold, is escaped
STATE_HTML = {code: f'<span class="state state-{escape(code)}">{escape(label)}</span>' for code, label in STATES.items()}
SECRECY_HTML = {code: f'<span class="secrecy secrecy-{escape(code)}">{escape(label)}</span>'
                for code, label in CONFIDENTIALITY.items()}


@bp.app_template_global()
def case_rows(cases, view, badges, cases_url) -> Markup:
    """The rows of ``case_table`` (cases/_macros.html), written here: Jinja's attribute lookups and
    escaping of every value were a third of the case list's CPU time (docs/performance.md)."""
    rows, cases_url, at = [], escape(cases_url), now()
    for c in cases:
        d = view(c, at)
        url = f"{cases_url}{c.id}"
        secrecy = "" if c.confidentiality == "normal" else SECRECY_HTML.get(c.confidentiality) or (
            f'<span class="secrecy secrecy-{escape(c.confidentiality)}">{escape(c.confidentiality_label)}</span>')
        host = escape(c.host_department.name) if c.host_department_id else "—"
        state = STATE_HTML.get(c.state) or f'<span class="state state-{escape(c.state)}">{escape(c.state_label)}</span>'
        # the deadline's words and status are the portal's own (deadlines.describe_deadline: digits and fixed text)
        deadline = (f'<span class="nowrap">{d.due}，</span><span class="due due-{d.status} nowrap">'
                    f'{d.progress}</span>' if d.due else "—")
        rows.append(
            f'\n    <tr class="row-{d.status}">\n'
            f'      <td class="nowrap" data-label="编号"><a href="{url}">{escape(c.number)}</a></td>\n'
            f'      <td>{secrecy} <a href="{url}">{escape(c.title)}</a>'
            f'{SUPERVISED if c.supervised else ""}{badges.get(c.id, "")}</td>\n'
            f'      <td class="nowrap" data-label="状态">{state}</td>\n'
            f'      <td data-label="主办部门">{host}</td>\n'
            f'      <td class="deadline" data-label="回复时限">{deadline}</td>\n'
            f'    </tr>\n  ')
    return Markup("".join(rows))


@bp.app_template_global()
def case_badges(cases) -> dict:
    """Plugins' labels for a list of cases, merged: {case_id: Markup}."""
    cases = list(cases)
    if not cases or not current_user.is_authenticated:
        return {}
    pm = current_app.extensions["portal_pm"]
    merged: dict = {}
    for result in pm.hook.portal_case_badges(cases=cases, user=current_user._get_current_object()):
        for case_id, html in (result or {}).items():
            merged[case_id] = merged.get(case_id, Markup("")) + Markup(" ") + html
    return merged


@bp.route("/")
@requires("case.view")
def index():
    pm = current_app.extensions["portal_pm"]
    options = collect(pm.hook.portal_case_filters, user=current_user._get_current_object())
    f = queries.CaseFilter.from_args(request.args, options)
    result = queries.page(f, current_user)
    context = dict(cases=result.rows, result=result, f=f, filter_options=options,
                   view=deadlines.view, STATES=STATES, CATEGORIES=CATEGORIES, SOURCES=SOURCES,
                   DUE_FILTERS=queries.DUE_FILTERS, OUTCOMES=queries.OUTCOMES,
                   departments=[Listed(*row) for row in compiled("cases.departments", lambda: Department.listed().select(
                       Department.id, Department.name).tuples())])
    if partial_request():
        return render_template("cases/_results.html", **context)
    return render_template("cases/index.html", **context)


@bp.route("/new", methods=["GET", "POST"])
@requires("case.register")
def new():
    form = request.form
    if request.method == "POST":
        problems = Problems()
        shot = request.files.get("screenshot")
        upload = problems.read(uploads.read_upload, shot) if shot else None
        try:
            with database.atomic():
                case = workflow.register(
                    current_user, title=text(form, "title"), source=form.get("source"), url=text(form, "url"),
                    post_text=text(form, "post_text"), category=form.get("category"), posted_at=form.get("posted_at"),
                    confidentiality=form.get("confidentiality", "normal"),
                    netizen_nickname=text(form, "netizen_nickname"), netizen_contact=text(form, "netizen_contact"),
                    files=1 if shot and shot.filename else 0, problems=problems,
                )
                if upload:
                    attachments.store(case, upload, "screenshot", current_user)
        except InputError as exc:
            flash_problems(exc)
            return render_template("cases/new.html", form=form, SOURCES=SOURCES, CATEGORIES=CATEGORIES,
                                   CONFIDENTIALITY=CONFIDENTIALITY,
                                   duplicates=workflow.duplicates_seen_by(current_user, text(form, "url"))), 400
        flash(f"已受理登记，编号 {case.number}。", "success")
        others = [c.number for c in workflow.duplicates_seen_by(current_user, case.url) if c.id != case.id]
        if others:
            flash(f"注意：同一链接已有未办结的事项 {'、'.join(others)}，可能重复。", "warning")
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("cases/new.html", form={"posted_at": now().strftime("%Y-%m-%dT%H:%M")},
                           SOURCES=SOURCES, CATEGORIES=CATEGORIES, CONFIDENTIALITY=CONFIDENTIALITY)


@bp.route("/check-link")
@requires("case.register")
def check_link():
    """While the intake form's link is typed (htmx): the open cases of the same post the user may see."""
    url = text(request.args, "url").strip()
    return render_template("cases/_duplicates.html", url=url,
                           duplicates=workflow.duplicates_seen_by(current_user, url) if len(url) <= 500 else [])


def visible_case(case_id) -> Case:
    return access.case_or_404(case_id, current_user)


PERSON_FIELDS = ("submitted_by", "decided_by", "requested_by", "author", "by", "uploaded_by")  # of a case's records


def people_named(case, records) -> dict[int, str]:
    """{user id: name} of everyone a case page names, in one query instead of one per name; none
    when the case page read them with the case (``case_page_columns``) and they are all there."""
    from portal.org.models import User

    ids = {case.registered_by_id, case.assigned_by_id}
    for rows in records.values():
        for row in rows:
            ids.update(getattr(row, f"{field}_id", None) for field in PERSON_FIELDS)
    ids.discard(None)
    if not ids:
        return {}
    if "names_read" in case.__dict__:
        known = {int(i): name for i, name in from_json(case.names_read).items()}
        if ids <= known.keys():  # else a record came after the case was read
            return known
    return dict(compiled("cases.people_named", lambda: User.select(User.id, User.name).where(
        IdsIn(User.id, "ids")).tuples(), ids=ids))


# what a case page lists of the case's own records: (name, model, order)
CASE_RECORDS = (("drafts", ReplyDraft, (ReplyDraft.version,)), ("extensions", Extension, ()),
                ("explanations", Explanation, ()), ("urgings", Urging, ()), ("supervisions", Supervision, ()),
                ("attachments", Attachment, ()))


def case_page_columns() -> list:
    """What the case page reads in the statement of its case (``access.case_or_404``'s ``more``):
    which kinds of records the case has, and the names of the people it names (the registrant, the
    assigning leader, the people of its records: ``PERSON_FIELDS``) as {id: name}."""
    from portal.org.models import User

    present = [fn.EXISTS(model.select(SQL("1")).where(model.case == Case.id)).alias(f"has_{name}")
               for name, model, _ in CASE_RECORDS]
    of_case = [Select(columns=[Case.registered_by]), Select(columns=[Case.assigned_by])]
    of_records = [model.select(model._meta.fields[field]).where(model.case == Case.id)
                  for _, model, _ in CASE_RECORDS for field in PERSON_FIELDS if field in model._meta.fields]
    person = User.alias("named")
    names = person.select(json_object_of(person.id, person.name)).where(
        person.id.in_(reduce(operator.or_, of_case + of_records)))
    return [*present, names.alias("names_read")]


def case_records(case) -> dict[str, list]:
    """The case's records, each kind read only where one exists: which do is one statement (most
    cases have no extension, urging or attachment; on PostgreSQL each statement is a round trip),
    or none when the case page read them with the case (``case_page_columns``)."""
    if "has_drafts" in case.__dict__:
        present = [case.__dict__[f"has_{name}"] for name, _, _ in CASE_RECORDS]
    else:
        present = next(iter(compiled("cases.records_present", lambda: Case.select(*(
            fn.EXISTS(model.select(SQL("1")).where(model.case == Param("case"))).alias(name)
            for name, model, _ in CASE_RECORDS)).where(Case.id == Param("case")).tuples(), case=case.id)))
    return {name: list(compiled(("cases.records", name), lambda: model.select().where(model.case == Param("case"))
                                .order_by(*order), case=case.id)) if found else []
            for (name, model, order), found in zip(CASE_RECORDS, present)}


def co_department_names(case) -> list[str]:
    if "co_departments" in case.__dict__:  # read with the case (``access.case_or_404``'s ``more``)
        return list(case.co_departments.values())
    return [name for (name,) in compiled("cases.co_department_names", lambda: CaseCoDepartment.select(Department.name)
                                         .join(Department).where(CaseCoDepartment.case == Param("case"))
                                         .order_by(CaseCoDepartment.department).tuples(), case=case.id)]


def case_context(case, form=None):
    pm = current_app.extensions["portal_pm"]
    user = current_user._get_current_object()
    records = case_records(case)
    return dict(
        case=case, deadline=deadlines.view(case), steps=workflow.WORKFLOW.allowed_steps(case, user),
        workflow=workflow.WORKFLOW, withheld=workflow.WORKFLOW.withheld(case, user), read_only=workflow.read_only(case),
        show_contact=access.can_see_contact(user, case) and not access.register_only(case),
        register_only=access.register_only(case), co_departments=co_department_names(case),
        timeline=audit.timeline("case", case.id), **records,
        names=people_named(case, records),
        pending_extension=next((e for e in records["extensions"] if e.decision == ""), None),
        panels=collect(pm.hook.portal_case_panels, case=case, user=user),
        plugin_actions=collect(pm.hook.portal_case_actions, case=case, user=user),
        form=form or {},
        duplicate=case.duplicate_of if case.duplicate_of_id and access.can_see(user, case.duplicate_of) else None,
    )


@bp.route("/<int:case_id>")
@requires("case.view")
def detail(case_id):
    case = access.case_or_404(case_id, current_user, more=("cases.page", case_page_columns))
    template = "cases/_case.html" if partial_request() else "cases/detail.html"
    return render_template(template, **case_context(case))


STEPS_VIEW = StepView(workflow.WORKFLOW, load=visible_case, page="cases/detail.html", partial="cases/_case.html",
                      context=lambda case, form: case_context(case, form),
                      url=lambda case: url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/do/<action>", methods=["POST"])
@requires("case.view")  # each step checks its own permission in the workflow
def act(case_id, action):
    return run_step(STEPS_VIEW, case_id, action)


@bp.route("/<int:case_id>/attachments/<int:attachment_id>")
@requires("case.view")
def download(case_id, attachment_id):
    """The file, downloaded; ``?preview=1`` shows an image inline (the case page's <img>)."""
    case = visible_case(case_id)
    attachment = Attachment.get_or_none((Attachment.id == attachment_id) & (Attachment.case == case.id))
    if attachment is None:
        abort(404)
    inline = request.args.get("preview") == "1" and attachment.previewable
    response = send_download(attachments.path_of(attachment), content_type=attachment.content_type,
                             filename=attachment.filename, attachment=not inline)
    response.headers["X-Checksum-SHA256"] = attachment.sha256
    return response


@bp.route("/<int:case_id>/dossier")
@requires("case.view")
def dossier(case_id):
    case = visible_case(case_id)
    return render_template("cases/dossier.html", printed_at=now(), **case_context(case),
                           image_src=lambda a: url_for("cases.download", case_id=case.id, attachment_id=a.id,
                                                       preview=1))


def _dossier_page(case_id):
    case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise LookupError(case_id)
    return render_template("cases/dossier.html", printed_at=now(), image_src=_embedded_image, **case_context(case))


def _embedded_image(attachment) -> str:
    """A screenshot as a data: URL, for the PDF (the print service fetches no other URL)."""
    import base64

    try:
        data = attachments.path_of(attachment).read_bytes()
    except OSError:
        return ""
    return f"data:{attachment.content_type};base64,{base64.b64encode(data).decode()}"


@hookimpl
def portal_documents():
    """The dossier as a PDF on GB/T 9704 pages: /documents/cases.dossier/<id>.pdf."""
    from portal.plugins import DocumentKind

    def can_view(user, case_id):
        case = Case.get_or_none(Case.id == case_id)
        return case is not None and user.can("case.view") and access.can_see(user, case)

    def title(case_id):
        case = Case.get_or_none(Case.id == case_id)
        if case is None:
            raise LookupError(case_id)
        return f"案卷 {case.number}"

    return DocumentKind("cases.dossier", "舆情事项案卷", render=_dossier_page, can_view=can_view, title=title)


@hookimpl
def portal_case_actions(case, user):
    from portal.plugins import CaseAction

    return CaseAction("下载案卷PDF", f"/documents/cases.dossier/{case.id}.pdf?download=1", order=900)
