"""The whole process of the first regulation through HTTP, each step by the role whose step it is."""
import re

from portal.audit import AuditEvent
from portal.cases.models import Attachment, Case, Notification, ReplyDraft
from portal.db import database
from portal.org.models import Department, User
from tests.core.case_helpers import fetch, png, register, step


def dept_id(name):
    with database.connection_context():
        return Department.get(Department.name == name).id


def audit_actions(case):
    with database.connection_context():
        return [e.action for e in AuditEvent.select().where(
            (AuditEvent.object_type == "case") & (AuditEvent.object_id == case.id)).order_by(AuditEvent.id)]


def unread(username):
    with database.connection_context():
        user = User.get(User.username == username)
        return Notification.select().where((Notification.user == user) & Notification.read_at.is_null()).count()


def test_the_whole_path(login):
    monitor, office, leader, head = login("monitor"), login("office"), login("leader"), login("head")

    case = register(monitor, screenshot=png())
    assert case.state == "registered" and case.number.startswith("YQ-")
    page = monitor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.number in page and "原帖截图" in page and "已受理" in page

    assert step(monitor, case, "report").status_code == 302
    assert fetch(case.id).state == "reported"

    before = unread("head")
    assert step(leader, case, "assign", host_department=str(dept_id("电力科")), co_departments=str(dept_id("煤炭科")),
                instruction="请电力科核实后答复。").status_code == 302
    case = fetch(case.id)
    assert case.state == "handling" and case.host_department.name == "电力科"
    assert unread("head") == before + 1  # the host department is told
    assert "通知" in head.get("/").get_data(as_text=True)

    step(head, case, "submit_reply", findings="供电线路故障，已抢修。", reply_text="第一稿")
    assert fetch(case.id).state == "awaiting_approval"
    step(leader, case, "return_draft", comment="请写明恢复供电的时间。")
    assert fetch(case.id).state == "handling"
    step(head, case, "submit_reply", findings="供电线路故障，已抢修。", reply_text="第二稿：已于今日8时恢复供电。")
    step(leader, case, "approve")
    assert fetch(case.id).state == "approved"
    with database.connection_context():
        drafts = [(d.version, d.text, d.decision) for d in ReplyDraft.select().where(ReplyDraft.case == case.id).order_by(ReplyDraft.version)]
    assert drafts == [(1, "第一稿", "returned"), (2, "第二稿：已于今日8时恢复供电。", "approved")]

    response = step(office, case, "record_reply", reply_url="https://bbs.example.cn/t/1#reply", proof=png("reply.png"))
    assert response.status_code == 302
    case = fetch(case.id)
    assert case.state == "replied" and case.replied_at and case.reply_text.startswith("第二稿")

    step(office, case, "archive", confirm="1")
    case = fetch(case.id)
    assert case.state == "archived"

    dossier = office.get(f"/cases/{case.id}/dossier").get_data(as_text=True)
    for text in ("请电力科核实后答复。", "第一稿", "第二稿", "请写明恢复供电的时间。", "https://bbs.example.cn/t/1#reply",
                 "原帖截图", "回复截图", "立卷归档"):
        assert text in dossier, text

    assert audit_actions(case) == [
        "case.registered", "case.attached", "case.reported", "case.assigned", "case.reply_submitted",
        "case.returned", "case.reply_submitted", "case.approved", "case.replied", "case.attached", "case.archived",
    ]


def test_an_archived_case_refuses_every_write(login):
    office, leader = login("office"), login("leader")
    case = register(login("monitor"))
    step(office, case, "reject", reason="不属于本局职责。")
    step(office, case, "archive", confirm="1")
    frozen = fetch(case.id)
    assert frozen.state == "archived"
    for user, action, fields in [
        (office, "reject", {"reason": "x"}), (office, "archive", {}), (leader, "assign", {"instruction": "x"}),
        (office, "supervise", {}), (office, "urge", {"message": "x"}), (office, "attach", {"file": png()}),
        (login("monitor"), "report", {}),
    ]:
        response = step(user, case, action, **fields)
        assert response.status_code == 400, action
        assert "已立卷归档" in response.get_data(as_text=True)
    after = fetch(case.id)
    assert after.version == frozen.version and after.updated_at == frozen.updated_at
    with database.connection_context():
        assert Attachment.select().where(Attachment.case == case.id).count() == 0


