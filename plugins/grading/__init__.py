"""Grading plugin: 一般 / 重大 / 特别重大 under 《网络舆情预警机制及应对预案》, with the heat's history,
escalation, 研判, the leaders' emergency meeting, 消除 and 后期处置. Only hooks; the core never imports it.
See README.md in this folder.
"""
from datetime import timedelta

from flask import render_template, url_for
from markupsafe import Markup
from peewee import Case as SQLCase

from plugins.grading import views, workflow
from plugins.grading.models import MODELS, Grade, GradeChange, review_due_query
from plugins.grading.rules import CRITICAL, GENERAL, GRADE_LABELS, MAJOR, rank
from portal.plugin_api import (Permission, access, case_queries as queries, OPEN_STATES, UNARCHIVED_STATES,
                              Case, now, hookimpl, CaseAction, CaseFilterOption, LedgerColumn, NavItem, Panel,
                              Section, Widget)

PERMISSIONS = [
    Permission("grading.record", "记录舆情热度、设置舆情标记", ("monitor", "office")),
    Permission("grading.assess", "舆情研判、提级处置、宣布消除、提请紧急会议", ("office",)),
    Permission("grading.set_grade", "人工定级（可调高或调低）", ("leader",)),
    Permission("grading.settings", "修改舆情分级标准", ("admin", "office")),
    Permission("grading.review", "后期处置（总结评估）", ("office", "leader")),
]
WIDGET_ROWS = 10  # of the open major cases the dashboard lists; it counts them all
FILTER_CHOICES = [(GENERAL, "一般"), (MAJOR, "重大"), (CRITICAL, "特别重大"), ("major_up", "重大及以上"),
                  ("none", "未分级")]


def badge(row: Grade) -> Markup:
    html = Markup('<span class="tag grade grade-{0}" title="舆情分级：{1}">{1}</span>').format(row.grade, row.label)
    if row.eliminated_at:
        html += Markup(' <span class="tag grade-eliminated" title="舆情已消除或趋于平稳">已平稳</span>')
    return html


def graded(query, attr="grading"):
    """A Case query joined to each case's grade (``case.grading``)."""
    return query.join(Grade, on=(Grade.case == Case.id), attr=attr)


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
def portal_stylesheets():
    return url_for("grading.static", filename="grading.css")  # the badges' colours, on every page


AUDIT_LABELS = {
    "grading.settings": "修改舆情分级标准",
    "grading.graded": "舆情定级",
    "grading.upgraded": "舆情升级",
    "grading.downgraded": "舆情降级",
    "grading.rule_above_manual": "按标准应高于人工定级",
    "grading.snapshot": "记录舆情热度",
    "grading.flags": "设置舆情标记",
    "grading.assessed": "舆情研判",
    "grading.meeting_requested": "提请召开紧急会议",
    "grading.eliminated": "宣布舆情消除",
    "grading.reviewed": "后期处置总结评估",
}


@hookimpl
def portal_audit_labels():
    return AUDIT_LABELS


@hookimpl
def portal_nav_items(user):
    if user.can("grading.settings"):
        return NavItem("分级标准", "/grading/settings", order=945)


@hookimpl
def portal_case_badges(cases, user):
    grades = Grade.for_cases(c.id for c in cases)
    return {case_id: badge(row) for case_id, row in grades.items()}


def _apply_filter(query, value):
    if value == "none":
        return query.where(Case.id.not_in(Grade.select(Grade.case)))
    grades = (MAJOR, CRITICAL) if value == "major_up" else (value,)
    return query.where(Case.id.in_(Grade.select(Grade.case).where(Grade.grade.in_(grades))))


@hookimpl
def portal_statistics(start, end, department_id, user):
    from plugins.grading.statistics import statistics

    return statistics(start, end, department_id)


@hookimpl
def portal_report_sections(start, end):
    from plugins.grading.statistics import report_sections

    return report_sections(start, end)


@hookimpl
def portal_ledger_columns(user):
    def grades(case_ids):
        found = Grade.for_cases(case_ids)
        return {i: found[i].label if i in found else "未分级" for i in case_ids}
    return LedgerColumn("分级", grades, order=55, width=9)


@hookimpl
def portal_case_filters(user):
    return CaseFilterOption("grade", "舆情分级", FILTER_CHOICES, _apply_filter, order=10)


@hookimpl
def portal_case_panels(case, user):
    if access.register_only(case):
        return None  # 涉密: nothing graded here
    return Panel("分级预警", url_for("grading.panel", case_id=case.id), order=10)


