"""What every figure means, written once: the statistics page, its drill-down links, the ledger
and the monthly report all read these (and the page shows ``DEFINITIONS`` to its readers).

A period is a span of posting days (发帖时间, the case list's own date filter), so a figure and the
list behind it select the same cases. Figures count every case, also those a reader may not see:
counts are allowed (portal.cases.access); only the lists behind them are restricted.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import peewee
from peewee import SQL, fn

from portal.cases.models import Case, Explanation, Extension
from portal.cases.queries import in_bulletin
from portal.db import is_sqlite, now

DEFINITIONS = (
    ("统计范围", "发帖时间在所选期间内的舆情事项（含您无权查看的事项，只计数、不列出）；不予受理的事项不计时限。"),
    ("按期", "在答复时限（含经批准的延期）届满前已网上回复，或已报送情况说明；时限届满于当日24:00，24:00整回复仍为按期。"),
    ("已到期", "已回复、已报送情况说明或时限已届满的事项；尚在时限内未回复的事项不计入按期率。"),
    ("按期率", "按期件数 ÷ 已到期件数。"),
    ("超期", "已到期而未按期：时限届满时既未回复也未报送情况说明（含其后补回复的）。"),
    ("办理用时", "从受理登记到网上回复的时间（小时）；中位数与第90百分位数按线性插值计算，只计已回复的事项。"),
    ("延期", "有经批准延期的事项件数。"),
    ("情况说明", "报送过情况说明的事项件数。"),
    ("通报", "时限届满日在所选期间内、届满时既未回复也未报送情况说明的事项件数（与“通报”页同一规则）。"),
)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00): the posting times of the period."""
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def in_period(start: date, end: date):
    first, after = period_bounds(start, end)
    return (Case.posted_at >= first) & (Case.posted_at < after)


def counted():
    """Cases with a deadline to meet: a rejected case (archived or not) has none."""
    return Case.reject_reason == ""


def explained_in_time():
    """Cases with a 情况说明 filed by their deadline (the deadline as extended)."""
    return Explanation.select(Explanation.case).join(Case).where(Explanation.at <= Case.due_at)


def on_time():
    replied = Case.replied_at.is_null(False) & (Case.replied_at <= Case.due_at)
    return counted() & (replied | Case.id.in_(explained_in_time()))


def decided(at: datetime):
    """Due: the reply or 情况说明 is in, or the deadline has passed."""
    return counted() & (Case.replied_at.is_null(False) | Case.id.in_(explained_in_time()) | (Case.due_at <= at))


def late(at: datetime):
    """超期: due and not on time."""
    return decided(at) & ~on_time()


def extended():
    return Case.id.in_(Extension.select(Extension.case).where(Extension.decision == "approved"))


def explained():
    return Case.id.in_(Explanation.select(Explanation.case))


def outcome_condition(name: str, at: datetime | None = None):
    """The condition behind a drill-down link: the case list's ``outcome`` filter
    (``portal.cases.queries.OUTCOMES``)."""
    at = at or now()
    return {"on_time": on_time, "late": lambda: late(at), "decided": lambda: decided(at),
            "extended": extended, "explained": explained}[name]()


