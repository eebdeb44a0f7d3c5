"""The register page: the open risks as a checklist, a form to add one, a button to resolve one."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from portal.plugin_api import (InputError, Problems, Stale, audit, bump, current_user, database, flash_problems, now,
                               optional, required, requires)

from safety_register.models import DOMAINS, LEVELS, SafetyRisk

bp = Blueprint("safety", __name__, template_folder="templates", url_prefix="/safety")


def read_risk(form) -> dict:
    """The form's fields, or every problem at once (InputError)."""
    p = Problems()
    fields = {
        "title": p.read(required, form.get("title"), "风险事项", 120),
        "domain": form.get("domain", ""),
        "level": form.get("level", ""),
        "measures": p.read(required, form.get("measures"), "防范措施", 2000),
        "source_url": p.read(optional, form.get("source_url"), "舆情链接", 500),
    }
    if fields["domain"] not in DOMAINS:
        p.add("请选择所属领域。")
    if fields["level"] not in LEVELS:
        p.add("请选择风险等级。")
    p.check()
    return fields


@bp.route("/")
@requires("safety.view")
def index():
    return page()


def page(form=None, status=200):
    risks = SafetyRisk.select().order_by(SafetyRisk.resolved_at.is_null(False), SafetyRisk.registered_at.desc())
    return render_template("safety/index.html", risks=list(risks), form=form or {}, DOMAINS=DOMAINS, LEVELS=LEVELS,
                           month=now().strftime("%Y%m")), status


@bp.route("/risks", methods=["POST"])
@requires("safety.edit")
def add():
    try:
        fields = read_risk(request.form)
    except InputError as exc:
        flash_problems(exc)
        return page(request.form, 400)
    with database.atomic():
        risk = SafetyRisk.create(registered_by=current_user.id, **fields)
        audit.record("safety.risk_added", f"登记风险：{risk.title}", obj=risk)
    flash("风险已登记。", "success")
    return redirect(url_for("safety.index"))


@bp.route("/<int:risk_id>/resolve", methods=["POST"])
@requires("safety.edit")
def resolve(risk_id):
    risk = SafetyRisk.get_or_none(SafetyRisk.id == risk_id)
    if risk is None:
        return "没有这项风险。", 404
    try:
        with database.atomic():
            bump(risk, request.form.get("version"), resolved_at=now())
            audit.record("safety.risk_resolved", f"消除风险：{risk.title}", obj=risk)
    except Stale as exc:
        flash_problems(exc)
        return redirect(url_for("safety.index")), 303
    flash(f"“{risk.title}”已标记为消除。", "success")
    return redirect(url_for("safety.index"))
