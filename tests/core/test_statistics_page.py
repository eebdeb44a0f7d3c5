"""The statistics page as its readers use it: the figures, the ranking, charts beside their
numbers, drill-down links whose lists hold the cases counted, and hidden cases counted but never
named."""
import re
from datetime import datetime

import pytest

from portal.cases.models import Case
from portal.db import database
from portal.org.models import Department
from portal.testing import drive

PERIOD = {"from": "2026-10-01", "to": "2026-10-31"}
SECRET_TITLE = "内部事项标题不应出现"


@pytest.fixture
def cases(app, frozen_clock):
    frozen_clock(datetime(2026, 11, 5, 12, 0))
    made = []
    for title, host, replied, confidentiality in (("按期回复的事项", "电力科", datetime(2026, 10, 11), "normal"),
                                                  ("超期回复的事项", "电力科", datetime(2026, 10, 20), "normal"),
                                                  (SECRET_TITLE, "煤炭科", None, "internal")):
        c = drive(app, title, state="replied" if replied else "handling", host=host)
        with app.app_context(), database.connection_context():
            Case.update(posted_at=datetime(2026, 10, 10, 9), registered_at=datetime(2026, 10, 10, 10),
                        due_at=datetime(2026, 10, 14), replied_at=replied, confidentiality=confidentiality
                        ).where(Case.id == c.id).execute()
        made.append(c)
    return made


def links_in(html):
    return {m.group(2): m.group(1).replace("&amp;", "&")
            for m in re.finditer(r'<td><a href="([^"]+)">(\d+)</a></td>', html)}


def test_the_office_sees_the_figures_ranking_charts_and_definitions(login, cases):
    html = login("office").get("/statistics/", query_string=PERIOD).get_data(as_text=True)
    summary = html[html.index('id="summary"'):html.index("</table>", html.index('id="summary"'))]
    cells = re.findall(r"<td>(?:<a [^>]+>)?([^<]+)", summary)
    assert cells[:8] == ["3", "3", "1", "33.3%", "2", "0", "0", "2"]
    assert "考核排名" in html and html.index("电力科") < html.index("煤炭科")
    assert html.count('src="data:image/svg+xml;base64,') >= 4 and "<script" not in html.split("</nav>", 1)[1]
    assert "口径说明" in html and "24:00整回复仍为按期" in html
    assert SECRET_TITLE not in html and cases[2].number not in html


def test_every_linked_number_is_the_length_of_its_list_for_who_sees_all(login, cases):
    office = login("office")
    html = office.get("/statistics/", query_string=PERIOD).get_data(as_text=True)
    checked = 0
    for url in re.findall(r'<a href="(/cases/\?[^"]+)">(\d+)</a>', html):
        href, number = url[0].replace("&amp;", "&"), int(url[1])
        listing = office.get(href).get_data(as_text=True)
        assert f"共 {number} 件" in listing, href
        checked += 1
    assert checked >= 10


def test_a_department_head_sees_their_department_counted_and_hidden_cases_only_counted(login, cases):
    head = login("head")  # 电力科
    html = head.get("/statistics/", query_string=PERIOD).get_data(as_text=True)
    assert "考核排名" not in html and "电力科主办" in html
    assert head.get("/statistics/", query_string={**PERIOD, "department": "0"}).status_code == 200
    coal = Department.get(Department.name == "煤炭科").id
    assert head.get("/statistics/", query_string={**PERIOD, "department": coal}).status_code == 403
    # the office's page counts the 内部 case of 煤炭科; 电力科's staff's list behind the figure omits it
    late = login("staff").get("/cases/", query_string={**PERIOD, "outcome": "late"}).get_data(as_text=True)
    assert "共 1 件" in late and SECRET_TITLE not in late


def test_the_case_list_says_it_is_narrowed_by_a_figure(login, cases):
    dept = Department.get(Department.name == "电力科").id
    html = login("office").get("/cases/", query_string={**PERIOD, "host": dept, "outcome": "on_time"}).get_data(as_text=True)
    assert "来自统计：主办部门 电力科，按期" in html and "按期回复的事项" in html and "超期回复的事项" not in html


def test_a_reversed_period_is_put_right(login, cases):
    html = login("office").get("/statistics/", query_string={"from": "2026-10-31", "to": "2026-10-01"}).get_data(as_text=True)
    assert "2026年10月1日至2026年10月31日" in html


def test_the_figures_workbook_holds_the_pages_numbers(login, cases):
    import io

    from openpyxl import load_workbook

    office = login("office")
    html = office.get("/statistics/", query_string=PERIOD).get_data(as_text=True)
    assert "/statistics/figures.xlsx?from=2026-10-01&amp;to=2026-10-31" in html
    response = office.get("/statistics/figures.xlsx", query_string=PERIOD)
    assert response.mimetype.endswith("spreadsheetml.sheet") and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.get_data()))
    summary = [c.value for c in book["总体"][2]]
    assert summary[:9] == ["全局", 3, 3, 1, pytest.approx(1 / 3), 2, 0, 0, 2]
    ranking = {row[1]: row for row in book["考核排名"].iter_rows(min_row=2, values_only=True)}
    assert ranking["电力科"][2:4] == (2, 2) and ranking["煤炭科"][2] == 1
    assert {"按月份", "按来源", "按类别", "按办理状态", "按舆情分级"} <= set(book.sheetnames)
    assert SECRET_TITLE not in str([c.value for s in book for r in s.iter_rows() for c in r])


def test_a_department_head_workbook_is_their_department(login, cases):
    head = login("head")
    coal = Department.get(Department.name == "煤炭科").id
    assert head.get("/statistics/figures.xlsx", query_string={**PERIOD, "department": coal}).status_code == 403
    assert head.get("/statistics/figures.xlsx", query_string=PERIOD).status_code == 200
