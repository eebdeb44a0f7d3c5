"""Administrators keep the working groups the regulations set up: a group's record, its
positions (组长, 副组长, 办公室主任, 成员 …) and members, each change checked, audited and
guarded against two administrators editing the same group at once."""
from portal import audit
from portal.org.groups import GroupError, StaleGroup, add_member, group_problems, member_problems
from portal.org.models import Department, User, WorkingGroup, WorkingGroupMember

import pytest


def user(username):
    return User.get(User.username == username)


def group(code="response_group"):
    return WorkingGroup.get(WorkingGroup.code == code)


def roster(g):
    return sorted((m.position, m.user.username if m.user_id else m.department.name)
                  for m in WorkingGroupMember.select().where(WorkingGroupMember.group == g.id))


def audit_actions(prefix="group."):
    return [e.action for e in audit.AuditEvent.select().where(audit.AuditEvent.action.startswith(prefix))
            .order_by(audit.AuditEvent.id)]


# the rules ----------------------------------------------------------------------------------

def test_one_leader_and_one_office_director_per_group(app, db):
    g = group()  # 组长 赵文博 (leader), 办公室主任 孙若兰 (office)
    assert member_problems(g, "leader", user_id=user("head").id) == [
        "本小组已有组长，一个小组只设一名；请先调整现任者的职务。"]
    assert "办公室主任" in member_problems(g, "office_director", user_id=user("head").id)[0]
    assert member_problems(g, "deputy", user_id=user("head").id) == []  # any number of 副组长
    assert member_problems(g, "member", user_id=user("coal_head").id) == []


def test_a_person_holds_one_position_in_a_group(app, db):
    assert member_problems(group(), "member", user_id=user("monitor").id) == [
        "李晓峰已在本小组中，一人在一个小组只任一个职务。"]


def test_a_department_joins_only_as_member_unit(app, db):
    power = Department.get(Department.name == "电力科")
    joint = group("joint_meeting")  # 电力科 is already one of its 成员单位
    assert member_problems(joint, "member", department_id=power.id) == ["电力科已是本小组的成员单位。"]
    assert member_problems(group(), "deputy", department_id=power.id) == ["部门只能作为成员单位加入，不能任副组长。"]
    assert member_problems(group(), "member", department_id=power.id) == []


def test_a_member_is_a_person_or_a_department_and_exists(app, db):
    power = Department.get(Department.name == "电力科")
    assert member_problems(group(), "member") == ["请选择一位人员或一个部门（二者选一）。"]
    assert member_problems(group(), "member", user_id=user("head").id, department_id=power.id) == [
        "请选择一位人员或一个部门（二者选一）。"]
    assert member_problems(group(), "member", user_id=999999) == ["请选择在职的人员。"]
    assert member_problems(group(), "chairman", user_id=user("head").id) == ["请选择职务。"]


def test_every_problem_of_a_group_record_at_once(app, db):
    problems = group_problems(None, name="", code="Bad Code!", basis="", duties="")
    assert problems == ["请输入小组名称。", "代码须以小写字母开头，只含小写字母、数字和下划线，不超过40个字符。"]
    taken = group_problems(None, name="网络意识形态工作领导小组", code="ideology_group", basis="", duties="")
    assert taken == ["已有名为“网络意识形态工作领导小组”的工作小组。", "代码“ideology_group”已被其他工作小组使用。"]
    # a group keeps its own name and code
    assert group_problems(group("ideology_group"), name="网络意识形态工作领导小组", code="ideology_group",
                          basis="", duties="") == []


def test_a_stale_version_changes_nothing(app, db):
    g = group()
    before = roster(g)
    with pytest.raises(StaleGroup):
        add_member(g, version=g.version - 1, position="member", user_id=user("coal_head").id)
    assert roster(g) == before and audit_actions() == []
    with pytest.raises(GroupError):
        add_member(g, version="x", position="member", user_id=user("coal_head").id)


# the pages ----------------------------------------------------------------------------------

