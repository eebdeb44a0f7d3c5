"""The daily patrol of the bureau's own channels, the missed days the office sees, and the
register of online positions."""
from datetime import date, timedelta

from portal.plugin_api import now

from plugins.monitoring import patrol
from plugins.monitoring.models import Patrol, Position


def test_missed_days_are_those_without_a_record():
    days = [date(2027, 1, d) for d in range(1, 8)]
    assert patrol.missed(days, [date(2027, 1, 2), date(2027, 1, 5)]) == [date(2027, 1, d) for d in (1, 3, 4, 6, 7)]


def test_the_demo_week_shows_its_missed_days_to_the_office(app, login, db):
    page = login("office").get("/monitoring/patrols").get_data(as_text=True)
    today = now().date()
    missed = [(today - timedelta(days=n)).strftime("%m-%d") for n in (4, 2)]
    assert "近30天有2天没有巡查记录" in page and all(day in page for day in missed)


def test_a_monitor_records_todays_patrol_once(app, login, db):
    monitor = login("monitor")
    checked = [str(p.id) for p in Position.select().limit(2)]
    data = {"day": now().date().isoformat(), "checked": checked, "seen": "官网留言板新增咨询1条。", "leads": ""}
    assert monitor.post("/monitoring/patrols", data=dict(data)).status_code == 302
    row = Patrol.get(Patrol.day == now().date())
    assert row.monitor.username == "monitor" and len(row.checked) == 2
    again = monitor.post("/monitoring/patrols", data=dict(data))
    assert again.status_code == 400 and "已有巡查记录" in again.get_data(as_text=True)


def test_a_patrol_without_what_was_seen_or_in_the_future_is_refused(app, login, db):
    before = Patrol.select().count()
    r = login("monitor").post("/monitoring/patrols", data={"day": now().date().isoformat(), "seen": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "请填写巡查情况" in page and "请勾选已浏览的阵地" in page
    tomorrow = (now().date() + timedelta(days=1)).isoformat()
    r = login("monitor").post("/monitoring/patrols", data={"day": tomorrow, "seen": "x",
                                                           "checked": [str(Position.select().first().id)]})
    assert r.status_code == 400 and "巡查日期不能晚于今天" in r.get_data(as_text=True)
    assert Patrol.select().count() == before


def test_the_office_registers_and_edits_a_position(app, login, db):
    office = login("office")
    dept = Position.select().first().department_id
    r = office.post("/monitoring/positions", data={"department": str(dept), "kind": "video", "name": "局抖音号",
                                                   "url": "https://v.example.cn/energy", "manager": "", "active": "on"})
    assert r.status_code == 302
    row = Position.get(Position.name == "局抖音号")
    r = office.post(f"/monitoring/positions/{row.id}", data={"department": str(dept), "kind": "video", "name": "局视频号",
                                                              "url": "", "manager": "", "version": str(row.version)})
    assert r.status_code == 302 and not Position.get_by_id(row.id).active
    assert "局视频号" in office.get("/monitoring/positions").get_data(as_text=True)
