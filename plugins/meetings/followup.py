"""What the joint meeting does besides meeting (《网络舆情信息通报共享和联席会商工作制度》):

- 专项督查组 (第五条（三）): the office sends a group (a leader, its members) to follow decided
  matters or cases; its members file their findings; the office ends it with its conclusion.
- instructions from above (第五条（一）: 传达和贯彻落实上级机关的指示、要求): the office records one
  (issuing body, 文号, date, text or file) and relays it to member units; each unit marks it read
  and reports what it did; the office closes or returns each unit's report, as with decided matters.
- information sharing (第三、十一、十二条): units report 舆情线索 and 工作情况 to the office; the office
  circulates a 通报 of them to every member unit; who received what, and who read it, is kept.

Each change is one transaction with an audit event; a record about a case the reader may not
see is not shown to them (the cases' rule).
"""
from portal.plugin_api import (Case, Department, Field, User, audit, bump, can_see, database, now)

from plugins.meetings import workflow
from plugins.meetings.models import (Decision, Group, GroupMatter, GroupMember, GroupReport, Instruction, Item, Meeting,
                                     Share, ShareRecipient, Task)
from plugins.meetings.workflow import MeetingError, StaleRecord


def _people(record=None) -> list[tuple[int, str]]:
    """Who may be sent in a group: those who take part in the joint meeting."""
    return [(i, label) for i, label in workflow._people(record) if User.get_by_id(i).can("meetings.view")]


def _open_decisions(record=None) -> list[tuple[int, str]]:
    """Open decided matters the person filling the form may see."""
    from flask_login import current_user

    rows = Decision.select(Decision, Item).join(Item).join(Meeting).where(Decision.state != "closed").order_by(Decision.due_on)
    if current_user and current_user.is_authenticated:
        rows = workflow.visible_items(rows, current_user._get_current_object())
    return [(d.id, f"{d.text[:50]}（{d.due_on:%Y-%m-%d}前）") for d in rows.limit(200)]


GROUP_FIELDS = (
    Field("title", "督查组名称", "text", limit=120, required=True, placeholder="如：迎峰度夏停电舆情专项督查组"),
    Field("task", "督办任务", "textarea", limit=3000, required=True, rows=3),
    Field("leader", "组长", "choice", required=True, choices=_people, placeholder="— 请选择 —"),
    Field("members", "成员", "choices", choices=_people, caption="成员（可多选）"),
    Field("decisions", "督办的议定事项", "choices", choices=_open_decisions, caption="督办的议定事项（可多选）"),
)
INSTRUCTION_FIELDS = (
    Field("source", "来文机关", "text", limit=120, required=True, placeholder="如：市委网信办"),
    Field("number", "文号", "text", limit=60),
    Field("received_on", "收文日期", "date", required=True),
    Field("title", "标题", "text", limit=120, required=True),
    Field("text", "指示、要求内容", "textarea", limit=10000, required=True, rows=5),
    Field("file", "来文附件", "file", hint="可上传来文扫描件（PDF或图片）。"),
    Field("units", "传达到的成员单位", "choices", required=True, choices=workflow._units,
          message="请至少选择一个成员单位。"),
    Field("due_on", "反馈时限", "date", hint="各单位须在此前反馈落实情况。"),
)
SHARE_FIELDS = (
    Field("kind", "类别", "choice", required=True, choices=[("lead", "舆情线索"), ("work", "工作情况")], default="lead"),
    Field("title", "标题", "text", limit=120, required=True),
    Field("text", "内容", "textarea", limit=10000, required=True, rows=5),
)


def _audit(action, said, *, obj, actor, case_id=None, **data):
    if case_id:  # about a case: on the case, so the audit log hides it with the case
        data[type(obj).__name__.lower()] = obj.id
        return audit.record(action, said, actor=actor, object_type="case", object_id=case_id, **data)
    return audit.record(action, said, actor=actor, obj=obj, **data)


def _manager(user, what):
    if not user.can("meetings.manage"):
        raise MeetingError(f"只有联席会议办公室可以{what}。")


