"""The case ledger (台账): the case list's filter as an Excel workbook, read back with openpyxl —
the same rows as the list, real dates, the office's columns, a frozen header, and no case the
person exporting may not see."""
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from portal.cases.models import Case, Extension
from portal.db import database
from portal.org.models import User
from portal.testing import drive

HEADERS = ["编号", "来源", "发帖时间", "标题", "类别", "分级", "主办部门", "协办部门", "批办领导", "回复时限",
           "回复时间", "是否超期", "延期", "状态", "归档时间"]
HIDDEN = "煤炭科内部事项Ledger"


@pytest.fixture
def cases(app, frozen_clock):
    frozen_clock(datetime(2026, 11, 5, 12, 0))
    made = {}
    for title, host, state, confidentiality in (("按期回复", "电力科", "archived", "normal"),
                                                ("超期未回复", "电力科", "handling", "normal"),
                                                (HIDDEN, "煤炭科", "handling", "internal")):
        c = drive(app, title, state=state, host=host)
        with app.app_context(), database.connection_context():
            Case.update(posted_at=datetime(2026, 10, 10, 9), due_at=datetime(2026, 10, 14),
                        confidentiality=confidentiality).where(Case.id == c.id).execute()
            if title == "按期回复":
                Case.update(replied_at=datetime(2026, 10, 13, 23, 59)).where(Case.id == c.id).execute()
                Extension.create(case=c.id, days=5, reason="核查", requested_by=User.get(User.username == "office"),
                                 decision="approved")
        made[title] = c
    return made


def export(client, **args):
    token = client.csrf_token()
    response = client.post("/statistics/ledger", data={"csrf_token": token, **args})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.get_data()))


def listed_numbers(client, **args):
    html = client.get("/cases/", query_string=args).get_data(as_text=True)
    return re.findall(r"YQ-\d{4}-\d{4}", html[html.index('id="results"'):])


def test_the_ledger_holds_the_lists_rows_with_the_offices_columns(login, cases):
    office = login("office")
    args = {"from": "2026-10-01", "to": "2026-10-31"}
    sheet = export(office, **args).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert [r[0] for r in rows[1:]] == list(dict.fromkeys(listed_numbers(office, **args)))
    assert sheet.freeze_panes == "A2"
    by_title = {r[3]: dict(zip(HEADERS, r)) for r in rows[1:]}
    replied = by_title["按期回复"]
    assert replied["发帖时间"] == datetime(2026, 10, 10, 9) and isinstance(replied["回复时限"], datetime)
    assert replied["回复时间"] == datetime(2026, 10, 13, 23, 59) and replied["是否超期"] == "否"
    assert replied["延期"] == "延期至5日" and replied["状态"] == "已归档" and isinstance(replied["归档时间"], datetime)
    assert replied["主办部门"] == "电力科" and replied["批办领导"] and replied["分级"] == "未分级"
    assert by_title["超期未回复"]["是否超期"] == "是" and by_title["超期未回复"]["回复时间"] is None
    assert HIDDEN in by_title  # the office may see it
    assert sheet.column_dimensions["D"].width >= 30


def test_a_filtered_ledger_is_the_filtered_list(login, cases):
    office = login("office")
    args = {"from": "2026-10-01", "to": "2026-10-31", "outcome": "late"}
    rows = list(export(office, **args).active.iter_rows(values_only=True))[1:]
    assert sorted(r[3] for r in rows) == sorted(["超期未回复", HIDDEN])


def test_hidden_cases_are_never_in_a_ledger_made_for_someone_who_may_not_see_them(login, cases):
    staff = login("staff")  # 电力科
    rows = list(export(staff, **{"from": "2026-10-01", "to": "2026-10-31"}).active.iter_rows(values_only=True))
    assert HIDDEN not in {r[3] for r in rows} and cases[HIDDEN].number not in {r[0] for r in rows}
    assert len(rows) == 3


def test_the_case_list_offers_the_export_with_its_filters(login, cases):
    html = login("staff").get("/cases/?source=website&from=2026-10-01").get_data(as_text=True)
    form = html[html.index('id="ledger-export"'):]
    assert 'name="source" value="website"' in form and 'name="from" value="2026-10-01"' in form
