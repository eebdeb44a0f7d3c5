"""Reply-deadline rule (design/DEADLINES.md), checked against real chinesecalendar 2026 data.

2026 facts used (verified with chinese_calendar 1.11.0):
  Spring Festival: rest Sun 02-15 .. Mon 02-23; make-up working days Sat 02-14, Sat 02-28.
  National Day:    rest Thu 10-01 .. Wed 10-07; make-up working days Sun 09-20, Sat 10-10.
  March 2026 has no holidays (Mon 03-09 .. Fri 03-13 are ordinary working days).
  2027 is not covered by chinesecalendar 1.11.0: counted provisionally as Mon-Fri minus the
  holidays 《全国年节及纪念日放假办法》 fixes (portal.holidays; 元旦 Fri 2027-01-01).
"""
from datetime import date, datetime

import pytest

from portal.workdays import (
    MAX_REPLY_DAYS,
    REPLY_DAYS,
    Deadline,
    WorkCalendar,
    deadline_status,
    reply_deadline,
)


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm)


def ends(y, m, d, provisional=False):
    """Deadline whose last day is y-m-d (shown as "y年m月d日 24:00")."""
    last = date(y, m, d)
    return Deadline(due_at=datetime.fromordinal(last.toordinal() + 1), last_day=last,
                    provisional=provisional)


@pytest.mark.parametrize("posted_at, expected", [
    # Mon -> D+3 is Thu, an ordinary working day
    (at(2026, 3, 9), ends(2026, 3, 12)),
    # Wed -> D+3 is Sat -> rolls to Mon
    (at(2026, 3, 11), ends(2026, 3, 16)),
    # Mon 09-28 -> D+3 is Thu 10-01, National Day; rest runs to Wed 10-07 -> Thu 10-08
    (at(2026, 9, 28), ends(2026, 10, 8)),
    # Thu 02-12 -> D+3 is Sun 02-15, Spring Festival; rest includes Mon 02-23 -> Tue 02-24
    (at(2026, 2, 12), ends(2026, 2, 24)),
    # D+3 is a make-up working day (调休): no roll
    (at(2026, 10, 7), ends(2026, 10, 10)),   # Sat 10-10
    (at(2026, 2, 11), ends(2026, 2, 14)),    # Sat 02-14
    (at(2026, 9, 17), ends(2026, 9, 20)),    # Sun 09-20
    # the hour of posting never matters: the posting day is not counted
    (at(2026, 3, 9, 0, 1), ends(2026, 3, 12)),
    (at(2026, 3, 9, 23, 59), ends(2026, 3, 12)),
    (at(2026, 3, 9, 0, 0), ends(2026, 3, 12)),
    # last day of 2026 is covered by the data, so not provisional
    (at(2026, 12, 28), ends(2026, 12, 31)),
])
def test_calendar_mode(posted_at, expected):
    assert reply_deadline(posted_at) == expected


@pytest.mark.parametrize("posted_at, days, expected", [
    # Thu -> Fri, Mon, Tue
    (at(2026, 3, 12), 3, ends(2026, 3, 17)),
    # Fri -> Mon, Tue, Wed
    (at(2026, 3, 13), 3, ends(2026, 3, 18)),
    # Wed 09-30 -> rest 10-01..10-07, then Thu 10-08, Fri 10-09, Sat 10-10 (调休)
    (at(2026, 9, 30), 3, ends(2026, 10, 10)),
    # Fri 02-13 -> Sat 02-14 (调休), rest 02-15..02-23, Tue 02-24, Wed 02-25
    (at(2026, 2, 13), 3, ends(2026, 2, 25)),
    # extended to 5 working days: Fri 02-13 -> 02-14, 02-24, 02-25, 02-26, 02-27
    (at(2026, 2, 13), 5, ends(2026, 2, 27)),
    # posting hour is irrelevant in working mode too
    (at(2026, 3, 12, 23, 59), 3, ends(2026, 3, 17)),
    (at(2026, 3, 12, 0, 1), 3, ends(2026, 3, 17)),
])
def test_working_mode(posted_at, days, expected):
    assert reply_deadline(posted_at, days=days, mode="working") == expected


@pytest.mark.parametrize("posted_at, mode, expected", [
    # no 2027 data: Mon-Fri minus the statutory holidays, flagged provisional
    (at(2027, 3, 8), "calendar", ends(2027, 3, 11, provisional=True)),    # Mon -> Thu
    (at(2027, 3, 10), "calendar", ends(2027, 3, 15, provisional=True)),   # Wed -> Sat -> Mon
    # Tue 2026-12-29 -> Fri 2027-01-01 is 元旦, then the weekend -> Mon 2027-01-04 (issue 14)
    (at(2026, 12, 29), "calendar", ends(2027, 1, 4, provisional=True)),
    # Wed 2026-12-30 -> Sat 2027-01-02 -> Mon 2027-01-04
    (at(2026, 12, 30), "calendar", ends(2027, 1, 4, provisional=True)),
    # working mode: Thu 2026-12-31 (known), Fri 01-01 元旦 skipped, Mon 01-04, Tue 01-05
    (at(2026, 12, 30), "working", ends(2027, 1, 5, provisional=True)),
    # Tue 2027-02-02 -> Fri 02-05 is 除夕: 春节 runs to Mon 02-08 -> Tue 02-09
    (at(2027, 2, 2), "calendar", ends(2027, 2, 9, provisional=True)),
    # Fri 2027-04-02 -> Mon 04-05 is 清明 -> Tue 04-06
    (at(2027, 4, 2), "calendar", ends(2027, 4, 6, provisional=True)),
    # Sun 2027-06-06 -> Wed 06-09 is 端午 -> Thu 06-10
    (at(2027, 6, 6), "calendar", ends(2027, 6, 10, provisional=True)),
    # Sun 2027-09-12 -> Wed 09-15 is 中秋 -> Thu 09-16
    (at(2027, 9, 12), "calendar", ends(2027, 9, 16, provisional=True)),
    # Tue 2027-09-28 -> Fri 10-01 国庆 .. Sun 10-03 -> Mon 10-04 (补假 awaits the schedule)
    (at(2027, 9, 28), "calendar", ends(2027, 10, 4, provisional=True)),
    # Wed 2027-04-28 -> Sat 05-01 劳动节, Sun 05-02 -> Mon 05-03
    (at(2027, 4, 28), "calendar", ends(2027, 5, 3, provisional=True)),
])
def test_uncovered_year_counts_the_statutory_holidays(posted_at, mode, expected):
    assert reply_deadline(posted_at, mode=mode) == expected


