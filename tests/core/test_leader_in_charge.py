"""分管领导 (the leader in charge of a department): recorded per department by an administrator,
and told, with the department's head, when a case is assigned to the department (预案 一:
“发现负面报道及时告知市局分管领导及舆情涉事科室主要负责人”). Other leaders are not told."""
from portal import audit
from portal.cases import workflow
from portal.cases.models import Case, Notification
from portal.db import database
from portal.org.models import Department, User, heads_and_leaders_in_charge
from tests.core.case_helpers import drive


def user(username):
    return User.get(User.username == username)


def dept(name):
    return Department.get(Department.name == name)


def told(case, kind="assigned"):
    rows = Notification.select().where((Notification.case == case.id) & (Notification.kind == kind))
    return {n.user.username for n in rows}


def test_the_heads_and_leaders_in_charge_of_departments(app, db):
    # demo: 电力科 and 煤炭科 are in 钱思远's (deputy) charge, 规划法规科 in 赵文博's (leader)
    assert {u.username for u in heads_and_leaders_in_charge([dept("电力科").id])} == {"head", "deputy"}
    both = heads_and_leaders_in_charge([dept("电力科").id, dept("煤炭科").id, dept("规划法规科").id])
    assert {u.username for u in both} == {"head", "coal_head", "deputy", "leader"}
    assert heads_and_leaders_in_charge([]) == []


def test_assignment_tells_the_host_and_co_departments_heads_and_their_leader_in_charge(app, db):
    case = drive(app, "某热电厂排放问题", state="reported")
    with app.app_context():
        workflow.assign(Case.get_by_id(case.id), user("leader"), version=case.version,
                        host_department_id=dept("电力科").id, co_department_ids=[dept("煤炭科").id],
                        instruction="电力科主办，煤炭科协办。")
    # 电力科's staff handle it; 煤炭科's head and the leader in charge of both are told;
    # the assigning leader is not told of his own step
    assert told(case) == {"head", "staff", "liaison", "coal_head", "deputy"}
    message = Notification.get((Notification.case == case.id) & (Notification.user == user("deputy"))
                               & (Notification.kind == "assigned")).message
    assert case.number in message and "分管" in message


def test_other_leaders_are_not_told_but_find_the_case_in_their_list(app, db, login):
    with database.atomic():
        Department.update(leader_in_charge=user("leader")).where(Department.name == "新能源科").execute()
    case = drive(app, "光伏补贴发放进度", state="reported")
    with app.app_context():
        workflow.assign(Case.get_by_id(case.id), user("deputy"), version=case.version,
                        host_department_id=dept("新能源科").id, instruction="请新能源科办理。")
    assert told(case) == {"energy_head", "leader"}
    # 钱思远 (deputy) assigned it; were another leader not in charge, he would still see it listed
    assert "光伏补贴发放进度" in login("deputy").get("/cases/").get_data(as_text=True)


def test_a_department_without_a_leader_in_charge_tells_its_head_only(app, db):
    with database.atomic():
        Department.update(leader_in_charge=None).where(Department.name == "电力科").execute()
    case = drive(app, "电价调整咨询", state="handling")
    assert told(case) == {"head", "staff", "liaison"}


def test_an_administrator_records_the_leader_in_charge(app, db, login):
    admin, target = login("admin"), dept("安全监管科")
    assert target.leader_in_charge.username == "deputy"
    page = admin.get(f"/admin/departments/{target.id}").get_data(as_text=True)
    assert "分管领导" in page and "钱思远" in page
    response = admin.post(f"/admin/departments/{target.id}", data={
        "name": "安全监管科", "kind": "office", "sort_order": "60", "active": "y",
        "leader_in_charge": str(user("leader").id)})
    assert response.status_code == 302
    assert dept("安全监管科").leader_in_charge.username == "leader"
    event = audit.AuditEvent.select().where(audit.AuditEvent.action == "department.saved").order_by(audit.AuditEvent.id.desc()).first()
    assert "安全监管科" in event.summary
    # and the list shows it
    assert "赵文博" in admin.get("/admin/departments").get_data(as_text=True)


def test_only_a_serving_leader_may_be_in_charge(app, db, login):
    admin, target = login("admin"), dept("安全监管科")
    response = admin.post(f"/admin/departments/{target.id}", data={
        "name": "安全监管科", "kind": "office", "sort_order": "60", "active": "y",
        "leader_in_charge": str(user("staff").id)})
    assert response.status_code == 200
    assert "分管领导须为在任的局领导" in response.get_data(as_text=True)
    assert dept("安全监管科").leader_in_charge.username == "deputy"
    for garbage in ("abc", "99999999999999999999", "-1"):  # refused, not read as “none”
        response = admin.post(f"/admin/departments/{target.id}", data={
            "name": "安全监管科", "kind": "office", "sort_order": "60", "active": "y", "leader_in_charge": garbage})
        assert response.status_code == 200 and "分管领导须为在任的局领导" in response.get_data(as_text=True)
    assert dept("安全监管科").leader_in_charge.username == "deputy"


def test_clearing_the_leader_in_charge(app, db, login):
    admin, target = login("admin"), dept("煤炭科")
    admin.post(f"/admin/departments/{target.id}", data={
        "name": "煤炭科", "kind": "office", "sort_order": "40", "active": "y", "leader_in_charge": "0"})
    assert dept("煤炭科").leader_in_charge_id is None
