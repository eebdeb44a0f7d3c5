"""Reply deadlines with the database and the pages: display, tick, extensions, the calendar
admin page, years without data, and the 通报. The pure rule is in test_workdays.py."""
import re
import threading
from datetime import date, datetime, timedelta

import pytest

from portal.audit import AuditEvent
from portal.cases import deadlines, workflow
from portal.cases.models import Case, Explanation, Extension, Notification, Urging, WorkdayOverride
from portal.org.models import Department, User
from portal.db import now
from portal.settings import Setting
from portal.workdays import reply_deadline
from tests.core.case_helpers import drive

HANDLERS = {"head", "staff", "liaison"}  # 电力科
VERSION = re.compile(r'name="version" value="(\d+)"')


def user(username):
    return User.get(User.username == username)


def dept(name):
    return Department.get(Department.name == name)


def new_case(app, title, *, state="handling", **kwargs):
    return drive(app, title, state=state, **kwargs)


def page(client, case):
    return client.get(f"/cases/{case.id}").get_data(as_text=True)


def step(client, case, action, **fields):
    version = VERSION.search(page(client, case)).group(1)
    return client.post(f"/cases/{case.id}/do/{action}", data={"version": version, **fields})


def shown(last_day: date) -> str:
    """How pages say a deadline ending at 24:00 of ``last_day`` (the wording is tested in
    test_deadline_wording.py)."""
    due_at = datetime.combine(last_day + timedelta(days=1), datetime.min.time())
    return deadlines.describe_deadline(due_at, now()).due


def fired(case, kind):
    """(audit events, 电力科 handlers notified) for the deadline event ``kind`` of ``case``."""
    audits = AuditEvent.select().where((AuditEvent.object_type == "case") & (AuditEvent.object_id == case.id)
                                       & (AuditEvent.action == f"case.{kind}")).count()
    told = [n.user.username for n in Notification.select().where((Notification.case == case.id)
                                                                 & (Notification.kind == kind))]
    return audits, sorted(u for u in told if u in HANDLERS)


# Display ---------------------------------------------------------------------------------

@pytest.mark.parametrize("posted_at, last_day", [
    ("2026-03-11T09:30", date(2026, 3, 16)),   # Wed: D+3 is Sat, rolls to Mon
    ("2026-09-28T16:00", date(2026, 10, 8)),   # D+3 is in the National Day holiday
    ("2026-02-11T23:50", date(2026, 2, 14)),   # D+3 is a make-up working Saturday: no roll
])
def test_registered_case_shows_its_deadline(app, login, posted_at, last_day):
    monitor = login("monitor")
    response = monitor.post("/cases/new", data={
        "title": f"时限显示 {posted_at}", "source": "website", "category": "consult", "url": "",
        "posted_at": posted_at, "post_text": "请问……", "confidentiality": "normal",
        "netizen_nickname": "网友", "netizen_contact": ""}, follow_redirects=True)
    assert response.status_code == 200
    assert reply_deadline(datetime.fromisoformat(posted_at)).last_day == last_day
    assert f"回复时限：{shown(last_day)}，" in response.get_data(as_text=True)


# tick: due-soon and overdue, once each ---------------------------------------------------

H = timedelta(hours=1)


@pytest.mark.parametrize("state, ticks, due_soon, overdue, urged", [
    # before due-soon, due-soon twice, overdue twice: each fires once; due-soon urges automatically
    ("handling", [-48 * H, -12 * H, -6 * H, H, 48 * H], 1, 1, 1),
    # never ticked before it was overdue: overdue only, and no due-soon after it
    ("handling", [H, 2 * H, 24 * H], 0, 1, 0),
    # awaiting approval: warned, but the host department is not urged
    ("awaiting_approval", [-12 * H, H], 1, 1, 0),
    # replied: the clock stopped, nothing ever fires
    ("replied", [-12 * H, H, 72 * H], 0, 0, 0),
])
def test_tick_fires_each_deadline_event_once(app, db, state, ticks, due_soon, overdue, urged):
    case = new_case(app, f"到期提醒 {state}", state=state)
    with app.app_context():
        for offset in ticks:
            workflow.tick(case.due_at + offset)
    assert fired(case, "due_soon") == (due_soon, sorted(HANDLERS) * due_soon)
    assert fired(case, "overdue") == (overdue, sorted(HANDLERS) * overdue)
    automatic = Urging.select().where((Urging.case == case.id) & Urging.by.is_null())
    assert [u.message for u in automatic] == [workflow.AUTO_URGE] * urged


def test_due_soon_is_on_the_handlers_pages(app, db, login):
    case = new_case(app, "即将到期页面提示")
    with app.app_context():
        workflow.tick(case.due_at - 12 * H)
    head = login("head")
    assert "即将到期" in head.get("/notifications").get_data(as_text=True)
    assert "系统自动催办" in page(head, case)


# Extension -------------------------------------------------------------------------------

