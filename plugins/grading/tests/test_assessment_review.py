"""研判 and the emergency meeting it asks for; 消除; 后期处置 and its reminder; archived cases."""
import pytest

from plugins.grading.models import Assessment, Review, Snapshot
from plugins.grading.tests.helpers import grade_of, messages, page, snapshot
from portal.db import database
from portal.hookspecs import hookimpl
from tests.core.case_helpers import register, step

ASSESSMENT = {"content": "网民反映小区频繁停电", "attention": "本地论坛置顶，跟帖集中", "commenters": "120",
              "heat_index": "66.5", "stage": "spreading", "impact": "可能引发对供电保障的质疑",
              "response": "电力科核实后统一口径答复"}


class Listener:
    """A stand-in for the meetings plugin: it hears every case event."""

    def __init__(self):
        self.events = []

    @hookimpl
    def portal_case_event(self, case, event):
        self.events.append((case.id, event.name, dict(event.data)))


@pytest.fixture
def listener(app):
    pm, plugin = app.extensions["portal_pm"], Listener()
    pm.register(plugin, name="test_listener")
    yield plugin
    pm.unregister(plugin)


def meetings(listener, case_id):
    return [data for cid, name, data in listener.events if cid == case_id and name == "emergency_meeting_requested"]


def test_assessing_a_major_case_asks_the_leaders_to_meet(login, listener):
    monitor, office, leader = login("monitor"), login("office"), login("leader")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=1200, comments=120, heat_index=66.5)
    panel = page(office, f"/grading/cases/{case.id}/panel")
    assert "重大舆情须由局领导召开紧急会议研判并制定应对方案，尚未提请" in panel

    form = page(office, f"/grading/cases/{case.id}/assess")
    assert "同时提请局领导召开紧急会议（重大舆情" in form and 'value="120"' in form  # prefilled from the snapshot

    incomplete = office.post(f"/grading/cases/{case.id}/assess", data={**ASSESSMENT, "stage": "", "request_meeting": "1"})
    assert incomplete.status_code == 400 and "请选择舆情所处的发展阶段" in incomplete.get_data(as_text=True)
    assert meetings(listener, case.id) == []

    response = office.post(f"/grading/cases/{case.id}/assess", data={**ASSESSMENT, "request_meeting": "1"})
    assert response.status_code == 302
    assert meetings(listener, case.id) == [{"grade": "major"}]
    assert messages("leader", case.id)[-1] == f"重大舆情 {case.number} 请局领导召开紧急会议研判并制定应对方案：反映某小区停电"
    panel = page(leader, f"/grading/cases/{case.id}/panel")
    assert "已于" in panel and "提请局领导召开紧急会议（重大舆情）" in panel
    assert "扩散期（快速发酵）" in panel and "电力科核实后统一口径答复" in panel
    assert "提请局领导召开紧急会议，对重大舆情进行研判并制定应对方案" in page(leader, f"/cases/{case.id}")

    # 特别重大 later: the leaders are asked again, from the panel's prompt
    snapshot(monitor, case.id, clicks=3100)
    assert "特别重大舆情须由局领导召开紧急会议" in page(office, f"/grading/cases/{case.id}/panel")
    assert office.post(f"/grading/cases/{case.id}/meeting").status_code == 302
    assert meetings(listener, case.id) == [{"grade": "major"}, {"grade": "critical"}]
    office.post(f"/grading/cases/{case.id}/meeting")
    assert len(meetings(listener, case.id)) == 2  # asked once per grade
    assert "已于" in page(office, f"/cases/{case.id}") and "提请局领导召开紧急会议" in page(office, f"/cases/{case.id}")


def test_a_general_case_is_assessed_without_a_meeting(login, listener):
    monitor, office = login("monitor"), login("office")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=10)
    form = page(office, f"/grading/cases/{case.id}/assess")
    assert "召开紧急会议" not in form.split("<form")[2]
    assert office.post(f"/grading/cases/{case.id}/assess", data={**ASSESSMENT, "request_meeting": "1"}).status_code == 302
    assert meetings(listener, case.id) == []
    assert "研判时为一般舆情" in page(office, f"/grading/cases/{case.id}/panel")
    refused = office.post(f"/grading/cases/{case.id}/meeting", follow_redirects=True)
    assert "只有重大、特别重大舆情需提请局领导召开紧急会议" in refused.get_data(as_text=True)


def test_the_meeting_works_without_any_meetings_plugin(login):
    monitor, office = login("monitor"), login("office")
    case = register(monitor)
    snapshot(monitor, case.id, comments=600)
    assert office.post(f"/grading/cases/{case.id}/meeting").status_code == 302
    assert messages("deputy", case.id)[-1].startswith(f"特别重大舆情 {case.number} 请局领导召开紧急会议")


def test_only_the_office_assesses(login):
    case = register(login("monitor"))
    assert login("monitor").post(f"/grading/cases/{case.id}/assess", data=dict(ASSESSMENT)).status_code == 403
    with database.connection_context():
        assert Assessment.select().where(Assessment.case == case.id).count() == 0


