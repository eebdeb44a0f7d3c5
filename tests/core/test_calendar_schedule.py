"""/admin/calendar: an administrator enters a year's official holiday schedule in one form."""
from datetime import date, datetime

from portal.audit import AuditEvent
from portal.cases import deadlines
from portal.cases.models import Case, HolidaySchedule, WorkdayOverride
from tests.core.case_helpers import drive

SCHEDULE = {"action": "schedule", "year": "2027",
            "rest": "2027-01-01至2027-01-03 元旦\n2027-02-05至2027-02-12 春节",
            "work": "2027-02-20 春节调休"}


def provisional_case(app, posted_at=datetime(2026, 12, 29, 10)):
    case = drive(app, f"跨年 {posted_at:%m-%d}")
    Case.update(posted_at=posted_at).where(Case.id == case.id).execute()
    with app.app_context():
        deadlines.recompute_open_deadlines()
    return Case.get_by_id(case.id)


def test_the_page_shows_this_year_and_the_next_and_how_each_is_counted(app, db, login, frozen_clock):
    frozen_clock(datetime(2026, 11, 29, 10))
    text = login("office").get("/admin/calendar").get_data(as_text=True)
    assert "2026年：</strong>\n    已内置国务院公布的节假日安排" in text
    assert "暂定</strong>：尚无国务院公布的安排" in text
    assert "按规定放假：元旦 1月1日；春节 2月5日至2月8日；清明节 4月5日；劳动节 5月1日至5月2日；端午节 6月9日；" \
           "中秋节 9月15日；国庆节 10月1日至10月3日" in text
    assert 'name="year" inputmode="numeric" maxlength="4" value="2027"' in text


def test_entering_a_schedule_makes_the_years_deadlines_final(app, db, login):
    case = provisional_case(app)
    assert (case.due_at, case.due_provisional) == (datetime(2027, 1, 5), True)  # 元旦 + weekend: Mon 01-04
    office = login("office")
    response = office.post("/admin/calendar", data=dict(SCHEDULE), follow_redirects=True)
    assert "已录入2027年节假日安排：放假11天，调休上班1天。已重新计算1件在办事项的时限" in response.get_data(as_text=True)
    case = Case.get_by_id(case.id)
    assert (case.due_at, case.due_provisional) == (datetime(2027, 1, 5), False)
    assert HolidaySchedule.get_by_id(2027).entered_by.username == "office"
    assert WorkdayOverride.get(WorkdayOverride.day == date(2027, 2, 20)).is_workday
    assert AuditEvent.select().where(AuditEvent.action == "calendar.changed").count() == 1
    # the Saturday make-up day counts: Wed 02-17 + 3 = Sat 02-20, a working day
    later = provisional_case(app, datetime(2027, 2, 17, 9))
    assert (later.due_at, later.due_provisional) == (datetime(2027, 2, 21), False)


def test_entering_again_replaces_the_years_days(app, db, login):
    office = login("office")
    office.post("/admin/calendar", data={"action": "add", "day": "2027-03-03", "is_workday": "0", "note": "旧"})
    office.post("/admin/calendar", data=dict(SCHEDULE))
    office.post("/admin/calendar", data=dict(SCHEDULE, rest="2027-01-01 元旦", work=""))
    assert [o.day for o in WorkdayOverride.select().order_by(WorkdayOverride.day)] == [date(2027, 1, 1)]


def test_a_bad_schedule_shows_every_problem_and_changes_nothing(app, db, login):
    case = provisional_case(app)
    office = login("office")
    response = office.post("/admin/calendar", data=dict(SCHEDULE, rest="2027-02-30\n2027-01-01", work="2027-01-06"))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "2027年节假日安排有2处错误，未保存" in text
    assert "放假日期第1行：2027-02-30 不是有效日期。" in text
    assert "调休上班日期1月6日是星期三，本来就是工作日。" in text
    assert "2027-01-01" in text  # what was typed comes back to be corrected
    assert WorkdayOverride.select().count() == 0 and HolidaySchedule.select().count() == 0
    assert Case.get_by_id(case.id).due_provisional
    assert AuditEvent.select().where(AuditEvent.action == "calendar.changed").count() == 0


def test_removing_a_schedule_makes_the_year_provisional_again(app, db, login):
    case = provisional_case(app)
    office = login("office")
    office.post("/admin/calendar", data=dict(SCHEDULE))
    assert not Case.get_by_id(case.id).due_provisional
    response = office.post("/admin/calendar", data={"action": "unschedule", "year": "2027"}, follow_redirects=True)
    assert "已删除2027年节假日安排" in response.get_data(as_text=True)
    assert Case.get_by_id(case.id).due_provisional
    assert WorkdayOverride.select().count() == 0
    again = office.post("/admin/calendar", data={"action": "unschedule", "year": "2027"})
    assert again.status_code == 400


def test_a_monitor_may_not_enter_a_schedule(app, db, login):
    assert login("monitor").post("/admin/calendar", data=dict(SCHEDULE)).status_code == 403
    assert HolidaySchedule.select().count() == 0
