"""Ready-made drafts: the 通报 of overdue cases for a period, and a draft from a portal document
(the joint meeting's minutes, when the meetings plugin declares them as a document kind)."""
from datetime import date

from portal import documents
from portal.cases.queries import bulletin
from portal.documents.gongwen import chinese_date
from portal.org.models import Department

from plugins.circulars import workflow
from plugins.circulars.workflow import CircularError

ORGAN = "鄂尔多斯市能源局"
DEFAULTS = {
    "organ": ORGAN, "mark": f"{ORGAN}文件", "prefix": "鄂能局发", "signature": ORGAN,
    "printed_by": f"{ORGAN}办公室", "recipients": "各科室、局属各二级单位",
}


def defaults(user=None) -> dict:
    """The fields a new draft starts with."""
    return dict(DEFAULTS, kind="notice", secrecy="", urgency="")


def bulletin_text(start: date, end: date, rows: list[dict]) -> str:
    period = f"{chinese_date(start)}至{chinese_date(end)}"
    departments = {r["department"] for r in rows}
    lines = [
        "根据《鄂尔多斯市能源局网络舆情管理工作制度》“对超过规定期限既未做回复，又未做说明的，将对相关人员进行"
        f"通报”的规定，现将{period}网民留言办理超期情况通报如下。",
        "一、基本情况",
        f"{period}，共有{len(rows)}件网民留言超过规定期限既未回复、又未作情况说明，涉及{len(departments)}个单位。",
        "二、超期事项",
    ]
    for i, row in enumerate(rows, start=1):
        case = row["case"]
        people = "、".join(row["people"]) or "（未登记负责人）"
        lines.append(f"{i}.{row['department']}：{case.number}“{case.title}”，{row['deadline'].text}；"
                     f"责任人：{people}。")
    lines += [
        "三、有关要求",
        "各单位要高度重视网民留言办理工作，严格按照规定时限调查核实、提出办理意见并及时答复；确需延长办理时间的，"
        "应当及时申请延期或者作出情况说明。被通报单位要认真查找原因，落实整改，并于5个工作日内将整改情况报领导小组办公室。",
    ]
    return "\n".join(lines)


BULLETIN_SOURCE = "bulletin:{start}:{end}"


def earlier_bulletins(user, start: date, end: date) -> list:
    """The 通报 already drafted (in any state) whose period overlaps ``start``–``end``, as ``user``
    may see them: a second 通报 of the same overdue cases names the same people twice."""
    from plugins.circulars.models import Circular

    rows = workflow.visible(Circular.select(), user).where(
        (Circular.kind == "bulletin") & Circular.source.startswith("bulletin:")).order_by(Circular.id)
    found = []
    for circular in rows:
        try:
            _, first, last = circular.source.split(":")
            if date.fromisoformat(first) <= end and start <= date.fromisoformat(last):
                found.append(circular)
        except ValueError:
            continue
    return found


def bulletin_draft(user, start: date, end: date, *, again: bool = False):
    """A draft 通报 listing the cases of ``portal.cases.queries.bulletin(start, end)``. When a 通报
    of an overlapping period exists, only with ``again`` (the drafter confirmed a second one)."""
    if not (user.can("circulars.draft") and user.can("case.bulletin")):
        raise CircularError("您没有起草超期通报的权限。")
    if end < start:
        raise CircularError("结束日期不能早于开始日期。")
    if not again and earlier_bulletins(user, start, end):
        raise CircularError("该期间已有通报（见下方列表）。如确需再次通报，请勾选“仍要起草新的通报”后重新提交。")
    rows = bulletin(start, end)
    if not rows:
        raise CircularError(f"{chinese_date(start)}至{chinese_date(end)}没有超期未办事项，无需通报。")
    form = dict(defaults(user), kind="bulletin",
                title=f"{ORGAN}关于{chinese_date(start)}至{chinese_date(end)}\n超期未办网络舆情事项的通报",
                body=bulletin_text(start, end, rows))
    departments = [d.id for d in workflow.default_departments()]
    circular = workflow.save_draft(user, form=form, department_ids=departments)
    return _mark_source(circular, BULLETIN_SOURCE.format(start=start.isoformat(), end=end.isoformat()))


def document_sources(user) -> list:
    """Kinds of portal document a draft can be made from: those with ``text`` and ``choices``."""
    return [k for k in documents.document_kinds().values() if k.text and k.choices]


def draft_from_document(user, kind_name: str, object_id: int):
    kind = documents.document_kinds().get(kind_name)
    if kind is None or not kind.text:
        raise CircularError("该类文档不能生成发文。")
    try:
        if not kind.can_view(user, object_id):
            raise LookupError(object_id)
        title, text = kind.title(object_id), kind.text(object_id)
    except LookupError:
        raise CircularError("所选文档不存在，或您无权查看。") from None
    minutes = "minutes" in kind.name or "纪要" in kind.label
    form = dict(defaults(user), kind="minutes" if minutes else "notice", title=title, body=text)
    circular = workflow.save_draft(user, form=form, department_ids=[d.id for d in workflow.default_departments()])
    return _mark_source(circular, f"document:{kind.name}:{object_id}")


def _mark_source(circular, source: str):
    from plugins.circulars.models import Circular

    Circular.update(source=source).where(Circular.id == circular.id).execute()
    circular.source = source
    return circular


def department_choices():
    return list(Department.listed())