def test_wrong_role_and_wrong_state_are_refused_with_nothing_changed(login):
    monitor, staff, leader = login("monitor"), login("staff"), login("leader")
    case = register(monitor)
    cases = [
        (staff, "report", {}, "没有"),                       # a department clerk cannot report
        (leader, "assign", {"instruction": "x"}, "不能批办"),  # not yet reported
        (monitor, "approve", {}, "不能审定通过"),
        (monitor, "archive", {}, "不能立卷归档"),
        (monitor, "nonsense", {}, None),
    ]
    for client, action, fields, message in cases:
        before = fetch(case.id)
        response = step(client, case, action, **fields)
        assert response.status_code in (400, 404), action
        if message:
            assert message in response.get_data(as_text=True), action
        assert fetch(case.id).version == before.version


def test_only_the_host_department_handles(login):
    case = register(login("monitor"))
    step(login("monitor"), case, "report")
    step(login("leader"), case, "assign", host_department=str(dept_id("电力科")), instruction="办理")
    coal = login("coal_head")
    response = step(coal, case, "submit_reply", findings="x", reply_text="y")
    assert response.status_code == 400 and fetch(case.id).state == "handling"
    assert "提交审定" not in coal.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "提交审定" in login("staff").get(f"/cases/{case.id}").get_data(as_text=True)


