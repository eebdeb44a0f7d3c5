"""Watch-list hits on the statistics page: the period's cases hit, by topic, equal to plain SQL over
the same database; every case counted, the list behind a number naming only those the reader sees."""
import re
from datetime import datetime

from portal.plugin_api import Case, User
from portal.testing import drive

TITLE = "按监测主题命中"
PERIOD = "from=2026-10-01&to=2026-10-31"


def figures(html) -> dict:
    start = html.index(f"<h2>{TITLE}</h2>")
    section = html[start:html.index("</section>", start)]
    return {label: (int(n), href.replace("&amp;", "&")) for label, href, n in
            re.findall(r'<th scope="row">([^<]+)</th><td><a href="([^"]+)">(\d+)</a>', section)}


def by_sql(db) -> dict:
    p = db.param
    rows = db.execute_sql(
        f"select t.name, count(distinct h.case_id) from monitoring_hit h join monitoring_topic t on t.id = h.topic_id "
        f'join "case" c on c.id = h.case_id where c.posted_at >= {p} and c.posted_at < {p} group by t.name',
        [datetime(2026, 10, 1), datetime(2026, 11, 1)]).fetchall()
    return dict(rows)


def test_hits_by_topic_equal_plain_sql_and_hidden_cases_are_counted_never_named(app, login, db):
    posted = [datetime(2026, 10, 1, 0, 0), datetime(2026, 10, 31, 23, 59), datetime(2026, 11, 1, 0, 0)]
    made = [drive(app, f"小区供暖温度不达标{i}", posted_at=at) for i, at in enumerate(posted)]
    hidden = made[1]  # 内部, registered by the office: the monitor may not see it
    Case.update(confidentiality="internal", registered_by=User.get(User.username == "office").id).where(
        Case.id == hidden.id).execute()
    office = login("office")
    shown = figures(office.get(f"/statistics/?{PERIOD}").get_data(as_text=True))
    assert {k: n for k, (n, _) in shown.items()} == by_sql(db)
    heating, href = shown["冬季供暖与燃料价格"]
    assert heating >= 2  # 1 October 00:00 and 31 October 23:59 in, 1 November 00:00 out
    assert f"共 {heating} 件" in office.get(href).get_data(as_text=True)
    # the monitor's list behind the same number leaves the 内部 case out and never names it
    listed = login("monitor").get(href).get_data(as_text=True)
    assert f"共 {heating - 1} 件" in listed and hidden.title not in listed and made[0].title in listed


def test_only_who_may_see_the_watch_list_gets_the_figure(login):
    assert TITLE not in login("head").get(f"/statistics/?{PERIOD}").get_data(as_text=True)
    assert "监测主题" not in login("head").get("/cases/").get_data(as_text=True)
