"""舆情月报 and the half-year and annual summaries: the period's figures, the ranking, charts,
the major cases (from the plugins' ``portal_report_sections``), the overdue and 通报 lists and a
section the office writes. A portal document (``statistics.report``) that the circulars plugin
drafts as a 报告 (its "从门户文档起草"), so it goes through 核稿 → 签发 → 印发; the draft's
attachment is this module's tables and charts (vector in the PDF).

The document goes to every unit, so its lists name only 普通 cases and count the others — the
通报's rule (plugins/circulars/ready.py).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from markupsafe import Markup

from portal.cases import queries
from portal.cases.deadlines import describe_deadline
from portal.cases.models import Case
from portal.db import now
from portal.plugins import collect
from portal.statistics import charts, definitions as d, tables

# object ids: YYYYMM a month, YYYY21 / YYYY22 the first / second half-year, YYYY99 the year
HALVES = {21: (1, 6, "上半年"), 22: (7, 12, "下半年")}
YEAR = 99
BLANK = "（此部分由领导小组办公室撰写：本期舆情态势、热点分析、存在问题和下步工作建议。）"


def period_of(object_id: int) -> tuple[date, date, str]:
    """(first day, last day, "2026年10月") of a report id; anything else is no report (LookupError)."""
    year, part = divmod(int(object_id), 100)
    if not 2000 <= year <= 2100:
        raise LookupError(object_id)
    if 1 <= part <= 12:
        first, months, label = part, 1, f"{year}年{part}月"
    elif part in HALVES:
        first, last, half = HALVES[part]
        months, label = last - first + 1, f"{year}年{half}"
    elif part == YEAR:
        first, months, label = 1, 12, f"{year}年"
    else:
        raise LookupError(object_id)
    start = date(year, first, 1)
    after_month = first + months
    after = date(year + (after_month - 1) // 12, (after_month - 1) % 12 + 1, 1)
    return start, after - timedelta(days=1), label


def title(object_id: int) -> str:
    label = period_of(object_id)[2]
    return f"{label}网络舆情{'月报' if object_id % 100 <= 12 else '工作总结'}"


def recent(at: datetime | None = None) -> list[tuple[int, str]]:
    """The reports one may draft now: the last six months, the half-years and the years lately ended."""
    today = (at or now()).date()
    ids, year, month = [], today.year, today.month
    for _ in range(6):
        ids.append(year * 100 + month)
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    ids += [today.year * 100 + 21] if today.month > 6 else [(today.year - 1) * 100 + 22]
    ids += [(today.year - 1) * 100 + YEAR, today.year * 100 + YEAR]
    return [(i, title(i)) for i in ids]


@dataclass
class Listed:
    """Cases of a list the whole bureau reads: the 普通 ones named, the others only counted."""
    named: list = field(default_factory=list)
    withheld: int = 0


def _split(cases) -> Listed:
    listed = Listed()
    for case in cases:
        if case.confidentiality == "normal":
            listed.named.append(case)
        else:
            listed.withheld += 1
    return listed


@dataclass
class Report:
    start: date
    end: date
    label: str
    at: datetime
    bureau: d.Figures
    ranking: list
    by_source: list
    by_category: list
    late: Listed
    bulletin: Listed
    sections: list

    @property
    def period(self) -> str:
        s, e = self.start, self.end
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"


def build(object_id: int, at: datetime | None = None) -> Report:
    from portal.cases.models import CATEGORIES, SOURCES

    start, end, label = period_of(object_id)
    at = at or now()
    late = (Case.select(Case.id, Case.number, Case.title, Case.confidentiality, Case.host_department, Case.due_at,
                        Case.replied_at)
            .where(d.in_period(start, end) & d.late(at)).order_by(Case.due_at))
    bulletin_cases = [row["case"] for row in queries.bulletin(start, end, at)]
    pm = current_app.extensions["portal_pm"]
    bureau, ranking = d.bureau_and_ranking(start, end, at=at)
    return Report(
        start, end, label, at, bureau, [f for f in ranking if f.department_id],
        [(SOURCES.get(k, k), n) for k, n in d.breakdown("source", start, end)],
        [(CATEGORIES.get(k, k), n) for k, n in d.breakdown("category", start, end)],
        _split(late), _split(bulletin_cases),
        collect(pm.hook.portal_report_sections, start=start, end=end),
    )


def _names() -> dict:
    from portal.org.models import Department

    return dict(Department.select(Department.id, Department.name).tuples())


def _case_line(i: int, case, names, at) -> str:
    host = names.get(case.host_department_id, "尚未批办")
    return f"{i}. {host}：{case.number}“{case.title}”，{describe_deadline(case.due_at, at, case.replied_at).text}。"


def text(object_id: int) -> str:
    """The report as a circular's body: numbered sections of plain paragraphs."""
    r = build(object_id)
    f, names = r.bureau, _names()
    lines = [f"现将{r.period}全局网络舆情工作情况报告如下。", "一、总体情况",
             f"本期共登记网络舆情事项{f.cases}件，其中已到答复时限的{f.decided}件，按期答复或报送情况说明的{f.on_time}件，"
             f"按期率{tables.rate(f.on_time_rate)}；超期{f.late}件，经批准延期{f.extended}件，报送情况说明{f.explained}件，"
             f"纳入通报{f.bulletins}件。已回复事项从受理到回复用时中位数{tables.hours(f.median_hours)}小时、"
             f"第90百分位{tables.hours(f.p90_hours)}小时。"]
    if r.by_source:
        lines.append("按来源：" + "，".join(f"{k}{n}件" for k, n in r.by_source) + "。")
    lines.append("二、各单位办理情况")
    for i, row in enumerate(r.ranking, start=1):
        lines.append(f"{i}. {row.department}：主办{row.cases}件，按期率{tables.rate(row.on_time_rate)}，超期{row.late}件，"
                     f"通报{row.bulletins}件。")
    if not r.ranking:
        lines.append("本期无单位主办事项。")
    number = 3
    for section in r.sections:
        lines.append(f"{'一二三四五六七八九十'[number - 1]}、{section.title}")
        lines += list(section.lines)
        number += 1
    for heading, listed in (("超期事项", r.late), ("纳入通报的事项", r.bulletin)):
        lines.append(f"{'一二三四五六七八九十'[number - 1]}、{heading}")
        number += 1
        lines += [_case_line(i, c, names, r.at) for i, c in enumerate(listed.named, start=1)]
        if listed.withheld:
            lines.append(f"另有内部事项{listed.withheld}件，不在本报告中列出。")
        if not listed.named and not listed.withheld:
            lines.append("无。")
    lines += [f"{'一二三四五六七八九十'[number - 1]}、分析与建议", BLANK]
    return "\n".join(lines)


