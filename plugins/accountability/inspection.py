"""The annual inspection (第十条 专项督查): the office or the leading group scores each item of a
branch's or department's checklist and writes its findings; a finding may require a
rectification (整改) with an owner and a due date, which the owner reports back with evidence and
the inspectors close or send back. Overdue rectifications are reminded once per due date
(``portal_tick``)."""
from datetime import datetime

from portal.plugin_api import Field, InputError, Stale, Step, Workflow, WorkflowError, audit, bump, database, notify, now

from plugins.accountability import parties, visibility
from plugins.accountability.models import FINDING_SCORE, Finding, Item, Rectification

SCORE = f"得分须为0至{FINDING_SCORE}之间的整数。"
FINDING_FIELDS = (
    Field("score", f"得分（满分{FINDING_SCORE}）", "whole", FINDING_SCORE, required=True, message=SCORE,
          check=lambda v, r: None if 0 <= v <= FINDING_SCORE else SCORE),
    Field("text", "督查发现", "textarea", 2000, required=True, rows=3,
          placeholder="对照本项要求和佐证材料，写明落实情况和存在的问题。"),
    Field("task", "整改要求", "textarea", 1000, rows=2, hint="需要整改时填写，并指定整改责任人和整改期限。"),
    Field("owner", "整改责任人", "choice", choices=lambda record: parties.people(), placeholder="（请选择）"),
    Field("due_at", "整改期限", "datetime"),
)


class RectificationError(WorkflowError):
    """A step of a rectification that cannot be taken."""


class StaleRectification(RectificationError, Stale):
    MESSAGE = "该整改事项已被他人更新，您看到的不是最新内容。请刷新页面后重新操作。"


class StaleFinding(Stale):
    MESSAGE = "该事项的督查结果已被他人更新，页面已显示最新内容，请核对后重新提交。"


def record_finding(item, values: dict, version, user) -> tuple[Finding, Rectification | None]:
    """Write (or correct) the finding about ``item``; a first ``task`` makes its rectification.
    Raises InputError (with every problem) when the rectification lacks its owner or due date."""
    finding = Finding.get_or_none(Finding.item == item.id)
    rectification = Rectification.get_or_none(Rectification.finding == finding.id) if finding else None
    wants = values["task"] and rectification is None
    problems = []
    if wants and not values["owner"]:
        problems.append("请选择整改责任人。")
    if wants and not values["due_at"]:
        problems.append("请填写整改期限。")
    elif wants and values["due_at"] <= now():
        problems.append("整改期限须晚于现在。")
    if problems:
        raise InputError(*problems)
    with database.atomic():
        if finding is None:
            finding = Finding.create(item=item.id, score=values["score"], text=values["text"], inspected_by=user.id)
        else:
            bump(finding, version, StaleFinding, score=values["score"], text=values["text"], inspected_by=user.id,
                 inspected_at=now())
        audit.record("accountability.inspected", f"专项督查：{item.title}，得分{values['score']}", actor=user, obj=item)
        if wants:
            rectification = Rectification.create(finding=finding.id, year=item.year, department=item.department_id,
                                                 task=values["task"], owner=values["owner"], due_at=values["due_at"])
            audit.record("accountability.rectification_required", f"提出整改要求：{item.title}", actor=user,
                         obj=rectification)
            notify(None, [values["owner"]], "accountability_rectification",
                   f"专项督查对“{item.title}”提出整改要求，请于{values['due_at']:%Y-%m-%d}前整改并报送整改情况。", actor=user)
    return finding, rectification


def owner_or_inspector(rect, user) -> bool:
    return rect.owner_id == user.id or user.can("accountability.inspect")


def report(rect, user, version, values):
    upload = values["file"]
    with database.atomic():
        WORKFLOW.advance(rect, version, "report", report=values["report"], filename=upload.filename,
                         content_type=upload.content_type, data=upload.data, reported_at=now())
        audit.record("accountability.rectification_reported", "报送整改情况", actor=user, obj=rect)


def close(rect, user, version, values):
    with database.atomic():
        WORKFLOW.advance(rect, version, "close", closed_at=now())
        audit.record("accountability.rectification_closed", "整改验收销号", actor=user, obj=rect)


def send_back(rect, user, version, values):
    changes = {"reminded_at": None, "due_at": values["due_at"]} if values["due_at"] else {}
    with database.atomic():
        WORKFLOW.advance(rect, version, "send_back", **changes)
        audit.record("accountability.rectification_sent_back", f"退回重新整改；理由：{values['reason']}", actor=user,
                     obj=rect)
        notify(None, [rect.owner_id], "accountability_rectification",
               f"整改情况被退回，请重新整改：{values['reason']}", actor=user)


def later_than_now(value, record):
    return None if value is None or value > now() else "新的整改期限须晚于现在。"


STEPS = [
    Step("report", "报送整改情况", ("open",), "accountability.work", leads_to="reported", relation=owner_or_inspector,
         fields=(Field("report", "整改情况", "textarea", 2000, required=True, rows=4,
                       placeholder="写明整改措施、完成情况和长效机制。"),
                 Field("file", "整改佐证材料", "file", required=True, hint="图片、PDF、Word、Excel 或纯文本文件。")),
         button="报送", done="整改情况已报送，等待验收。", run=report),
    Step("close", "验收销号", ("reported",), "accountability.inspect", leads_to="closed",
         button="验收通过，销号", done="整改事项已销号。", run=close),
    Step("send_back", "退回重新整改", ("reported",), "accountability.inspect", leads_to="open", style="danger",
         fields=(Field("reason", "退回理由", "textarea", 500, required=True),
                 Field("due_at", "新的整改期限", "datetime", hint="不填则沿用原期限。", check=later_than_now)),
         done="已退回，整改责任人须重新整改。", run=send_back),
]
WORKFLOW = Workflow.of("accountability_rectification", STEPS, noun="该整改事项", stale=StaleRectification,
                       error=RectificationError, sees=lambda rect, user: visibility.may_read(user, rect))


def remind(at: datetime) -> int:
    """Tell the owner (and the unit's 第一责任人) once when an open rectification passes its due date."""
    sent = 0
    for rect in Rectification.select().where((Rectification.state == "open") & (Rectification.due_at < at)
                                             & Rectification.reminded_at.is_null()):
        with database.atomic():
            claimed = (Rectification.update(reminded_at=at)
                       .where((Rectification.id == rect.id) & Rectification.reminded_at.is_null()).execute())
            if not claimed:
                continue  # another tick claimed it
            head = parties.holder(rect.year, "unit_head", rect.department_id) if rect.department_id else None
            notify(None, [u for u in {rect.owner_id, head} if u], "accountability_rect_overdue",
                   f"整改事项已超过整改期限（{rect.due_at:%Y-%m-%d}），请尽快整改并报送整改情况：{rect.task[:40]}")
            sent += 1
    return sent


def result(year: int, department_id: int) -> dict | None:
    """A unit's inspection of ``year``: {"score", "most", "open"} (open rectifications), or None."""
    scores = [f.score for f in Finding.select(Finding.score).join(Item, on=(Finding.item == Item.id))
              .where((Item.year == year) & (Item.department == department_id))]
    if not scores:
        return None
    still = Rectification.select().where((Rectification.year == year) & (Rectification.department == department_id)
                                         & (Rectification.state != "closed")).count()
    return {"year": year, "score": sum(scores), "most": FINDING_SCORE * len(scores), "open": still}