# The steps the case page offers as buttons, in this order (the meeting is asked from the panel).
CASE_ACTIONS = {"record": "记录热度与标记", "assess": "舆情研判", "escalate": "提级处置（按重大舆情）",
                "eliminate": "宣布舆情消除/平稳", "set_grade": "人工定级", "review": "后期处置（总结评估）"}
ACTION_PATHS = {"record": "metrics", "set_grade": "grade"}


@hookimpl
def portal_case_actions(case, user):
    if access.register_only(case):
        return None
    allowed = set(workflow.WORKFLOW.allowed_steps(case, user))
    return [CaseAction(label, f"/grading/cases/{case.id}/{ACTION_PATHS.get(name, name)}", order=10 * n)
            for n, (name, label) in enumerate(CASE_ACTIONS.items(), start=1) if name in allowed]


def review_first(case, user):
    """预案 五: a 重大 or 特别重大 case is archived only after its 后期处置 (a guard of 立卷归档)."""
    if workflow.review_state(case, Grade.of(case)) == "due":
        return "重大、特别重大舆情须先完成后期处置（总结评估），才能立卷归档。"
    return None


@hookimpl
def portal_step_guards(workflow, step):
    if workflow.name == "case" and step.name == "archive":
        return [review_first]
    return None


@hookimpl
def portal_case_event(case, event):
    if event.name == "heat_reported" and not access.register_only(case):  # figures from elsewhere (monitoring imports)
        d = event.data
        workflow.record_snapshot(case, event.actor, clicks=d["clicks"], comments=d["comments"], reposts=d["reposts"],
                                 heat_index=d.get("heat_index", 0), observed_at=d.get("observed_at"),
                                 note=d.get("note", ""))
    if event.name in ("replied", "rejected") and workflow.review_state(case, Grade.of(case)) == "due":
        workflow.remind_review(case, event.actor)


@hookimpl
def portal_tick(at):
    return {"后期处置提醒": workflow.remind_due_reviews(at)}


@hookimpl
def portal_dashboard_widgets(user):
    if not user.can("case.view"):
        return None
    upgrades = (access.visible(GradeChange.select(GradeChange, Case.id, Case.number).join(Case), user)
                .where(GradeChange.upgrade & (GradeChange.at >= now() - timedelta(days=7)))
                .order_by(GradeChange.id.desc()))
    open_major = (access.visible(graded(Case.select(Case.id, Case.number, Case.title, Grade.grade, Grade.eliminated_at)), user)
                  .where(Grade.grade.in_((MAJOR, CRITICAL)) & Case.state.in_(OPEN_STATES) & Grade.eliminated_at.is_null()))
    gravest_first = open_major.order_by(SQLCase(None, [(Grade.grade == CRITICAL, 0)], 1), Case.id.desc())
    due = (list(access.visible(review_due_query(Case.id, Case.number, Case.title), user))
           if user.can("grading.review") else [])
    shown_upgrades, shown_major = list(upgrades.limit(8)), list(gravest_first.limit(WIDGET_ROWS))
    # counted only when the rows shown may not be all of them
    html = render_template("grading/widget.html", upgrades=shown_upgrades,
                           upgrade_count=upgrades.count() if len(shown_upgrades) == 8 else len(shown_upgrades),
                           open_major=shown_major, reviews_due=due, badge=badge,
                           open_major_count=open_major.count() if len(shown_major) == WIDGET_ROWS else len(shown_major))
    return Widget("分级预警", Markup(html), order=15)


@hookimpl
def portal_department_sections(department, user):
    rows = list(access.visible(graded(Case.select(Case.id, Case.number, Case.title, Case.state, Grade.grade,
                                                  Grade.eliminated_at)), user)
                .where(queries.of_department(department.id) & Case.state.in_(UNARCHIVED_STATES))
                .order_by(Case.id.desc()))
    counts = {g: sum(1 for c in rows if c.grading.grade == g) for g in GRADE_LABELS}
    major = sorted((c for c in rows if c.grading.is_major), key=lambda c: -rank(c.grading.grade))
    html = render_template("grading/section.html", counts=counts, cases=major[:20], department=department,
                           badge=badge, GRADE_LABELS=GRADE_LABELS)
    return Section("本科室舆情分级", Markup(html), order=20)


@hookimpl(trylast=True)  # after the core's demo cases exist
def portal_demo_data(app):
    from plugins.grading.demo import create_demo_grading

    create_demo_grading()
