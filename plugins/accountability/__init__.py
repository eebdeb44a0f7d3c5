"""Accountability (网络意识形态工作责任制, 《网络意识形态工作责任制实施细则》第三—十条): who answers
for what each year, each party's yearly checklist with its evidence, the annual inspection and its
rectifications, accountability records and the annual target assessment. Only hooks; the core
never imports it. See README.md in this folder."""
from flask import render_template, url_for
from markupsafe import Markup

from portal.plugin_api import NavItem, Permission, SearchHit, Section, Widget, database, hookimpl, now

from plugins.accountability import assessment, checklists, inspection, parties, reports, views, visibility
from plugins.accountability import inspection_views, records_views  # noqa: F401 (their routes join views.bp)
from plugins.accountability.models import MODELS, Item, Rectification
from plugins.accountability.parties import BRANCH

EVERYONE = ("leader", "office", "monitor", "dept_head", "staff", "liaison", "discipline")
PERMISSIONS = [
    Permission("accountability.view", "查看网络意识形态工作责任制（责任人、责任清单）", EVERYONE),
    Permission("accountability.work", "办理本人负责的责任清单事项（佐证材料、自评）", EVERYONE),
    Permission("accountability.manage", "设定责任人、维护清单模板、生成责任清单、退回事项", ("office",)),
    Permission("accountability.oversee", "查看所有责任主体的责任清单、整改事项和年度责任目标考核", ("office", "leader", "discipline")),
    Permission("accountability.records", "问责记录：查看、登记、修改（仅局领导和机关纪委）", ("leader", "discipline")),
    Permission("accountability.inspect", "年度专项督查：逐项打分、提出整改要求、整改验收销号", ("office", "leader")),
]

AUDIT_LABELS = {
    "accountability.parties_set": "设定年度网络意识形态工作责任人",
    "accountability.template_added": "责任清单模板新增事项",
    "accountability.template_edited": "修改责任清单模板事项",
    "accountability.checklists_generated": "生成年度责任清单",
    "accountability.item_assigned": "调整清单事项责任人和期限",
    "accountability.item_completed": "清单事项提交自评",
    "accountability.item_reopened": "清单事项退回重做",
    "accountability.evidence_uploaded": "上传清单事项佐证材料",
    "accountability.evidence_referenced": "采用其他模块的记录作佐证",
    "accountability.evidence_proposed": "系统提出清单事项佐证记录",
    "accountability.evidence_accepted": "采用清单事项佐证记录",
    "accountability.evidence_rejected": "不采用清单事项佐证记录",
    "accountability.report_schedule": "设定分析研判报告报送周期",
    "accountability.report_filed": "报送网络意识形态分析研判报告",
    "accountability.inspected": "记录专项督查结果",
    "accountability.rectification_required": "专项督查提出整改要求",
    "accountability.rectification_reported": "报送整改情况",
    "accountability.rectification_closed": "整改验收销号",
    "accountability.rectification_sent_back": "整改退回重新整改",
    "accountability.record_added": "登记问责记录",
    "accountability.record_edited": "修改问责记录",
    "accountability.record_document": "问责记录添加文书",
}


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
def portal_roles():
    return {"discipline": "机关纪委"}


@hookimpl
def portal_department_kinds():
    return {BRANCH: "党支部"}


@hookimpl
def portal_audit_labels():
    return AUDIT_LABELS


@hookimpl
def portal_statistics(start, end, department_id, user):
    if not user.can("accountability.view"):
        return []
    from plugins.accountability.statistics import statistics

    return statistics(end, department_id, user)


@hookimpl
def portal_search(q, user):
    """责任清单 items by title or text, those ``user`` may read (visibility.may_read: their own
    unit's and what they answer for; the office, leaders and 机关纪委 every unit's)."""
    if not user.can("accountability.view"):
        return []
    found = (Item.select().where(Item.title.contains(q) | Item.text.contains(q)).order_by(Item.id.desc()).limit(200))
    held = {}
    readable = []
    for item in found:
        if item.year not in held:
            held[item.year] = parties.holders(item.year)[0]
        if visibility.may_read(user, item, held[item.year]):
            readable.append(item)
        if len(readable) == 20:
            break
    return [SearchHit("责任清单事项", item.title, url_for("accountability.item", item_id=item.id),
                      f"{item.year}年 · {item.article} · {item.state_label}", order=40) for item in readable]


@hookimpl
def portal_nav_items(user):
    return NavItem("责任制", "/accountability/", order=70, permission="accountability.view")


@hookimpl
def portal_dashboard_widgets(user):
    if not user.can("accountability.work"):
        return None
    # the columns the widget shows (and ``overdue`` reads), not the texts and the evidence's file
    items = list(Item.select(Item.id, Item.article, Item.title, Item.year, Item.due_at, Item.state)
                 .where((Item.owner == user.id) & (Item.state == "open")).order_by(Item.due_at).limit(10))
    rects = list(Rectification.select(Rectification.id, Rectification.task, Rectification.due_at, Rectification.state)
                 .where((Rectification.owner == user.id) & (Rectification.state == "open"))
                 .order_by(Rectification.due_at).limit(10))
    due = reports.due_for(user, now())
    if not items and not rects and not due:
        return None
    html = render_template("accountability/widget.html", items=items, rects=rects, due=due, now_at=now())
    return Widget("我的责任清单事项", Markup(html), order=40)


@hookimpl
def portal_department_sections(department, user):
    if not user.can("accountability.view"):
        return None
    year = now().year
    items = list(Item.select(Item.state, Item.due_at).where((Item.year == year) & (Item.department == department.id)))
    if not items:
        return None
    done, total = checklists.progress(items)
    inspected = inspection.result(year - 1, department.id)  # the last inspection: at the end of last year
    html = render_template("accountability/section.html", year=year, department=department, done=done, total=total,
                           overdue=sum(1 for i in items if i.overdue), inspected=inspected,
                           readable=visibility.may_read_unit(user, year, department.id))
    return Section("网络意识形态工作责任清单", Markup(html), order=60)


@hookimpl
def portal_documents():
    return assessment.KINDS


@hookimpl
def portal_tick(at):
    return {"分析研判报告提醒": reports.remind(at), "整改逾期提醒": inspection.remind(at)}


@hookimpl
def portal_schema_setup():
    return seed


def seed(app, migrated):
    """The regulation's default items fill an empty template (a new database)."""
    with app.app_context(), database.atomic():
        made = checklists.seed_template()
    return f"责任清单模板：已按《网络意识形态工作责任制实施细则》写入{made}项默认事项。" if made else None


@hookimpl
def portal_demo_data(app):
    from plugins.accountability.demo import create_demo

    create_demo()