def test_an_administrator_sets_up_a_group_and_its_members(app, db, login):
    admin = login("admin")
    created = admin.post("/admin/groups", data={
        "name": "迎峰度夏舆情专班", "code": "summer_peak", "basis": "局党组会议纪要〔2026〕7号",
        "duties": "迎峰度夏期间电力保供舆情的监测与应对。"})
    assert created.status_code == 302
    g = group("summer_peak")
    page = admin.get(created.headers["Location"]).get_data(as_text=True)
    assert "迎峰度夏舆情专班" in page and "尚无成员" in page

    def post(path, **data):
        return admin.post(f"/admin/groups/{g.id}{path}", data={"version": str(group('summer_peak').version), **data})

    assert post("/members", position="leader", user=str(user("deputy").id)).status_code == 302
    assert post("/members", position="member", user=str(user("head").id)).status_code == 302
    assert post("/members", position="member", department=str(Department.get(Department.name == "电力科").id)).status_code == 302
    assert roster(g) == [("leader", "deputy"), ("member", "head"), ("member", "电力科")]
    head_row = WorkingGroupMember.get((WorkingGroupMember.group == g.id) & (WorkingGroupMember.user == user("head")))
    assert post(f"/members/{head_row.id}", position="office_director").status_code == 302
    assert post(f"/members/{head_row.id}/delete").status_code == 302
    assert roster(g) == [("leader", "deputy"), ("member", "电力科")]
    # every member of staff sees it on the groups page
    public = login("staff").get("/groups").get_data(as_text=True)
    assert "迎峰度夏舆情专班" in public and "钱思远" in public and "局党组会议纪要〔2026〕7号" in public
    assert audit_actions() == ["group.created", "group.member_added", "group.member_added", "group.member_added",
                               "group.member_changed", "group.member_removed"]
    assert post("", name="迎峰度夏保供舆情专班", code="summer_peak", basis="", duties="").status_code == 302
    assert group("summer_peak").name == "迎峰度夏保供舆情专班"


def test_a_refused_group_shows_every_reason_and_creates_nothing(app, db, login):
    admin = login("admin")
    count = WorkingGroup.select().count()
    response = admin.post("/admin/groups", data={"name": "", "code": "坏代码", "basis": "", "duties": ""})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请输入小组名称。" in text and "代码须以小写字母开头" in text
    assert WorkingGroup.select().count() == count


def test_a_second_leader_is_refused_with_the_reason(app, db, login):
    admin, g = login("admin"), group()
    before = roster(g)
    response = admin.post(f"/admin/groups/{g.id}/members", data={
        "version": str(g.version), "position": "leader", "user": str(user("head").id)})
    assert response.status_code == 400
    assert "本小组已有组长" in response.get_data(as_text=True)
    assert roster(g) == before


def test_two_administrators_editing_one_group(app, db, login):
    """Both opened the page at the same version; the second change is refused, not lost."""
    first, second = login("admin"), login("admin")
    g = group()
    seen = g.version
    assert first.post(f"/admin/groups/{g.id}/members", data={
        "version": str(seen), "position": "member", "user": str(user("coal_head").id)}).status_code == 302
    late = second.post(f"/admin/groups/{g.id}/members", data={
        "version": str(seen), "position": "member", "user": str(user("energy_head").id)})
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    assert "刚被他人修改" in text and "韩志明" in text  # the page shows what the other one did
    assert ("member", "energy_head") not in roster(g)


def test_deleting_a_group_asks_for_confirmation(app, db, login):
    admin, g = login("admin"), group("ideology_group")
    refused = admin.post(f"/admin/groups/{g.id}/delete", data={"version": str(g.version)})
    assert refused.status_code == 400 and "确认撤销" in refused.get_data(as_text=True)
    assert WorkingGroup.get_or_none(WorkingGroup.id == g.id) is not None
    done = admin.post(f"/admin/groups/{g.id}/delete", data={"version": str(g.version), "confirm": "yes"})
    assert done.status_code == 302
    assert WorkingGroup.get_or_none(WorkingGroup.id == g.id) is None
    assert not WorkingGroupMember.select().where(WorkingGroupMember.group == g.id).exists()
    assert audit_actions() == ["group.deleted"]


def test_changes_need_the_csrf_token(app, db, login):
    admin, g = login("admin"), group()
    before = roster(g)
    response = admin.post(f"/admin/groups/{g.id}/members", csrf=False, data={
        "version": str(g.version), "position": "member", "user": str(user("coal_head").id)})
    assert response.status_code == 400
    assert roster(g) == before