def test_the_review_is_asked_for_until_it_exists_and_archiving_waits_for_it(login):
    monitor, office, leader = login("monitor"), login("office"), login("leader")
    case = register(monitor, title="网传某加油站爆炸")
    snapshot(monitor, case.id, clicks=1500)

    early = office.post(f"/grading/cases/{case.id}/review", data={"summary": "x", "worked": "x", "failed": "x"})
    assert early.status_code == 400 and "应对处置尚未结束" in early.get_data(as_text=True)
    assert "待后期处置" not in page(office, "/")
    assert "应对处置尚未结束" in page(office, f"/grading/cases/{case.id}/review")

    assert office.post(f"/grading/cases/{case.id}/eliminate", data={"note": "经核实系谣言，已辟谣。"}).status_code == 302
    assert "已平稳" in page(office, "/cases/")
    for client in (office, leader):
        home = page(client, "/")
        assert "待后期处置（总结评估）" in home and f"{case.number} 网传某加油站爆炸" in home
    assert "后期处置（总结评估）" in page(office, f"/cases/{case.id}")  # the case action
    assert "尚未进行后期处置" in page(office, f"/grading/cases/{case.id}/panel")

    step(office, case, "reject", reason="经核实系谣言，不属于办理范围。")
    why = "重大、特别重大舆情须先完成后期处置（总结评估），才能立卷归档。"
    shown = page(office, f"/cases/{case.id}")  # the 立卷归档 button is hidden, the reason shown instead
    assert why in shown and f"/cases/{case.id}/do/archive" not in shown
    refused = step(office, case, "archive", confirm="1")  # a forced POST: the same guard, the same words
    assert refused.status_code == 400
    assert why in refused.get_data(as_text=True)
    assert "不予受理" in page(office, f"/cases/{case.id}")  # still not archived

    missing = office.post(f"/grading/cases/{case.id}/review", data={"summary": "", "worked": "快", "failed": "慢"})
    assert missing.status_code == 400 and "请填写总结" in missing.get_data(as_text=True)
    review = {"summary": "6小时内辟谣。", "worked": "发现及时。", "failed": "夜间联络慢。",
              "rewards": "通报表扬网评员。", "plan_changes": "补充夜间值班名单。"}
    assert leader.post(f"/grading/cases/{case.id}/review", data=dict(review)).status_code == 302
    assert f"{case.number} 网传某加油站爆炸" not in page(office, "/")
    panel = page(office, f"/grading/cases/{case.id}/panel")
    assert "夜间联络慢。" in panel and "补充夜间值班名单。" in panel
    again = office.post(f"/grading/cases/{case.id}/review", data=dict(review))
    assert again.status_code == 400 and "已有后期处置记录" in again.get_data(as_text=True)

    shown = page(office, f"/cases/{case.id}")
    assert why not in shown and f"/cases/{case.id}/do/archive" in shown
    assert step(office, case, "archive", confirm="1").status_code == 302
    assert "已归档" in page(office, f"/cases/{case.id}")


def test_the_end_of_the_handling_reminds_the_office_of_the_review(login):
    monitor, office, leader, head = login("monitor"), login("office"), login("leader"), login("head")
    case = register(monitor)
    snapshot(monitor, case.id, comments=150)
    step(monitor, case, "report")
    step(leader, case, "assign", host_department="4", instruction="请电力科核实答复。")
    step(head, case, "submit_reply", findings="属实。", reply_text="已整改。")
    step(leader, case, "approve")
    assert messages("office", case.id) == []
    assert step(monitor, case, "record_reply", reply_url="https://bbs.example.cn/t/1#r").status_code == 302
    assert messages("office", case.id) == [f"重大舆情 {case.number} 应对处置已结束，请组织后期处置（总结评估）"]
    assert messages("head", case.id) == []
    assert "后期处置（总结评估）" in page(office, f"/cases/{case.id}")


def test_an_archived_case_refuses_every_grading_write(login):
    monitor, office, leader = login("monitor"), login("office"), login("leader")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=10)
    step(office, case, "reject", reason="广告")
    step(office, case, "archive", confirm="1")
    response = snapshot(monitor, case.id, clicks=5000)
    assert response.status_code == 302
    assert "该事项已立卷归档，不能再作任何修改" in page(monitor, response.headers["Location"])
    leader.post(f"/grading/cases/{case.id}/grade", data={"grade": "critical", "reason": "x"})
    assert grade_of(case.id) == "general"
    with database.connection_context():
        assert Snapshot.select().where(Snapshot.case == case.id).count() == 1
        assert Review.select().where(Review.case == case.id).count() == 0
    case_page = page(office, f"/cases/{case.id}")
    assert "记录热度与标记" not in case_page and "舆情研判" not in case_page


def test_the_scheduled_check_reminds_of_a_review_that_fell_due_without_a_step_and_again_each_week(app, login):
    from datetime import timedelta

    from portal import scheduled
    from portal.db import now

    monitor, office = login("monitor"), login("office")
    case = register(monitor)
    step(office, case, "reject", reason="经核实系谣言，不属于办理范围。")
    snapshot(monitor, case.id, clicks=1500)  # raised to 重大 after its handling ended: no step announced it
    assert grade_of(case.id) == "major"
    reminder = f"重大舆情 {case.number} 应对处置已结束，请组织后期处置（总结评估）"
    with app.app_context(), database.connection_context():
        scheduled.tick(now())
        assert scheduled.tick(now())["后期处置提醒"] == 0  # once, whichever tick sent it
    assert messages("office", case.id) == [reminder]
    with app.app_context(), database.connection_context():
        assert scheduled.tick(now() + timedelta(days=6))["后期处置提醒"] == 0
        assert scheduled.tick(now() + timedelta(days=7, minutes=1))["后期处置提醒"] == 1
    assert messages("office", case.id) == [reminder, reminder]
    review = {"summary": "已辟谣。", "worked": "发现及时。", "failed": "核实慢。"}
    assert office.post(f"/grading/cases/{case.id}/review", data=review).status_code == 302
    with app.app_context(), database.connection_context():
        assert scheduled.tick(now() + timedelta(days=30))["后期处置提醒"] == 0
    assert len(messages("office", case.id)) == 2
