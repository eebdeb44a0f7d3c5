"""Sensitive periods: the office's calendar, and grading's 特殊时期 rule switched on and off at
their boundaries (Beijing time: the start included, the end excluded)."""
from datetime import datetime, timedelta

import pytest

from portal.plugin_api import User, database, now, sensitive_period

from plugins.grading import workflow as grading
from plugins.grading.models import Grade
from plugins.monitoring import periods
from plugins.monitoring.models import Period

MINUTE = timedelta(minutes=1)


@pytest.fixture
def period(app, db):
    start = (now() - timedelta(days=10)).replace(second=0, microsecond=0)
    with app.app_context():
        return periods.add(User.get(User.username == "office"),
                           {"name": "全国两会", "kind": "meeting", "starts_at": start, "ends_at": start + timedelta(days=5)})


def test_the_calendar_answers_for_its_period_start_included_end_excluded(app, period):
    with app.app_context():
        assert sensitive_period(period.starts_at - timedelta(seconds=1)) is None
        assert sensitive_period(period.starts_at) == "全国两会"
        assert sensitive_period(period.ends_at - timedelta(seconds=1)) == "全国两会"
        assert sensitive_period(period.ends_at) is None


@pytest.mark.parametrize("offset, grade", [(-MINUTE, "general"), (timedelta(0), "major"),
                                           ("end", "major"), ("after", "general")])
def test_grading_applies_the_rule_inside_a_period_only(app, period, make_case, offset, grade):
    """Two mainstream reposts: 重大 in a sensitive period, 一般 outside (预案 三)."""
    at = {"end": period.ends_at - MINUTE, "after": period.ends_at}.get(offset) \
        if isinstance(offset, str) else period.starts_at + offset
    case = make_case("某电厂排放问题", state="handling", posted_at=at)
    with app.app_context(), database.connection_context():
        grading.record_snapshot(case, User.get(User.username == "monitor"), clicks=10, comments=2, reposts=2,
                                heat_index=1, observed_at=at)
        assert Grade.of(case).grade == grade


def test_the_case_page_says_where_the_flag_came_from(app, period, make_case, login):
    case = make_case("某电厂排放问题", state="handling", posted_at=period.starts_at + timedelta(hours=1))
    with app.app_context(), database.connection_context():
        grading.record_snapshot(case, User.get(User.username == "monitor"), clicks=10, comments=2, reposts=2,
                                heat_index=1, observed_at=period.starts_at + timedelta(hours=2))
    page = login("office").get(f"/grading/cases/{case.id}/panel").get_data(as_text=True)
    assert "特殊时期（来自日历：全国两会）" in page and "重大" in page


def test_a_period_must_end_after_it_starts_and_nothing_changes_otherwise(app, login, db):
    before = Period.select().count()
    r = login("office").post("/monitoring/periods", data={"name": "春节", "kind": "holiday",
                                                          "starts_at": "2027-02-10T00:00", "ends_at": "2027-02-09T00:00"})
    assert r.status_code == 400 and "结束时间须晚于开始时间" in r.get_data(as_text=True)
    r = login("office").post("/monitoring/periods", data={"name": "", "kind": "x", "starts_at": "明天",
                                                          "ends_at": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "请填写时期名称" in page and "请选择类型" in page and "请填写结束时间" in page
    assert Period.select().count() == before


def test_the_office_sets_edits_and_removes_a_period(app, login, db):
    office = login("office")
    r = office.post("/monitoring/periods", data={"name": "春节", "kind": "holiday", "starts_at": "2027-02-05T00:00",
                                                 "ends_at": "2027-02-12T00:00"})
    assert r.status_code == 302
    p = Period.get(Period.name == "春节")
    r = office.post(f"/monitoring/periods/{p.id}", data={"name": "春节假期", "kind": "holiday", "version": p.version,
                                                         "starts_at": "2027-02-05T00:00", "ends_at": "2027-02-13T00:00"})
    assert r.status_code == 302 and Period.get_by_id(p.id).ends_at == datetime(2027, 2, 13)
    assert office.post(f"/monitoring/periods/{p.id}/remove", data={"version": "1"}).status_code == 303  # stale
    assert Period.get_or_none(Period.id == p.id) is not None
    assert office.post(f"/monitoring/periods/{p.id}/remove", data={"version": "2"}).status_code == 302
    assert Period.get_or_none(Period.id == p.id) is None
    assert "已删除特殊时期：春节假期" in office.get("/monitoring/periods").get_data(as_text=True)
    assert "春节假期" not in office.get("/monitoring/periods").get_data(as_text=True)
