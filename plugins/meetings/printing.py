"""The meeting notice (会议通知), the agenda (议程) and the 会议纪要 as documents of the core's
document service. The notice is a GB/T 9704 公文 under the office's mark; the 纪要 follows GB/T
9704's 纪要 format (10.3): the 纪要标志 “……纪要” in red 小标宋 instead of a red head, no 发文机关署名
nor seal, the confirmed minutes of each item, then, one line below, 出席/请假/列席 with 黑体 labels
and the people in 仿宋 (单位、姓名), a second line aligned after the colon."""
from dataclasses import dataclass
from datetime import date

from portal.plugin_api import Department, DocumentKind, Gongwen, User, current_user, documents

from plugins.meetings import workflow
from plugins.meetings.models import Attendee, Decision, Item, Meeting

ORGAN = "能源领域网络舆情联席会议办公室"


def _meeting(object_id) -> Meeting:
    meeting = Meeting.get_or_none(Meeting.id == object_id)
    if meeting is None:
        raise LookupError(object_id)
    return meeting


def _can_view(user, object_id) -> bool:
    meeting = Meeting.get_or_none(Meeting.id == object_id)
    return meeting is not None and workflow.sees_meeting(meeting, user)


def _agenda(meeting) -> list[Item]:
    """The accepted items, without those about a case the reader may not see."""
    query = (Item.select(Item, Department).join(Department)
             .where((Item.meeting == meeting.id) & (Item.state == "accepted")).order_by(Item.position, Item.id))
    if current_user and current_user.is_authenticated:
        query = query.where(Item.case.is_null() | Item.case.not_in(workflow.hidden_cases(current_user)))
    return list(query)


def notice(meeting: Meeting) -> Gongwen:
    when = f"{meeting.starts_at:%Y年%m月%d日 %H:%M}" if meeting.starts_at else "另行通知"
    lines = [f"经研究，定于{when}在{meeting.place or '（地点另行通知）'}召开{meeting.title}。现将有关事项通知如下：",
             f"一、会议类型：{meeting.kind_label}。"]
    if meeting.chair_id:
        lines.append(f"二、主持人：{User.get_by_id(meeting.chair_id).name}。")
    agenda = _agenda(meeting)
    lines.append("三、会议议程：" + ("；".join(f"{n}. {i.title}（{i.department.name}）" for n, i in enumerate(agenda, 1))
                                  if agenda else "另行通知") + "。")
    if meeting.items_due_at:
        lines.append(f"四、请各成员单位于{meeting.items_due_at:%Y年%m月%d日 %H:%M}前报送研究事项，"
                     "并附拟提出的处理意见及其依据（法律、法规、规章、政策）。")
    lines.append("请各成员单位负责同志准时参加；因故不能参加的，请提前向联席会议办公室请假。")
    return Gongwen(mark=f"{ORGAN}文件", number="", title=f"关于召开{meeting.title}的通知", recipients="各成员单位",
                   body="\n".join(lines), signature=ORGAN, date_of_writing=(meeting.updated_at or meeting.requested_at).date())


def _names(meeting, attendance) -> str:
    """“单位　姓名” of each person (GB/T 9704 10.3), a leave's reason after it."""
    rows = (Attendee.select(Attendee, User, Department).join(User).join(Department, on=(User.department == Department.id))
            .where((Attendee.meeting == meeting.id) & (Attendee.attendance == attendance))
            .order_by(Department.sort_order, User.id))
    return "，".join(f"{a.user.department.name}　{a.user.name}" + (f"（{a.note}）" if a.note else "") for a in rows) or "无"


ATTENDANCE_LINES = (("出席", "present"), ("请假", "leave"), ("列席", "observer"))


@dataclass
class Jiyao:
    """A 纪要 by GB/T 9704 10.3: ``doc`` gives the mark, issue number, title and body."""
    doc: Gongwen
    issued_by: str
    issued_on: date
    attendance: list  # [(出席/请假/列席, "单位　姓名，…")]


