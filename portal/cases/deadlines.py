"""The reply deadline of cases: the rule in portal.workdays, the bureau's settings, the display."""
from dataclasses import dataclass
from datetime import date, datetime

from portal.cases.models import CLOCK_STATES, Case, HolidaySchedule, WorkdayOverride
from portal.db import now
from portal.holidays import parse_schedule, spans, statutory_holidays
from portal.settings import get_setting
from portal.workdays import (MODES, Deadline, WorkCalendar, deadline_status, describe_remaining, is_published,
                             reply_deadline)

MODE_LABELS = {"calendar": "自然日", "working": "工作日"}
STATUS_LABELS = {"ok": "正常", "due_soon": "即将到期", "overdue": "已超期", "met": "按期回复", "late": "超期回复"}


def deadline_mode() -> str:
    mode = get_setting("deadline_mode", "calendar")
    return mode if mode in MODES else "calendar"


def work_calendar() -> WorkCalendar:
    return WorkCalendar({o.day: o.is_workday for o in WorkdayOverride.select()},
                        official_years=[s.year for s in HolidaySchedule.select(HolidaySchedule.year)])


def compute_deadline(posted_at: datetime, days: int, calendar: WorkCalendar | None = None) -> Deadline:
    return reply_deadline(posted_at, days, deadline_mode(), calendar or work_calendar())


def recompute_open_deadlines() -> int:
    """Recompute every open case's deadline (after the calendar or the mode changed).

    Returns how many deadlines moved. A case whose deadline moves later may warn again.
    """
    calendar = work_calendar()
    moved = 0
    from portal.db import database

    # FOR UPDATE on PostgreSQL: an extension approved meanwhile waits, then sees the new rule.
    for case in list(Case.select().where(Case.state.in_(CLOCK_STATES)).for_update(database.for_update)):
        deadline = compute_deadline(case.posted_at, case.deadline_days, calendar)
        if deadline.due_at != case.due_at or deadline.provisional != case.due_provisional:
            changes = {Case.due_at: deadline.due_at, Case.due_provisional: deadline.provisional}
            if deadline.due_at > case.due_at:
                changes.update({Case.due_soon_fired_at: None, Case.overdue_fired_at: None})
            Case.update(changes).where(Case.id == case.id).execute()
            moved += 1
    return moved


def enter_schedule(user, year: int, rest_text: str, work_text: str) -> tuple[int, int, int]:
    """Make ``year``'s official schedule the calendar: its rest days and make-up working days
    replace every adjustment of that year, and its deadlines stop being provisional.

    Returns (rest days, make-up days, deadlines moved); ScheduleError lists every problem.
    """
    from portal import audit
    from portal.db import database

    rest, work = parse_schedule(year, rest_text, work_text)
    first, last = date(year, 1, 1), date(year, 12, 31)
    with database.atomic():
        WorkdayOverride.delete().where(WorkdayOverride.day.between(first, last)).execute()
        days = {**{day: (False, note) for day, note in rest.items()}, **{day: (True, note) for day, note in work.items()}}
        for day, (is_workday, note) in sorted(days.items()):  # December of the year before may be in it
            note = note or f"{year}年节假日安排"
            WorkdayOverride.insert(day=day, is_workday=is_workday, note=note).on_conflict(
                conflict_target=[WorkdayOverride.day],
                update={WorkdayOverride.is_workday: is_workday, WorkdayOverride.note: note}).execute()
        HolidaySchedule.insert(year=year, entered_by=user.id, entered_at=now()).on_conflict(
            conflict_target=[HolidaySchedule.year],
            update={HolidaySchedule.entered_by: user.id, HolidaySchedule.entered_at: now()}).execute()
        moved = recompute_open_deadlines()
        audit.record("calendar.changed", f"录入{year}年节假日安排：放假{len(rest)}天，调休上班{len(work)}天",
                     moved=moved, year=year)
    return len(rest), len(work), moved


def remove_schedule(year: int) -> int:
    """Forget ``year``'s entered schedule (and its days): the year is counted as before, provisionally
    where chinesecalendar does not cover it. Returns the deadlines moved; 0 rows is LookupError."""
    from portal import audit
    from portal.db import database

    with database.atomic():
        if not HolidaySchedule.delete().where(HolidaySchedule.year == year).execute():
            raise LookupError(year)
        WorkdayOverride.delete().where(WorkdayOverride.day.between(date(year, 1, 1), date(year, 12, 31))).execute()
        moved = recompute_open_deadlines()
        audit.record("calendar.changed", f"删除了{year}年节假日安排", moved=moved, year=year)
    return moved


def year_status(years) -> list[dict]:
    """For the admin page: how each year is counted, and the holidays the law fixes in it."""
    entered = {s.year: s for s in HolidaySchedule.select().where(HolidaySchedule.year.in_(list(years)))}
    rows = []
    for year in years:
        kind = "entered" if year in entered else "published" if is_published(year) else "provisional"
        rows.append({"year": year, "kind": kind, "schedule": entered.get(year),
                     "statutory": spans(statutory_holidays(year))})
    return rows


@dataclass(frozen=True)
class DeadlineView:
    """What a user sees of a case's deadline."""
    status: str
    label: str
    due_text: str
    remaining: str
    provisional: bool


def view(case: Case, at: datetime | None = None) -> DeadlineView:
    at = at or now()
    stopped = case.replied_at if case.replied_at else None
    if stopped is None and case.state not in CLOCK_STATES:  # rejected, or archived unreplied
        return DeadlineView("closed", "已办结", "", "", False)
    status = deadline_status(case.due_at, at, stopped)
    last_day = case.due_at.date().fromordinal(case.due_at.date().toordinal() - 1)
    due_text = f"{last_day.year}年{last_day.month}月{last_day.day}日 24:00"
    remaining = "" if stopped else describe_remaining(case.due_at, at)
    return DeadlineView(status, STATUS_LABELS[status], due_text, remaining, case.due_provisional)
