"""Joint meetings (联席会议) under 《网络舆情信息通报共享和联席会商工作制度》: member units, regular,
ad hoc and the leaders' emergency meetings, agenda items with 处理意见 and 依据, minutes per item by
its host unit, decided matters followed to the report-back. Only hooks; see README.md here.
"""
from flask import render_template, url_for
from markupsafe import Markup

from portal.plugin_api import (CaseAction, Department, NavItem, Panel, Permission, SearchHit, Section, Widget, access,
                              hookimpl, id_url, now)

from plugins.meetings import followup, followup_views, printing, views, workflow  # noqa: F401 (followup_views: its routes)
from plugins.meetings.models import (DECISION_STATES, ITEM_STATES, MINUTES_STATES, MODELS, SHARE_KINDS, TASK_STATES,
                                     Decision, Instruction, Item, Meeting, Share, ShareRecipient, Task)

PERMISSIONS = [
    Permission("meetings.view", "查看联席会议", ("leader", "office", "dept_head", "liaison")),
    Permission("meetings.manage", "联席会议办公室：发起会议、审核研究事项、记录议定事项", ("office",)),
    Permission("meetings.convene", "召集人：审批临时会议", ("leader",)),
    Permission("meetings.unit", "成员单位：报送研究事项、记录事项纪要、报告办理情况", ("dept_head", "liaison"),
               scope="department"),
]

AUDIT_LABELS = {
    "meetings.created": "发起联席会议例会",
    "meetings.requested": "申请召开临时会议",
    "meetings.emergency_created": "提请局领导紧急会议",
    "meetings.approved": "批准召开临时会议",
    "meetings.refused": "不同意召开临时会议",
    "meetings.scheduled": "安排会议",
    "meetings.invited": "邀请列席",
    "meetings.attendance": "登记出席情况",
    "meetings.held": "会议召开",
    "meetings.plan": "记录应对方案",
    "meetings.compiled": "汇总会议纪要",
    "meetings.closed": "会议结束",
    "meetings.item_submitted": "报送研究事项",
    "meetings.item_accepted": "研究事项列入议程",
    "meetings.item_returned": "退回研究事项",
    "meetings.item_moved": "调整议程顺序",
    "meetings.file_added": "添加研究事项材料",
    "meetings.minutes_written": "记录事项纪要",
    "meetings.minutes_confirmed": "确认事项纪要",
    "meetings.decision_added": "记录议定事项",
    "meetings.reported": "报告议定事项办理情况",
    "meetings.decision_closed": "议定事项办结",
    "meetings.decision_returned": "退回议定事项办理情况",
    "meetings.carried_over": "结转未办结事项",
    "meetings.urged": "议定事项超期提醒",
    "meetings.members": "设置联席会议成员单位",
    "meetings.group_created": "派出专项督查组",
    "meetings.group_reported": "报告督查情况",
    "meetings.group_closed": "专项督查结束",
    "meetings.instruction": "登记并传达上级指示",
    "meetings.instruction_read": "成员单位已阅上级指示",
    "meetings.instruction_reported": "反馈上级指示落实情况",
    "meetings.instruction_closed": "上级指示落实情况办结",
    "meetings.instruction_returned": "退回上级指示落实情况",
    "meetings.shared": "向联席会议办公室报送信息",
    "meetings.circulated": "联席会议办公室通报情况",
}


@hookimpl
def portal_blueprints():
    return views.bp


@hookimpl
def portal_models():
    return MODELS


@hookimpl
def portal_migrations():
    return f"{__name__}.migrations"


@hookimpl
def portal_permissions():
    return PERMISSIONS


@hookimpl
def portal_audit_labels():
    return AUDIT_LABELS


@hookimpl
def portal_statistics(start, end, department_id, user):
    if not user.can("meetings.view"):  # the supervision page behind the numbers is theirs only
        return []
    from plugins.meetings.statistics import statistics

    return statistics(start, end, department_id)


@hookimpl
def portal_search(q, user):
    """Agenda items (研究事项) by title and decisions (议定事项) by text, of the meetings ``user`` sees."""
    if not user.can("meetings.view"):  # the meeting page is theirs only
        return []
    items = workflow.visible_items(Item.select(Item, Meeting).join(Meeting), user)
    hits = [SearchHit("研究事项", item.title, url_for("meetings.detail", meeting_id=item.meeting_id),
                      f"{item.meeting.title}", order=30)
            for item in items.where(Item.title.contains(q)).order_by(Item.id.desc()).limit(20)]
    decisions = workflow.visible_items(Decision.select(Decision, Item, Meeting).join(Item).join(Meeting), user)
    hits += [SearchHit("议定事项", d.text[:80], url_for("meetings.detail", meeting_id=d.item.meeting_id),
                       f"{d.item.meeting.title} · 期限 {d.due_on:%Y-%m-%d}", order=31)
             for d in decisions.where(Decision.text.contains(q)).order_by(Decision.id.desc()).limit(20)]
    return hits


