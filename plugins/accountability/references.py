"""Evidence from other plugins: records they offer for a unit's checklist of a year (hook
``portal_evidence_sources``: the monitoring desk's commentator trainings and duty rosters) that the
item's owner attaches as accepted evidence. The reference keeps its kind, id, label and date as
they read then; shown later with its link when the record is still there, else as deleted, or as
coming from a plugin that is switched off — never an error."""
from portal.plugin_api import Field, InputError, answering, audit, database, evidence_references, now, read

from plugins.accountability.models import Evidence

HOOK = "portal_evidence_sources"


def _unit(item):
    return item.department if item.department_id else None


def value(ref) -> str:
    return f"{ref.kind}|{ref.ref_id}"


def attached(item) -> set[str]:
    return {f"{e.ref_kind}|{e.ref_id}" for e in Evidence.select(Evidence.ref_kind, Evidence.ref_id)
            .where((Evidence.item == item.id) & (Evidence.ref_kind != ""))}


def offered(item, user) -> list:
    """The records offered for ``item``'s unit and year that it has not taken yet."""
    have = attached(item)
    return [r for r in evidence_references(user, _unit(item), item.year) if value(r) not in have]


def fields(item, user):
    refs = offered(item, user)
    label = {value(r): f"{r.day:%Y-%m-%d} {r.label}" if r.day else r.label for r in refs}
    return (Field("reference", "记录", "choice", required=True, choices=list(label.items()),
                  message="所选记录不存在，或已作为佐证采用，请重新选择。"),
            Field("note", "说明", "text", 200)), {value(r): r for r in refs}


def attach(item, user, form) -> Evidence:
    if item.state != "open":
        raise InputError("本项已完成，佐证材料不能再更改。")
    chosen_fields, refs = fields(item, user)
    v = read(chosen_fields, form)
    ref = refs[v["reference"]]
    with database.atomic():
        row = Evidence.create(item=item.id, state="accepted", ref_kind=ref.kind, ref_id=str(ref.ref_id)[:40],
                              ref_label=ref.label[:200], ref_day=ref.day, note=v["note"], added_by=user.id,
                              decided_by=user.id, decided_at=now())
        audit.record("accountability.evidence_referenced", f"采用佐证记录：{item.title}（{ref.label}）",
                     actor=user, obj=item, kind=ref.kind, ref_id=str(ref.ref_id))
    return row


def status(item, user, rows) -> dict:
    """{evidence id: {"url", "gone", "off"}} for the references among ``rows``: a link where ``user``
    may open it; ``gone`` when its plugin no longer offers it; ``off`` when that plugin is switched off."""
    refs = [e for e in rows if e.ref_kind]
    if not refs:
        return {}
    live = answering(HOOK)
    mine = {value(r): r for r in evidence_references(user, _unit(item), item.year)}
    there = {value(r) for r in evidence_references(None, _unit(item), item.year)}
    shown = {}
    for e in refs:
        key = f"{e.ref_kind}|{e.ref_id}"
        off = e.ref_kind.split(".", 1)[0] not in live
        shown[e.id] = {"url": mine[key].url if key in mine else None, "off": off,
                       "gone": not off and key not in there and key not in mine}
    return shown
