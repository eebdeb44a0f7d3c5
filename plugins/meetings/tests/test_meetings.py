"""The joint meetings as their users meet them: the ad hoc meeting's approval gate, items refused
without 处理意见 or 依据, minutes only by the host and locked once confirmed, decided matters with
report-back, overdue urging and carry-over, the half-year warning, the .ics in Beijing time, the
leaders' emergency meeting made by grading's request."""
import io
from datetime import date, datetime, timedelta

import icalendar
import pytest

from plugins.meetings import workflow
from plugins.meetings.models import Attendee, Decision, Item, Meeting
from portal.cases.models import Notification
from portal.db import database, now
from portal.org.models import Department, User


def _get(model, **where):
    with database.connection_context():
        return model.get(**where)


def _new(client, **data):
    response = client.post("/meetings/new", data=dict({"kind": "adhoc", "title": "临时会商某舆情", "reason": "舆情扩大"}, **data))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _step(client, url, version, **data):
    return client.post(url, data=dict(version=str(version), **data))


def _meeting(meeting_id) -> Meeting:
    return _get(Meeting, id=meeting_id)


def _schedule(client, meeting_id, starts_at=None):
    m = _meeting(meeting_id)
    leader = _get(User, username="leader")
    starts_at = starts_at or (now() - timedelta(minutes=5))
    response = _step(client, f"/meetings/{meeting_id}/do/schedule", m.version, starts_at=starts_at.strftime("%Y-%m-%dT%H:%M"),
                     place="局三楼会议室", chair=str(leader.id), items_due_at="")
    assert response.status_code == 302, response.get_data(as_text=True)


def test_an_ad_hoc_meeting_waits_for_the_convener(office_client, leader_client, login):
    meeting_id = _new(office_client)
    assert _meeting(meeting_id).state == "request"
    m = _meeting(meeting_id)
    # the office cannot schedule it before the convener approves
    refused = _step(office_client, f"/meetings/{meeting_id}/do/schedule", m.version, starts_at="2026-12-01T09:00",
                    place="会议室", chair="1")
    assert refused.status_code == 400 and "不能安排会议" in refused.get_data(as_text=True)
    # a leader who is not the convener may not decide
    deputy = login("deputy")
    assert _step(deputy, f"/meetings/{meeting_id}/do/approve", m.version).status_code == 400
    page = leader_client.get("/").get_data(as_text=True)
    assert "待审批的临时会议申请" in page
    assert _step(leader_client, f"/meetings/{meeting_id}/do/approve", m.version, note="同意").status_code == 302
    assert _meeting(meeting_id).state == "approved"


def test_a_refusal_needs_its_reason_and_is_on_record(office_client, leader_client):
    meeting_id = _new(office_client)
    m = _meeting(meeting_id)
    response = _step(leader_client, f"/meetings/{meeting_id}/do/refuse", m.version, note="")
    assert response.status_code == 400 and "请填写不同意的理由" in response.get_data(as_text=True)
    assert _step(leader_client, f"/meetings/{meeting_id}/do/refuse", m.version, note="可在例会研究").status_code == 302
    page = office_client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "未批准" in page and "可在例会研究" in page


def test_an_item_without_opinion_or_basis_is_refused_with_both_reasons(office_client, liaison_client):
    meeting_id = _new(office_client, kind="regular", reason="")
    response = liaison_client.post(f"/meetings/{meeting_id}/items", data={"title": "停电投诉", "opinion": "", "basis": ""})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请填写拟提出的处理意见" in text and "请填写处理意见的依据" in text
    with database.connection_context():
        assert not Item.select().where(Item.meeting == meeting_id).exists()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = liaison_client.post(f"/meetings/{meeting_id}/items", content_type="multipart/form-data", data={
        "title": "停电投诉", "opinion": "统一答复口径", "basis": "《电力供应与使用条例》",
        "material": (io.BytesIO(pdf), "材料.pdf")})
    assert response.status_code == 302, response.get_data(as_text=True)
    item = _get(Item, meeting=meeting_id)
    assert item.state == "submitted" and item.department.name == "电力科"
    assert "材料.pdf" in office_client.get(f"/meetings/{meeting_id}").get_data(as_text=True)