# -- 专项督查组 ------------------------------------------------------------------------------------

def sees_group(group, user) -> bool:
    """Members of the joint meeting and of the group; never a group sent about a case they may not see."""
    cases = [m.case for m in GroupMatter.select().where((GroupMatter.group == group.id) & GroupMatter.case.is_null(False))]
    if any(not can_see(user, c) for c in cases):
        return False
    return user.can("meetings.view") or GroupMember.select().where(
        (GroupMember.group == group.id) & (GroupMember.user == user.id)).exists()


def in_group(group, user) -> bool:
    return group.leader_id == user.id or GroupMember.select().where(
        (GroupMember.group == group.id) & (GroupMember.user == user.id)).exists()


def create_group(user, values, *, meeting=None, case=None) -> Group:
    _manager(user, "派出专项督查组")
    if case is not None and not can_see(user, case):
        raise MeetingError("没有这件舆情事项。")
    with database.atomic():
        group = Group.create(title=values["title"], task=values["task"], leader=values["leader"], created_by=user.id,
                             meeting=meeting.id if meeting else None)
        for uid in dict.fromkeys([values["leader"], *values["members"]]):
            GroupMember.insert(group=group.id, user=uid).on_conflict_ignore().execute()
        for decision_id in values["decisions"]:
            GroupMatter.create(group=group.id, decision=decision_id)
        if case is not None:
            GroupMatter.create(group=group.id, case=case.id)
        leader = User.get_by_id(values["leader"])
        _audit("meetings.group_created", f"派出专项督查组：{group.title}（组长{leader.name}）", obj=group,
               members=sorted({values["leader"], *values["members"]}), actor=user)
        members = list(User.select().where(User.id.in_([values["leader"], *values["members"]])))
        workflow.tell(members, "meetings_group", f"您已被派入专项督查组“{group.title}”：{group.task[:60]}",
                      case=case, actor=user)
    return group


def report_group(group, user, text, version) -> GroupReport:
    if not in_group(group, user):
        raise MeetingError("只有督查组成员可以报告督查情况。")
    if group.state != "active":
        raise MeetingError("该督查组已结束，不能再报告。")
    with database.atomic():
        bump(group, version, StaleRecord)
        row = GroupReport.create(group=group.id, text=text, by=user.id)
        _audit("meetings.group_reported", f"督查情况：{text[:80]}", obj=group, actor=user)
    return row


def close_group(group, user, conclusion, version) -> Group:
    _manager(user, "结束专项督查")
    if group.state != "active":
        raise MeetingError("该督查组已结束。")
    if not group.reports.exists():
        raise MeetingError("督查组尚未报告督查情况，不能结束。")
    with database.atomic():
        bump(group, version, StaleRecord, state="closed", conclusion=conclusion, closed_at=now())
        _audit("meetings.group_closed", f"专项督查结束：{conclusion[:80]}", obj=group, actor=user)
    return group


def matters(group, user) -> tuple[list[Decision], list[Case]]:
    """The decided matters and cases the group follows that ``user`` may see."""
    hidden = {c.id for c in Case.select(Case.id).where(Case.id.in_(workflow.hidden_cases(user)))}
    decisions, cases = [], []
    for m in GroupMatter.select().where(GroupMatter.group == group.id).order_by(GroupMatter.id):
        if m.decision_id:
            d = Decision.get_by_id(m.decision_id)
            if workflow.linked_case(d) not in hidden:
                decisions.append(d)
        elif m.case_id and m.case_id not in hidden:
            cases.append(Case.get_by_id(m.case_id))
    return decisions, cases


# -- instructions from above -----------------------------------------------------------------------

