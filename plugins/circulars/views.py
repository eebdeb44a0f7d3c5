"""Circular pages: the list, drafting, the circular with its steps, attachments, PDF, receipts."""
import io

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN, fn

from portal.plugin_api import (documents, jobs, AuditEvent, requires, read_upload, now, send_download, InputError, Problems,
                              bounded_day, bounded_id, flash_problems, safe_next, Department, User, StepView,
                              run_step)

from plugins.circulars import printing, ready, statements, workflow
from plugins.circulars.models import (
    ATTACHMENT_KINDS, KINDS, SECRECY_LABELS, STATES, URGENCY_LABELS, Circular, CircularAttachment, CircularRecipient,
)
from plugins.circulars.workflow import CircularError, StaleCircular

bp = Blueprint("circulars", __name__, url_prefix="/circulars", template_folder="templates")

def _user():
    return current_user._get_current_object()


def visible_circular(circular_id) -> Circular:
    circular = Circular.get_or_none(Circular.id == circular_id)
    if circular is None or not workflow.can_see(_user(), circular):
        abort(404)
    return circular


def receipt_counts(ids) -> dict[int, tuple[int, int]]:
    """{circular_id: (acknowledged, distributed)} in one query."""
    if not ids:
        return {}
    rows = (CircularRecipient.select(CircularRecipient.circular, fn.COUNT(CircularRecipient.id).alias("n"),
                                     fn.COUNT(CircularRecipient.acknowledged_at).alias("done"))
            .where(CircularRecipient.circular.in_(list(ids))).group_by(CircularRecipient.circular).objects())
    return {r.circular_id: (r.done, r.n) for r in rows}


@bp.route("/")
@requires()
def index():
    user = _user()
    state = request.args.get("state", "")
    query = workflow.visible(Circular.select(Circular.id, Circular.kind, Circular.title, Circular.number,
                                             Circular.state, Circular.updated_at, Circular.date_of_issue,
                                             Circular.drafted_by), user)
    if state in STATES:
        query = query.where(Circular.state == state)
    rows = list(query.order_by(Circular.updated_at.desc(), Circular.id.desc()).limit(200))
    mine = {}
    if user.department_id:
        mine = {r.circular_id: r for r in CircularRecipient.select().where(
            (CircularRecipient.department == user.department_id) & CircularRecipient.circular.in_([c.id for c in rows]))}
    return render_template("circulars/index.html", circulars=rows, state=state, STATES=STATES,
                           counts=receipt_counts([c.id for c in rows]), mine=mine)


def _form_context(form, circular=None, departments_chosen=None):
    chosen = departments_chosen
    if chosen is None:
        if circular is not None:
            chosen = {r.department_id for r in circular.recipient_rows}
        else:
            chosen = {d.id for d in workflow.default_departments()}
    user = _user()
    offers = statements.offered(user, workflow.named_cases(circular) if circular else ())
    keys = form.getlist("statements") if hasattr(form, "getlist") else [r.key for r in statements.recorded(circular)]
    used = statements.chosen(keys, user, circular, offers)
    return dict(form=form, circular=circular, departments=ready.department_choices(), chosen=set(chosen),
                KINDS=KINDS, SECRECY=SECRECY_LABELS, URGENCY=URGENCY_LABELS,
                sources=ready.document_sources(user), offers=offers,
                used=statements.status(used, form.get("body", "")))


def _chosen_statements(circular=None):
    """The versions the form names (本文采用的统一口径); a key neither recorded nor offered refuses the form."""
    keys, user = request.form.getlist("statements"), _user()
    if statements.unknown(keys, user, circular):
        raise CircularError("所选统一口径已不再施行，或您无权查看：请取消勾选后重新插入。")
    return statements.chosen(keys, user, circular)


