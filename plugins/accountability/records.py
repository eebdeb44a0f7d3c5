"""Accountability records (第九条 问责): read and written only with ``accountability.records``
(the leading group's leaders and 机关纪委). Nothing about a record reaches anyone else: no
notification is sent, and the audit log says only that record No. N was written or changed."""
from portal.plugin_api import Field, Stale, audit, bump, database, now

from plugins.accountability import parties
from plugins.accountability.models import Record, RecordDocument
from plugins.accountability.regulation import FORMS, SITUATIONS

PERMISSION = "accountability.records"
NOT_FUTURE = "决定日期不能晚于今天。"
FIELDS = (
    Field("subject", "问责对象", "text", 100, required=True, placeholder="被问责的党组织或领导干部"),
    Field("department", "所在支部或部门", "choice", choices=lambda r: [(u.id, u.name) for u in parties.units()],
          placeholder="（局党组或不限）"),
    Field("situations", "问责情形（第九条）", "choices", required=True,
          choices=[(n, f"{n}. {text}") for n, text in SITUATIONS.items()]),
    Field("facts", "事实经过", "textarea", 5000, required=True, rows=5),
    Field("form", "问责方式", "choice", required=True, choices=[(f, f) for f in FORMS],
          hint="《中国共产党问责条例》第八条。"),
    Field("decided_by", "问责决定机关", "text", 100, required=True, placeholder="如：局党组、机关纪委"),
    Field("decided_on", "决定日期", "date", required=True,
          check=lambda v, r: NOT_FUTURE if v > now().date() else None),
)
DOCUMENT = Field("file", "文书文件", "file", required=True, hint="问责决定、调查报告等（PDF、Word、图片或纯文本）。")


class StaleRecord(Stale):
    MESSAGE = "该问责记录已被他人修改，页面已显示最新内容，请核对后重新保存。"


def stored(values: dict) -> dict:
    return {**values, "situations": ",".join(str(n) for n in sorted(values["situations"])),
            "year": values["decided_on"].year}


def create(values: dict, user) -> Record:
    with database.atomic():
        record = Record.create(created_by=user.id, **stored(values))
        audit.record("accountability.record_added", f"登记问责记录（第{record.id}号）", actor=user, obj=record)
    return record


def edit(record: Record, version, values: dict, user):
    with database.atomic():
        bump(record, version, StaleRecord, **stored(values))
        audit.record("accountability.record_edited", f"修改问责记录（第{record.id}号）", actor=user, obj=record)


def attach(record: Record, upload, user):
    with database.atomic():
        RecordDocument.create(record=record.id, filename=upload.filename, content_type=upload.content_type,
                              data=upload.data, added_by=user.id)
        audit.record("accountability.record_document", f"问责记录（第{record.id}号）添加文书", actor=user, obj=record)


def search(year: int | None, q: str):
    query = Record.select().order_by(Record.decided_on.desc(), Record.id.desc())
    if year:
        query = query.where(Record.year == year)
    if q:
        query = query.where(Record.subject.contains(q) | Record.facts.contains(q) | Record.decided_by.contains(q))
    return list(query)


def count_by_unit(year: int) -> dict[int | None, int]:
    counts = {}
    for r in Record.select(Record.department).where(Record.year == year):
        counts[r.department_id] = counts.get(r.department_id, 0) + 1
    return counts
