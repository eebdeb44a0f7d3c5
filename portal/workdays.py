"""Reply deadlines for netizen messages (see design/DEADLINES.md).

Counting follows 《民法典》201-203: the posting day is not counted, the last day ends
at 24:00, and a last day that is a statutory rest day rolls to the next working day.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

from portal.holidays import statutory_holidays

REPLY_DAYS = 3
MAX_REPLY_DAYS = 5
DUE_SOON = timedelta(days=1)
MODES = ("calendar", "working")

ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=4096)
def _published_workday(day: date) -> tuple[bool, bool]:
    """(is_workday, provisional) from chinesecalendar; for a year it does not cover, Mon-Fri
    minus the holidays the law fixes in advance (portal.holidays), provisional."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5 and day not in statutory_holidays(day.year), True


def is_published(year: int) -> bool:
    """Whether chinesecalendar holds the State Council's schedule for ``year``."""
    return not _published_workday(date(year, 6, 1))[1]


class WorkCalendar:
    """Working days per chinesecalendar, corrected by admin overrides (date -> is_workday).

    For a year in ``official_years`` an administrator entered the whole official schedule
    (its rest days and make-up working days are the overrides): every other day of it is an
    ordinary weekday or weekend, and nothing in it is provisional.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None, official_years=()):
        self._overrides = dict(overrides or {})
        self._official_years = frozenset(official_years)

    def is_workday(self, day: date) -> tuple[bool, bool]:
        """Return (is_workday, provisional); an override is never provisional."""
        if day in self._overrides:
            return bool(self._overrides[day]), False
        if day.year in self._official_years:
            return day.weekday() < 5, False
        return _published_workday(day)

    def next_workday(self, day: date) -> tuple[date, bool]:
        """First working day on or after `day`; provisional if any day examined was."""
        provisional = False
        while True:
            working, guessed = self.is_workday(day)
            provisional = provisional or guessed
            if working:
                return day, provisional
            day += ONE_DAY


@dataclass(frozen=True)
class Deadline:
    due_at: datetime  # 00:00 of the day after last_day, i.e. last_day 24:00
    last_day: date  # shown to users as "YYYY年M月D日 24:00"
    provisional: bool  # some day involved has no published calendar yet


def reply_deadline(
    posted_at: datetime,
    days: int = REPLY_DAYS,
    mode: str = "calendar",
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """Deadline for replying to a message posted at `posted_at` (naive local time)."""
    if days < 1:
        raise ValueError("办理时限至少为1日")
    if days > MAX_REPLY_DAYS:
        raise ValueError(f"延期后的办理时限不得超过{MAX_REPLY_DAYS}日")
    if mode not in MODES:
        raise ValueError(f"未知的时限计算方式：{mode}（应为 calendar 或 working）")
    calendar = calendar or WorkCalendar()
    start = posted_at.date()  # the posting day itself is never counted

    if mode == "calendar":
        last_day, provisional = calendar.next_workday(start + days * ONE_DAY)
    else:
        last_day, provisional, counted = start, False, 0
        while counted < days:
            last_day, guessed = calendar.next_workday(last_day + ONE_DAY)
            provisional = provisional or guessed
            counted += 1

    due_at = datetime.combine(last_day + ONE_DAY, time.min)
    return Deadline(due_at=due_at, last_day=last_day, provisional=provisional)


def deadline_status(due_at: datetime, now: datetime, stopped_at: datetime | None = None) -> str:
    """One of "met"/"late" (replied, clock stopped), else "overdue"/"due_soon"/"ok"."""
    if stopped_at is not None:
        return "met" if stopped_at <= due_at else "late"
    if now >= due_at:
        return "overdue"
    if due_at - now < DUE_SOON:
        return "due_soon"
    return "ok"
