"""The joint meeting's follow-up work as its users meet it: a 专项督查组 sent to follow decided
matters, its members' findings and its end (第五条（三）); an instruction from above relayed to
units, read, acted on and reviewed (第五条（一）); units' leads to the office and the office's 通报
to every member unit, with who read it (第十一、十二条)."""
from datetime import timedelta

from plugins.meetings.models import Decision, Group, GroupReport, Instruction, Share, ShareRecipient, Task
from portal.cases.models import Notification
from portal.db import database, now
from portal.org.models import Department, User


def _get(model, *where):
    with database.connection_context():
        return model.get(*where)


def _id(name):
    return _get(User, User.username == name).id


def _dept(name):
    return _get(Department, Department.name == name).id


def _located(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_a_supervision_group_follows_decided_matters_reports_and_ends(office_client, login):
    decision = _get(Decision, Decision.state == "open")
    refused = office_client.post("/meetings/groups", data={"title": "", "task": "", "leader": ""})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "请填写督查组名称" in page and "请填写督办任务" in page and "请选择组长" in page
    group_id = _located(office_client.post("/meetings/groups", data={
        "title": "迎峰度夏停电舆情专项督查组", "task": "督办停电舆情答复口径的落实", "leader": str(_id("head")),
        "members": [str(_id("coal_liaison"))], "decisions": [str(decision.id)]}))
    with database.connection_context():
        assert Notification.select().where((Notification.user == _id("coal_liaison"))
                                           & Notification.message.contains("专项督查组")).exists()
    leader = login("leader")
    page = leader.get(f"/meetings/groups/{group_id}").get_data(as_text=True)
    assert decision.text in page and "吴建国" in page and "蒋秋月" in page
    assert 'id="group-report"' not in page  # not in the group: no form
    version = _get(Group, Group.id == group_id).version
    assert leader.post(f"/meetings/groups/{group_id}/report", data={"text": "看看", "version": version}).status_code == 400
    # the office cannot end it before the group has reported
    early = office_client.post(f"/meetings/groups/{group_id}/close", data={"conclusion": "结束", "version": version})
    assert early.status_code == 400 and "尚未报告督查情况" in early.get_data(as_text=True)
    coal = login("coal_liaison")
    assert coal.post(f"/meetings/groups/{group_id}/report", data={"text": "已到电力科检查，口径已拟定。",
                                                                   "version": version}).status_code == 302
    version = _get(Group, Group.id == group_id).version
    assert office_client.post(f"/meetings/groups/{group_id}/close",
                              data={"conclusion": "议定事项已落实。", "version": version}).status_code == 302
    group = _get(Group, Group.id == group_id)
    assert group.state == "closed" and group.conclusion == "议定事项已落实。"
    with database.connection_context():
        assert GroupReport.select().where(GroupReport.group == group_id).count() == 1
    assert "已结束" in office_client.get("/meetings/groups").get_data(as_text=True)


def test_an_instruction_from_above_is_relayed_read_acted_on_and_closed(office_client, liaison_client, login):
    refused = office_client.post("/meetings/instructions", data={"source": "市委网信办", "title": "关于加强舆情研判的通知",
                                                                "text": "要求", "received_on": "2026-11-20"})
    assert refused.status_code == 400 and "请至少选择一个成员单位" in refused.get_data(as_text=True)
    due = (now() + timedelta(days=7)).date().isoformat()
    instruction_id = _located(office_client.post("/meetings/instructions", data={
        "source": "市委网信办", "number": "鄂网信〔2026〕12号", "received_on": "2026-11-20",
        "title": "关于加强能源领域舆情研判的通知", "text": "各单位加强节假日舆情值守。",
        "units": [str(_dept("电力科")), str(_dept("煤炭科"))], "due_on": due}))
    task = _get(Task, Task.instruction == instruction_id, Task.department == _dept("电力科"))
    # another unit's liaison may not act for 电力科, nor sees the instruction if not sent to it
    coal = login("coal_liaison")
    assert coal.post(f"/meetings/tasks/{task.id}/read", data={"version": task.version}).status_code == 400
    assert login("energy_head").get(f"/meetings/instructions/{instruction_id}").status_code == 404
    assert liaison_client.post(f"/meetings/tasks/{task.id}/read", data={"version": task.version}).status_code == 302
    task = _get(Task, Task.id == task.id)
    assert task.state == "read" and task.read_by_id == _id("liaison")
    assert liaison_client.post(f"/meetings/tasks/{task.id}/report",
                               data={"action": "已安排节假日值班。", "version": task.version}).status_code == 302
    task = _get(Task, Task.id == task.id)
    returned = office_client.post(f"/meetings/tasks/{task.id}/return", data={"review": "", "version": task.version})
    assert returned.status_code == 400 and "请填写退回意见" in returned.get_data(as_text=True)
    assert office_client.post(f"/meetings/tasks/{task.id}/close", data={"version": task.version}).status_code == 302
    assert _get(Task, Task.id == task.id).state == "closed"
    page = office_client.get(f"/meetings/instructions/{instruction_id}").get_data(as_text=True)
    assert "已安排节假日值班。" in page and "冯嘉怡" in page and "待阅" in page  # 煤炭科 has not read it
    assert "已办结 1/2" in office_client.get("/meetings/instructions").get_data(as_text=True)


def test_units_share_leads_and_the_office_circulates_them_to_every_member(office_client, liaison_client, login):
    refused = liaison_client.post("/meetings/sharing", data={"kind": "lead", "title": "", "text": ""})
    assert refused.status_code == 400 and "请填写标题" in refused.get_data(as_text=True)
    lead_id = _located(liaison_client.post("/meetings/sharing", data={
        "kind": "lead", "title": "某小区停电投诉在本地论坛发酵", "text": "本地论坛出现多条停电投诉帖。"}))
    assert login("leader").post("/meetings/sharing", data={"kind": "lead", "title": "t", "text": "t"}).status_code == 403
    coal = login("coal_liaison")
    assert coal.get(f"/meetings/sharing/{lead_id}").status_code == 404  # to the office only, until circulated
    page = office_client.get("/meetings/sharing").get_data(as_text=True)
    assert "某小区停电投诉在本地论坛发酵" in page
    bulletin_id = _located(office_client.post("/meetings/sharing/circulate", data={
        "title": "2026年第11期网络舆情工作情况通报", "text": "现将近期舆情线索通报如下：", "shares": [str(lead_id)]}))
    assert _get(Share, Share.id == lead_id).bulletin_id == bulletin_id
    page = coal.get(f"/meetings/sharing/{bulletin_id}").get_data(as_text=True)
    assert "本地论坛出现多条停电投诉帖。" in page
    with database.connection_context():
        row = ShareRecipient.get((ShareRecipient.share == bulletin_id) & (ShareRecipient.department == _dept("煤炭科")))
        assert row.read_by_id == _id("coal_liaison")
        unread = ShareRecipient.get((ShareRecipient.share == bulletin_id) & (ShareRecipient.department == _dept("新能源科")))
        assert unread.read_at is None
    page = office_client.get(f"/meetings/sharing/{bulletin_id}").get_data(as_text=True)
    assert "蒋秋月" in page and "未阅" in page


def test_a_lead_about_a_restricted_case_stays_with_those_who_may_see_it(make_case, office_client, liaison_client, login):
    from portal.cases.models import Case

    case = make_case("某电厂内部事项", host="电力科")
    with database.connection_context():
        Case.update(confidentiality="internal").where(Case.id == case.id).execute()
    lead_id = _located(liaison_client.post("/meetings/sharing", data={
        "kind": "lead", "title": "内部事项的后续线索", "text": "线索正文甲", "case": str(case.id)}))
    coal = login("coal_liaison")
    assert coal.get(f"/meetings/sharing/{lead_id}").status_code == 404
    assert "内部事项的后续线索" in office_client.get("/meetings/sharing").get_data(as_text=True)
    # a 通报 goes to every unit: a lead about a restricted case is never taken into it
    bulletin_id = _located(office_client.post("/meetings/sharing/circulate", data={
        "title": "通报", "text": "近期情况。", "shares": [str(lead_id)]}))
    page = coal.get(f"/meetings/sharing/{bulletin_id}").get_data(as_text=True)
    assert "线索正文甲" not in page and _get(Share, Share.id == lead_id).bulletin_id is None


def test_a_unit_late_on_an_instruction_is_reminded_once_a_week(app, office_client):
    from plugins.meetings import followup

    instruction_id = _located(office_client.post("/meetings/instructions", data={
        "source": "市能源主管部门", "received_on": "2026-10-01", "title": "关于报送舆情台账的通知", "text": "报送台账。",
        "units": [str(_dept("新能源科"))], "due_on": (now() - timedelta(days=1)).date().isoformat()}))
    energy_head = _id("energy_head")

    def reminders():
        with database.connection_context():
            return Notification.select().where((Notification.user == energy_head)
                                               & Notification.message.contains("关于报送舆情台账的通知")
                                               & Notification.message.contains("超过反馈时限")).count()
    with app.app_context(), database.connection_context():
        assert followup.urge_tasks(now()) == 1
        assert followup.urge_tasks(now() + timedelta(days=1)) == 0
        assert followup.urge_tasks(now() + timedelta(days=8)) == 1
    assert reminders() == 2
    assert _get(Instruction, Instruction.id == instruction_id).due_on < now().date()


def test_a_units_page_shows_its_instructions_and_reports(liaison_client, login):
    page = liaison_client.get(f"/departments/{_dept('电力科')}").get_data(as_text=True)
    assert "本单位待落实的上级指示" in page and "关于做好冬季供暖期网络舆情工作的通知（示例）" in page
    assert "本单位报送的信息" in page and "某小区供暖不热投诉在本地论坛增多（示例）" in page and "已通报" in page
    # another unit's people do not learn what was relayed to 电力科, nor its lead before it is circulated to them
    other = login("energy_head").get(f"/departments/{_dept('电力科')}").get_data(as_text=True)
    assert "关于做好冬季供暖期网络舆情工作的通知（示例）" not in other