def record_instruction(user, values) -> Instruction:
    _manager(user, "登记上级指示")
    upload = values["file"]
    with database.atomic():
        row = Instruction.create(source=values["source"], number=values["number"], received_on=values["received_on"],
                                 title=values["title"], text=values["text"], due_on=values["due_on"],
                                 recorded_by=user.id, file_name=upload.filename[:200] if upload else "",
                                 content_type=upload.content_type if upload else "", data=upload.data if upload else None)
        for dept_id in values["units"]:
            Task.create(instruction=row.id, department=dept_id)
        names = "、".join(d.name for d in Department.select().where(Department.id.in_(values["units"])))
        _audit("meetings.instruction", f"登记并传达上级指示：{row.source}{row.number}《{row.title}》，传达到{names}",
               obj=row, units=values["units"], actor=user)
        people = [u for d in values["units"] for u in workflow.unit_people(d)]
        due = f"，请于{row.due_on:%Y-%m-%d}前反馈落实情况" if row.due_on else "，请反馈落实情况"
        workflow.tell(people, "meetings_instruction", f"联席会议办公室传达{row.source}的指示：{row.title}{due}。",
                      actor=user)
    return row


def _unit_task(task, user):
    if not (user.department_id == task.department_id and user.can("meetings.unit", department=task.department_id)):
        raise MeetingError("只有本单位的负责人或联络员可以办理。")


def read_task(task, user, version) -> Task:
    _unit_task(task, user)
    if task.state != "open":
        raise MeetingError("本单位已阅。")
    with database.atomic():
        bump(task, version, StaleRecord, state="read", read_by=user.id, read_at=now())
        _audit("meetings.instruction_read", f"{task.department.name}已阅：{task.instruction.title}",
               obj=task.instruction, actor=user)
    return task


def report_task(task, user, action, version) -> Task:
    _unit_task(task, user)
    if task.state not in ("open", "read"):
        raise MeetingError(f"当前状态为“{task.state_label}”，不能反馈。")
    with database.atomic():
        bump(task, version, StaleRecord, state="reported", action=action, reported_at=now(),
             read_by=task.read_by_id or user.id, read_at=task.read_at or now())
        _audit("meetings.instruction_reported", f"{task.department.name}反馈落实情况：{action[:80]}",
               obj=task.instruction, actor=user)
    return task


def review_task(task, user, version, *, close: bool, review="") -> Task:
    _manager(user, "审核落实情况")
    if task.state != "reported":
        raise MeetingError("该单位尚未反馈落实情况。")
    if not close and not review:
        raise MeetingError("请填写退回意见。")
    with database.atomic():
        if close:
            bump(task, version, StaleRecord, state="closed", closed_at=now())
            _audit("meetings.instruction_closed", f"{task.department.name}落实情况审核办结",
                   obj=task.instruction, actor=user)
        else:
            bump(task, version, StaleRecord, state="read", review=review)
            _audit("meetings.instruction_returned", f"{task.department.name}落实情况退回：{review}",
                   obj=task.instruction, actor=user)
    if not close:
        workflow.tell(workflow.unit_people(task.department_id), "meetings_instruction",
                      f"上级指示《{task.instruction.title}》的落实情况被退回：{review}", actor=user)
    return task


def overdue_tasks(today):
    return Task.select(Task, Instruction).join(Instruction).where(
        (Task.state.in_(("open", "read"))) & Instruction.due_on.is_null(False) & (Instruction.due_on < today))


def urge_tasks(at) -> int:
    """Remind a unit that has not reported on an instruction past its due date, once a week."""
    stale = Task.urged_at.is_null() | (Task.urged_at <= at - workflow.URGE_EVERY)
    sent = 0
    for task in list(overdue_tasks(at.date()).where(stale)):
        with database.atomic():
            if Task.update(urged_at=at).where((Task.id == task.id) & stale).execute():
                workflow.tell(workflow.unit_people(task.department_id), "meetings_overdue",
                              f"上级指示《{task.instruction.title}》的落实情况已超过反馈时限"
                              f"（{task.instruction.due_on:%Y-%m-%d}），请抓紧反馈。")
                audit.record("meetings.urged", f"超期提醒：{task.department.name}未反馈《{task.instruction.title}》的落实情况",
                             actor=None, obj=task.instruction)
                sent += 1
    return sent


