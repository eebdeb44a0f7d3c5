"""Yearly checklists (第六—八条): generated per party from the template, each item with its owner,
due date, self-assessment and evidence; evidence the portal already holds is proposed to the owner."""
import calendar
from datetime import datetime

from portal.plugin_api import AuditEvent, Case, audit, database, now

from plugins.accountability import parties
from plugins.accountability.models import Evidence, Item, TemplateItem
from plugins.accountability.regulation import DEFAULT_ITEMS

PROPOSED_PER_SOURCE = 20  # the most recent records a source proposes for one item
ACTIONS = {"assessment": "grading.assessed", "review": "grading.reviewed"}  # audit actions that prove them


def seed_template():
    """The regulation's items, when the template is empty (a new database)."""
    if TemplateItem.select().exists():
        return 0
    TemplateItem.insert_many([{"article": a, "title": t, "scope": s, "source": src, "text": text,
                               "sort_order": i * 10} for i, (a, t, s, src, text) in enumerate(DEFAULT_ITEMS)]).execute()
    return len(DEFAULT_ITEMS)


def due(year: int, month: int) -> datetime:
    return datetime(year, month, calendar.monthrange(year, month)[1], 23, 59)


def generate(year: int, actor) -> int:
    """Each party's checklist for ``year`` from the active template; items already there stay as
    they are (a template item added later is added). Returns the items made."""
    with database.atomic():
        seed_template()
        held, _set = parties.holders(year)
        template = list(TemplateItem.select().where(TemplateItem.active).order_by(TemplateItem.sort_order, TemplateItem.id))
        have = {(i.department_id, i.template_id) for i in Item.select(Item.department, Item.template).where(Item.year == year)}
        rows = []
        for unit in [None, *parties.units()]:
            dept = unit.id if unit else None
            owner = held.get(("unit_head", dept)) if unit else held.get(("direct", None))
            for t in template:
                if (t.scope == "group") != (unit is None) and t.scope != "all":
                    continue
                if (dept, t.id) in have:
                    continue
                rows.append({"year": year, "department": dept, "template": t.id, "article": t.article, "title": t.title,
                             "text": t.text, "source": t.source, "owner": owner, "due_at": due(year, t.due_month),
                             "updated_at": now()})
        if rows:
            Item.insert_many(rows).execute()
        audit.record("accountability.checklists_generated", f"生成{year}年度责任清单：新增{len(rows)}项", actor=actor,
                     object_type="accountability_year", object_id=year)
    return len(rows)


def proposals(item: Item) -> list[int]:
    """Ids of the cases that prove ``item`` from its source, most recent first."""
    start, end = datetime(item.year, 1, 1), datetime(item.year + 1, 1, 1)
    if item.source == "cases":
        query = (Case.select(Case.id).where(Case.replied_at.is_null(False) & (Case.replied_at >= start)
                                            & (Case.replied_at < end) & (Case.replied_at <= Case.due_at))
                 .order_by(Case.replied_at.desc()))
    elif item.source in ACTIONS:
        query = (Case.select(Case.id).join(AuditEvent, on=((AuditEvent.object_id == Case.id)
                                                           & (AuditEvent.object_type == "case")))
                 .where((AuditEvent.action == ACTIONS[item.source]) & (AuditEvent.at >= start) & (AuditEvent.at < end))
                 .order_by(AuditEvent.at.desc()))
    else:
        return []
    if item.department_id:
        query = query.where(Case.host_department == item.department_id)
    return list(dict.fromkeys(c.id for c in query.limit(PROPOSED_PER_SOURCE * 3)))[:PROPOSED_PER_SOURCE]


def propose(item: Item, actor) -> int:
    """Propose what the portal holds for ``item`` and has not proposed yet; the owner decides."""
    with database.atomic():
        known = {e.case_id for e in Evidence.select(Evidence.case).where((Evidence.item == item.id)
                                                                          & (Evidence.source == item.source))}
        new = [cid for cid in proposals(item) if cid not in known]
        if new:
            Evidence.insert_many([{"item": item.id, "state": "proposed", "source": item.source, "case": cid,
                                   "added_at": now()} for cid in new]).execute()
            audit.record("accountability.evidence_proposed", f"系统找到佐证记录{len(new)}条：{item.title}",
                         actor=actor, obj=item)
    return len(new)


def progress(items) -> tuple[int, int]:
    items = list(items)
    return sum(1 for i in items if i.state == "done"), len(items)
