"""The document service's pages: any declared kind as PDF, and the administrator's fonts and seals pages.

Registered through the core's own hooks, like a plugin.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import documents, fragments, jobs
from portal.auth.permissions import Permission, PluginError, requires
from portal.documents import fonts as font_roles
from portal.documents.layout import GBT9704
from portal.hookspecs import hookimpl
from portal.plugins import Widget, flatten

bp = Blueprint("documents", __name__, url_prefix="", template_folder="templates")


def _startup(app):
    kinds = {}
    for kind in sorted(flatten(app.extensions["portal_pm"].hook.portal_documents()), key=lambda k: k.order):
        if kind.name in kinds:
            raise PluginError(f"文档类型“{kind.name}”被重复注册，门户无法启动。")
        kinds[kind.name] = kind
    app.extensions["portal_document_kinds"] = kinds
    documents.check_at_startup(app)


bp.record_once(lambda state: _startup(state.app))


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_permissions():
    return [Permission("documents.fonts", "查看PDF字体与生成状态", ("admin",)),
            Permission("documents.seals", "上传和删除公文印章", ("admin",))]


@hookimpl
def portal_audit_labels():
    return {"seal.uploaded": "上传印章", "seal.removed": "删除印章"}


@hookimpl
def portal_dashboard_widgets(user):
    """The administrator sees on the home page when printing is slow or shows empty boxes."""
    if not user.can("documents.fonts"):
        return None
    report = documents.font_report()
    serious = [p for p in report.problems if "替代字体" not in p]
    if not serious:
        return None
    html = render_template("documents/widget_problems.html", problems=serious)
    return Widget("PDF 打印服务需要处理", Markup(html), order=5)


@bp.route("/documents/<kind_name>/<int:object_id>.pdf")
@requires()  # each kind decides who may print what: can_view
def document_pdf(kind_name, object_id):
    kind = documents.document_kinds().get(kind_name)
    if kind is None:
        abort(404)
    user = current_user._get_current_object()
    try:
        if not kind.can_view(user, object_id):
            abort(404)  # do not confirm that something exists
        html = kind.render(object_id)
        title = kind.title(object_id)
    except LookupError:
        abort(404)
    download = request.args.get("download") == "1"
    pdf = documents.cached_page(html)
    if pdf is not None:
        return documents.pdf_response(pdf, f"{title}.pdf", download=download)
    # Laying out takes seconds: the queue's worker does it while this server serves others.
    job = jobs.enqueue("documents.pdf", owner=user, title=f"生成 {title}.pdf", reuse=True,
                       kind=kind_name, object_id=object_id)
    return jobs.response(job, download=download)


def _may_print(user, params) -> bool:
    kind = documents.document_kinds().get(params.get("kind"))
    try:
        return kind is not None and kind.can_view(user, params.get("object_id"))
    except LookupError:
        return False


@jobs.kind("documents.pdf", can_access=_may_print, label="生成PDF")
def print_document(ctx, kind, object_id):
    """A declared kind of document as PDF, laid out by the worker as its owner would see it."""
    if not _may_print(ctx.owner, {"kind": kind, "object_id": object_id}):
        raise jobs.JobError("该文档已不存在，或您已无权查看。")
    spec = documents.document_kinds()[kind]
    ctx.progress(10, "正在整理文档内容……")
    try:
        html, title = spec.render(object_id), spec.title(object_id)
    except LookupError:
        raise jobs.JobError("该文档已不存在，或您已无权查看。") from None
    ctx.progress(30, "正在排版生成 PDF……")
    return jobs.Result(f"{title}.pdf", documents.render_page(html), "application/pdf")


@bp.route("/admin/fonts")
@requires("documents.fonts")
def fonts_page():
    report = documents.font_report()
    try:
        embedded = documents.embedded_fonts()
    except documents.RenderError:
        embedded = None
    return render_template("documents/fonts.html", report=report, roles=font_roles.ROLES, geometry=GBT9704,
                           kinds=documents.document_kinds(), embedded=embedded)


@bp.route("/admin/fonts/refresh", methods=["POST"])
@requires("documents.fonts")
def refresh_fonts():
    report = documents.font_report(current_app._get_current_object(), refresh=True)
    documents.check_at_startup(current_app._get_current_object())
    fragments.forget(current_app._get_current_object())  # the dashboard's widget reports the fonts
    flash("已重新检测字体。" + ("一切正常。" if not report.problems else f"发现 {len(report.problems)} 项需要注意。"),
          "success" if not report.problems else "warning")
    return redirect(url_for("documents.fonts_page"))


@bp.route("/admin/seals", methods=["GET", "POST"])
@requires("documents.seals")
def seals_page():
    """Each 发文机关's seal (印章): upload or replace one, see those kept."""
    from portal.documents import seals
    from portal.identity import identity

    status = 200
    if request.method == "POST":
        upload = request.files.get("image")
        organ = request.form.get("organ", "")
        try:
            data = upload.stream.read(seals.MAX_BYTES + 1) if upload is not None and upload.filename else b""
            seal = seals.save(organ, data, current_user._get_current_object())
        except seals.SealError as error:
            flash(str(error), "error")
            status = 400
        else:
            flash(f"已保存“{seal.organ}”的印章。", "success")
            return redirect(url_for("documents.seals_page"))
    kept = [(s, seals.image(s)) for s in seals.all_seals()]
    shown = [(s, seals.data_url(data) if data else "") for s, data in kept]
    return render_template("documents/seals.html", seals=shown, organ=request.form.get("organ") or identity().name,
                           max_kb=seals.MAX_BYTES // 1024, min_px=seals.MIN_PIXELS, max_px=seals.MAX_PIXELS), status


@bp.route("/admin/seals/remove", methods=["POST"])
@requires("documents.seals")
def remove_seal():
    from portal.documents import seals

    organ = request.form.get("organ", "")
    if seals.remove(organ, current_user._get_current_object()):
        flash(f"已删除“{organ}”的印章。", "success")
    else:
        flash("该印章不存在或已删除。", "error")
    return redirect(url_for("documents.seals_page"))