# -- information sharing ---------------------------------------------------------------------------

def share(user, values, *, case=None) -> Share:
    """A unit's 舆情线索 or 工作情况, to the office (第十一、十二条)."""
    if not (user.department_id and user.can("meetings.unit", department=user.department_id)):
        raise MeetingError("只有成员单位的负责人或联络员可以报送信息。")
    if case is not None and not can_see(user, case):
        raise MeetingError("没有这件舆情事项。")
    office = workflow.office_department()
    with database.atomic():
        row = Share.create(kind=values["kind"], department=user.department_id, title=values["title"], text=values["text"],
                           case=case.id if case else None, by=user.id)
        if office:
            ShareRecipient.create(share=row.id, department=office.id)
        _audit("meetings.shared", f"报送{row.kind_label}：{row.title}", obj=row, case_id=row.case_id, actor=user)
        workflow.tell([u for u in User.select().where(User.active) if u.has_role("office")], "meetings_share",
                      f"{row.department.name}报送{row.kind_label}：{row.title}", case=case, actor=user)
    return row


def circulate(user, title, text, share_ids) -> Share:
    """The office's 通报 to every member unit (第十一条), with the reports it takes in."""
    _manager(user, "通报情况")
    office = workflow.office_department()
    units = [d.id for d in workflow.member_departments()] or [d for d, _ in workflow._units()]
    if not units:
        raise MeetingError("还没有成员单位。")
    taken = list(Share.select().where(Share.id.in_(share_ids) & (Share.kind != "bulletin")
                                      & Share.bulletin.is_null() & Share.case.is_null(True))) if share_ids else []
    body = text + "".join(f"\n{n}. {s.department.name}（{s.kind_label}）：{s.title}。{s.text}"
                          for n, s in enumerate(taken, 1))
    with database.atomic():
        row = Share.create(kind="bulletin", department=office.id if office else user.department_id, title=title,
                           text=body, by=user.id)
        for dept_id in dict.fromkeys(units):
            ShareRecipient.create(share=row.id, department=dept_id)
        Share.update(bulletin=row.id).where(Share.id.in_([s.id for s in taken])).execute()
        _audit("meetings.circulated", f"通报：{title}（{len(units)}个成员单位，汇入报送信息{len(taken)}条）", obj=row,
               units=units, shares=[s.id for s in taken], actor=user)
        people = [u for d in units for u in workflow.unit_people(d)]
        workflow.tell(people, "meetings_share", f"联席会议办公室通报：{title}", actor=user)
    return row


def mark_read(row: Share, user) -> bool:
    """The first time a person of a receiving unit opens it, the unit has read it."""
    if not user.department_id:
        return False
    with database.atomic():
        return ShareRecipient.update(read_by=user.id, read_at=now()).where(
            (ShareRecipient.share == row.id) & (ShareRecipient.department == user.department_id)
            & ShareRecipient.read_at.is_null()).execute() > 0


def sees_share(row: Share, user) -> bool:
    """The office and the units it went to or came from; never one about a case they may not see."""
    if row.case_id and not can_see(user, Case.get_by_id(row.case_id)):
        return False
    if user.can("meetings.manage") or user.can("meetings.convene") or row.department_id == user.department_id:
        return True
    return user.can("meetings.view") and ShareRecipient.select().where(
        (ShareRecipient.share == row.id) & (ShareRecipient.department == user.department_id)).exists()


def visible_shares(user, query=None):
    query = (Share.select() if query is None else query).where(Share.case.is_null() | Share.case.not_in(workflow.hidden_cases(user)))
    if user.can("meetings.manage") or user.can("meetings.convene"):
        return query
    received = ShareRecipient.select(ShareRecipient.share).where(ShareRecipient.department == user.department_id)
    return query.where((Share.department == user.department_id) | Share.id.in_(received))


def meeting_choices(user) -> list[Meeting]:
    return list(workflow.visible_meetings(Meeting.select(), user).order_by(Meeting.id.desc()).limit(50))