def test_extension_to_five_days(app, db, login):
    case = new_case(app, "申请延期")
    with app.app_context():
        workflow.tick(case.due_at - 12 * H)  # already warned under the 3-day deadline
        five_days = deadlines.compute_deadline(case.posted_at, 5)
    head, leader = login("head"), login("leader")
    assert "申请延期</h2>" in page(head, case)  # the request form is offered

    too_long = step(head, case, "request_extension", days="6", reason="需现场核查。")
    assert too_long.status_code == 400 and "不得超过5日" in too_long.get_data(as_text=True)
    assert Extension.select().where(Extension.case == case.id).count() == 0

    assert step(head, case, "request_extension", days="5", reason="需现场核查。").status_code == 302
    assert step(leader, case, "decide_extension", decision="approve").status_code == 302

    extended = Case.get_by_id(case.id)
    assert (extended.deadline_days, extended.due_at) == (5, five_days.due_at) and extended.due_at > case.due_at
    assert extended.due_soon_fired_at is None and extended.overdue_fired_at is None
    head_page = page(head, case)
    assert f"回复时限：{shown(five_days.last_day)}，" in head_page and "（5日）" in head_page
    assert "已批准" in head_page and "申请延期</h2>" not in head_page  # no further extension offered
    with app.app_context():
        assert "request_extension" not in workflow.allowed_actions(extended, user("head"))
        workflow.tick(extended.due_at - 12 * H)  # warned again before the new deadline
    assert fired(case, "due_soon")[0] == 2


# The calendar admin page -----------------------------------------------------------------

def due_last_day(case):
    return (Case.get_by_id(case.id).due_at - timedelta(days=1)).date()


@pytest.mark.parametrize("admin, posted_at, calendar_days, working_days", [
    ("office", datetime(2026, 3, 12, 10), date(2026, 3, 16), date(2026, 3, 17)),  # Thu: Sun->Mon / Fri, Mon, Tue
    ("admin", datetime(2026, 9, 25, 10), date(2026, 9, 28), date(2026, 9, 30)),   # Fri before National Day
])
def test_switching_to_working_days_recomputes_open_deadlines(app, db, login, admin, posted_at,
                                                             calendar_days, working_days):
    case = new_case(app, "计算方式切换", state="registered", posted_at=posted_at)
    assert due_last_day(case) == calendar_days
    client = login(admin)
    response = client.post("/admin/calendar", data={"action": "mode", "mode": "working"}, follow_redirects=True)
    assert "已重新计算" in response.get_data(as_text=True)
    assert due_last_day(case) == working_days
    assert f"回复时限：{shown(working_days)}" in page(client, case)
    client.post("/admin/calendar", data={"action": "mode", "mode": "calendar"})
    assert due_last_day(case) == calendar_days


def test_a_day_made_a_rest_day_moves_the_deadline_ending_on_it(app, db, login):
    case = new_case(app, "临时调休", posted_at=datetime(2026, 3, 9, 10))  # Mon: ends Thu 03-12
    office = login("office")
    office.post("/admin/calendar", data={"action": "add", "day": "2026-03-12", "is_workday": "0", "note": "临时休息"})
    assert due_last_day(case) == date(2026, 3, 13)
    assert f"回复时限：{shown(date(2026, 3, 13))}" in page(office, case)


