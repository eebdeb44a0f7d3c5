"""The monitoring desk (舆情监测): the watch list of topics and keywords that every new case is
matched against, with an alert to whoever is on duty. Only hooks; the core never imports it.
See README.md in this folder."""
from datetime import datetime, time

from flask import render_template, url_for
from markupsafe import Markup
from peewee import fn

from portal.plugin_api import (ApprovedStatement, Case, CaseFilterOption, NavItem, Panel, Permission,
                               SearchHit, Section, Widget, access, compiled, hookimpl, now)

from plugins.monitoring import imports  # noqa: F401  (its job kind)
from plugins.monitoring import enquiries, handling, periods, roster, statements, views, views_calendar, watchlist
from plugins.monitoring.models import MODELS, Candidate, Hit, Topic

PERMISSIONS = [
    Permission("monitoring.view", "查看舆情监测（监测清单、命中情况）", ("leader", "office", "monitor")),
    Permission("monitoring.manage", "维护监测清单、设置特殊时期和值班表", ("office",)),
    Permission("monitoring.duty", "特殊时期值班、填写交接班记录", roster.DUTY_ROLES),
    Permission("monitoring.import", "导入监测服务数据、处理候选线索", ("monitor", "office")),
    Permission("monitoring.patrol", "记录日常巡查", ("monitor", "office")),
    Permission("monitoring.statement_draft", "起草统一口径", ("office", "dept_head", "staff", "liaison")),
    Permission("monitoring.statement_approve", "审定、废止统一口径", ("leader",)),
    Permission("monitoring.enquiry", "登记媒体采访、问询（不得擅自接受采访）",
               ("leader", "office", "monitor", "dept_head", "staff", "liaison")),
    Permission("monitoring.enquiry_answer", "以统一口径答复、办结媒体问询（舆情应对工作组）", ("office",)),
    Permission("monitoring.handle", "记录分类处置（主办部门：当日答复、发布事实、商请公安）",
               ("office", "dept_head", "staff", "liaison")),
]