@hookimpl
def portal_nav_items(user):
    return NavItem("联席会议", "/meetings/", order=70, permission="meetings.view")


@hookimpl
def portal_case_event(case, event):
    """Grading's request for the leaders' emergency meeting (预案四（二）) creates the meeting."""
    if event.name == "emergency_meeting_requested":
        workflow.create_emergency(case, event.actor)


@hookimpl
def portal_case_panels(case, user):
    if access.register_only(case) or not user.can("meetings.view"):
        return None
    if not Meeting.select().where(Meeting.case == case.id).exists():
        return None
    return Panel("联席会议与应对方案", url_for("meetings.case_panel", case_id=case.id), order=12)


@hookimpl
def portal_case_actions(case, user):
    """第六条: the office may ask for an ad hoc joint meeting on a case (after its 研判)."""
    if user.can("meetings.manage") and not access.register_only(case):
        return CaseAction("申请召开临时联席会议", url_for("meetings.new", case=case.id), order=70)
    return None


@hookimpl
def portal_tick(at):
    return {"联席会议议定事项超期提醒": workflow.urge_overdue(at), "上级指示落实情况超期提醒": followup.urge_tasks(at)}


@hookimpl
def portal_documents():
    return printing.KINDS


def _widget_rows(user) -> dict:
    """What ``user`` must do about joint meetings, grouped: the first ten of each, read as the
    columns shown (a group with none is left out, so no count is asked first)."""
    today, groups = now().date(), {}
    meetings = workflow.visible_meetings(Meeting.select(), user)
    detail = id_url("meetings.detail", "meeting_id")
    instruction = id_url("meetings.instruction", "instruction_id")
    if user.can("meetings.convene"):
        rows = [m for m in meetings.where(Meeting.state == "request") if workflow.is_convener(m, user)]
        if rows:
            groups["待审批的临时会议申请"] = [(m.title, detail(m.id)) for m in rows]

    def items(*where, limit=10):
        query = workflow.visible_items(Item.select(Item.title, Item.meeting).join(Meeting), user).where(*where)
        return [(title, detail(meeting_id)) for title, meeting_id in query.limit(limit).tuples()]

    def decisions(query):
        return list(workflow.visible_items(query.join(Meeting), user).limit(10).tuples())

    if user.can("meetings.manage"):
        if rows := items(Item.state == "submitted"):
            groups["待审核的研究事项"] = rows
        if rows := decisions(Decision.select(Decision.text, Decision.due_on).join(Item)
                             .where((Decision.state != "closed") & (Decision.due_on < today))):
            supervision = url_for("meetings.supervision")
            groups["超期未办结的议定事项"] = [(f"{text[:40]}（{due_on:%m-%d}）", supervision) for text, due_on in rows]
        reported = (Task.select(Instruction.title, Department.name, Task.instruction).join(Instruction).switch(Task)
                    .join(Department).where(Task.state == "reported").limit(10).tuples())
        if rows := [(f"{title}（{name}）", instruction(instruction_id)) for title, name, instruction_id in reported]:
            groups["待审核的上级指示落实情况"] = rows
    if user.department_id and user.can("meetings.unit", department=user.department_id):
        if rows := items((Item.department == user.department_id) & (Item.state == "accepted")
                         & (Meeting.state == "held") & (Item.minutes_state != "confirmed"), limit=None):
            groups["本单位待记录的事项纪要"] = rows
        if rows := decisions(Decision.select(Decision.text, Decision.due_on, Item.meeting).join(Item).where(
                (Decision.department == user.department_id) & (Decision.state == "open"))):
            groups["本单位待办的议定事项"] = [(f"{text[:40]}（{due_on:%m-%d}前）", detail(meeting_id))
                                         for text, due_on, meeting_id in rows]
        tasks = (Task.select(Instruction.title, Task.instruction).join(Instruction)
                 .where((Task.department == user.department_id) & Task.state.in_(("open", "read"))).limit(10).tuples())
        if rows := [(title, instruction(instruction_id)) for title, instruction_id in tasks]:
            groups["本单位待落实的上级指示"] = rows
        share = id_url("meetings.share", "share_id")
        unread = (ShareRecipient.select(Share.title, ShareRecipient.share).join(Share).where(
            (ShareRecipient.department == user.department_id) & ShareRecipient.read_at.is_null()
            & Share.case.is_null()).limit(10).tuples())
        if rows := [(title, share(share_id)) for title, share_id in unread]:
            groups["未阅的通报"] = rows
        open_meetings = meetings.where(Meeting.state.in_(("approved", "scheduled")))
        rows = [m for m in open_meetings if not m.items_due_at or m.items_due_at >= now()]
        if rows:
            groups["可报送研究事项的会议"] = [(m.title, detail(m.id)) for m in rows]
    return groups


