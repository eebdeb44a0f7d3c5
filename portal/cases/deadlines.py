"""The reply deadline of cases: the rule in portal.workdays, the bureau's settings, the display."""
from typing import NamedTuple
from datetime import date, datetime, time, timedelta

from portal.cases.models import CLOCK_STATES, Case, HolidaySchedule, WorkdayOverride
from portal.db import now
from portal.holidays import parse_schedule, spans, statutory_holidays
from portal.settings import get_setting
from portal.workdays import MODES, Deadline, WorkCalendar, deadline_status, is_published, reply_deadline

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


# How a deadline is said, everywhere: lists, the case page, the dossier, the 通报, notifications.

class DeadlineText(NamedTuple):  # a tuple: 50 made for each page of a list
    due: str  # "11月24日24:00前答复", "2027年1月4日24:00前答复（暂定）"
    progress: str  # "剩余1天5小时", "已超期2天19小时", "已按期回复", "超期2天19小时后回复"

    @property
    def text(self) -> str:
        return f"{self.due}，{self.progress}" if self.progress else self.due


def span(delta: timedelta) -> str:
    """Whole days and hours ("2天19小时", "3天", "5小时"); minutes only under an hour."""
    hours_total = int(delta.total_seconds() // 3600)
    days, hours = divmod(hours_total, 24)
    if days or hours:
        return (f"{days}天" if days else "") + (f"{hours}小时" if hours else "")
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes}分钟" if minutes else "不足1分钟"


def describe_deadline(due_at: datetime, at: datetime, stopped_at: datetime | None = None,
                      provisional: bool = False) -> DeadlineText:
    """The one way of saying a deadline and where a case stands against it.

    ``due_at`` 00:00 is said as 24:00 of the day before (the law's "last day ends at 24:00");
    the year is said only when it is not the year of ``at``.
    """
    day, clock_time = due_at.date(), due_at.strftime("%H:%M")
    if due_at.time() == time.min:
        day, clock_time = day - timedelta(days=1), "24:00"
    year = f"{day.year}年" if day.year != at.year else ""
    due = f"{year}{day.month}月{day.day}日{clock_time}前答复" + ("（暂定）" if provisional else "")
    if stopped_at is not None:
        progress = "已按期回复" if stopped_at <= due_at else f"超期{span(stopped_at - due_at)}后回复"
    elif at >= due_at:
        progress = "已超期" + span(at - due_at)
    else:
        progress = "剩余" + span(due_at - at)
    return DeadlineText(due, progress)


class DeadlineView(NamedTuple):
    """What a user sees of a case's deadline."""
    status: str
    label: str
    due: str
    progress: str
    provisional: bool

    @property
    def text(self) -> str:
        return DeadlineText(self.due, self.progress).text


def view(case: Case, at: datetime | None = None) -> DeadlineView:
    at = at or now()
    stopped = case.replied_at if case.replied_at else None
    if stopped is None and case.state not in CLOCK_STATES:  # rejected, or archived unreplied
        return DeadlineView("closed", "已办结", "", "", False)
    status = deadline_status(case.due_at, at, stopped)
    said = describe_deadline(case.due_at, at, stopped, case.due_provisional)
    return DeadlineView(status, STATUS_LABELS[status], said.due, said.progress, case.due_provisional)
