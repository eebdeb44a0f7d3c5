"""The case ledger (台账): any filtered case list as the Excel workbook the office files.

Written with xlsxwriter's constant-memory mode, a row at a time, from the list's case ids read
first (one query: the rows then come in chunks by id, so the ledger is the list as it stood
when the export began, and memory stays flat at 100,000 rows). Only the cases the user may see
(the list's own query, ``portal.cases.queries.search``); plugins add columns
(``portal_ledger_columns``). Run as a background job (``statistics.ledger``).
"""
import os
import tempfile
from datetime import date, datetime

import peewee
import xlsxwriter

from portal.cases import queries
from portal.cases.models import CATEGORIES, SOURCES, STATES, Case, CaseCoDepartment, Extension
from portal.db import now
from portal.org.models import Department, User
from portal.plugins import LedgerColumn, collect
from portal.statistics import definitions as d

CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (("编号", 10, 14), ("来源", 20, 10), ("发帖时间", 30, 17), ("标题", 40, 40), ("类别", 50, 9),
           ("主办部门", 60, 16), ("协办部门", 70, 20), ("批办领导", 80, 10), ("回复时限", 90, 17),
           ("回复时间", 100, 17), ("是否超期", 110, 9), ("延期", 120, 10), ("状态", 130, 11), ("归档时间", 140, 17))


def _core_values(ids: list[int], at: datetime) -> dict[int, dict]:
    """{case_id: {column title: value}} for a chunk of cases, in four queries."""
    late = peewee.Case(None, [(d.late(at), "是"), (d.decided(at), "否")], "").alias("late")
    rows = Case.select(Case.id, Case.number, Case.source, Case.posted_at, Case.title, Case.category,
                       Case.host_department, Case.assigned_by, Case.due_at, Case.replied_at, Case.state,
                       Case.archived_at, late).where(Case.id.in_(ids)).dicts()
    co: dict[int, list[int]] = {}
    for case_id, dept_id in (CaseCoDepartment.select(CaseCoDepartment.case, CaseCoDepartment.department)
                             .where(CaseCoDepartment.case.in_(ids)).order_by(CaseCoDepartment.id).tuples()):
        co.setdefault(case_id, []).append(dept_id)
    extended = dict(Extension.select(Extension.case, peewee.fn.MAX(Extension.days))
                    .where(Extension.case.in_(ids) & (Extension.decision == "approved"))
                    .group_by(Extension.case).tuples())
    values = {}
    for r in rows:
        values[r["id"]] = {
            "编号": r["number"], "来源": SOURCES.get(r["source"], r["source"]), "发帖时间": r["posted_at"],
            "标题": r["title"], "类别": CATEGORIES.get(r["category"], r["category"]),
            "主办部门": r["host_department"], "协办部门": co.get(r["id"], []), "批办领导": r["assigned_by"],
            "回复时限": r["due_at"], "回复时间": r["replied_at"], "是否超期": r["late"],
            "延期": f"延期至{extended[r['id']]}日" if r["id"] in extended else "",
            "状态": STATES.get(r["state"], r["state"]), "归档时间": r["archived_at"],
        }
    return values


def columns(user) -> list[LedgerColumn]:
    from flask import current_app

    core = [LedgerColumn(title, None, order, width) for title, order, width in COLUMNS]
    plugins = collect(current_app.extensions["portal_pm"].hook.portal_ledger_columns, user=user)
    return sorted(core + plugins, key=lambda c: c.order)


def case_ids(f: queries.CaseFilter, user) -> list[int]:
    """The list's cases, in its order: all of them, not a page."""
    return [row[0] for row in queries.search(f, user, columns=[Case.id]).tuples()]


def write(f: queries.CaseFilter, user, path: str, progress=None, at: datetime | None = None) -> int:
    """Write the ledger of ``f`` as ``user`` sees it to ``path``; returns the number of rows."""
    at = at or now()
    ids = case_ids(f, user)
    cols = columns(user)
    names = dict(Department.select(Department.id, Department.name).tuples())
    people = dict(User.select(User.id, User.name).tuples())
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tempfile.gettempdir(),
                                      "strings_to_numbers": False, "strings_to_formulas": False,
                                      "strings_to_urls": False})
    sheet = book.add_worksheet("台账")
    header = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True,
                              "align": "center", "valign": "vcenter"})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for index, column in enumerate(cols):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.title, header)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(ids), 1), len(cols) - 1)
    row_number = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        core = _core_values(chunk, at)
        extra = {c.title: c.values(chunk) for c in cols if c.values is not None}
        for case_id in chunk:
            if case_id not in core:
                continue  # deleted meanwhile
            values = core[case_id]
            values["主办部门"] = names.get(values["主办部门"], "")
            values["协办部门"] = "、".join(names.get(i, "") for i in values["协办部门"])
            values["批办领导"] = people.get(values["批办领导"], "")
            row_number += 1
            for index, column in enumerate(cols):
                value = values.get(column.title) if column.values is None else extra[column.title].get(case_id)
                _cell(sheet, row_number, index, value, when, day)
        if progress:
            progress(start + len(chunk), len(ids))
    book.close()
    return row_number


def _cell(sheet, row, col, value, when, day):
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        sheet.write_datetime(row, col, value, when)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime.combine(value, datetime.min.time()), day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))


def filename(at: datetime) -> str:
    return f"舆情事项台账{at.strftime('%Y%m%d%H%M')}.xlsx"


def export_bytes(f: queries.CaseFilter, user, progress=None) -> tuple[bytes, int]:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        rows = write(f, user, path, progress)
        with open(path, "rb") as written:
            return written.read(), rows
    finally:
        os.unlink(path)