def test_items_are_not_taken_after_the_deadline(office_client, liaison_client):
    meeting_id = _new(office_client, kind="regular", reason="")
    m = _meeting(meeting_id)
    leader = _get(User, username="leader")
    _step(office_client, f"/meetings/{meeting_id}/do/schedule", m.version, place="会议室", chair=str(leader.id),
          starts_at=(now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
          items_due_at=(now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    response = liaison_client.post(f"/meetings/{meeting_id}/items", data={"title": "t", "opinion": "o", "basis": "b"})
    assert response.status_code == 400 and "截止" in response.get_data(as_text=True)


def _held_meeting_with_item(office_client, liaison_client, leader_client):
    meeting_id = _new(office_client)
    m = _meeting(meeting_id)
    _step(leader_client, f"/meetings/{meeting_id}/do/approve", m.version)
    liaison_client.post(f"/meetings/{meeting_id}/items", data={"title": "停电投诉", "opinion": "统一口径", "basis": "条例"})
    item = _get(Item, meeting=meeting_id)
    assert _step(office_client, f"/meetings/items/{item.id}/do/accept", item.version).status_code == 302
    _schedule(office_client, meeting_id)
    assert _step(office_client, f"/meetings/{meeting_id}/do/hold", _meeting(meeting_id).version).status_code == 302
    return meeting_id, _get(Item, id=item.id)


def test_only_the_host_writes_and_confirms_its_minutes_and_they_lock(office_client, liaison_client, leader_client, login):
    meeting_id, item = _held_meeting_with_item(office_client, liaison_client, leader_client)
    coal = login("coal_liaison")
    assert _step(coal, f"/meetings/items/{item.id}/do/minutes", item.version, minutes="别人的纪要").status_code == 400
    assert _step(office_client, f"/meetings/items/{item.id}/do/minutes", item.version, minutes="办公室代写").status_code == 400
    assert _step(liaison_client, f"/meetings/items/{item.id}/do/minutes", item.version, minutes="会议同意。").status_code == 302
    # the meeting cannot be closed nor its 纪要 compiled before the host confirms
    m = _meeting(meeting_id)
    page = _step(office_client, f"/meetings/{meeting_id}/do/compile", m.version, summary="概况").get_data(as_text=True)
    assert "纪要尚未由主办单位确认" in page
    item = _get(Item, id=item.id)
    assert _step(liaison_client, f"/meetings/items/{item.id}/do/confirm", item.version).status_code == 400  # unticked
    assert _step(liaison_client, f"/meetings/items/{item.id}/do/confirm", item.version, confirm="1").status_code == 302
    item = _get(Item, id=item.id)
    assert item.minutes_state == "confirmed"
    locked = _step(liaison_client, f"/meetings/items/{item.id}/do/minutes", item.version, minutes="改一改")
    assert locked.status_code == 400 and "已确认，不能再修改" in locked.get_data(as_text=True)
    assert _get(Item, id=item.id).minutes == "会议同意。"
    m = _meeting(meeting_id)
    assert _step(office_client, f"/meetings/{meeting_id}/do/compile", m.version, summary="会议研究了停电投诉。").status_code == 302
    pdf = office_client.get(f"/documents/meetings.minutes/{meeting_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages).replace(" ", "").replace("\n", "")
    assert "联席会议纪要" in text and "会议同意。" in text and "出席" in text and "请假" in text


def test_decisions_report_back_close_urge_and_carry_over(app, office_client, liaison_client, leader_client):
    meeting_id, item = _held_meeting_with_item(office_client, liaison_client, leader_client)
    power = _get(Department, name="电力科")
    due = (now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    missing = office_client.post(f"/meetings/items/{item.id}/decisions", data={"text": "", "department": "", "due_on": ""})
    assert missing.status_code == 400 and "请填写议定事项" in missing.get_data(as_text=True)
    for text in ("拟定答复口径", "公布抢修电话"):
        assert office_client.post(f"/meetings/items/{item.id}/decisions",
                                  data={"text": text, "department": str(power.id), "due_on": due}).status_code == 302
    first, second = (_get(Decision, text=t) for t in ("拟定答复口径", "公布抢修电话"))
    # overdue: the scheduled check urges the unit once a week
    with app.app_context(), database.connection_context():
        assert workflow.urge_overdue(now()) >= 2  # the demo's overdue matter too
        assert workflow.urge_overdue(now()) == 0  # once a week
        liaison = User.get(User.username == "liaison")
        told = [n.message for n in Notification.select().where((Notification.user == liaison.id)
                                                               & (Notification.kind == "meetings_overdue"))]
        assert any("拟定答复口径" in m for m in told) and any("公布抢修电话" in m for m in told)
    assert "超期" in office_client.get("/meetings/supervision").get_data(as_text=True)
    # the unit reports with evidence; the office closes it
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = liaison_client.post(f"/meetings/decisions/{first.id}/do/report", content_type="multipart/form-data",
                                   data={"version": str(first.version), "text": "口径已拟定。", "evidence": (io.BytesIO(png), "口径.png")})
    assert response.status_code == 302, response.get_data(as_text=True)
    first = _get(Decision, id=first.id)
    assert first.state == "reported"
    assert _step(office_client, f"/meetings/decisions/{first.id}/do/close", first.version).status_code == 302
    assert _get(Decision, id=first.id).state == "closed"
    # the unfinished one goes on the next meeting's agenda, once
    next_id = _new(office_client, kind="regular", reason="")
    assert _step(office_client, f"/meetings/{next_id}/carry-over", _meeting(next_id).version).status_code == 302
    with database.connection_context():
        carried = list(Item.select().where(Item.meeting == next_id))
        assert second.id in [i.carried_from for i in carried] and first.id not in [i.carried_from for i in carried]
        assert all(i.state == "accepted" and i.opinion and i.basis for i in carried)
    again = _step(office_client, f"/meetings/{next_id}/carry-over", _meeting(next_id).version)
    assert again.status_code == 400 and "没有需要结转" in again.get_data(as_text=True)
    page = office_client.get("/meetings/supervision").get_data(as_text=True)
    assert "电力科" in page and "办结率" in page


def test_the_half_year_warning(app, office_client, frozen_clock):
    with app.app_context(), database.connection_context():
        assert workflow.half_year_warning(date(2026, 12, 20)) is None  # the demo's regular meeting was held this half-year
        Meeting.delete().where(Meeting.kind == "regular").execute()
        assert "尚未召开联席会议例会" in workflow.half_year_warning(date(2026, 6, 15))
        assert workflow.half_year_warning(date(2026, 4, 1)) is None  # the half-year is far from over
        Meeting.create(kind="regular", title="上半年例会", state="held", starts_at=datetime(2026, 3, 10, 9))
        assert workflow.half_year_warning(date(2026, 6, 15)) is None
    frozen_clock(datetime(2026, 12, 20, 9, 0))
    with app.app_context(), database.connection_context():
        Meeting.delete().where(Meeting.kind == "regular").execute()
    assert "尚未召开联席会议例会" in office_client.get("/").get_data(as_text=True)


def test_the_ics_holds_the_meeting_in_beijing_time(office_client, leader_client, liaison_client):
    meeting_id = _new(office_client, kind="regular", reason="")
    _schedule(office_client, meeting_id, datetime(2026, 12, 18, 9, 30))
    response = liaison_client.get(f"/meetings/{meeting_id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    event = next(iter(icalendar.Calendar.from_ical(response.get_data()).walk("VEVENT")))
    start = event.decoded("dtstart")
    assert start.utcoffset() == timedelta(hours=8)
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2026, 12, 18, 9, 30)
    assert str(event.get("location")) == "局三楼会议室"


def test_grading_request_makes_the_leaders_emergency_meeting(app, make_case, office_client, leader_client):
    from plugins.grading import workflow as grading

    case = make_case("某电厂排放问题", state="handling")
    with app.app_context(), database.connection_context():
        office = User.get(User.username == "office")
        grading.set_grade(case, User.get(User.username == "leader"), grade="major", reason="影响较大")
        grading.request_meeting(case, office)
        meeting = Meeting.get((Meeting.case == case.id) & (Meeting.kind == "emergency"))
        assert meeting.state == "approved"  # no approval step
        leaders = {u.id for u in User.select() if u.has_role("leader")}
        assert {a.user_id for a in Attendee.select().where(Attendee.meeting == meeting.id)} == leaders
    _schedule(office_client, meeting.id)
    assert _step(office_client, f"/meetings/{meeting.id}/do/hold", _meeting(meeting.id).version).status_code == 302
    closing = _step(office_client, f"/meetings/{meeting.id}/do/close", _meeting(meeting.id).version, confirm="1")
    assert closing.status_code == 400
    assert _step(office_client, f"/meetings/{meeting.id}/do/plan", _meeting(meeting.id).version,
                 plan="一、电力科两小时内发布情况说明。\n二、信息中心持续监测。").status_code == 302
    item = _get(Item, meeting=meeting.id)
    coal = _get(Department, name="煤炭科")
    office_client.post(f"/meetings/items/{item.id}/decisions", data={
        "text": "发布情况说明", "department": str(coal.id), "due_on": (now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    panel = leader_client.get(f"/meetings/cases/{case.id}/panel").get_data(as_text=True)
    assert "应对方案" in panel and "电力科两小时内发布情况说明" in panel and "发布情况说明" in panel
    assert "联席会议与应对方案" in leader_client.get(f"/cases/{case.id}").get_data(as_text=True)
    # its steps are recorded on the case (the audit log hides them from who may not see it), and
    # the meeting's own record shows them
    assert "应对方案：一、电力科两小时内" in office_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


@pytest.mark.parametrize("username", ["monitor", "staff"])
def test_who_has_no_part_in_the_meetings_does_not_see_them(login, username):
    assert login(username).get("/meetings/").status_code == 403


def test_the_portal_works_with_the_plugin_disabled(tmp_path, demo_template):
    from portal.testing import make_app

    app = make_app(tmp_path, demo_template, DISABLED_PLUGINS="meetings")
    assert "meetings" not in app.blueprints
    client = app.test_client()
    assert client.login("office").status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/meetings/").status_code == 404


def test_the_office_asks_for_an_ad_hoc_meeting_from_the_case_page(make_case, office_client, leader_client):
    case = make_case("某光伏项目补贴问题", state="handling")
    page = office_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "申请召开临时联席会议" in page
    assert "申请召开临时联席会议" not in leader_client.get(f"/cases/{case.id}").get_data(as_text=True)
    form = office_client.get(f"/meetings/new?case={case.id}").get_data(as_text=True)
    assert f'value="{case.id}" selected' in form
    meeting_id = _new(office_client, case=str(case.id), title="光伏补贴舆情临时会商", reason="研判认为有扩大迹象")
    assert _meeting(meeting_id).case_id == case.id and _meeting(meeting_id).state == "request"