AUDIT_LABELS = {
    "monitoring.topic_added": "新增监测主题",
    "monitoring.topic_edited": "修改监测主题",
    "monitoring.period_added": "设置特殊时期",
    "monitoring.period_edited": "修改特殊时期",
    "monitoring.period_removed": "删除特殊时期",
    "monitoring.shift_added": "特殊时期排班",
    "monitoring.shift_removed": "取消值班班次",
    "monitoring.handover": "填写交接班记录",
    "monitoring.import_uploaded": "上传监测服务导出文件",
    "monitoring.import_done": "导入监测服务数据",
    "monitoring.candidate_accepted": "受理监测线索",
    "monitoring.candidate_dismissed": "排除监测线索",
    "monitoring.patrol_recorded": "记录日常巡查",
    "monitoring.position_added": "登记网络阵地",
    "monitoring.position_edited": "修改网络阵地",
    "monitoring.commentator_added": "网络评论员队伍新增成员",
    "monitoring.training_recorded": "记录网络评论员培训",
    "monitoring.handling_class": "确定分类处置类别",
    "monitoring.holding_reply": "当日答复（承诺答复日期）",
    "monitoring.referral": "发布事实、商请公安",
    "monitoring.statement_drafted": "起草统一口径",
    "monitoring.statement_approved": "审定统一口径",
    "monitoring.statement_withdrawn": "废止统一口径",
    "monitoring.statement_chosen": "回复选用统一口径",
    "monitoring.enquiry_recorded": "登记媒体问询",
    "monitoring.enquiry_answered": "以统一口径答复媒体问询",
    "monitoring.enquiry_closed": "办结媒体问询",
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
def portal_audit_labels():
    return AUDIT_LABELS


@hookimpl
def portal_nav_items(user):
    return NavItem("舆情监测", "/monitoring/", order=60, permission="monitoring.view")


@hookimpl
def portal_case_event(case, event):
    """Every new case is matched against the watch list; a hit alerts whoever is on duty."""
    if event.name != "registered" or access.register_only(case):
        return
    made = watchlist.scan(case)
    if made:
        watchlist.alert(case, made, event.actor, roster.on_duty(now()))


@hookimpl
def portal_statistics(start, end, department_id, user):
    if not user.can("monitoring.view"):  # the watch list is theirs only
        return []
    from plugins.monitoring.statistics import statistics

    return statistics(start, end, department_id)


@hookimpl
def portal_case_filters(user):
    if not user.can("monitoring.view"):
        return None
    from plugins.monitoring.statistics import apply_topic, topic_choices

    return CaseFilterOption("topic", "监测主题", topic_choices(), apply_topic, order=20)


@hookimpl
def portal_search(q, user):
    """Approved statements (统一口径) by title or text, for those who may read them (case.view)."""
    if not user.can("case.view"):
        return []
    from plugins.monitoring import statements

    return [SearchHit("统一口径", row.title, url_for("monitoring.statement", statement_id=row.id),
                      f"{row.department.name} · " + (f"第{current.number}版，{current.valid_from:%Y-%m-%d}起施行"
                                                     if current else "已废止或尚未施行"), order=50)
            for row, current in statements.search(q)]


@hookimpl
def portal_sensitive_period(moment):
    period = periods.covering(moment)
    return period.name if period else None


@hookimpl
def portal_case_panels(case, user):
    if access.register_only(case):
        return None
    panels = [Panel("分类处置", url_for("monitoring.case_handling", case_id=case.id), order=25),
              Panel("统一口径", url_for("monitoring.case_statements", case_id=case.id), order=26)]
    if user.can("monitoring.view"):
        panels.append(Panel("监测主题命中", url_for("monitoring.panel", case_id=case.id), order=30))
    return panels


@hookimpl
def portal_reply_wording(case):
    """插入统一口径: the chosen statement versions start the reply draft."""
    return statements.wording(case) or None


@hookimpl
def portal_approved_statements(user, case):
    """The statements in force (统一口径) for circulars: read by whoever may read statements (case.view)."""
    if user is not None and not user.can("case.view"):
        return []
    if case is not None and (access.register_only(case) or (user is not None and not access.can_see(user, case))):
        return []
    return [ApprovedStatement(f"monitoring:{v.id}", f"monitoring:statement:{v.statement_id}", v.statement.title,
                              v.number, v.text, v.valid_from, v.statement.topic.name if v.statement.topic_id else "",
                              url_for("monitoring.statement", statement_id=v.statement_id))
            for v in statements.offered(case)]


@hookimpl
def portal_evidence_sources(user, unit, year):
    """The commentator team's trainings (细则 第七条) and the sensitive periods' duty rosters (第八条2(1))
    of ``year``, as evidence for the responsibility checklists; a link for holders of monitoring.view."""
    from plugins.monitoring.team import evidence

    return evidence(user, unit, year)


@hookimpl
def portal_tick(at):
    return {"当日答复承诺逾期提醒": handling.remind_promises(at)}


# what the widget and the department section show of a hit: not the case's texts
SHOWN_HIT = (Hit.found_at, Case.id, Case.number, Case.title, Topic.name)


@hookimpl
def portal_dashboard_widgets(user):
    if not user.can("monitoring.view"):
        return None
    shown = []
    if user.can("monitoring.enquiry_answer"):
        shown.append(Widget("媒体问询", Markup(render_template("monitoring/enquiries_widget.html",
                                                               open_count=enquiries.open_count())), order=27))
    at = now()
    since = datetime.combine(at.date(), time())
    today = views.hits_query(user, since=since, columns=SHOWN_HIT)
    count = views.hits_query(user, since=since, columns=[Hit.id]).order_by().count()
    hits = render_template("monitoring/widget.html", hits=list(today.limit(6)), count=count)
    period = periods.covering(at)
    duty = render_template("monitoring/duty_widget.html", period=period,
                           current=roster.current_shifts(at) if period else [],  # shown within the period only
                           upcoming=views_calendar.upcoming_with_gaps(at) if user.can("monitoring.manage") else [])
    shown += [Widget("特殊时期值班", Markup(duty), order=24), Widget("今日监测命中", Markup(hits), order=25)]
    if user.can("monitoring.import"):
        waiting = next(iter(compiled("monitoring.waiting_candidates", lambda: Candidate.select(
            fn.COUNT(Candidate.id)).where(Candidate.state == "waiting").tuples())))[0]
        shown.append(Widget("待处理的监测线索", Markup(render_template("monitoring/candidates_widget.html",
                                                                       waiting=waiting)), order=26))
    return shown




@hookimpl
def portal_department_sections(department, user):
    if not user.can("monitoring.view"):
        return None
    hits = list(views.hits_query(user, department=department.id, columns=SHOWN_HIT).limit(10))
    if not hits:
        return None
    return Section("涉及本部门的监测命中", Markup(render_template("monitoring/section.html", hits=hits)), order=40)


@hookimpl(wrapper=True)  # around the others: the watch list before the demo cases (registering them is
def portal_demo_data(app):  # matched), 分类处置 on them once they exist
    from plugins.monitoring.demo import create_demo, create_demo_handling

    create_demo()
    result = yield
    create_demo_handling()
    return result
