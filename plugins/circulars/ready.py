"""Ready-made drafts: the 通报 of overdue cases for a period, and a draft from a portal document
(the joint meeting's minutes, when the meetings plugin declares them as a document kind)."""
from dataclasses import dataclass
from datetime import date

from portal.plugin_api import documents, access, bulletin, chinese_date, Department, identity, settings

from plugins.circulars import workflow
from plugins.circulars.workflow import CircularError

RECIPIENTS = "各科室、局属各二级单位"


def prefix_for(kind: str) -> str:
    """The 机关代字 of ``kind``: its own (the identity page), else the bureau's."""
    return settings.value(f"circulars.prefix.{kind}") or identity().prefix


def defaults(user=None, kind: str = "notice") -> dict:
    """The fields a new draft of ``kind`` starts with: the bureau's identity (portal.identity)."""
    bureau = identity()
    return {"organ": bureau.name, "mark": bureau.mark, "prefix": prefix_for(kind), "signature": bureau.name,
            "printed_by": bureau.printed_by, "recipients": RECIPIENTS, "kind": kind, "secrecy": "", "urgency": ""}


def bulletin_text(start: date, end: date, rows: list[dict], withheld: int = 0, restricted: bool = False) -> str:
    """The 通报's body. ``withheld``: 内部/涉密 overdue cases left out (counted, never named);
    ``restricted``: the 通报 lists such cases, for those entitled to see them only."""
    period = f"{chinese_date(start)}至{chinese_date(end)}"
    departments = {r["department"] for r in rows}
    kind = "内部事项" if restricted else "网民留言"
    lines = [
        f"根据《{identity().name}网络舆情管理工作制度》“对超过规定期限既未做回复，又未做说明的，将对相关人员进行"
        f"通报”的规定，现将{period}{kind}办理超期情况通报如下。",
        "一、基本情况",
        f"{period}，共有{len(rows) + withheld}件网民留言超过规定期限既未回复、又未作情况说明"
        + (f"，本通报列出其中的{len(rows)}件内部事项，涉及{len(departments)}个单位。" if restricted else
           f"，涉及{len(departments)}个单位" + (f"；另有内部事项{withheld}件，已另行通报。" if withheld else "。")),
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
    if restricted:
        lines.append("本通报涉及内部事项，仅分送有权知悉的单位，不得转发、扩散。")
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


@dataclass(frozen=True)
class BulletinRows:
    """The overdue cases of a period, split by who may read about them."""
    public: list      # 普通 cases: named in the 通报 sent to every unit
    restricted: list  # 内部/涉密 cases: counted there, named only in restricted 通报

    def restricted_groups(self) -> list[list[dict]]:
        """The restricted rows by host department: one restricted 通报 each, sent to whoever may see them."""
        groups: dict = {}
        for row in self.restricted:
            groups.setdefault(row["case"].host_department_id, []).append(row)
        return list(groups.values())


def bulletin_rows(start: date, end: date) -> BulletinRows:
    rows = bulletin(start, end)
    return BulletinRows(public=[r for r in rows if r["case"].confidentiality == "normal"],
                        restricted=[r for r in rows if r["case"].confidentiality != "normal"])


def _check_bulletin(user, start: date, end: date):
    if not (user.can("circulars.draft") and user.can("case.bulletin")):
        raise CircularError("您没有起草超期通报的权限。")
    if end < start:
        raise CircularError("结束日期不能早于开始日期。")


def bulletin_draft(user, start: date, end: date, *, again: bool = False):
    """The 通报 for every unit: it names the 普通 cases of ``portal.cases.queries.bulletin(start,
    end)`` and only counts the 内部/涉密 ones ("另有内部事项N件，已另行通报"). When a 通报 of an
    overlapping period exists, only with ``again`` (the drafter confirmed a second one)."""
    _check_bulletin(user, start, end)
    if not again and earlier_bulletins(user, start, end):
        raise CircularError("该期间已有通报（见下方列表）。如确需再次通报，请勾选“仍要起草新的通报”后重新提交。")
    split = bulletin_rows(start, end)
    period = f"{chinese_date(start)}至{chinese_date(end)}"
    if not split.public:
        if split.restricted:
            raise CircularError(f"{period}的{len(split.restricted)}件超期事项都是内部事项，不能在面向各单位的通报中列出；"
                                "请起草内部通报。")
        raise CircularError(f"{period}没有超期未办事项，无需通报。")
    form = dict(defaults(user, "bulletin"),
                title=f"{identity().name}关于{chinese_date(start)}至{chinese_date(end)}\n超期未办网络舆情事项的通报",
                body=bulletin_text(start, end, split.public, withheld=len(split.restricted)))
    departments = [d.id for d in workflow.default_departments()]
    circular = workflow.save_draft(user, form=form, department_ids=departments,
                                   cases=[r["case"] for r in split.public])
    return _mark_source(circular, BULLETIN_SOURCE.format(start=start.isoformat(), end=end.isoformat()))


def restricted_recipients(cases) -> list[Department]:
    """The departments all of whose members may see ``cases``: the only ones a restricted 通报 goes to."""
    return [d for d in Department.listed() if access.department_may_see(d.id, cases)]


def restricted_bulletin_drafts(user, start: date, end: date) -> list:
    """The 内部/涉密 overdue cases of the period, one restricted 通报 per host department, each
    distributed only to the departments entitled to see the cases it lists."""
    _check_bulletin(user, start, end)
    split = bulletin_rows(start, end)
    if not split.restricted:
        raise CircularError(f"{chinese_date(start)}至{chinese_date(end)}没有超期的内部事项，无需起草内部通报。")
    made = []
    for rows in split.restricted_groups():
        cases = [r["case"] for r in rows]
        recipients = restricted_recipients(cases)
        form = dict(defaults(user, "bulletin"), recipients="、".join(d.name for d in recipients),
                    note="内部事项，仅限分送单位知悉",
                    title=f"{identity().name}关于{chinese_date(start)}至{chinese_date(end)}\n超期未办内部事项的通报",
                    body=bulletin_text(start, end, rows, restricted=True))
        circular = workflow.save_draft(user, form=form, department_ids=[d.id for d in recipients], cases=cases)
        made.append(_mark_source(circular, f"bulletin-restricted:{start.isoformat()}:{end.isoformat()}"))
    return made


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
    form = dict(defaults(user, kind.draft_kind or ("minutes" if minutes else "notice")), title=title, body=text)
    circular = workflow.save_draft(user, form=form, department_ids=[d.id for d in workflow.default_departments()])
    if kind.figures:  # its tables and charts travel as the attachment (the 舆情月报's)
        workflow.add_attachment(circular, user, kind="document", title="统计图表", document=(kind.name, object_id, ""))
    return _mark_source(circular, f"document:{kind.name}:{object_id}")


def _mark_source(circular, source: str):
    from plugins.circulars.models import Circular

    Circular.update(source=source).where(Circular.id == circular.id).execute()
    circular.source = source
    return circular


def department_choices():
    return list(Department.listed())
