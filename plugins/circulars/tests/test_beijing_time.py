"""A circular signed in the first minutes of a Beijing new year, on a server kept in UTC, is
numbered and dated in the new year (成文日期 on the PDF included)."""
import time
from datetime import date, datetime, timezone

import pytest

from portal.documents.measure import MeasuredPdf
from plugins.circulars.models import Circular
from plugins.circulars.tests.test_circulars import new_circular, step


@pytest.fixture
def utc_server(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_signed_at_0030_on_new_years_day_is_numbered_and_dated_in_the_new_year(app, db, login, frozen_clock,
                                                                                 utc_server):
    frozen_clock(datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc))  # 2027-01-01 00:30 in Beijing
    office, reviewer, leader = login("office"), login("office2"), login("leader")
    cid = new_circular(office)
    for actor, action in ((office, "submit"), (reviewer, "review"), (leader, "sign")):
        assert step(actor, cid, action).status_code == 302
    circular = Circular.get_by_id(cid)
    assert circular.number == "鄂能局发〔2027〕1号"
    assert circular.date_of_writing == date(2027, 1, 1) and circular.signed_at == datetime(2027, 1, 1, 0, 30)
    assert step(office, cid, "issue", date_of_issue="2027-01-01").status_code == 302
    text = MeasuredPdf(office.get(f"/circulars/{cid}.pdf").data).text().replace("\n", "")
    assert "2027年1月1日" in text and "鄂能局发〔2027〕1号" in text
