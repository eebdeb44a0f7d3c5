"""A checklist item's steps, declared once with the process kit: the owner uploads evidence and
files the self-assessment; the office assigns the owner and the due date, and sends a finished
item back."""
from portal.plugin_api import Field, Stale, Step, Workflow, WorkflowError, audit, database, now

from plugins.accountability import parties, visibility
from plugins.accountability.models import Evidence


class ItemError(WorkflowError):
    """A step of a checklist item that cannot be taken."""


class StaleItem(ItemError, Stale):
    MESSAGE = "该清单事项已被他人更新，您看到的不是最新内容。请刷新页面后重新操作。"


def owner_or_office(item, user) -> bool:
    return item.owner_id == user.id or user.can("accountability.manage")


def evidence_first(item, user):
    accepted = Evidence.select().where((Evidence.item == item.id) & (Evidence.state == "accepted")).exists()
    return None if accepted else "请先上传佐证材料，或采用系统找到的佐证记录，再提交自评。"


def upload(item, user, version, values):
    upload = values["file"]
    with database.atomic():
        Evidence.create(item=item.id, state="accepted", filename=upload.filename, content_type=upload.content_type,
                        data=upload.data, note=values["note"], added_by=user.id, decided_by=user.id, decided_at=now())
        audit.record("accountability.evidence_uploaded", f"上传佐证材料：{item.title}（{upload.filename}）",
                     actor=user, obj=item)


def complete(item, user, version, values):
    with database.atomic():
        WORKFLOW.advance(item, version, "complete", self_assessment=values["self_assessment"], completed_at=now())
        audit.record("accountability.item_completed", f"提交自评：{item.title}", actor=user, obj=item)


def assign(item, user, version, values):
    with database.atomic():
        WORKFLOW.advance(item, version, "assign", owner=values["owner"], due_at=values["due_at"])
        audit.record("accountability.item_assigned", f"调整责任人和完成期限：{item.title}", actor=user, obj=item)


def reopen(item, user, version, values):
    with database.atomic():
        WORKFLOW.advance(item, version, "reopen", completed_at=None)
        audit.record("accountability.item_reopened", f"退回重做：{item.title}；理由：{values['reason']}",
                     actor=user, obj=item)


STEPS = [
    Step("upload", "上传佐证材料", ("open",), "accountability.work", relation=owner_or_office, versioned=False,
         fields=(Field("file", "佐证材料", "file", required=True,
                       hint="图片、PDF、Word、Excel 或纯文本文件。"),
                 Field("note", "说明", "text", 200)),
         button="上传", done="佐证材料已上传。", run=upload),
    Step("complete", "提交自评", ("open",), "accountability.work", leads_to="done", relation=owner_or_office,
         guards=(evidence_first,),
         fields=(Field("self_assessment", "自评情况", "textarea", 2000, required=True, rows=4,
                       placeholder="对照本项要求，写明落实情况、取得成效和存在不足。"),),
         button="提交自评，标记完成", done="已提交自评，本项标记为完成。", run=complete),
    Step("assign", "调整责任人和完成期限", ("open",), "accountability.manage",
         fields=(Field("owner", "责任人", "choice", required=True, choices=lambda item: parties.people(),
                       default=lambda item: item.owner_id if item else None),
                 Field("due_at", "完成期限", "datetime", required=True,
                       default=lambda item: item.due_at if item else None)),
         button="保存", done="责任人和完成期限已更新。", run=assign),
    Step("reopen", "退回重做", ("done",), "accountability.manage", leads_to="open", style="danger",
         fields=(Field("reason", "退回理由", "textarea", 500, required=True),),
         done="已退回，本项重新列为未完成。", run=reopen),
]
ACTIONS = [s.name for s in STEPS]
WORKFLOW = Workflow.of("accountability_item", STEPS, noun="该清单事项", stale=StaleItem, error=ItemError,
                       sees=lambda item, user: visibility.may_read(user, item))