def _flag(condition):
    return fn.SUM(peewee.Case(None, [(condition, 1)], 0))


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between the closest ranks (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass
class Figures:
    """One department's (or the whole bureau's) figures for a period."""
    department_id: int | None
    department: str
    cases: int = 0
    decided: int = 0
    on_time: int = 0
    late: int = 0
    extended: int = 0
    explained: int = 0
    bulletins: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    replied: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


def handling_hours():
    """受理 → 回复 in hours, computed by the database (no datetimes to parse per row)."""
    if is_sqlite():
        return (fn.julianday(Case.replied_at) - fn.julianday(Case.registered_at)) * 24
    return fn.date_part("epoch", Case.replied_at - Case.registered_at) / 3600


def _aggregates(at: datetime) -> list:
    return [fn.COUNT(Case.id).alias("cases"), _flag(decided(at)).alias("decided"), _flag(on_time()).alias("on_time"),
            _flag(late(at)).alias("late"), _flag(extended()).alias("extended"), _flag(explained()).alias("explained")]


COUNTS = ("cases", "decided", "on_time", "late", "extended", "explained")


def _by_host(start: date, end: date, department_id: int | None, at: datetime):
    """({host id: Figures}, {host id: [hours]}): one pass over the period, grouped by host department."""
    from portal.org.models import Department

    where = in_period(start, end)
    if department_id:
        where &= Case.host_department == department_id
    names = {i: n for i, n in Department.select(Department.id, Department.name).tuples()}
    found: dict = {}

    def figure(host_id):
        if host_id not in found:
            found[host_id] = Figures(host_id, names.get(host_id, "") if host_id else "尚未批办")
        return found[host_id]

    query = Case.select(Case.host_department.alias("key"), *_aggregates(at)).where(where).group_by(Case.host_department)
    for row in query.dicts():
        f = figure(row["key"])
        for k in COUNTS:
            setattr(f, k, int(row[k] or 0))
    durations: dict = {}
    replied = (Case.select(Case.host_department, handling_hours())
               .where(where & counted() & Case.replied_at.is_null(False)).tuples())
    for host_id, hours in replied:
        durations.setdefault(host_id, []).append(float(hours))
    bulletin_where = in_bulletin(start, end, at)
    if department_id:
        bulletin_where &= Case.host_department == department_id
    for host_id, n in (Case.select(Case.host_department, fn.COUNT(Case.id)).where(bulletin_where)
                       .group_by(Case.host_department).tuples()):
        figure(host_id).bulletins = n
    return found, durations


def _with_times(f: Figures, values: list[float]) -> Figures:
    f.replied = len(values)
    f.median_hours, f.p90_hours = percentile(values, 0.5), percentile(values, 0.9)
    return f


def figures(start: date, end: date, *, department_id: int | None = None, at: datetime | None = None,
            group: bool = False) -> list[Figures]:
    """The period's figures: one row, for the bureau or for ``department_id`` (the cases it hosts);
    or with ``group``, one row per host department (None: cases not yet assigned)."""
    from portal.org.models import Department

    found, durations = _by_host(start, end, department_id, at or now())
    if group:
        return [_with_times(f, durations.get(key, [])) for key, f in found.items()]
    name = "全局"
    if department_id:
        department = Department.get_or_none(Department.id == department_id)
        name = department.name if department else ""
    return [_total(Figures(department_id, name), found, durations)]


def _total(total: Figures, found: dict, durations: dict) -> Figures:
    for f in found.values():
        for k in COUNTS + ("bulletins",):
            setattr(total, k, getattr(total, k) + getattr(f, k))
    return _with_times(total, [h for values in durations.values() for h in values])


def bureau(start: date, end: date, *, department_id: int | None = None, at: datetime | None = None) -> Figures:
    """The bureau's figures for the period, or one department's (the cases it hosts)."""
    return figures(start, end, department_id=department_id, at=at)[0]


def bureau_and_ranking(start: date, end: date, at: datetime | None = None) -> tuple[Figures, list[Figures]]:
    """Both from one pass: what the office's page shows."""
    found, durations = _by_host(start, end, None, at or now())
    ranked = _ranked([_with_times(f, durations.get(key, [])) for key, f in found.items()])
    return _total(Figures(None, "全局"), found, durations), ranked


def ranking(start: date, end: date, at: datetime | None = None) -> list[Figures]:
    """The assessment ranking: every department side by side, the best first (on-time rate, then
    fewer 通报, fewer overdue, faster median); the cases not yet assigned last."""
    return _ranked(figures(start, end, at=at, group=True))


def _ranked(rows: list[Figures]) -> list[Figures]:
    def key(f: Figures):
        return (f.department_id is None, -(f.on_time_rate if f.on_time_rate is not None else -1), f.bulletins, f.late,
                f.median_hours if f.median_hours is not None else float("inf"), f.department)
    return sorted(rows, key=key)


BREAKDOWNS = {"month": "按月", "source": "按来源", "category": "按类别", "state": "按办理状态"}


def month_key():
    # the format written into the SQL, not bound: PostgreSQL must see the GROUP BY expression as
    # the selected one, and two bound parameters are two expressions to it
    if is_sqlite():
        return fn.strftime(SQL("'%Y-%m'"), Case.posted_at)
    return fn.to_char(Case.posted_at, SQL("'YYYY-MM'"))


def breakdown(name: str, start: date, end: date, *, department_id: int | None = None) -> list[tuple[str, int]]:
    """(value, count) of the period's cases by month, source, category or state, in value order."""
    column = month_key() if name == "month" else getattr(Case, name)
    where = in_period(start, end)
    if department_id:
        where &= Case.host_department == department_id
    query = Case.select(column.alias("value"), fn.COUNT(Case.id).alias("n")).where(where).group_by(column)
    return sorted((row["value"], row["n"]) for row in query.dicts())