def figures_html(object_id: int) -> Markup:
    """The tables and charts: the draft's attachment, and the body of the report's own page."""
    r = build(object_id)
    ranking_chart = charts.bar([(f.department, round(f.on_time_rate * 100, 1)) for f in r.ranking
                                if f.on_time_rate is not None], horizontal=True) if r.ranking else None
    return Markup(render_template(
        "statistics/report_figures.html", r=r, hours=tables.hours, rate=tables.rate,
        ranking_chart=charts.data_uri(ranking_chart) if ranking_chart else None,
        source_chart=charts.data_uri(charts.pie(r.by_source)) if r.by_source else None,
        category_chart=charts.data_uri(charts.bar(r.by_category, horizontal=True)) if r.by_category else None))


def page(object_id: int) -> str:
    """The report as a whole page (the document service prints it on GB/T 9704 pages)."""
    return render_template("statistics/report.html", title=title(object_id), paragraphs=text(object_id).splitlines(),
                           figures=figures_html(object_id))


def can_view(user, object_id: int) -> bool:
    try:
        period_of(object_id)
    except LookupError:
        return False
    return user.can("statistics.view_all")


def kind():
    from portal.plugins import DocumentKind

    return DocumentKind("statistics.report", "舆情月报（半年、年度总结）", render=page, can_view=can_view, title=title,
                        text=text, choices=lambda user: recent() if user.can("statistics.view_all") else [],
                        draft_kind="report", figures=figures_html, order=60)
