"""列入督办 and 催办 tell the people who answer for the case, in the office's words; 立卷归档, which
cannot be undone, is taken only with the user's explicit confirmation."""
from portal.cases.models import Case, Notification
from portal.db import database
from portal.org.models import Department, User
from tests.core.case_helpers import fetch, register, step


def notes(username, case, kind):
    with database.connection_context():
        user = User.get(User.username == username)
        return [n.message for n in Notification.select().where(
            (Notification.user == user) & (Notification.case == case.id) & (Notification.kind == kind))]


def assigned(login, host="电力科", co=None):
    case = register(login("monitor"))
    step(login("monitor"), case, "report")
    with database.connection_context():
        fields = {"host_department": str(Department.get(Department.name == host).id), "instruction": "请核实答复。"}
        if co:
            fields["co_departments"] = str(Department.get(Department.name == co).id)
    assert step(login("leader"), case, "assign", **fields).status_code == 302
    return fetch(case.id)


def test_supervision_tells_the_head_and_the_liaison_of_every_department_handling_it(login):
    case = assigned(login, co="煤炭科")
    assert step(login("office"), case, "supervise", note="请于周五前办结并报告结果。").status_code == 302
    told = "督办：舆情事项 {} 已列入督办，请按期办结。请于周五前办结并报告结果。".format(case.number)
    for username in ("head", "liaison", "coal_head", "coal_liaison"):  # 电力科 hosts, 煤炭科 co-handles
        assert notes(username, case, "supervised") == [told], username
    for username in ("staff", "energy_head", "safety_liaison", "monitor", "office", "leader"):
        assert notes(username, case, "supervised") == [], username


def test_supervision_before_assignment_tells_the_leaders_who_must_assign(login):
    case = register(login("monitor"))
    step(login("monitor"), case, "report")
    assert step(login("office"), case, "supervise").status_code == 302
    message = f"督办：舆情事项 {case.number} 已列入督办，请按期办结。"
    assert notes("leader", case, "supervised") == [message] and notes("deputy", case, "supervised") == [message]
    assert notes("head", case, "supervised") == []


def test_urging_carries_the_text_the_office_typed(login):
    case = assigned(login)
    assert step(login("office"), case, "urge", message="请今日17时前报送回复稿。").status_code == 302
    for username in ("head", "staff", "liaison"):
        assert notes(username, case, "urged") == [f"催办：舆情事项 {case.number} 请抓紧办理。请今日17时前报送回复稿。"]


def test_archiving_without_the_confirmation_is_refused_and_changes_nothing(login):
    office = login("office")
    case = register(login("monitor"))
    step(office, case, "reject", reason="不属于本局职责。")
    page = office.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="confirm" value="1" required' in page and "归档后不能撤销" in page  # the box to tick
    before = fetch(case.id)
    for fields in ({}, {"confirm": "0"}, {"confirm": "on"}):
        response = step(office, case, "archive", **fields)
        assert response.status_code == 400
        assert "立卷归档后不能撤销。请先勾选" in response.get_data(as_text=True)
        after = fetch(case.id)
        assert (after.state, after.version) == ("rejected", before.version)
    assert step(office, case, "archive", confirm="1").status_code == 302
    assert fetch(case.id).state == "archived"
