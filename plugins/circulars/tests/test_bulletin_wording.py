"""The drafted 通报 says a case's deadline and overdue time as the case's own pages do."""
import re
from datetime import datetime

from plugins.circulars.models import Circular
from tests.core.case_helpers import drive


def test_the_drafted_bulletin_says_the_deadline_as_the_case_page_does(app, db, login, frozen_clock):
    frozen_clock(datetime(2026, 11, 20, 10))
    case = drive(app, "通报措辞", posted_at=datetime(2026, 11, 20, 9))  # Fri + 3 = Mon 11-23
    frozen_clock(datetime(2026, 11, 26, 19, 0))
    office = login("office")
    said = "11月23日24:00前答复，已超期2天19小时"
    assert f"回复时限：{said}" in office.get(f"/cases/{case.id}").get_data(as_text=True)
    response = office.post("/circulars/new/bulletin", data={"from": "2026-11-01", "to": "2026-11-30"})
    assert response.status_code == 302
    body = Circular.get_by_id(int(response.headers["Location"].rsplit("/", 1)[1])).body
    line = next(line for line in body.splitlines() if case.number in line)
    assert re.search(rf"：{case.number}“通报措辞”，{said}；责任人：", line), line
