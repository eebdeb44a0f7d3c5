"""The annual inspection (第十条): the office scores a unit's items and writes findings; a finding
requires a rectification with an owner and a due date; the owner reports back with evidence; the
office sends it back or closes it; an overdue rectification is reminded once."""
import io
from datetime import datetime, timedelta

from portal.plugin_api import Notification, database, now

from plugins.accountability import inspection
from plugins.accountability.models import Finding, Rectification
from plugins.accountability.tests.helpers import dept, item_of, page, user

YEAR = now().year
TITLE = "加强网络阵地建设"


def inspect_url(item):
    return f"/accountability/inspections/{YEAR}/{dept('电力科')}/{item.id}"


def test_inspection_rectification_report_send_back_and_close(app, login):
    office, head = login("office"), login("head")
    item = item_of(YEAR, "电力科", TITLE)
    due = (now() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    assert "专项督查" in page(office, f"/accountability/inspections/{YEAR}/{dept('电力科')}")

    # every problem at once, nothing written
    bad = office.post(inspect_url(item), data={"score": "11", "text": "", "task": "补齐台账", "owner": "", "due_at": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "得分须为0至10之间的整数。" in html and "请填写督查发现。" in html
    bad = office.post(inspect_url(item), data={"score": "6", "text": "台账不全", "task": "补齐台账", "owner": "",
                                               "due_at": ""})
    assert bad.status_code == 400 and "请选择整改责任人。" in bad.get_data(as_text=True)
    with database.connection_context():
        assert not Finding.select().where(Finding.item == item.id).exists()

    assert office.post(inspect_url(item), data={"score": "6", "text": "网站栏目巡查台账不全。", "task": "补齐全年巡查台账。",
                                                "owner": str(user("head").id), "due_at": due}).status_code == 302
    with database.connection_context():
        rect = Rectification.get(Rectification.task == "补齐全年巡查台账。")
        assert rect.owner_id == user("head").id and rect.state == "open"
        told = [n.message for n in Notification.select().where(Notification.user == user("head").id)]
    assert any("提出整改要求" in m for m in told)
    assert "得分 6" in page(head, f"/accountability/items/{item.id}")
    assert "补齐全年巡查台账" in page(head, "/accountability/rectifications")
    # another unit's head neither lists nor opens it
    coal = login("coal_head")
    assert "补齐全年巡查台账" not in page(coal, "/accountability/rectifications")
    assert coal.get(f"/accountability/rectifications/{rect.id}").status_code == 404
    assert head.get(f"/accountability/inspections/{YEAR}/{dept('电力科')}").status_code == 403

    url = f"/accountability/rectifications/{rect.id}"
    empty = head.post(f"{url}/do/report", data={"version": "1", "report": ""}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "请填写整改情况。" in empty.get_data(as_text=True)
    assert head.post(f"{url}/do/report", content_type="multipart/form-data", data={
        "version": "1", "report": "已补齐1—11月巡查台账。",
        "file": (io.BytesIO("巡查台账".encode()), "台账.txt")}).status_code == 302
    assert head.post(f"{url}/do/close", data={"version": "2"}).status_code == 400  # only the inspectors close
    assert office.post(f"{url}/do/send_back", data={"version": "2", "reason": "缺12月台账。"}).status_code == 302
    assert "缺12月台账" in page(head, "/notifications")
    head.post(f"{url}/do/report", content_type="multipart/form-data", data={
        "version": "3", "report": "已补齐全年台账。", "file": (io.BytesIO("全年台账".encode()), "全年台账.txt")})
    assert office.post(f"{url}/do/close", data={"version": "4"}).status_code == 302
    shown = page(head, url)
    assert "已销号" in shown and "已补齐全年台账" in shown
    assert head.get(f"{url}/file").get_data() == "全年台账".encode()
    assert "整改验收销号" in page(login("admin"), "/admin/audit")

    # the inspectors may correct the finding (versioned); the rectification stays as it was
    again = office.post(inspect_url(item), data={"version": "1", "score": "8", "text": "整改后台账齐全。"})
    assert again.status_code == 302
    stale = office.post(inspect_url(item), data={"version": "1", "score": "9", "text": "再改"})
    assert stale.status_code == 409
    with database.connection_context():
        assert Finding.get(Finding.item == item.id).score == 8
        assert Rectification.select().where(Rectification.year == YEAR).count() == 1


def test_an_overdue_rectification_is_shown_and_reminded_once(app, login, frozen_clock):
    office = login("office")
    item = item_of(YEAR, "电力科", TITLE)
    start = datetime(YEAR, 12, 1, 9, 0)
    frozen_clock(start)
    office.post(inspect_url(item), data={"score": "5", "text": "未开展网络宣传。", "task": "制定网络宣传计划。",
                                         "owner": str(user("staff").id), "due_at": f"{YEAR}-12-10T17:00"})
    frozen_clock(start + timedelta(days=10))
    assert "已逾期" in page(office, f"/accountability/rectifications?year={YEAR}")  # a page load also ticks
    with app.app_context(), database.connection_context():
        assert inspection.remind(now()) == 0  # claimed once, by the tick
        told = [n.user_id for n in Notification.select().where(Notification.kind == "accountability_rect_overdue")
                if "制定网络宣传计划" in n.message]
    assert sorted(told) == sorted([user("staff").id, user("head").id])  # the owner and the unit's 第一责任人
    results = app.extensions["portal_pm"].hook.portal_tick(at=now())
    assert any(r and r.get("整改逾期提醒") == 0 for r in results)


def test_the_department_page_shows_last_years_inspection(app, login):
    office = login("office")
    power = page(office, f"/departments/{dept('电力科')}")
    assert f"{YEAR - 1}年度专项督查得分" in power and "整改均已销号" in power  # the demo's
    assert "1项整改未销号" in page(office, f"/departments/{dept('煤炭科')}")
