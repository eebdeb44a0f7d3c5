"""The annual target assessment (年度责任目标考核, 第十条): per branch and department, what the
portal knows of the year — checklist completion, the inspection's score, rectifications, and the
cases it hosted answered on time (the core's evidence). One table feeds the page, the PDF (the
document service) and the Excel file, so all three hold the same numbers. Accountability records
are counted only for those who may read them (the page and the Excel file; never the PDF, which
is laid out once for every reader)."""
import io
from dataclasses import dataclass
from datetime import datetime

import xlsxwriter

from portal.plugin_api import Case, DocumentKind, documents, now

from plugins.accountability import parties, records
from plugins.accountability.models import FINDING_SCORE, Finding, Item, Rectification


@dataclass
class Row:
    name: str
    items: int
    done: int
    overdue: int
    score: int
    most: int
    rectifications: int
    closed: int
    rectifications_overdue: int
    replied: int
    on_time: int
    records: int = 0

    @property
    def completion(self) -> str:
        return f"{self.done * 100 // self.items}%" if self.items else "—"


COLUMNS = [("责任主体", "name"), ("清单事项", "items"), ("已完成", "done"), ("完成率", "completion"),
           ("超期未完成", "overdue"), ("督查得分", "score"), ("督查满分", "most"), ("整改事项", "rectifications"),
           ("已销号", "closed"), ("整改逾期", "rectifications_overdue"), ("回复舆情事项", "replied"),
           ("按时回复", "on_time")]
RECORDS_COLUMN = ("问责记录", "records")


def table(year: int, with_records: bool = False) -> list[Row]:
    at = now()
    items = list(Item.select(Item.id, Item.department, Item.state, Item.due_at).where(Item.year == year))
    findings = {f.item_id: f.score for f in Finding.select(Finding.item, Finding.score)
                .join(Item, on=(Finding.item == Item.id)).where(Item.year == year)}
    rects = list(Rectification.select(Rectification.department, Rectification.state, Rectification.due_at)
                 .where(Rectification.year == year))
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    cases = list(Case.select(Case.host_department, Case.replied_at, Case.due_at)
                 .where(Case.replied_at.is_null(False) & (Case.replied_at >= start) & (Case.replied_at < end)))
    counted = records.count_by_unit(year) if with_records else {}
    rows = []
    for unit in parties.units():
        mine = [i for i in items if i.department_id == unit.id]
        scored = [findings[i.id] for i in mine if i.id in findings]
        rs = [r for r in rects if r.department_id == unit.id]
        cs = [c for c in cases if c.host_department_id == unit.id]
        rows.append(Row(unit.name, len(mine), sum(i.state == "done" for i in mine),
                        sum(i.state == "open" and i.due_at < at for i in mine), sum(scored), FINDING_SCORE * len(scored),
                        len(rs), sum(r.state == "closed" for r in rs),
                        sum(r.state == "open" and r.due_at < at for r in rs), len(cs),
                        sum(c.replied_at <= c.due_at for c in cs), counted.get(unit.id, 0)))
    return rows


def columns(with_records: bool) -> list[tuple[str, str]]:
    return COLUMNS + ([RECORDS_COLUMN] if with_records else [])


def excel(year: int, with_records: bool) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(f"{year}年度考核")
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1})
    cell = book.add_format({"border": 1})
    cols = columns(with_records)
    sheet.merge_range(0, 0, 0, len(cols) - 1, f"{year}年度网络意识形态工作责任目标考核情况", bold)
    for c, (label, _key) in enumerate(cols):
        sheet.write(1, c, label, bold)
        sheet.set_column(c, c, 16 if c == 0 else 10)
    for r, row in enumerate(table(year, with_records), start=2):
        for c, (_label, key) in enumerate(cols):
            sheet.write(r, c, getattr(row, key), cell)
    sheet.freeze_panes(2, 1)
    book.close()
    return out.getvalue()


# -- the PDF through the document service -------------------------------------------------------

FIRST_YEAR, LAST_YEAR = 2019, 2100


def _year(object_id) -> int:
    year = int(object_id)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise LookupError(object_id)
    return year


def _can_view(user, object_id) -> bool:
    try:
        _year(object_id)
    except (LookupError, ValueError, TypeError):
        return False
    return user.can("accountability.oversee")


def _render(object_id) -> str:
    year = _year(object_id)
    return documents.template_html("accountability/assessment_print.html", year=year, rows=table(year),
                                   columns=columns(False), made=now())


KINDS = [DocumentKind("accountability.assessment", "网络意识形态工作年度责任目标考核表", render=_render,
                      can_view=_can_view, title=lambda i: f"{_year(i)}年度网络意识形态工作责任目标考核表", order=70)]