NEW_YEAR_2027 = {  # as an admin would enter it once the calendar is published
    date(2027, 1, 1): False, date(2027, 1, 2): False,
    date(2027, 1, 3): False, date(2027, 1, 4): True,
}


@pytest.mark.parametrize("overrides, posted_at, expected", [
    # Tue 2026-12-29 -> D+3 is Fri 2027-01-01, entered as a holiday -> Mon 01-04, all entered
    (NEW_YEAR_2027, at(2026, 12, 29), ends(2027, 1, 4)),
    # only the Friday entered: still honoured, but the weekend after it is guessed
    ({date(2027, 1, 1): False}, at(2026, 12, 29), ends(2027, 1, 4, provisional=True)),
    # an entered 2027 Saturday make-up day is a working day and not provisional
    ({date(2027, 3, 13): True}, at(2027, 3, 10), ends(2027, 3, 13)),
    # 2026: override beats chinesecalendar
    ({date(2026, 3, 12): False}, at(2026, 3, 9), ends(2026, 3, 13)),    # ordinary Thu -> holiday
    ({date(2026, 10, 10): False}, at(2026, 10, 7), ends(2026, 10, 12)),  # 调休 Sat cancelled
    ({date(2026, 10, 1): True}, at(2026, 9, 28), ends(2026, 10, 1)),    # holiday made a workday
])
def test_overrides_win(overrides, posted_at, expected):
    assert reply_deadline(posted_at, calendar=WorkCalendar(overrides)) == expected


@pytest.mark.parametrize("overrides, day, expected", [
    ({}, date(2026, 10, 10), (True, False)),        # 调休 Saturday
    ({}, date(2026, 10, 1), (False, False)),        # National Day
    ({}, date(2027, 1, 1), (False, True)),          # uncovered year: 元旦, a Friday
    ({}, date(2027, 1, 4), (True, True)),           # uncovered year, ordinary Monday
    ({}, date(2027, 1, 2), (False, True)),          # uncovered year, weekend
    (NEW_YEAR_2027, date(2027, 1, 1), (False, False)),
    ({date(2026, 10, 1): True}, date(2026, 10, 1), (True, False)),
])
def test_is_workday(overrides, day, expected):
    assert WorkCalendar(overrides).is_workday(day) == expected


@pytest.mark.parametrize("days, expected", [
    (REPLY_DAYS, ends(2026, 3, 12)),        # Mon 03-09 + 3 -> Thu
    (4, ends(2026, 3, 13)),                 # -> Fri
    (MAX_REPLY_DAYS, ends(2026, 3, 16)),    # -> Sat 03-14 -> rolls to Mon 03-16
])
def test_extension_within_cap(days, expected):
    assert reply_deadline(at(2026, 3, 9), days=days) == expected


@pytest.mark.parametrize("kwargs, message", [
    ({"days": 6}, "延期后的办理时限不得超过5日"),
    ({"days": 6, "mode": "working"}, "延期后的办理时限不得超过5日"),
    ({"days": 0}, "办理时限至少为1日"),
    ({"mode": "business"}, "未知的时限计算方式"),
])
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        reply_deadline(at(2026, 3, 9), **kwargs)


DUE = datetime(2026, 3, 13, 0, 0)  # 2026年3月12日 24:00


@pytest.mark.parametrize("now, stopped_at, expected", [
    (datetime(2026, 3, 10, 12, 0), None, "ok"),
    (datetime(2026, 3, 12, 0, 0), None, "ok"),             # exactly 24h left
    (datetime(2026, 3, 12, 1, 0), None, "due_soon"),       # 23h left
    (datetime(2026, 3, 12, 23, 59), None, "due_soon"),
    (DUE, None, "overdue"),                                # 24:00 has passed
    (datetime(2026, 3, 14, 9, 0), None, "overdue"),
    (datetime(2026, 3, 14, 9, 0), datetime(2026, 3, 12, 23, 59), "met"),
    (datetime(2026, 3, 14, 9, 0), DUE, "met"),              # replied at 24:00 sharp
    (datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 10, 8, 0), "met"),
    (datetime(2026, 3, 14, 9, 0), datetime(2026, 3, 13, 0, 1), "late"),
])
def test_deadline_status(now, stopped_at, expected):
    assert deadline_status(DUE, now, stopped_at) == expected