def _insert_statement(circular=None, departments_chosen=None):
    """插入统一口径: the chosen version's text goes at the end of the body, and the version joins the
    list the form will record; nothing is saved until 保存文稿."""
    form, user = request.form.copy(), _user()
    key = form.get("statement", "")
    offer = next((s for s, _ in statements.offered(user, workflow.named_cases(circular) if circular else ())
                  if s.key == key), None)
    if offer is None:
        flash("所选统一口径不存在或已不再施行，请重新选择。", "error")
        return render_template("circulars/form.html", **_form_context(form, circular, departments_chosen)), 400
    form["body"] = statements.insert(form.get("body", ""), offer.text)
    form.setlist("statements", list(dict.fromkeys([*form.getlist("statements"), offer.key])))
    flash(f"已将统一口径“{offer.title}”第{offer.number}版插入正文末尾，尚未保存：请调整位置后保存文稿。", "info")
    return render_template("circulars/form.html", **_form_context(form, circular, departments_chosen))


def _form_dict(circular: Circular) -> dict:
    data = {name: getattr(circular, name) for name in workflow.FIELDS}
    data.update(kind=circular.kind, secrecy=circular.secrecy, urgency=circular.urgency,
                date_of_writing=circular.date_of_writing.isoformat() if circular.date_of_writing else "")
    return data


@bp.route("/new", methods=["GET", "POST"])
@requires("circulars.draft")
def new():
    if request.method == "POST":
        chosen = [bounded_id(v) for v in request.form.getlist("departments")]
        if request.form.get("action") == "insert_statement":
            return _insert_statement(departments_chosen=chosen)
        try:
            circular = workflow.save_draft(_user(), form=request.form, department_ids=chosen,
                                           statements=_chosen_statements())
        except CircularError as exc:
            flash_problems(exc)
            return render_template("circulars/form.html", **_form_context(request.form, departments_chosen=chosen)), 400
        flash("文稿已保存。", "success")
        return redirect(url_for("circulars.detail", circular_id=circular.id))
    return render_template("circulars/form.html", **_form_context(ready.defaults(_user())))


@bp.route("/<int:circular_id>/edit", methods=["GET", "POST"])
@requires("circulars.draft")
def edit(circular_id):
    circular = visible_circular(circular_id)
    if request.method == "POST":
        chosen = [bounded_id(v) for v in request.form.getlist("departments")]
        if request.form.get("action") == "insert_statement" and circular.editable:
            return _insert_statement(circular, chosen)
        try:
            workflow.save_draft(_user(), circular, version=request.form.get("version"), form=request.form,
                                department_ids=chosen, statements=_chosen_statements(circular))
        except CircularError as exc:
            flash_problems(exc)
            status = 409 if isinstance(exc, StaleCircular) else 400
            return render_template("circulars/form.html",
                                   **_form_context(request.form, Circular.get_by_id(circular.id), chosen)), status
        flash("文稿已保存。", "success")
        return redirect(url_for("circulars.detail", circular_id=circular.id))
    if not circular.editable:
        flash(f"该文件已{circular.state_label}，内容不能再修改。", "warning")
        return redirect(url_for("circulars.detail", circular_id=circular.id))
    return render_template("circulars/form.html", **_form_context(_form_dict(circular), circular))


@bp.route("/new/bulletin", methods=["GET", "POST"])
@requires("circulars.draft", "case.bulletin")
def new_bulletin():
    today = now().date()
    start = bounded_day(request.values.get("from"), today.replace(day=1))
    end = bounded_day(request.values.get("to"), today)
    restricted = request.form.get("scope") == "restricted"
    if request.method == "POST":
        try:
            made = (ready.restricted_bulletin_drafts(_user(), start, end) if restricted
                    else [ready.bulletin_draft(_user(), start, end, again=request.form.get("again") == "1")])
        except CircularError as exc:
            flash_problems(exc)
            return render_template("circulars/bulletin.html", **_bulletin_context(start, end)), 400
        if restricted:
            flash(f"已生成{len(made)}份内部通报文稿，各自只分送有权查看所列事项的单位，请核对后送核稿。", "success")
        else:
            flash("已根据超期未办通报清单生成通报文稿，请核对后送核稿。", "success")
            withheld = len(ready.bulletin_rows(start, end).restricted)
            if withheld:
                flash(f"该期间另有内部事项{withheld}件，文稿中只写明件数、不列标题和编号；请在“起草超期通报”页生成内部通报，"
                      "它只分送有权查看这些事项的单位。", "warning")
        return redirect(url_for("circulars.detail", circular_id=made[0].id))
    return render_template("circulars/bulletin.html", **_bulletin_context(start, end))