@pytest.mark.parametrize("form, message", [
    ({"action": "add", "day": "", "is_workday": "0"}, "请填写正确的日期。"),
    ({"action": "add", "day": "2026-02-30", "is_workday": "0"}, "请填写正确的日期。"),
    ({"action": "add", "day": "2026-03-12"}, "请选择该日是工作日还是休息日。"),
    ({"action": "mode", "mode": "lunar"}, "请选择时限计算方式。"),
])
def test_bad_calendar_input_is_refused_and_changes_nothing(app, db, login, form, message):
    case = new_case(app, "错误输入", posted_at=datetime(2026, 3, 9, 10))
    response = login("office").post("/admin/calendar", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert WorkdayOverride.select().count() == 0 and Setting.get_or_none(Setting.key == "deadline_mode") is None
    assert due_last_day(case) == date(2026, 3, 12)
    assert AuditEvent.select().where(AuditEvent.action == "calendar.changed").count() == 0


def test_monitor_may_not_change_the_calendar(app, db, login):
    monitor = login("monitor")
    assert monitor.get("/admin/calendar").status_code == 403
    assert monitor.post("/admin/calendar", data={"action": "mode", "mode": "working"}).status_code == 403
    assert Setting.get_or_none(Setting.key == "deadline_mode") is None


# A year without published data -----------------------------------------------------------

@pytest.mark.parametrize("posted_at, last_day, provisional", [
    (datetime(2026, 12, 28, 10), date(2026, 12, 31), False),
    (datetime(2026, 12, 30, 10), date(2027, 1, 4), True),  # D+3 is Sat 2027-01-02: 2027 has no data
])
def test_deadline_in_a_year_without_data_is_provisional(app, db, login, posted_at, last_day, provisional):
    case = new_case(app, f"跨年 {posted_at:%m-%d}")
    Case.update(posted_at=posted_at).where(Case.id == case.id).execute()
    with app.app_context():
        deadlines.recompute_open_deadlines()
    text = page(login("office"), case)
    assert f"回复时限：{shown(last_day)}" in text
    assert ("暂定" in text) is provisional


def test_entering_the_new_years_calendar_makes_the_deadline_final(app, db, login):
    case = new_case(app, "录入2027年安排")
    Case.update(posted_at=datetime(2026, 12, 30, 10)).where(Case.id == case.id).execute()
    office = login("office")
    with app.app_context():
        deadlines.recompute_open_deadlines()
    assert "暂定" in page(office, case)
    for day, workday in (("2027-01-02", "0"), ("2027-01-03", "0"), ("2027-01-04", "1")):
        office.post("/admin/calendar", data={"action": "add", "day": day, "is_workday": workday, "note": "元旦"})
    text = page(office, case)
    assert f"回复时限：{shown(date(2027, 1, 4))}" in text and "暂定" not in text


# 通报 --------------------------------------------------------------------------------------

def explain_at(app, case, at):
    """煤炭科's liaison files a 情况说明, dated ``at``."""
    with app.app_context():
        workflow.explain(case, user("coal_liaison"), version=case.version, text="需现场核查，无法按期回复。")
    Explanation.update(at=at).where(Explanation.case == case.id).execute()


def bulletin_row(html, title):
    rows = [r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if title in r]
    return rows[0] if rows else None


def test_bulletin_lists_cases_overdue_without_reply_or_explanation(app, db, login):
    march = datetime(2026, 3, 11, 10)  # Wed: ends Mon 03-16
    silent = new_case(app, "通报：既未回复又未说明", posted_at=march)
    explained = new_case(app, "通报：按期说明", host="煤炭科", posted_at=march)
    explained_late = new_case(app, "通报：超期后才说明", host="煤炭科", posted_at=march)
    new_case(app, "通报：按期回复", state="replied", posted_at=march)
    explain_at(app, explained, datetime(2026, 3, 15, 9))
    explain_at(app, explained_late, datetime(2026, 3, 18, 9))

    html = login("office").get("/cases/bulletin?from=2026-03-01&to=2026-03-31").get_data(as_text=True)

    row = bulletin_row(html, silent.title)
    assert row and "电力科" in row and "吴建国（负责人）" in row and "冯嘉怡（联络员）" in row
    assert shown(date(2026, 3, 16)) in row and "郑雨桐" not in row  # staff are not responsible people
    row = bulletin_row(html, explained_late.title)
    assert row and "煤炭科" in row and "韩志明（负责人）" in row and "蒋秋月（联络员）" in row
    assert bulletin_row(html, "通报：按期说明") is None and bulletin_row(html, "通报：按期回复") is None
    assert "2026年3月31日：2件" in html
    assert login("staff").get("/cases/bulletin").status_code == 403


def test_bulletin_never_lists_a_rejected_case_even_once_archived(app, db, login):
    """Regression: the bulletin excluded only state 'rejected', so archiving a rejected case put it
    on the list as overdue and unanswered."""
    case = new_case(app, "通报：不予受理后归档", state="registered", posted_at=datetime(2026, 3, 11, 10))
    with app.app_context():
        workflow.reject(case, user("office"), version=case.version, reason="商业广告。")
        workflow.archive(case, user("office"), version=case.version, confirmed=True)  # reject updated case.version
    html = login("office").get("/cases/bulletin?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert bulletin_row(html, case.title) is None


def test_extension_approved_while_the_office_switches_the_mode(app, db, login, monkeypatch):
    """The leader approves a 5-day extension while the office switches to working days: whatever the
    interleaving, the case must end up with the rule's deadline for 5 working days."""
    case = new_case(app, "延期审批时切换计算方式", posted_at=datetime(2026, 3, 12, 10))  # Thu
    head, leader, office = login("head"), login("leader"), login("office")
    assert step(head, case, "request_extension", days="5", reason="需现场核查。").status_code == 302
    compute, switched = workflow.compute_deadline, []

    def compute_then_office_saves(posted_at, days, calendar=None):
        deadline = compute(posted_at, days, calendar)
        if not switched:  # the approval has computed its deadline; the office saves the mode just now
            switched.append(threading.Thread(target=office.post, args=("/admin/calendar",),
                                             kwargs={"data": {"action": "mode", "mode": "working"}}))
            switched[0].start()
            switched[0].join(2)  # a correct approval holds a lock the save waits for: go on then
        return deadline

    monkeypatch.setattr(workflow, "compute_deadline", compute_then_office_saves)
    assert step(leader, case, "decide_extension", decision="approve").status_code == 302
    switched[0].join(30)
    assert Setting.get_by_id("deadline_mode").value == "working"  # the office's save went through
    # 5 working days after Thu 03-12: Fri 13, Mon 16, Tue 17, Wed 18, Thu 19
    assert due_last_day(case) == date(2026, 3, 19)
    assert f"回复时限：{shown(date(2026, 3, 19))}，" in page(head, case)
