"""Every form says everything that is wrong with it at once: a clerk who left two required
fields empty is told about both, not about one and then, after the next try, the other.
(The plugins' forms: plugins/*/tests/test_form_problems.py.)"""
import io

from portal.audit import AuditEvent
from portal.cases.models import Case, ReplyDraft
from portal.db import database
from portal.inputs import InputError, Problems, required
from portal.org.models import Department, User
from tests.core.case_helpers import PNG, fetch, register, step
from tests.hostile import messages


def shown(response) -> list[str]:
    return messages(response.get_data(as_text=True))


def test_problems_collects_every_reader_and_raises_once():
    problems = Problems()
    assert problems.read(required, "", "来源") is None
    assert problems.read(required, " 正文 ", "原帖内容") == "正文"
    assert problems.read(required, "", "原帖内容") is None
    problems.add("请选择类别。")
    try:
        problems.check()
    except InputError as exc:
        assert exc.problems == ["请填写来源。", "请填写原帖内容。", "请选择类别。"]
    else:
        raise AssertionError("no error raised")
    Problems().check()  # nothing found: nothing raised


def test_intake_names_every_missing_field(login):
    monitor = login("monitor")
    with database.connection_context():
        before = Case.select().count(), AuditEvent.select().count()
    response = monitor.post("/cases/new", data={
        "title": "", "source": "", "category": "", "url": "ftp://x", "posted_at": "昨天", "post_text": "",
        "netizen_nickname": "名" * 81, "screenshot": (io.BytesIO(b"\x00\x01binary"), "a.exe")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    found = shown(response)
    for message in ("请填写事项标题。", "请填写原帖内容。", "请选择来源。", "请选择类别。", "原帖链接须以 http:// 或 https:// 开头",
                    "请按“年-月-日 时:分”填写网民发帖时间。", "网民昵称不能超过80个字。", "只能上传图片"):
        assert any(message in m for m in found), (message, found)
    with database.connection_context():
        assert (Case.select().count(), AuditEvent.select().count()) == before


def test_the_issue_example_source_and_post_text_empty(login):
    response = login("monitor").post("/cases/new", data={
        "title": "反映停电", "source": "", "category": "complaint", "posted_at": "2026-11-28T09:30", "post_text": ""})
    assert response.status_code == 400
    assert [m for m in shown(response) if m.startswith("请")] == ["请填写原帖内容。", "请选择来源。"]


def test_a_bad_screenshot_with_good_fields_is_refused_alone_and_nothing_is_saved(login):
    monitor = login("monitor")
    with database.connection_context():
        count = Case.select().count()
    response = monitor.post("/cases/new", data={
        "title": "反映停电", "source": "website", "category": "complaint", "posted_at": "2026-11-28T09:30",
        "post_text": "停电", "screenshot": (io.BytesIO(b""), "empty.png")}, content_type="multipart/form-data")
    assert response.status_code == 400 and shown(response)[-1] == "上传的文件是空的。"
    with database.connection_context():
        assert Case.select().count() == count


def handling_case(login):
    case = register(login("monitor"))
    step(login("monitor"), case, "report")
    with database.connection_context():
        host = str(Department.get(Department.name == "电力科").id)
    step(login("leader"), case, "assign", host_department=host, instruction="请核实。")
    return fetch(case.id)


def test_case_steps_name_every_problem(login):
    case = register(login("monitor"))
    step(login("monitor"), case, "report")
    refused = step(login("leader"), case, "assign", host_department="", co_departments="abc", instruction="")
    assert refused.status_code == 400
    assert {"请选择主办部门。", "协办部门无效，请重新选择。", "请填写批办意见。"} <= set(shown(refused))

    case = handling_case(login)
    head = login("head")
    refused = step(head, case, "submit_reply", findings="", reply_text="")
    assert {"请填写调查核实情况。", "请填写回复稿。"} <= set(shown(refused))
    refused = step(head, case, "request_extension", days="9", reason="")
    assert {"延期后的办理时限不得超过5日。", "请填写延期理由。"} <= set(shown(refused))
    with database.connection_context():
        assert ReplyDraft.select().where(ReplyDraft.case == case.id).count() == 0
    assert fetch(case.id).version == case.version


def test_recording_the_reply_names_every_problem(login):
    case = handling_case(login)
    step(login("head"), case, "submit_reply", findings="已核实。", reply_text="已处理。")
    step(login("leader"), case, "approve")
    refused = step(login("office"), case, "record_reply", reply_url="not a link", replied_at="明天",
                   proof=(io.BytesIO(b"\x00\x01"), "x.bin"))
    found = shown(refused)
    assert any("请填写回复所在网页的链接" in m for m in found)
    assert "请按“年-月-日 时:分”填写回复时间。" in found and any("只能上传图片" in m for m in found)
    assert fetch(case.id).state == "approved"


def test_the_user_form_names_every_problem(login):
    admin = login("admin")
    response = admin.post("/admin/users/new", data={"username": "staff", "name": "", "department": "0",
                                                     "password": "short"})
    page = response.get_data(as_text=True)
    for message in ("用户名“staff”已被使用。", "请输入姓名。", "请选择所属科室。", "请至少选择一个角色。", "密码至少需要8个字符。"):
        assert message in page, message
    with database.connection_context():
        assert User.select().where(User.username == "staff").count() == 1


def test_the_password_form_names_every_problem(login):
    response = login("staff").post("/account/password", data={"current": "wrong", "new": "abc", "confirm": "abd"})
    page = response.get_data(as_text=True)
    for message in ("当前密码不正确。", "密码至少需要8个字符。", "两次输入的新密码不一致。"):
        assert message in page, message


def test_the_calendar_form_names_every_problem(login):
    response = login("office").post("/admin/calendar", data={"action": "add", "day": "明天", "is_workday": "x",
                                                             "note": "长" * 101})
    assert response.status_code == 400
    assert {"请填写正确的日期。", "请选择该日是工作日还是休息日。", "说明不能超过100个字。"} <= set(shown(response))


def test_a_case_with_a_good_screenshot_still_registers(login):
    case = register(login("monitor"), screenshot=(io.BytesIO(PNG), "shot.png"))
    assert case.state == "registered"