def _bulletin_context(start, end):
    """What the drafter is told before drafting: how many cases each kind of 通报 will hold."""
    rows = ready.bulletin_rows(start, end) if start <= end else ready.BulletinRows([], [])
    groups = [(ready.restricted_recipients([r["case"] for r in group]), len(group)) for group in rows.restricted_groups()]
    earlier = ready.earlier_bulletins(_user(), start, end) if start <= end else []
    return dict(start=start, end=end, rows=rows, groups=groups, earlier=earlier)


@bp.route("/new/from-document", methods=["POST"])
@requires("circulars.draft")
def new_from_document():
    kind, _, object_id = (request.form.get("document") or "").partition(":")
    try:
        number = bounded_id(object_id)
        if number is None:
            raise CircularError("请选择一份门户文档。")
        circular = ready.draft_from_document(_user(), kind, number)
    except CircularError as exc:
        flash_problems(exc)
        return render_template("circulars/form.html", **_form_context(ready.defaults(_user()))), 400
    flash("已根据所选文档生成文稿，请核对后送核稿。", "success")
    return redirect(url_for("circulars.detail", circular_id=circular.id))


def _detail_context(circular, form=None):
    user = _user()
    recipients = list(CircularRecipient.select(CircularRecipient, Department, User)
                      .join(Department).switch(CircularRecipient)
                      .join(User, JOIN.LEFT_OUTER, on=(CircularRecipient.acknowledged_by == User.id))
                      .where(CircularRecipient.circular == circular.id).order_by(Department.sort_order, Department.id))
    timeline = (AuditEvent.select(AuditEvent, User).join(User, JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
                .where((AuditEvent.object_type == "circular") & (AuditEvent.object_id == circular.id))
                .order_by(AuditEvent.id))
    own = next((r for r in recipients if r.department_id == user.department_id), None)
    sources = {k.name: k for k in ready.document_sources(user)}
    choices = []
    if circular.editable and user.can("circulars.draft"):
        for kind in sources.values():
            choices.extend((f"{kind.name}:{oid}", f"{kind.label}：{title}") for oid, title in kind.choices(user))
    return dict(circular=circular, actions=workflow.allowed_actions(circular, user), workflow=workflow.WORKFLOW,
                form=form,
                withheld=workflow.withheld_actions(circular, user), recipients=recipients,
                pending=[r for r in recipients if r.acknowledged_at is None], own=own,
                attachments=list(circular.attachments.order_by(CircularAttachment.position)),
                frozen=workflow.frozen_pdf(circular), timeline_events=list(timeline),
                missing=workflow.missing_for_review(circular) if circular.editable else [],
                document_choices=choices, ATTACHMENT_KINDS=ATTACHMENT_KINDS, today=now().date(),
                used=statements.status(statements.recorded(circular), circular.body),
                kind_labels={k.name: k.label for k in documents.document_kinds().values()})


@bp.route("/<int:circular_id>")
@requires()
def detail(circular_id):
    circular = visible_circular(circular_id)
    return render_template("circulars/detail.html", **_detail_context(circular))


STEPS_VIEW = StepView(workflow.WORKFLOW, load=visible_circular, page="circulars/detail.html",
                      partial="circulars/_circular.html", context=_detail_context,
                      url=lambda circular: url_for("circulars.detail", circular_id=circular.id),
                      refused=(documents.RenderError,))


@bp.route("/<int:circular_id>/do/<action>", methods=["POST"])
@requires()  # each step checks its own permission in the workflow
def act(circular_id, action):
    return run_step(STEPS_VIEW, circular_id, action)


@bp.route("/<int:circular_id>/acknowledge", methods=["POST"])
@requires()  # any member of a receiving department
def acknowledge(circular_id):
    circular = visible_circular(circular_id)
    try:
        workflow.acknowledge(circular, _user())
    except CircularError as exc:
        flash_problems(exc)
        return render_template("circulars/detail.html", **_detail_context(circular)), 400
    flash(f"已签收 {circular.number}。", "success")
    return redirect(safe_next(request.form.get("next"), url_for("circulars.detail", circular_id=circular.id)))


@bp.route("/<int:circular_id>.pdf")
@requires()
def pdf(circular_id):
    """The issued PDF exactly as frozen; before issue, a preview rendered from the draft."""
    circular = visible_circular(circular_id)
    download = request.args.get("download") == "1"
    frozen = workflow.frozen_pdf(circular)
    if frozen is not None:
        return documents.pdf_response(bytes(frozen.data), printing.filename(circular), download=download,
                                      sha256=frozen.sha256)
    data = printing.cached(circular)
    if data is not None:
        return documents.pdf_response(data, f"（预览）{printing.filename(circular)}", download=download)
    # Laying out takes seconds: the queue's worker does it while this server serves others.
    job = jobs.enqueue("circulars.preview", owner=_user(), title=f"生成（预览）{printing.filename(circular)}",
                       reuse=True, circular_id=circular.id)
    return jobs.response(job, download=download)


def _may_preview(user, params) -> bool:
    circular = Circular.get_or_none(Circular.id == params.get("circular_id"))
    return circular is not None and workflow.can_see(user, circular)


@jobs.kind("circulars.preview", can_access=_may_preview, label="生成通知预览PDF")
def preview_job(ctx, circular_id):
    """The draft's PDF, laid out by the queue's worker."""
    if not _may_preview(ctx.owner, {"circular_id": circular_id}):
        raise jobs.JobError("该文稿已不存在，或您已无权查看。")
    circular = Circular.get_by_id(circular_id)
    ctx.progress(20, "正在按公文格式排版……")
    return jobs.Result(f"（预览）{printing.filename(circular)}", printing.render(circular), "application/pdf")


@bp.route("/<int:circular_id>/attachments", methods=["POST"])
@requires("circulars.draft")
def add_attachment(circular_id):
    circular = visible_circular(circular_id)
    form, kind = request.form, request.form.get("kind", "text")
    problems = Problems()
    try:
        upload = document = None
        if kind == "file":
            f = request.files.get("file")
            checked = problems.read(read_upload, f) if f and f.filename else None  # judged by content, under a safe name
            upload = (checked.filename, checked.content_type, checked.data) if checked else None
        elif kind == "document":
            document = problems.read(_chosen_document, form.get("document", ""))
        workflow.add_attachment(circular, _user(), kind=kind, title=form.get("title", ""), text=form.get("text", ""),
                                upload=upload, document=document, problems=problems)
    except InputError as exc:
        flash_problems(exc)
        return render_template("circulars/detail.html", **_detail_context(Circular.get_by_id(circular.id))), 400
    flash("附件已添加。", "success")
    return redirect(url_for("circulars.detail", circular_id=circular.id) + "#attachments")


def _chosen_document(value: str):
    kind_name, _, object_id = value.partition(":")
    kind, number = documents.document_kinds().get(kind_name), bounded_id(object_id)
    if kind is None or not kind.text or number is None:
        raise CircularError("请选择要作为附件的门户文档。")
    try:
        if not kind.can_view(_user(), number):
            raise LookupError(number)
        return kind.name, number, kind.title(number)
    except LookupError:
        raise CircularError("所选文档不存在，或您无权查看。") from None


@bp.route("/<int:circular_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@requires("circulars.draft")
def remove_attachment(circular_id, attachment_id):
    circular = visible_circular(circular_id)
    try:
        workflow.remove_attachment(circular, _user(), attachment_id)
    except CircularError as exc:
        flash_problems(exc)
        return render_template("circulars/detail.html", **_detail_context(Circular.get_by_id(circular.id))), 400
    flash("附件已删除。", "success")
    return redirect(url_for("circulars.detail", circular_id=circular.id) + "#attachments")


@bp.route("/<int:circular_id>/attachments/<int:attachment_id>")
@requires()
def download_attachment(circular_id, attachment_id):
    circular = visible_circular(circular_id)
    row = CircularAttachment.get_or_none((CircularAttachment.id == attachment_id)
                                         & (CircularAttachment.circular == circular.id) & (CircularAttachment.kind == "file"))
    if row is None:
        abort(404)
    return send_download(io.BytesIO(bytes(row.file_data)), content_type=row.content_type or "application/octet-stream",
                         filename=row.file_name)
