"""One way of saying a deadline and an overdue time (issue 14, item 11): the function, table-driven,
and the same words for the same case on the list, the case page, the dossier PDF and the 通报 page."""
import re
from datetime import datetime

import pytest

from portal.cases.deadlines import describe_deadline
from portal.cases.models import Case
from portal.documents.measure import MeasuredPdf
from tests.core.case_helpers import drive

DUE = datetime(2026, 11, 25)  # 2026-11-24 24:00


@pytest.mark.parametrize("due_at, at, stopped_at, provisional, due, progress", [
    # before the deadline: what is left, in days and hours; minutes only under an hour
    (DUE, datetime(2026, 11, 23, 19, 0), None, False, "11月24日24:00前答复", "剩余1天5小时"),
    (DUE, datetime(2026, 11, 23, 18, 30), None, False, "11月24日24:00前答复", "剩余1天5小时"),  # part hours dropped
    (DUE, datetime(2026, 11, 22, 0, 0), None, False, "11月24日24:00前答复", "剩余3天"),
    (DUE, datetime(2026, 11, 24, 19, 0), None, False, "11月24日24:00前答复", "剩余5小时"),
    (DUE, datetime(2026, 11, 24, 23, 25), None, False, "11月24日24:00前答复", "剩余35分钟"),
    (DUE, datetime(2026, 11, 24, 23, 59, 30), None, False, "11月24日24:00前答复", "剩余不足1分钟"),
    # past it: how long overdue
    (DUE, DUE, None, False, "11月24日24:00前答复", "已超期不足1分钟"),
    (DUE, datetime(2026, 11, 25, 0, 40), None, False, "11月24日24:00前答复", "已超期40分钟"),
    (DUE, datetime(2026, 11, 27, 19, 0), None, False, "11月24日24:00前答复", "已超期2天19小时"),
    (DUE, datetime(2026, 11, 28, 0, 0), None, False, "11月24日24:00前答复", "已超期3天"),
    # replied: the clock stopped
    (DUE, datetime(2026, 12, 5), datetime(2026, 11, 24, 16, 0), False, "11月24日24:00前答复", "已按期回复"),
    (DUE, datetime(2026, 12, 5), DUE, False, "11月24日24:00前答复", "已按期回复"),
    (DUE, datetime(2026, 12, 5), datetime(2026, 11, 26, 2, 0), False, "11月24日24:00前答复", "超期1天2小时后回复"),
    # another year is named; a provisional deadline says so
    (datetime(2027, 1, 5), datetime(2026, 12, 29, 10), None, True, "2027年1月4日24:00前答复（暂定）", "剩余6天14小时"),
    (datetime(2026, 1, 1), datetime(2026, 1, 2, 1), None, False, "2025年12月31日24:00前答复", "已超期1天1小时"),
    # a deadline not at midnight (none is today) is said at its own time
    (datetime(2026, 11, 24, 17, 30), datetime(2026, 11, 24, 9), None, False, "11月24日17:30前答复", "剩余8小时"),
])
def test_describe_deadline(due_at, at, stopped_at, provisional, due, progress):
    said = describe_deadline(due_at, at, stopped_at, provisional)
    assert (said.due, said.progress, said.text) == (due, progress, f"{due}，{progress}")


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_the_list_the_case_page_the_dossier_and_the_bulletin_say_it_the_same_way(app, db, login, frozen_clock):
    frozen_clock(datetime(2026, 11, 20, 10))
    case = drive(app, "措辞一致", posted_at=datetime(2026, 11, 20, 9))  # Fri + 3 = Mon 11-23
    frozen_clock(datetime(2026, 11, 26, 19, 0))
    said = "11月23日24:00前答复，已超期2天19小时"
    office = login("office")
    assert said in text_of(office.get("/cases/?q=措辞一致").get_data(as_text=True))
    page = office.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"回复时限：{said}（3日）" in page and "已超期 · 已超期" not in page
    assert f"{said}，未作情况说明" in text_of(office.get("/cases/bulletin?from=2026-11-01&to=2026-11-30")
                                         .get_data(as_text=True))
    pdf = MeasuredPdf(office.get(f"/documents/cases.dossier/{case.id}.pdf").data)
    assert said in pdf.text().replace("\n", "")
    assert Case.get_by_id(case.id).due_at == datetime(2026, 11, 24)