def minutes(meeting: Meeting) -> Gongwen:
    """The 纪要's mark, number, title and body (the attendance lists are ``jiyao``'s)."""
    lines = [meeting.summary or f"{meeting.title}已召开。"]
    if meeting.starts_at:
        lines.insert(0, f"{meeting.starts_at:%Y年%m月%d日}，{meeting.title}在{meeting.place}召开。")
    for n, item in enumerate(_agenda(meeting), 1):
        lines.append(f"{_chinese(n)}、{item.title}（主办单位：{item.department.name}）")
        if item.minutes_state == "confirmed":
            lines.extend(p for p in item.minutes.splitlines() if p.strip())
        else:
            lines.append("（本事项纪要尚未经主办单位确认。）")
        for d in Decision.select().where(Decision.item == item.id).order_by(Decision.id):
            unit = Department.get_by_id(d.department_id).name
            lines.append(f"议定：{d.text}（责任单位：{unit}，{d.due_on:%Y年%m月%d日}前完成）")
    if meeting.kind == "emergency" and meeting.plan:
        lines.append("应对方案：")
        lines.extend(p for p in meeting.plan.splitlines() if p.strip())
    return Gongwen(mark="能源领域网络舆情联席会议纪要", number=_issue_number(meeting), title=meeting.title,
                   recipients="", body="\n".join(lines), signature="",
                   date_of_writing=(meeting.compiled_at or meeting.starts_at or meeting.requested_at).date())


def _issue_number(meeting) -> str:
    """“第N期”: the 纪要 compiled this year up to this one."""
    if not meeting.compiled_at:
        return ""
    year = meeting.compiled_at.year
    n = Meeting.select().where(Meeting.compiled_at.is_null(False) & (Meeting.compiled_at <= meeting.compiled_at)
                               & (Meeting.compiled_at >= date(year, 1, 1))).count()
    return f"{year}年第{n}期"


def jiyao(meeting: Meeting) -> Jiyao:
    doc = minutes(meeting)
    return Jiyao(doc, ORGAN, doc.date_of_writing, [(label, _names(meeting, value)) for label, value in ATTENDANCE_LINES])


def agenda_html(meeting: Meeting) -> str:
    """议程: the meeting's time, place, chair and its accepted items with their 处理意见 and 依据."""
    chair = User.get_by_id(meeting.chair_id).name if meeting.chair_id else "待定"
    shaped = Gongwen(mark="", number="", title=meeting.title, recipients="", body="", signature="", date_of_writing=None)
    return documents.template_html("meetings/print_agenda.html", meeting=meeting, items=_agenda(meeting), chair=chair,
                                   organ=ORGAN, title_html=shaped.title_html)


def _chinese(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def printed(html: str) -> str:
    """A page made from ``documents/print.html`` with the 公文 stylesheet in its head: the service
    serves a kind's page with the page stylesheet only (``documents.render_page``)."""
    return html.replace("</head>", f"<style>{documents.print_css()}</style></head>", 1)


def _text(gongwen: Gongwen) -> str:
    return f"{gongwen.title}\n{gongwen.body}"


def _minutes_text(meeting) -> str:
    sheet = jiyao(meeting)
    return _text(sheet.doc) + "\n" + "\n".join(f"{label}：{names}" for label, names in sheet.attendance)


def _agenda_text(meeting) -> str:
    return "\n".join([f"{meeting.title}议程"] + [f"{_chinese(n)}、{i.title}（主办单位：{i.department.name}）"
                                                for n, i in enumerate(_agenda(meeting), 1)])


def _compiled(user) -> list[tuple[int, str]]:
    """The compiled 纪要 ``user`` may see: what the circulars plugin can turn into a 纪要 draft."""
    query = workflow.visible_meetings(Meeting.select().where(Meeting.compiled_at.is_null(False)), user)
    return [(m.id, m.title) for m in query.order_by(Meeting.id.desc()).limit(50)]


KINDS = [
    DocumentKind("meetings.notice", "联席会议通知", render=lambda i: printed(documents.gongwen_html(notice(_meeting(i)))),
                 can_view=_can_view, title=lambda i: f"会议通知 {_meeting(i).title}",
                 text=lambda i: _text(notice(_meeting(i))), order=60),
    DocumentKind("meetings.agenda", "联席会议议程", render=lambda i: printed(agenda_html(_meeting(i))),
                 can_view=_can_view, title=lambda i: f"会议议程 {_meeting(i).title}", order=61),
    DocumentKind("meetings.minutes", "联席会议纪要",
                 render=lambda i: printed(documents.template_html("meetings/print_jiyao.html", sheet=jiyao(_meeting(i)))),
                 can_view=_can_view, title=lambda i: f"会议纪要 {_meeting(i).title}",
                 text=lambda i: _minutes_text(_meeting(i)), choices=_compiled, order=62),
]
