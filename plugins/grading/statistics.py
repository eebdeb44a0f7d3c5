"""The grading plugin's figures on the statistics page (``portal_statistics``): the period's cases
by grade, and how many were upgraded and assessed (研判). Counts only; the lists behind them are
the case list's grade filter, which applies the visibility rule."""
from peewee import fn
from flask import url_for

from plugins.grading.models import Assessment, Grade, GradeChange
from plugins.grading.rules import GRADE_LABELS
from portal.plugin_api import Case, Statistic, case_statistics


def _scope(start, end, department_id):
    where = case_statistics.in_period(start, end)
    if department_id:
        where &= Case.host_department == department_id
    return where


def _cases_url(start, end, department_id, **more):
    args = {"from": start.isoformat(), "to": end.isoformat(), **more}
    if department_id:
        args["host"] = department_id
    return url_for("cases.index", **args)


def statistics(start, end, department_id) -> list[Statistic]:
    scope = _scope(start, end, department_id)
    graded = dict(Grade.select(Grade.grade, fn.COUNT(Grade.id)).join(Case, on=(Grade.case == Case.id))
                  .where(scope).group_by(Grade.grade).tuples())
    total = Case.select().where(scope).count()
    rows = [(label, graded[key], _cases_url(start, end, department_id, grade=key))
            for key, label in GRADE_LABELS.items() if key in graded]
    if total - sum(graded.values()):
        rows.append(("未分级", total - sum(graded.values()), _cases_url(start, end, department_id, grade="none")))
    upgraded = (Case.select().where(scope & Case.id.in_(GradeChange.select(GradeChange.case).where(GradeChange.upgrade)))
                .count())
    assessed = Case.select().where(scope & Case.id.in_(Assessment.select(Assessment.case))).count()
    assessments = Assessment.select().join(Case, on=(Assessment.case == Case.id)).where(scope).count()
    return [
        Statistic("按舆情分级", rows, order=50, chart="pie", note="按事项当前的分级。"),
        Statistic("提级与研判", [("提级的事项", upgraded, None), ("作过研判的事项", assessed, None),
                               ("研判次数", assessments, None)], order=55, chart="",
                  note="提级：分级调高过的事项（含规则判定与人工定级）。"),
    ]


def report_sections(start, end) -> list:
    """The 舆情月报's section on the major cases of the period: grade and outcome of each 普通 one;
    内部/涉密 ones only counted (the report goes to every unit)."""
    from portal.plugin_api import ReportSection, STATES

    major = list(Case.select(Case.id, Case.number, Case.title, Case.confidentiality, Case.state, Grade.grade,
                             Grade.eliminated_at)
                 .join(Grade, on=(Grade.case == Case.id))
                 .where(case_statistics.in_period(start, end) & Grade.grade.in_(("major", "critical")))
                 .order_by(Case.posted_at).objects())
    named = [c for c in major if c.confidentiality == "normal"]
    lines = [f"本期重大及以上舆情{len(major)}件。" if major else "本期无重大及以上舆情。"]
    for i, c in enumerate(named, start=1):
        settled = "，已平稳" if c.eliminated_at else ""
        lines.append(f"{i}. {c.number}“{c.title}”：{GRADE_LABELS[c.grade]}，{STATES.get(c.state, c.state)}{settled}。")
    if len(major) > len(named):
        lines.append(f"另有内部事项{len(major) - len(named)}件，不在本报告中列出。")
    return [ReportSection("重大舆情", lines, order=50)]
