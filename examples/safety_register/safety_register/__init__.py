"""安全监管科的安全生产舆情风险台账: a register page, a section on the department's page, a
home-page widget and a monthly PDF, built only from ``portal.plugin_api``."""
from flask import render_template
from markupsafe import Markup

from portal.plugin_api import DocumentKind, NavItem, Permission, Section, Widget, hookimpl

from safety_register import report
from safety_register.models import SafetyRisk
from safety_register.views import bp

DEPARTMENT = "安全监管科"
MEMBERS = ("dept_head", "staff", "liaison")


@hookimpl
def portal_permissions():
    return [
        # 安全监管科's own people; the office and the leaders from any department.
        Permission("safety.view", "查看安全生产舆情风险台账", MEMBERS, departments=(DEPARTMENT,),
                   everywhere=("office", "leader")),
        Permission("safety.edit", "登记、消除安全生产舆情风险", MEMBERS, departments=(DEPARTMENT,),
                   everywhere=("office",)),
    ]


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_models():
    return [SafetyRisk]


@hookimpl
def portal_migrations():
    return f"{__name__}.migrations"


@hookimpl
def portal_audit_labels():
    return {"safety.risk_added": "登记安全生产舆情风险", "safety.risk_resolved": "消除安全生产舆情风险"}


@hookimpl
def portal_nav_items(user):
    return NavItem("风险台账", "/safety/", order=400, permission="safety.view")


@hookimpl
def portal_dashboard_widgets(user):
    if not user.can("safety.view"):
        return None  # a widget costs queries: ask before making it
    open_risks = SafetyRisk.select().where(SafetyRisk.resolved_at.is_null())
    html = render_template("safety/widget.html", total=open_risks.count(),
                           high=open_risks.where(SafetyRisk.level == "high").count())
    return Widget("安全生产舆情风险", Markup(html), order=150)


@hookimpl
def portal_department_sections(department, user):
    if department.name != DEPARTMENT or not user.can("safety.view"):
        return None
    risks = list(SafetyRisk.select().where(SafetyRisk.resolved_at.is_null())
                 .order_by(SafetyRisk.registered_at.desc()).limit(5))
    return Section("安全生产舆情风险台账", Markup(render_template("safety/section.html", risks=risks)), order=50)


@hookimpl
def portal_documents():
    return DocumentKind("safety.monthly", "安全生产舆情风险月报", render=report.render,
                        can_view=report.can_view, title=report.title)


@hookimpl
def portal_demo_data(app):
    from portal.plugin_api import User

    author = User.get_or_none(User.username == "safety_liaison")
    if author is not None:
        SafetyRisk.create(title="某煤矿透水事故传言在短视频平台传播", domain="coal", level="high",
                          measures="核实矿方停产整改情况，准备权威信息发布口径。", registered_by=author)
