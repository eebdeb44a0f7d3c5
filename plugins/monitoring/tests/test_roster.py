"""The 24-hour duty roster: gaps, who is on duty (and alerted), handover notes."""
from datetime import datetime, timedelta
from types import SimpleNamespace as S

import pytest

from portal.plugin_api import Notification, User, now

from plugins.monitoring import periods, roster
from plugins.monitoring.models import Shift

D = datetime(2027, 3, 1)
H = timedelta(hours=1)


def shift(a, b):
    return S(starts_at=D + a * H, ends_at=D + b * H)


@pytest.mark.parametrize("shifts, expected", [
    ([], [(0, 24)]),
    ([shift(0, 24)], []),
    ([shift(0, 8), shift(8, 16), shift(16, 24)], []),
    ([shift(0, 8), shift(16, 24)], [(8, 16)]),
    ([shift(2, 8)], [(0, 2), (8, 24)]),
    ([shift(0, 10), shift(6, 12), shift(20, 30)], [(12, 20)]),  # overlapping, and past the end
    ([shift(16, 24), shift(0, 8)], [(8, 16)]),  # in any order
])
def test_gaps(shifts, expected):
    assert roster.gaps(D, D + 24 * H, shifts) == [(D + a * H, D + b * H) for a, b in expected]


@pytest.fixture
def period(app, db):
    start = (now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    with app.app_context():
        return periods.add(User.get(User.username == "office"),
                           {"name": "防汛保供", "kind": "local", "starts_at": start, "ends_at": start + timedelta(days=2)})


def form(user, a, b):
    return {"monitor": str(User.get(User.username == user).id), "starts_at": a.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": b.strftime("%Y-%m-%dT%H:%M")}


def test_the_office_sees_the_gaps_and_fills_them(app, login, db, period):
    office = login("office")
    page = office.get(f"/monitoring/periods/{period.id}").get_data(as_text=True)
    assert "值班表有1处缺口" in page
    r = office.post(f"/monitoring/periods/{period.id}/shifts", data=form("monitor2", period.starts_at,
                                                                         period.starts_at + timedelta(hours=12)))
    assert r.status_code == 302
    page = office.get(f"/monitoring/periods/{period.id}").get_data(as_text=True)
    assert "周子涵" in page and "值班中" in page and "值班表有1处缺口" in page
    assert (period.starts_at + timedelta(hours=12)).strftime("%Y-%m-%d %H:%M") in page


def test_a_shift_outside_the_period_or_too_long_is_refused(app, login, db, period):
    office = login("office")
    for a, b, reason in ((period.starts_at - H, period.starts_at + H, "班次须在特殊时期之内"),
                         (period.starts_at, period.starts_at + 25 * H, "一个班次不能超过24小时"),
                         (period.starts_at + 2 * H, period.starts_at + H, "交班时间须晚于接班时间")):
        r = office.post(f"/monitoring/periods/{period.id}/shifts", data=form("monitor", a, b))
        assert r.status_code == 400 and reason in r.get_data(as_text=True)
    assert not Shift.select().where(Shift.period == period.id).exists()


def test_the_alert_goes_to_who_is_on_duty(app, login, db, period, make_case):
    office = login("office")
    office.post(f"/monitoring/periods/{period.id}/shifts", data=form("monitor2", period.starts_at,
                                                                     period.starts_at + timedelta(hours=12)))
    case = make_case("网传某煤矿瓦斯超限", state="registered")  # registered by `monitor`: hits 煤矿安全
    told = {n.user.username for n in Notification.select().where(
        (Notification.case == case.id) & (Notification.kind == "monitoring_hit"))}
    assert told == {"monitor2"}
    home = login("monitor").get("/").get_data(as_text=True)
    assert "正在值班" in home and "周子涵" in home


def test_only_the_shifts_monitor_or_the_office_hands_over(app, login, db, period):
    login("office").post(f"/monitoring/periods/{period.id}/shifts",
                         data=form("monitor2", period.starts_at, period.starts_at + timedelta(hours=12)))
    s = Shift.get(Shift.period == period.id)
    note = {"handover": "微博上有关停电的帖子已登记，请下一班继续关注。", "version": str(s.version)}
    assert login("monitor").post(f"/monitoring/shifts/{s.id}/handover", data=dict(note)).status_code == 403
    r = login("monitor2").post(f"/monitoring/shifts/{s.id}/handover", data=dict(note))
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    assert Shift.get_by_id(s.id).handover == note["handover"]
    page = login("monitor").get("/monitoring/duty").get_data(as_text=True)
    assert note["handover"] in page
    empty = login("monitor2").post(f"/monitoring/shifts/{s.id}/handover", data={"handover": "", "version": "2"})
    assert empty.status_code == 303 and Shift.get_by_id(s.id).handover == note["handover"]
