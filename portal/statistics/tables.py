"""The statistics page's tables: the core's figures as ``Statistic`` tables (the same shape the
plugins' ``portal_statistics`` return), each number linked to the case list behind it."""
from dataclasses import dataclass
from datetime import date

from flask import url_for

from portal.cases.models import CATEGORIES, SOURCES, STATES
from portal.plugins import Statistic
from portal.statistics import definitions as d


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    department_id: int | None = None  # the host department; None: the whole bureau

    def case_args(self, **more) -> dict:
        args = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.department_id:
            args["host"] = self.department_id
        return {**args, **more}

    def cases_url(self, **more) -> str:
        return url_for("cases.index", **self.case_args(**more))

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def month_range(key: str, period: Period) -> tuple[date, date]:
    """"2026-10" → the month's first and last day, within the period."""
    year, month = map(int, key.split("-"))
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    return max(first, period.start), min(date.fromordinal(after.toordinal() - 1), period.end)


def breakdowns(period: Period) -> list[Statistic]:
    tables = []
    months = d.breakdown("month", period.start, period.end, department_id=period.department_id)
    rows = []
    for key, n in months:
        first, last = month_range(key, period)
        rows.append((f"{key[:4]}年{int(key[5:])}月", n, url_for("cases.index", **{
            **period.case_args(), "from": first.isoformat(), "to": last.isoformat()})))
    tables.append(Statistic("按月份", rows, order=10, note="按发帖时间所在月份。"))
    for name, title, labels, order, chart in (("source", "按来源", SOURCES, 20, "pie"),
                                              ("category", "按类别", CATEGORIES, 30, "hbar"),
                                              ("state", "按办理状态", STATES, 40, "hbar")):
        found = dict(d.breakdown(name, period.start, period.end, department_id=period.department_id))
        rows = [(label, found[key], period.cases_url(**{name: key})) for key, label in labels.items() if key in found]
        rows += [(key, n, None) for key, n in found.items() if key not in labels]  # a value no longer offered
        tables.append(Statistic(title, rows, order=order, chart=chart))
    return tables


def links(period: Period, host: int | None, bulletin_url: str | None) -> dict:
    """The drill-down of each number of a row of figures: the bureau's (``host`` None) or a
    host department's."""
    args = period.case_args(host=host) if host else period.case_args()
    found = {"cases": url_for("cases.index", **args)}
    for outcome in ("decided", "on_time", "late", "extended", "explained"):
        found[outcome] = url_for("cases.index", **{**args, "outcome": outcome})
    if bulletin_url:
        found["bulletins"] = bulletin_url
    return found
