"""Demo meetings: the members from the demo's 联席会议 working group, one regular meeting (held,
its items' minutes and decided matters in different states) and one ad hoc meeting requested
after a 研判, awaiting the convener; a 专项督查组 following a decided matter, an instruction from
above relayed to two units (one has acted on it), a lead from 电力科 and the office's 通报."""
from datetime import timedelta
from types import SimpleNamespace

from portal.plugin_api import Case, Department, User, WORKING_KINDS, audit, database, now, set_setting

from plugins.meetings import followup, workflow
from plugins.meetings.models import Attendee, Decision, Item, Meeting, Member, Report, Task


def _group_people() -> dict[str, list[int]]:
    """{position: [user ids]} of the working group ``joint_meeting`` (the core's, read by SQL:
    the plugin API does not export working groups)."""
    rows = database.execute_sql(
        "SELECT m.position, m.user_id, m.department_id FROM working_group_member m JOIN working_group g "
        "ON g.id = m.group_id WHERE g.code = 'joint_meeting'").fetchall()
    found = {}
    for position, user_id, department_id in rows:
        found.setdefault(position, []).append(user_id or -department_id)
    return found


def seed_members():
    """Member units, liaisons and heads, the convener and the office, from the working group."""
    people = _group_people()
    units = [-i for i in people.get("member", []) if i < 0] or [
        d.id for d in Department.select().where(Department.kind.in_(WORKING_KINDS))]
    liaisons = {u.department_id: u.id for u in User.select().where(User.id.in_(people.get("liaison", [0])))}
    for dept_id in units:
        staff = list(User.select().where((User.department == dept_id) & User.active).order_by(User.id))
        head = next((u.id for u in staff if u.has_role("dept_head")), None)
        liaison = liaisons.get(dept_id) or next((u.id for u in staff if u.has_role("liaison")), None)
        Member.insert(department=dept_id, liaison=liaison, head=head).on_conflict_ignore().execute()
    leaders = [i for i in people.get("leader", []) if i > 0]
    if leaders:
        set_setting("meetings.convener", str(leaders[0]))
    office = Department.get_or_none(Department.kind == "info_centre")
    if office:
        set_setting("meetings.office", str(office.id))


def _user(username):
    return User.get(User.username == username)


def _dept(name):
    return Department.get(Department.name == name)


def create_demo_meetings():
    with database.atomic():
        seed_members()
    office, leader = _user("office"), _user("leader")
    at = now()
    with database.atomic():
        regular = workflow.create_meeting(office, kind="regular", title=f"{at.year}年能源领域网络舆情联席会议例会（示例）")
        Meeting.update(state="held", starts_at=at - timedelta(days=20), place="局机关三楼会议室", chair=leader.id,
                       items_due_at=at - timedelta(days=25)).where(Meeting.id == regular.id).execute()
        Attendee.update(attendance="present").where(Attendee.meeting == regular.id).execute()
        coal_head = _user("coal_head")
        Attendee.update(attendance="leave", note="外出检查").where(
            (Attendee.meeting == regular.id) & (Attendee.user == coal_head.id)).execute()
        texts = [
            ("电力科", "迎峰度夏期间停电投诉舆情的应对口径", "统一由电力科会同供电公司拟定答复口径，两小时内回应网民关切。",
             "《网络舆情预警机制及应对预案》四（一）；《电力供应与使用条例》", "confirmed"),
            ("煤炭科", "煤矿安全生产类舆情信息共享", "煤炭科每周向联席会议办公室通报煤矿安全舆情线索。",
             "《网络舆情信息通报共享和联席会商工作制度》第三条、第十一条", "draft"),
        ]
        items = []
        for position, (dept, title, opinion, basis, minutes_state) in enumerate(texts, 1):
            items.append(Item.create(meeting=regular.id, department=_dept(dept).id, title=title, opinion=opinion,
                                     basis=basis, state="accepted", position=position, submitted_by=office.id,
                                     minutes="会议同意该处理意见，要求责任单位按期落实。", minutes_state=minutes_state,
                                     confirmed_at=at - timedelta(days=19) if minutes_state == "confirmed" else None))
        Decision.create(item=items[0].id, text="拟定迎峰度夏停电舆情统一答复口径并报联席会议办公室备案",
                        department=_dept("电力科").id, due_on=(at - timedelta(days=5)).date())
        done = Decision.create(item=items[0].id, text="在局官网公布供电抢修联系方式", department=_dept("电力科").id,
                               due_on=(at - timedelta(days=10)).date(), state="closed", closed_at=at - timedelta(days=12))
        Report.create(decision=done.id, text="已在局官网首页公布抢修电话。", by=_user("liaison").id, at=at - timedelta(days=13))
        Decision.create(item=items[1].id, text="建立煤矿安全舆情线索周报制度", department=_dept("煤炭科").id,
                        co_units=str(_dept("安全监管科").id), due_on=(at + timedelta(days=20)).date())
        audit.record("meetings.held", f"会议已召开：{regular.title}", actor=office, obj=regular)
    create_demo_follow_up(office, regular)
    case = Case.select().order_by(Case.id).first()
    with database.atomic():
        workflow.create_meeting(office, kind="adhoc", title="关于网络舆情研判结果的临时联席会议（示例）",
                                reason="研判认为该舆情有扩大迹象，涉及多个科室，需临时会商应对措施。",
                                case=case if case and case.confidentiality == "normal" else None)


def _blank_pdf() -> bytes:
    """A one-page blank PDF (the demo's scanned 来文 stands in for a real one)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DEMO_FILE = SimpleNamespace(filename="上级来文（示例）.pdf", content_type="application/pdf", data=_blank_pdf())


def create_demo_follow_up(office, regular):
    at = now()
    power, coal = _dept("电力科"), _dept("煤炭科")
    decision = Decision.select().join(Item).where((Item.meeting == regular.id) & (Decision.state == "open")).first()
    group = followup.create_group(office, {
        "title": "迎峰度夏停电舆情专项督查组（示例）", "task": "督办迎峰度夏停电舆情答复口径的拟定和备案。",
        "leader": _user("deputy").id, "members": [_user("coal_head").id], "decisions": [decision.id] if decision else []},
        meeting=regular)
    followup.report_group(group, _user("coal_head"), "已到电力科了解情况，答复口径正在拟定，建议本周内报备。", group.version)
    instruction = followup.record_instruction(office, {
        "source": "市委网信办", "number": "网信〔2026〕8号", "received_on": (at - timedelta(days=6)).date(),
        "title": "关于做好冬季供暖期网络舆情工作的通知（示例）",
        "text": "各单位要加强冬季供暖期网络舆情监测，发现苗头性问题及时报告、及时处置。", "file": DEMO_FILE,
        "units": [power.id, coal.id], "due_on": (at + timedelta(days=8)).date()})
    task = Task.get((Task.instruction == instruction.id) & (Task.department == power.id))
    followup.report_task(task, _user("liaison"), "已安排供暖期舆情值守，每日报告。", task.version)
    lead = followup.share(_user("liaison"), {"kind": "lead", "title": "某小区供暖不热投诉在本地论坛增多（示例）",
                                             "text": "本地论坛近三日出现十余条供暖不热投诉帖。"})
    followup.circulate(office, "网络舆情工作情况通报（示例）", "现将近期各成员单位报送的舆情线索通报如下：", [lead.id])