@hookimpl
def portal_dashboard_widgets(user):
    if not user.can("meetings.view"):
        return None
    groups = _widget_rows(user)
    warning = workflow.half_year_warning(now().date()) if user.can("meetings.manage") else None
    if not groups and not warning:
        return None
    html = render_template("meetings/widget.html", groups=groups, warning=warning)
    return Widget("联席会议", Markup(html), order=25)


@hookimpl
def portal_department_sections(department, user):
    if not user.can("meetings.view"):
        return None
    # the columns the section shows, as tuples: whole rows (with the items' texts and minutes) were
    # most of the department page's time in this plugin (docs/performance.md)
    today = now().date()
    detail = id_url("meetings.detail", "meeting_id")
    items = [{"url": detail(meeting_id), "title": title, "state": ITEM_STATES.get(state, state),
              "minutes": MINUTES_STATES.get(minutes, minutes) if state == "accepted" else None, "meeting": meeting}
             for meeting_id, title, state, minutes, meeting in workflow.visible_items(
                 Item.select(Item.meeting, Item.title, Item.state, Item.minutes_state, Meeting.title).join(Meeting), user)
             .where(Item.department == department.id).order_by(Item.id.desc()).limit(20).tuples()]
    decisions = [{"url": f"{detail(meeting_id)}#decision-{decision_id}", "text": text,
                  "state": DECISION_STATES.get(state, state), "due_on": due_on, "overdue": due_on < today}
                 for decision_id, text, state, due_on, meeting_id in workflow.visible_items(
                     Decision.select(Decision.id, Decision.text, Decision.state, Decision.due_on, Item.meeting)
                     .join(Item).join(Meeting), user)
                 .where((Decision.department == department.id) & (Decision.state != "closed"))
                 .order_by(Decision.due_on).tuples()]
    tasks = []
    if user.can("meetings.manage") or user.can("meetings.convene") or user.department_id == department.id:
        instruction = id_url("meetings.instruction", "instruction_id")
        tasks = [{"url": instruction(instruction_id), "title": title, "state": TASK_STATES.get(state, state),
                  "due_on": due_on, "overdue": bool(due_on) and due_on < today and state in ("open", "read")}
                 for instruction_id, state, title, due_on in Task.select(
                     Task.instruction, Task.state, Instruction.title, Instruction.due_on).join(Instruction)
                 .where((Task.department == department.id) & (Task.state != "closed"))
                 .order_by(Instruction.due_on).tuples()]
    share_url = id_url("meetings.share", "share_id")
    shares = [{"url": share_url(share_id), "title": title, "kind": SHARE_KINDS.get(kind, kind), "at": at,
               "bulletin": bulletin_id}
              for share_id, title, kind, at, bulletin_id in followup.visible_shares(
                  user, Share.select(Share.id, Share.title, Share.kind, Share.at, Share.bulletin))
              .where((Share.department == department.id) & (Share.kind != "bulletin"))
              .order_by(Share.id.desc()).limit(10).tuples()]
    if not (items or decisions or tasks or shares):
        return None
    html = render_template("meetings/section.html", items=items, decisions=decisions, tasks=tasks, shares=shares)
    return Section("联席会议：研究事项、议定事项、上级指示与报送信息", Markup(html), order=40)


@hookimpl(trylast=True)  # after the core's demo cases and grading's
def portal_demo_data(app):
    from plugins.meetings.demo import create_demo_meetings

    create_demo_meetings()


@hookimpl
def portal_demo_bulk(app, case_ids):
    from plugins.meetings.bulk import add_bulk_meetings

    add_bulk_meetings(case_ids)
