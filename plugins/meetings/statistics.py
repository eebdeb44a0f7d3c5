"""The joint meetings' figure on the statistics page (``portal_statistics``): the decided matters
(议定事项) due in the period, by responsible unit — closed on time, closed late, open, overdue.
Counts every decision (also those about a case the reader may not see); names none. The numbers
link to the supervision page (督办), which lists only what the reader sees."""
from flask import url_for

from plugins.meetings.models import Decision
from portal.plugin_api import Department, Statistic, now

OUTCOMES = {"on_time": "按期办结", "late": "逾期办结", "open": "办理中", "overdue": "已超期"}


def outcome(decision, today) -> str:
    if decision.state == "closed":
        return "on_time" if decision.closed_at and decision.closed_at.date() <= decision.due_on else "late"
    return "overdue" if decision.due_on < today else "open"


def counts(start, end, department_id, today) -> dict:
    """{(unit name, outcome): n} for the decisions due ``start``–``end`` (both included)."""
    query = (Decision.select(Decision.state, Decision.due_on, Decision.closed_at, Department.name)
             .join(Department, on=(Decision.department == Department.id))
             .where(Decision.due_on.between(start, end)))
    if department_id:
        query = query.where(Decision.department == department_id)
    found = {}
    for d in query.objects():
        key = (d.name, outcome(d, today))
        found[key] = found.get(key, 0) + 1
    return found


def statistics(start, end, department_id) -> list[Statistic]:
    found = counts(start, end, department_id, now().date())
    url = url_for("meetings.supervision")
    rows = [(f"{unit} · {OUTCOMES[key]}", n, url)
            for unit in sorted({u for u, _ in found}) for key in OUTCOMES if (n := found.get((unit, key)))]
    return [Statistic("议定事项办理情况（按责任单位）", rows, order=70, unit="项", chart="hbar",
                      note="期限在本期内的议定事项；按期办结：办结日不晚于期限；已超期：未办结且期限已过。"
                           "数字含涉及无权查看事项的议定事项，督办页只列出可查看的。")]
