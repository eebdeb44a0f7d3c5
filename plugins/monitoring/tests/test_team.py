"""The commentator team: members, trainings with attendance, and who missed training this year."""
from datetime import date, timedelta
from types import SimpleNamespace as S

from portal.plugin_api import User, now

from plugins.monitoring import team
from plugins.monitoring.models import Commentator, Training


def test_missed_counts_only_trainings_since_joining():
    trainings = [S(id=1, held_on=date(2027, 3, 1)), S(id=2, held_on=date(2027, 6, 1)), S(id=3, held_on=date(2027, 9, 1))]
    assert [t.id for t in team.missed(trainings, {2}, date(2027, 1, 1))] == [1, 3]
    assert [t.id for t in team.missed(trainings, {2}, date(2027, 5, 1))] == [3]


def test_the_office_sees_who_missed_training_this_year(app, login, db):
    page = login("office").get("/monitoring/team").get_data(as_text=True)
    assert f"{now().year}年有1名成员缺席培训：蒋秋月（1次）" in page


def test_a_training_is_recorded_with_its_attendance(app, login, db):
    office = login("office")
    present = [str(m.id) for m in Commentator.select().join(User).where(User.username.in_(["monitor", "staff"]))]
    r = office.post("/monitoring/trainings", data={"held_on": now().date().isoformat(), "topic": "突发事件信息发布",
                                                   "trainer": "外请专家", "materials": "", "present": present})
    assert r.status_code == 302
    t = Training.get(Training.topic == "突发事件信息发布")
    page = office.get(f"/monitoring/trainings/{t.id}").get_data(as_text=True)
    assert "出勤（2/4）" in page and page.count("缺席") == 2
    assert "周子涵（1次）" in office.get("/monitoring/team").get_data(as_text=True)


def test_a_future_training_or_a_member_twice_is_refused(app, login, db):
    office = login("office")
    before = Training.select().count()
    tomorrow = (now().date() + timedelta(days=1)).isoformat()
    r = office.post("/monitoring/trainings", data={"held_on": tomorrow, "topic": "x", "trainer": "y"})
    assert r.status_code == 400 and "培训日期不能晚于今天" in r.get_data(as_text=True)
    r = office.post("/monitoring/team", data={"user": str(User.get(User.username == "monitor").id),
                                              "joined_on": now().date().isoformat()})
    assert r.status_code == 400 and "请选择成员" in r.get_data(as_text=True)
    assert Training.select().count() == before