def test_bad_input_keeps_what_was_typed(login):
    monitor = login("monitor")
    response = monitor.post("/cases/new", data={"title": "", "source": "website", "category": "complaint",
                                                "posted_at": "2026-11-28T09:30", "post_text": "原帖内容要保留"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写事项标题" in page and "原帖内容要保留" in page
    with database.connection_context():
        assert not Case.select().where(Case.post_text == "原帖内容要保留").exists()
    for fields, message in [({"posted_at": "昨天"}, "年-月-日"), ({"url": "javascript:alert(1)"}, "http://"),
                            ({"source": "tv"}, "请选择来源"), ({"posted_at": "2099-01-01T00:00"}, "不能晚于当前时间")]:
        data = {"title": "t", "source": "website", "category": "complaint", "posted_at": "2026-11-28T09:30", "post_text": "p"}
        data.update(fields)
        assert message in monitor.post("/cases/new", data=data).get_data(as_text=True)


def test_user_text_is_escaped(login):
    monitor = login("monitor")
    case = register(monitor, title="<script>alert(1)</script>", post_text="<img src=x onerror=alert(1)>")
    page = monitor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


def test_duplicate_url_is_flagged(login):
    monitor = login("monitor")
    first = register(monitor, url="https://weibo.example.cn/p/42")
    response = monitor.post("/cases/new", data={
        "title": "同一帖子", "source": "weibo", "category": "complaint", "url": "https://weibo.example.cn/p/42",
        "posted_at": "2026-11-28T10:00", "post_text": "重复"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"同一链接已有未办结的事项 {first.number}" in page


def test_numbers_run_per_year_without_gaps(login):
    monitor = login("monitor")
    numbers = [register(monitor, url=f"https://x.example.cn/{i}").number for i in range(3)]
    seqs = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]


def test_upload_checks_content_not_name(login):
    monitor = login("monitor")
    case = register(monitor)
    import io
    fake = (io.BytesIO(b"MZ\x90\x00 this is an exe"), "photo.png")
    response = step(monitor, case, "attach", kind="screenshot", file=fake)
    assert response.status_code == 400 and "只能上传" in response.get_data(as_text=True)
    step(monitor, case, "attach", kind="material", file=(io.BytesIO("说明文字".encode()), "note.exe"))
    with database.connection_context():
        attachment = Attachment.get(Attachment.case == case.id)
    assert attachment.filename == "note.txt" and attachment.content_type.startswith("text/plain")
    download = monitor.get(f"/cases/{case.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == "说明文字".encode()
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Checksum-SHA256"] == attachment.sha256


def test_upload_size_cap(app, login):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    monitor = login("monitor")
    case = register(monitor)
    import io
    response = step(monitor, case, "attach", kind="material", file=(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 2000), "big.png"))
    assert "超过" in response.get_data(as_text=True)


def test_confidential_cases_are_hidden_everywhere(login):
    monitor = login("monitor")
    case = register(monitor, title="内部测试事项甲", confidentiality="internal", screenshot=png())
    with database.connection_context():
        attachment = Attachment.get(Attachment.case == case.id)
    staff = login("staff")  # 电力科, not assigned
    assert staff.get(f"/cases/{case.id}").status_code == 404
    assert staff.get(f"/cases/{case.id}/dossier").status_code == 404
    assert staff.get(f"/cases/{case.id}/attachments/{attachment.id}").status_code == 404
    assert "内部测试事项甲" not in staff.get("/cases/?q=内部测试").get_data(as_text=True)
    assert "共 0 件" in staff.get("/cases/?q=内部测试事项甲").get_data(as_text=True)
    assert step(staff, case, "report").status_code == 404
    for who in ("leader", "office", "monitor"):
        assert "内部测试事项甲" in login(who).get("/cases/?q=内部测试").get_data(as_text=True), who
    # once assigned to 电力科, its staff see it
    step(monitor, case, "report")
    step(login("leader"), case, "assign", host_department=str(dept_id("电力科")), instruction="办理")
    assert staff.get(f"/cases/{case.id}").status_code == 200
    assert login("coal_head").get(f"/cases/{case.id}").status_code == 404


def test_filtering_by_department_never_shows_another_departments_confidential_case(login):
    monitor = login("monitor")
    power_only = register(monitor, title="仅电力科可见的内部事项", confidentiality="internal")
    shared = register(monitor, title="电力科主办煤炭科协办的内部事项", confidentiality="internal")
    leader = login("leader")
    for case, co in ((power_only, []), (shared, [str(dept_id("煤炭科"))])):
        step(monitor, case, "report")
        step(leader, case, "assign", host_department=str(dept_id("电力科")), co_departments=co, instruction="办理")
    power, coal = dept_id("电力科"), dept_id("煤炭科")

    def listed(who, department):
        return who.get("/cases/", query_string={"department": department}).get_data(as_text=True)

    staff, coal_head = login("staff"), login("coal_head")
    assert "仅电力科可见" in listed(staff, power) and "煤炭科协办" in listed(staff, power)
    assert "仅电力科可见" not in listed(coal_head, power) and "煤炭科协办" in listed(coal_head, power)
    assert "仅电力科可见" not in listed(coal_head, coal) and "煤炭科协办" in listed(coal_head, coal)
    department_page = coal_head.get(f"/departments/{power}").get_data(as_text=True)
    assert "仅电力科可见" not in department_page and "煤炭科协办" in department_page
    own_page = staff.get(f"/departments/{power}").get_data(as_text=True)
    assert "仅电力科可见" in own_page


def test_netizen_contact_only_for_entitled_roles(login):
    monitor = login("monitor")
    case = register(monitor, netizen_contact="13912345678")
    assert "13912345678" in monitor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "13912345678" in login("office").get(f"/cases/{case.id}").get_data(as_text=True)
    staff = login("staff")
    assert "13912345678" not in staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "13912345678" not in staff.get(f"/cases/{case.id}/dossier").get_data(as_text=True)
    # searching by the contact finds nothing: it is not searchable at all
    found = staff.get("/cases/?q=13912345678", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert case.number not in found and "共 0 件" in found


def test_list_filters_and_htmx_partial(login):
    office = login("office")
    register(login("monitor"), title="光伏补贴咨询专用标题", category="consult")
    full = office.get("/cases/?q=光伏补贴咨询专用").get_data(as_text=True)
    assert "光伏补贴咨询专用标题" in full and "<html" in full
    partial = office.get("/cases/?q=光伏补贴咨询专用", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "光伏补贴咨询专用标题" in partial and "<html" not in partial and "共 1 件" in partial
    assert "光伏补贴咨询专用标题" not in office.get("/cases/?q=光伏补贴咨询专用&category=complaint").get_data(as_text=True)
    assert "光伏补贴咨询专用标题" in office.get("/cases/?q=光伏补贴咨询专用&category=consult&state=registered").get_data(as_text=True)
    restore = office.get("/cases/?q=x", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_todo_shows_what_needs_me(login):
    monitor = login("monitor")
    case = register(monitor, title="待办测试事项")
    assert "待办测试事项" in monitor.get("/cases/todo").get_data(as_text=True)
    step(monitor, case, "report")
    leader_todo = login("leader").get("/cases/todo").get_data(as_text=True)
    assert "待批办" in leader_todo and "待办测试事项" in leader_todo
    assert "待办测试事项" not in login("staff").get("/cases/todo").get_data(as_text=True)


def test_department_page_lists_its_cases(login):
    case = register(login("monitor"), title="电力科主办的事项")
    step(login("monitor"), case, "report")
    step(login("leader"), case, "assign", host_department=str(dept_id("电力科")), instruction="办理")
    page = login("staff").get(f"/departments/{dept_id('电力科')}").get_data(as_text=True)
    assert "本科室舆情事项" in page and "电力科主办的事项" in page


def test_urge_and_supervise(login):
    office = login("office")
    case = register(login("monitor"))
    step(login("monitor"), case, "report")
    step(login("leader"), case, "assign", host_department=str(dept_id("电力科")), instruction="办理")
    before = unread("head")
    step(office, case, "urge", message="请今日内报送回复稿。")
    assert unread("head") == before + 1
    step(office, case, "supervise", note="重点跟踪")
    assert fetch(case.id).supervised
    page = office.get("/cases/supervision").get_data(as_text=True)
    assert case.number in page
    step(office, case, "end_supervision")
    assert case.number not in office.get("/cases/supervision").get_data(as_text=True)
    assert "请今日内报送回复稿。" in office.get(f"/cases/{case.id}").get_data(as_text=True)


def test_notifications_are_marked_read(login):
    case = register(login("monitor"))
    step(login("monitor"), case, "report")
    leader = login("leader")
    assert unread("leader") > 0
    page = leader.get("/notifications").get_data(as_text=True)
    assert case.number in page
    leader.post("/notifications/read")
    assert unread("leader") == 0


def test_extension_past_the_cap_says_why(login):
    case = register(login("monitor"))
    step(login("monitor"), case, "report")
    step(login("leader"), case, "assign", host_department=str(dept_id("电力科")), instruction="办理")
    head, leader = login("head"), login("leader")
    step(head, case, "request_extension", days="4", reason="需补充材料")
    again = step(head, case, "request_extension", days="5", reason="再延")
    assert "已有待审批的延期申请" in again.get_data(as_text=True)
    step(leader, case, "decide_extension", decision="approve")
    step(head, case, "request_extension", days="5", reason="再延")
    step(leader, case, "decide_extension", decision="approve")
    assert fetch(case.id).deadline_days == 5
    capped = step(head, case, "request_extension", days="5", reason="还要延")
    assert capped.status_code == 400 and "已延至5日" in capped.get_data(as_text=True)


def test_todo_counts_every_case_not_only_the_first_hundred(app, login):
    from portal.bulk import generate

    with app.app_context(), database.connection_context():
        generate(300, seed=7, years=1, long_timeline_case=False)
        ids = [c.id for c in Case.select(Case.id).where(Case.state == "archived").limit(150)]
        Case.update(state="replied").where(Case.id.in_(ids)).execute()
        waiting = Case.select().where(Case.state.in_(("replied", "rejected"))).count()
    assert waiting > 150
    office = login("office")
    dashboard = office.get("/").get_data(as_text=True)
    assert re.search(rf'待立卷归档</a> <span class="count">{waiting}</span>', dashboard)
    todo = office.get("/cases/todo").get_data(as_text=True)
    assert f"共 {waiting} 件，此处按回复时限列出前 100 件" in todo


def test_a_link_typed_with_its_scheme_in_capitals_is_accepted(client):
    """HTTPS://… is the same link as https://… (schemes are case-insensitive): a monitor pasting
    one from a monitoring service's export is not refused."""
    assert client.login("monitor").status_code == 302
    case = register(client, url="HTTPS://BBS.example.cn/t/77")
    assert case.url == "HTTPS://BBS.example.cn/t/77"
