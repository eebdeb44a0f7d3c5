"""The accountability plugin's figure on the statistics page (``portal_statistics``): the 责任清单
of the year the period ends in, by unit — done, open, overdue (open past its due time). Counts are
allowed to everyone; each number links to the unit's checklist when the reader may read it."""
from flask import url_for

from plugins.accountability import parties, visibility
from plugins.accountability.models import Item
from plugins.accountability.regulation import PARTY_GROUP
from portal.plugin_api import Department, Statistic, now

OUTCOMES = {"done": "已完成", "open": "未完成（未到期）", "overdue": "已逾期"}


def outcome(item, at) -> str:
    if item.state == "done":
        return "done"
    return "overdue" if item.due_at < at else "open"


def counts(year, department_id, at) -> dict:
    """{(department id or None for the Party group, outcome): n} for the year's checklist items."""
    query = Item.select(Item.department, Item.state, Item.due_at).where(Item.year == year)
    if department_id:
        query = query.where(Item.department == department_id)
    found = {}
    for item in query:
        key = (item.department_id, outcome(item, at))
        found[key] = found.get(key, 0) + 1
    return found


def statistics(end, department_id, user) -> list[Statistic]:
    year = end.year
    found = counts(year, department_id, now())
    if not found:
        return []
    held = None if visibility.sees_all(user) else parties.holders(year)[0]
    present = {unit for unit, _ in found}
    listed = [u.id for u in parties.units()]
    names = {d.id: d.name for d in Department.select(Department.id, Department.name)
             .where(Department.id.in_([u for u in present if u]))}
    rows = []
    for unit in sorted(present, key=lambda u: (u is not None, listed.index(u) if u in listed else len(listed), u or 0)):
        url = (url_for("accountability.checklist", year=year, department_id=unit or 0)
               if visibility.may_read_unit(user, year, unit, held) else None)
        name = names[unit] if unit else PARTY_GROUP
        rows += [(f"{name} · {label}", found[(unit, key)], url)
                 for key, label in OUTCOMES.items() if (unit, key) in found]
    return [Statistic(f"{year}年责任清单完成情况（按单位）", rows, order=75, unit="项", chart="hbar",
                      note="本期结束日所在年度的责任清单事项；已逾期：未完成且已过完成时限。"
                           "可查看的单位清单，数字链接到该清单。")]
