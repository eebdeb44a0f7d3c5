"""The 责任清单 on the statistics page: the year of the period, by unit — done, open, overdue — each
count equal to plain SQL over the same database, linked to the unit's checklist."""
import re
from datetime import timedelta

from portal.plugin_api import now

from plugins.accountability.models import Item
from plugins.accountability.tests.helpers import dept, page


def figures(html, year) -> dict:
    title = f"<h2>{year}年责任清单完成情况（按单位）</h2>"
    start = html.index(title)
    section = html[start:html.index("</section>", start)]
    return {label: (int(n), href) for label, href, n in
            re.findall(r'<th scope="row">([^<]+)</th><td><a href="([^"]+)">(\d+)</a>', section)}


def by_sql(db, year, at, department_id=None) -> dict:
    p = db.param
    sql = (f"select coalesce(d.name, '局党组'), case when i.state = 'done' then '已完成' "
           f"when i.due_at < {p} then '已逾期' else '未完成（未到期）' end, count(*) "
           f"from accountability_item i left join department d on d.id = i.department_id where i.year = {p}")
    args = [at, year]
    if department_id:
        sql += f" and i.department_id = {p}"
        args.append(department_id)
    return {f"{name} · {outcome}": n for name, outcome, n in db.execute_sql(sql + " group by 1, 2", args).fetchall()}


def test_checklists_by_unit_equal_plain_sql_and_link_to_the_checklist(login, db):
    at = now()
    year = at.year
    overdue = Item.select().where((Item.year == year) & (Item.state == "open")).first()
    Item.update(due_at=at - timedelta(days=1)).where(Item.id == overdue.id).execute()  # one past its time
    office = login("office")
    html = page(office, f"/statistics/?from={year}-01-01&to={year}-12-31")
    shown = figures(html, year)
    assert {k: n for k, (n, _) in shown.items()} == by_sql(db, year, at)
    assert any(k.endswith("已逾期") for k in shown)
    for label, (n, href) in shown.items():
        assert f"/accountability/checklists/{year}/" in href
    checklist = page(office, shown[next(iter(shown))][1])
    assert "责任清单" in checklist
    # a department head: their unit's only, linked to their checklist
    head = page(login("head"), f"/statistics/?from={year}-01-01&to={year}-12-31")
    mine = figures(head, year)
    assert {k: n for k, (n, _) in mine.items()} == by_sql(db, year, at, dept("电力科"))
    assert mine and all(href == f"/accountability/checklists/{year}/{dept('电力科')}" for _, href in mine.values())


def test_a_year_without_checklists_shows_no_table(login):
    html = page(login("office"), "/statistics/?from=2019-01-01&to=2019-12-31")
    assert "2019年责任清单完成情况" not in html
