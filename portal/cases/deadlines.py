"""The reply deadline of cases: the rule in portal.workdays, the bureau's settings, the display."""
from dataclasses import dataclass
from datetime import datetime

from portal.cases.models import CLOCK_STATES, Case, HolidaySchedule, WorkdayOverride
from portal.db import now
from portal.settings import get_setting
from portal.workdays import MODES, Deadline, WorkCalendar, deadline_status, describe_remaining, reply_deadline

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
