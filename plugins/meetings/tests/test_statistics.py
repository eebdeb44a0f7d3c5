"""The decided matters on the statistics page: by responsible unit, closed on time / closed late /
open / overdue, each count equal to plain SQL over the same database, linked to the supervision page."""
import re
from datetime import date, datetime, timedelta

from portal.plugin_api import Department, now

from plugins.meetings.models import Decision, Item

TITLE = "议定事项办理情况（按责任单位）"


def figures(html) -> dict:
    start = html.index(f"<h2>{TITLE}</h2>")
    section = html[start:html.index("</section>", start)]
    return {label: (int(n), href) for label, href, n in
            re.findall(r'<th scope="row">([^<]+)</th><td><a href="([^"]+)">(\d+)</a>', section)}


def by_sql(db, start, end, today, department_id=None) -> dict:
    p = db.param
    sql = (f"select dep.name, case when x.state = 'closed' and date(x.closed_at) <= x.due_on then '按期办结' "
           f"when x.state = 'closed' then '逾期办结' when x.due_on < {p} then '已超期' else '办理中' end, count(*) "
           f"from meetings_decision x join department dep on dep.id = x.department_id "
           f"where x.due_on >= {p} and x.due_on <= {p}")
    args = [today, start, end]
    if department_id:
        sql += f" and x.department_id = {p}"
        args.append(department_id)
    rows = db.execute_sql(sql + " group by dep.name, 2", args).fetchall()
    return {f"{name} · {outcome}": n for name, outcome, n in rows}


def test_decisions_by_unit_equal_plain_sql_with_the_edges(login, db):
    today = now().date()
    item = Item.select().first()
    coal = Department.get(Department.name == "煤炭科").id
    power = Department.get(Department.name == "电力科").id
    due = today - timedelta(days=3)
    edges = [  # closed at 23:59 of the due day (on time) and at 00:00 the day after (late), one open past
        dict(state="closed", closed_at=datetime.combine(due, datetime.max.time()).replace(microsecond=0), due_on=due),
        dict(state="closed", closed_at=datetime.combine(due + timedelta(days=1), datetime.min.time()), due_on=due),
        dict(state="reported", due_on=today - timedelta(days=1)),  # reported, not closed: overdue
        dict(state="open", due_on=today),  # due today: still open, not overdue
        dict(state="open", due_on=date(today.year - 2, 1, 5)),  # outside the period
    ]
    for values in edges:
        Decision.create(item=item.id, text="统计测试议定事项", department=coal, **values)
    start, end = today - timedelta(days=60), today + timedelta(days=60)
    office = login("office")
    html = office.get(f"/statistics/?from={start}&to={end}").get_data(as_text=True)
    shown = figures(html)
    assert {k: n for k, (n, _) in shown.items()} == by_sql(db, start, end, today)
    assert shown["煤炭科 · 按期办结"][0] >= 1 and shown["煤炭科 · 逾期办结"][0] >= 1
    assert shown["煤炭科 · 已超期"][0] >= 1 and shown["煤炭科 · 办理中"][0] >= 1
    href = shown["煤炭科 · 已超期"][1]
    assert office.get(href).status_code == 200 and "督办" in office.get(href).get_data(as_text=True)
    # a department head: their own unit's only
    head = login("head").get(f"/statistics/?from={start}&to={end}").get_data(as_text=True)
    assert {k: n for k, (n, _) in figures(head).items()} == by_sql(db, start, end, today, power)
    assert "煤炭科 ·" not in head

