"""Beijing time whatever the server's zone (issue 14, item 4): the same process, run with the
process's zone set to UTC and to Asia/Shanghai, gives the same posting times, deadlines,
urging and overdue checks. The clock is frozen through portal.clock, the portal's one clock."""
import re
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from portal import clock
from portal.audit import AuditEvent
from portal.cases import workflow
from portal.cases.models import Case, Notification, Urging
from tests.core.case_helpers import register, step

ROOT = Path(__file__).resolve().parents[2]
UTC = timezone.utc


@pytest.fixture
def server_zone(monkeypatch):
    """Set the process's own zone (what datetime.now() and time.localtime() follow)."""
    def _set(name):
        monkeypatch.setenv("TZ", name)
        time.tzset()
    yield _set
    monkeypatch.undo()
    time.tzset()


def case_times(case_id):
    case = Case.get_by_id(case_id)
    audit = {e.action: e.at for e in AuditEvent.select().where((AuditEvent.object_type == "case")
                                                                & (AuditEvent.object_id == case_id))}
    told = {n.kind: n.created_at for n in Notification.select().where(Notification.case == case_id)}
    return case, audit, told


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai"])
def test_the_whole_process_runs_on_beijing_time_whatever_the_servers_zone(app, db, login, frozen_clock,
                                                                           server_zone, zone):
    server_zone(zone)
    # 16:30 UTC on Tue 03-10 is 00:30 on Wed 2026-03-11 in Beijing: the dates differ
    frozen_clock(datetime(2026, 3, 10, 16, 30, tzinfo=UTC))
    monitor, leader = login("monitor"), login("leader")
    form = monitor.get("/cases/new").get_data(as_text=True)
    posted = re.search(r'name="posted_at"[^>]*value="([^"]+)"', form).group(1)
    assert posted == "2026-03-11T00:30"  # the form offers Beijing's "now"
    case = register(monitor, posted_at=posted, title="时区测试")
    # Wed 03-11 + 3 = Sat 03-14 -> Mon 03-16, ending at 24:00 Beijing time
    assert (case.posted_at, case.registered_at, case.due_at) == (
        datetime(2026, 3, 11, 0, 30), datetime(2026, 3, 11, 0, 30), datetime(2026, 3, 17))
    assert step(monitor, case, "report").status_code == 302
    from portal.org.models import Department
    host = Department.get(Department.name == "电力科").id
    frozen_clock(datetime(2026, 3, 11, 1, 15, tzinfo=UTC))  # 09:15 Beijing
    assert step(leader, case, "assign", host_department=str(host), instruction="请核实。").status_code == 302
    page = leader.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "3月16日24:00前答复" in page

    # 00:30 Beijing on the last day: under a day left -> due-soon and the automatic urging
    frozen_clock(datetime(2026, 3, 15, 16, 30, tzinfo=UTC))
    with app.app_context():
        assert workflow.tick() == {"due_soon": 1, "overdue": 0}
        # 23:59 Beijing on the last day (15:59 UTC, a different date there): not overdue yet
        frozen_clock(datetime(2026, 3, 16, 15, 59, tzinfo=UTC))
        assert workflow.tick() == {"due_soon": 0, "overdue": 0}
        # 24:00 Beijing: overdue
        frozen_clock(datetime(2026, 3, 16, 16, 0, tzinfo=UTC))
        assert workflow.tick() == {"due_soon": 0, "overdue": 1}

    case, audit, told = case_times(case.id)
    assert audit == {"case.registered": datetime(2026, 3, 11, 0, 30), "case.reported": datetime(2026, 3, 11, 0, 30),
                     "case.assigned": datetime(2026, 3, 11, 9, 15), "case.due_soon": datetime(2026, 3, 16, 0, 30),
                     "case.overdue": datetime(2026, 3, 17, 0, 0)}
    assert (case.assigned_at, case.due_soon_fired_at, case.overdue_fired_at) == (
        datetime(2026, 3, 11, 9, 15), datetime(2026, 3, 16, 0, 30), datetime(2026, 3, 17))
    assert [u.at for u in Urging.select().where(Urging.case == case.id)] == [datetime(2026, 3, 16, 0, 30)]
    assert told["overdue"] == datetime(2026, 3, 17) and told["due_soon"] == datetime(2026, 3, 16, 0, 30)
    assert Notification.get((Notification.case == case.id) & (Notification.kind == "overdue")).message == (
        f"舆情事项 {case.number} 已超期未回复：3月16日24:00前答复")

    # 19:00 Beijing on 03-19 (11:00 UTC): every page says it the same way
    frozen_clock(datetime(2026, 3, 19, 11, 0, tzinfo=UTC))
    said = "3月16日24:00前答复，已超期2天19小时"
    office = login("office")
    listing = office.get("/cases/?due=overdue").get_data(as_text=True)
    assert said in re.sub(r"<[^>]+>", "", listing)
    assert f"回复时限：{said}（3日）" in office.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"{said}，未作情况说明" in office.get("/cases/bulletin?from=2026-03-01&to=2026-03-31").get_data(as_text=True)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_now_is_beijing_time_in_any_server_zone(frozen_clock, server_zone, zone):
    server_zone(zone)
    frozen_clock(datetime(2026, 12, 31, 16, 0, 5, 123, tzinfo=UTC))
    assert clock.now() == datetime(2027, 1, 1, 0, 0, 5)
    assert clock.today().isoformat() == "2027-01-01"


def test_a_naive_frozen_time_is_read_as_beijing_time(frozen_clock, server_zone):
    server_zone("UTC")
    frozen_clock(datetime(2026, 3, 11, 0, 30))
    assert clock.instant() == datetime(2026, 3, 10, 16, 30, tzinfo=UTC)


def test_another_zone_can_be_configured_and_a_wrong_one_is_refused(tmp_path, demo_template):
    from tests.fixtures import make_app

    try:
        make_app(tmp_path, demo_template, TIME_ZONE="Asia/Urumqi")
        clock.freeze(datetime(2026, 3, 10, 16, 30, tzinfo=UTC))
        assert clock.now() == datetime(2026, 3, 10, 22, 30)
        with pytest.raises(ValueError, match="TIME_ZONE 设置有误：'Beijing' 不是时区名称"):
            make_app(tmp_path, demo_template, TIME_ZONE="Beijing")
    finally:
        clock.thaw()
        clock.set_zone(clock.DEFAULT_ZONE)


SYSTEM_CLOCK = re.compile(r"\b(datetime\.now|datetime\.utcnow|datetime\.today|date\.today|time\.time|"
                          r"time\.localtime|time\.strftime|fromtimestamp)\s*\(")


def test_nothing_but_the_clock_reads_the_system_clock():
    """A date or time of day taken anywhere else would follow the server's zone."""
    offenders = []
    for path in sorted([*ROOT.glob("portal/**/*.py"), *ROOT.glob("plugins/**/*.py")]):
        if "tests" in path.parts or path == ROOT / "portal" / "clock.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if SYSTEM_CLOCK.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
