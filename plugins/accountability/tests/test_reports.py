"""Regular analysis reports (第七条（三）): the office's schedule, who has not filed, reminders on
the scheduled check, sent once."""
from datetime import datetime

from portal.plugin_api import Notification, User, database

from plugins.accountability import reports
from plugins.accountability.models import Report
from plugins.accountability.tests.helpers import dept, page, user

YEAR = 2026


def test_the_office_sets_the_schedule_and_sees_who_has_not_filed(app, login, frozen_clock):
    frozen_clock(datetime(YEAR, 5, 20, 9, 0))
    office, head = login("office"), login("head")
    refused = office.post("/accountability/reports/schedule", data={"period": "weekly", "due_days": "99"})
    assert refused.status_code == 302
    assert "请选择报送周期。" in page(office, "/accountability/reports")
    assert office.post("/accountability/reports/schedule", data={"period": "month", "due_days": "5"}).status_code == 302
    html = page(office, f"/accountability/reports?year={YEAR}")
    assert f"{YEAR}年4月" in html and "报送期限 2026-05-05" in html and "未报送" in html
    assert head.post("/accountability/reports/schedule", data={"period": "quarter", "due_days": "5"}).status_code == 403

    power = dept("电力科")
    url = f"/accountability/reports/{YEAR}/4/{power}"
    empty = head.post(url, data={"text": ""})
    assert empty.status_code == 400 and "请填写报告内容。" in empty.get_data(as_text=True)
    assert head.post(url, data={"text": "本月网上未发现涉及电力行业的错误思潮。"}).status_code == 302
    assert "本月网上未发现" in page(office, url)
    again = head.post(url, data={"text": "重复"}, follow_redirects=True)
    assert "本期报告已报送" in again.get_data(as_text=True)
    with database.connection_context():
        assert Report.select().where((Report.department == power) & (Report.period == f"{YEAR}-month-4")).count() == 1
    # 煤炭科's head may not file 电力科's report
    assert login("coal_head").post(f"/accountability/reports/{YEAR}/3/{power}", data={"text": "x"}).status_code == 403
    assert "网络意识形态分析研判报告" in page(login("admin"), "/admin/audit")


def test_the_unit_head_is_reminded_before_and_after_the_due_date_once_each(app, frozen_clock, login):
    office = login("office")
    office.post("/accountability/reports/schedule", data={"period": "quarter", "due_days": "10"})
    head = user("head")
    with app.app_context(), database.connection_context():
        frozen_clock(datetime(YEAR, 4, 8, 9, 0))  # Q1 is due by 04-10
        assert reports.remind(datetime(YEAR, 4, 8, 9, 0)) > 0
        assert reports.remind(datetime(YEAR, 4, 8, 9, 1)) == 0  # claimed: not sent twice
        mine = [n.message for n in Notification.select().where(Notification.user == head.id)]
        assert any("请于04月10日前报送电力科2026年第一季度网络意识形态分析研判报告" in m for m in mine)
        # 煤炭科 files before the due date: it is not reminded again
        reports.file(reports.period(YEAR, 1), dept_row("煤炭科"), "已研判。", user("coal_head"))
        assert reports.remind(datetime(YEAR, 4, 11, 9, 0)) > 0
        late = [n.message for n in Notification.select().where(Notification.kind == "accountability_report_overdue")]
        assert any("电力科2026年第一季度" in m and "已超过报送期限" in m for m in late)
        assert not [m for m in late if "煤炭科2026年第一季度" in m]  # it filed
        assert reports.remind(datetime(YEAR, 4, 12, 9, 0)) == 0
    assert "已超过报送期限" in page(login("head"), "/notifications")


def dept_row(name):
    from portal.plugin_api import Department

    return Department.get(Department.name == name)


def test_the_tick_runs_the_reminders(app, frozen_clock):
    from portal.plugin_api import now

    frozen_clock(datetime(YEAR, 7, 9, 9, 0))  # Q2 due 07-10
    with app.app_context(), database.connection_context():
        results = app.extensions["portal_pm"].hook.portal_tick(at=now())
        assert any(r and r.get("分析研判报告提醒", 0) > 0 for r in results)
        assert User.select().count() > 0


def test_the_dashboard_lists_the_reports_the_unit_head_has_to_file(app, login, frozen_clock):
    frozen_clock(datetime(YEAR, 4, 5, 9, 0))  # the first quarter ended; due by 04-10 (the default schedule)
    home = page(login("head"), "/")
    assert "待报送的分析研判报告" in home and "电力科2026年第一季度" in home
    assert "待报送的分析研判报告" not in page(login("staff"), "/")
