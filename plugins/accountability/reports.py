"""Regular analysis reports (第七条（三）): each branch and department reports to the Party group on
the schedule the office sets (monthly, quarterly or half-yearly, due some days after the period
ends); the office sees who has not filed; the unit's 第一责任人 is reminded before the due date and
once when it has passed (``portal_tick``)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from portal.plugin_api import audit, database, get_settings, notify, set_setting

from plugins.accountability import parties
from plugins.accountability.models import Report, ReportReminder

PERIODS = {"month": ("每月", 12), "quarter": ("每季度", 4), "half": ("每半年", 2)}
DEFAULTS = {"accountability.report_period": "quarter", "accountability.report_due_days": "10"}
REMIND_BEFORE = timedelta(days=3)
MAX_DUE_DAYS = 60


@dataclass(frozen=True)
class Period:
    year: int
    number: int
    kind: str
    start: datetime
    end: datetime  # exclusive
    due: datetime  # the last minute of the days allowed after the end

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.number - 1]}季度"
        return f"{self.year}年{'上' if self.number == 1 else '下'}半年"


def schedule() -> tuple[str, int]:
    values = get_settings(DEFAULTS)
    kind = values["accountability.report_period"] or DEFAULTS["accountability.report_period"]
    days = values["accountability.report_due_days"] or DEFAULTS["accountability.report_due_days"]
    return (kind if kind in PERIODS else "quarter"), int(days)


def set_schedule(kind: str, days: int, actor):
    with database.atomic():
        set_setting("accountability.report_period", kind)
        set_setting("accountability.report_due_days", str(days))
        audit.record("accountability.report_schedule", f"分析研判报告：{PERIODS[kind][0]}报送，期满后{days}日内",
                     actor=actor, object_type="accountability_schedule")


def periods(year: int) -> list[Period]:
    kind, days = schedule()
    count = PERIODS[kind][1]
    months = 12 // count
    found = []
    for number in range(1, count + 1):
        start = datetime(year, (number - 1) * months + 1, 1)
        end = datetime(year + (number * months) // 12, (number * months) % 12 + 1, 1)
        found.append(Period(year, number, kind, start, end, end + timedelta(days=days, minutes=-1)))
    return found


def period(year: int, number: int) -> Period | None:
    return next((p for p in periods(year) if p.number == number), None)


def key(p: Period) -> str:
    return f"{p.year}-{p.kind}-{p.number}"


def filed(p: Period) -> dict[int, Report]:
    return {r.department_id: r for r in Report.select().where(Report.period == key(p))}


def may_file(user, unit, year: int) -> bool:
    if not user.can("accountability.work"):
        return False
    return (user.can("accountability.manage") or user.department_id == unit.id
            or parties.holder(year, "unit_head", unit.id) == user.id)


def file(p: Period, unit, text: str, user):
    with database.atomic():
        Report.create(department=unit.id, period=key(p), text=text, filed_by=user.id)
        audit.record("accountability.report_filed", f"报送{p.label}网络意识形态分析研判报告：{unit.name}", actor=user,
                     object_type="accountability_report", object_id=unit.id)


def remind(at: datetime) -> int:
    """Remind each unit that has not filed: once in the days before the due date, once after it."""
    sent = 0
    for year in {at.year - 1, at.year}:
        for p in periods(year):
            if not (p.due - REMIND_BEFORE <= at < p.due + timedelta(days=MAX_DUE_DAYS)):
                continue
            stage = "due_soon" if at < p.due else "overdue"
            done = filed(p)
            held, _ = parties.holders(p.year)
            for unit in parties.units():
                owner = held.get(("unit_head", unit.id))
                if unit.id in done or owner is None:
                    continue
                sent += _claim_and_send(p, unit, stage, owner)
    return sent


def _claim_and_send(p: Period, unit, stage: str, owner: int) -> int:
    try:
        with database.atomic():
            ReportReminder.create(department=unit.id, period=key(p), stage=stage)
            due = p.due.strftime("%m月%d日")
            text = (f"请于{due}前报送{unit.name}{p.label}网络意识形态分析研判报告。" if stage == "due_soon"
                    else f"{unit.name}{p.label}网络意识形态分析研判报告已超过报送期限（{due}），请尽快报送。")
            notify(None, [owner], f"accountability_report_{stage}", text)
    except peewee.IntegrityError:
        return 0  # another tick claimed it
    return 1


def due_for(user, at: datetime) -> list[tuple[Period, object]]:
    """The reports ``user`` (a unit's 第一责任人 that year) has to file now: periods ended, not filed."""
    found = []
    for year in (at.year - 1, at.year):
        held, _ = parties.holders(year)
        if not any(duty == "unit_head" and holder == user.id for (duty, _), holder in held.items()):
            continue  # most people: no unit's list to read
        units = [u for u in parties.units() if held.get(("unit_head", u.id)) == user.id]
        for p in periods(year) if units else []:
            if p.end <= at < p.due + timedelta(days=MAX_DUE_DAYS):
                done = filed(p)
                found += [(p, u) for u in units if u.id not in done]
    return found
