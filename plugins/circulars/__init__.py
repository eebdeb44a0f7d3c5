"""Circulars (发文): official documents drafted, reviewed, signed, issued as GB/T 9704 PDFs,
distributed to departments, who acknowledge receipt (签收)."""
from flask import render_template, url_for
from markupsafe import Markup

from portal.plugin_api import Permission, hookimpl, NavItem, SearchHit, Section, Widget

from plugins.circulars import views, workflow
from plugins.circulars.models import MODELS, Circular, CircularRecipient

PERMISSIONS = [
    Permission("circulars.view", "查看全部发文", ("leader", "office")),
    Permission("circulars.draft", "拟稿", ("office",)),
    Permission("circulars.review", "核稿", ("office",)),
    Permission("circulars.sign", "签发", ("leader",)),
    Permission("circulars.issue", "印发", ("office",)),
]


@hookimpl
def portal_blueprints():
    return views.bp


@hookimpl
def portal_models():
    return MODELS


@hookimpl
def portal_migrations():
    return f"{__name__}.migrations"


@hookimpl
def portal_permissions():
    return PERMISSIONS


@hookimpl
def portal_settings():
    """The 机关代字 of each 文种 (“…函” for letters …), edited on the bureau's identity page."""
    from portal.plugin_api import SettingField, prefix_problem

    from plugins.circulars.models import KINDS

    return [SettingField(f"circulars.prefix.{kind}", label, max_length=20, group="identity", section="各文种的机关代字",
                         validate=prefix_problem, help="不填则用上方的机关代字。" if kind == "notice" else "")
            for kind, label in KINDS.items()]


AUDIT_LABELS = {
    "circular.drafted": "拟稿",
    "circular.edited": "修改文稿",
    "circular.attachment_added": "添加附件",
    "circular.attachment_removed": "删除附件",
    "circular.submitted": "送核稿",
    "circular.reviewed": "核稿",
    "circular.returned": "退回修改",
    "circular.signed": "签发",
    "circular.issued": "印发",
    "circular.sealed": "加盖印章",
    "circular.acknowledged": "签收",
}


@hookimpl
def portal_audit_labels():
    return AUDIT_LABELS


@hookimpl
def portal_search(q, user):
    found = workflow.visible(Circular.select(), user).where(
        Circular.title.contains(q) | Circular.body.contains(q) | Circular.number.contains(q))
    return [SearchHit("发文", c.plain_title, url_for("circulars.detail", circular_id=c.id),
                      f"{c.kind_label} · {c.number or '未编号'} · {c.state_label}", order=20)
            for c in found.order_by(Circular.id.desc()).limit(20)]


@hookimpl
def portal_nav_items(user):
    return NavItem("发文" if user.can("circulars.view") else "收文", "/circulars/", order=60)


def _waiting(user):
    """What ``user`` must do about circulars: steps to take, receipts to give."""
    groups = {}
    for state, permission, label in (("reviewing", "circulars.review", "待核稿"), ("signing", "circulars.sign", "待签发"),
                                     ("signed", "circulars.issue", "待印发")):
        if user.can(permission):
            query = workflow.without_hidden_cases(
                Circular.select(Circular.id, Circular.title, Circular.number).where(Circular.state == state), user)
            if state == "reviewing":  # never one's own text (workflow.separate_from_drafting)
                query = query.where(workflow.not_drafted_by(user))
            rows = list(query.order_by(Circular.updated_at).limit(20))
            if rows:
                groups[label] = rows
    if user.department_id:
        rows = list(workflow.without_hidden_cases(
                    Circular.select(Circular.id, Circular.title, Circular.number)
                    .join(CircularRecipient, on=(CircularRecipient.circular == Circular.id)), user)
                    .where((Circular.state == "issued") & (CircularRecipient.department == user.department_id)
                           & CircularRecipient.acknowledged_at.is_null())
                    .order_by(Circular.issued_at.desc()).limit(20))
        if rows:
            groups["本科室待签收"] = rows
    return groups


@hookimpl
def portal_dashboard_widgets(user):
    groups = _waiting(user)
    if not groups:
        return None
    return Widget("公文待办", Markup(render_template("circulars/widget.html", groups=groups)), order=20)


@hookimpl
def portal_department_sections(department, user):
    rows = list(workflow.without_hidden_cases(
                # what the section shows: not the circulars' bodies
                Circular.select(Circular.id, Circular.title, Circular.number, CircularRecipient.id,
                                CircularRecipient.acknowledged_at)
                .join(CircularRecipient, on=(CircularRecipient.circular == Circular.id), attr="receipt"), user)
                .where((Circular.state == "issued") & (CircularRecipient.department == department.id))
                .order_by(Circular.issued_at.desc()).limit(20))
    if not rows and not user.can("circulars.view"):
        return None
    html = render_template("circulars/section_department.html", circulars=rows, department=department,
                           can_acknowledge=user.department_id == department.id)
    return Section("收文与签收", Markup(html), order=30)


@hookimpl
def portal_demo_data(app):
    from plugins.circulars.demo import create_demo_circulars

    create_demo_circulars()
