"""The holidays fixed in advance by 《全国年节及纪念日放假办法》 (as amended by 国务院令第795号) and a
year's official schedule entered by an administrator (portal.holidays)."""
from datetime import date, datetime

import chinese_calendar
import pytest

from portal.holidays import ScheduleError, parse_schedule, qingming, statutory_holidays
from portal.workdays import WorkCalendar, is_published, reply_deadline


def d(m, day, y=2027):
    return date(y, m, day)


# 2027 by the law's own words, worked out by hand from a printed almanac (农历 and 节气).
STATUTORY_2027 = {
    d(1, 1): "元旦",
    d(2, 5): "春节", d(2, 6): "春节", d(2, 7): "春节", d(2, 8): "春节",  # 除夕 02-05, 正月初一 02-06
    d(4, 5): "清明节",
    d(5, 1): "劳动节", d(5, 2): "劳动节",
    d(6, 9): "端午节",  # 五月初五
    d(9, 15): "中秋节",  # 八月十五
    d(10, 1): "国庆节", d(10, 2): "国庆节", d(10, 3): "国庆节",
}


def test_the_statutory_holidays_of_2027():
    assert statutory_holidays(2027) == STATUTORY_2027


@pytest.mark.parametrize("year, day", [
    (2024, date(2024, 4, 4)), (2025, date(2025, 4, 4)), (2026, date(2026, 4, 5)),
    (2027, date(2027, 4, 5)), (2028, date(2028, 4, 4)), (2029, date(2029, 4, 4)), (2030, date(2030, 4, 5)),
])
def test_qingming(year, day):
    assert qingming(year) == day


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_holiday_is_a_rest_day_in_the_official_schedules(year):
    """Since the 2024 amendment, the State Council's schedules (chinesecalendar's data) rest on
    every day the law fixes: the rule guesses no working day a schedule would have given."""
    assert statutory_holidays(year)
    for day, name in statutory_holidays(year).items():
        assert not chinese_calendar.is_workday(day), (day, name)


def test_a_year_outside_the_lunar_tables_has_no_holidays_rather_than_an_error():
    assert statutory_holidays(2150) == {}


# An administrator enters a year's official schedule -----------------------------------------

SCHEDULE_2027 = {  # invented for the tests; the real one is published around November 2026
    "rest": "2027-01-01至2027-01-03 元旦\n2027-02-05至2027-02-12 春节\n\n2027/4/5 清明节",
    "work": "2027-02-13 春节调休\n2027年2月20日 春节调休",
}


def test_a_schedule_is_read_with_ranges_notes_and_several_date_forms():
    rest, work = parse_schedule(2027, SCHEDULE_2027["rest"], SCHEDULE_2027["work"])
    assert sorted(rest) == [d(1, 1), d(1, 2), d(1, 3)] + [d(2, n) for n in range(5, 13)] + [d(4, 5)]
    assert rest[d(2, 9)] == "春节" and rest[d(4, 5)] == "清明节"
    assert work == {d(2, 13): "春节调休", d(2, 20): "春节调休"}


@pytest.mark.parametrize("year, rest, work, problems", [
    (2027, "2027-02-30", "", ["放假日期第1行：2027-02-30 不是有效日期。"]),
    (2027, "明年元旦", "", ["放假日期第1行“明年元旦”看不懂：请写成“2027-01-01”或“2027-02-05至2027-02-11”，后面可空格加说明。"]),
    (2027, "2027-02-11至2027-02-05", "", ["放假日期第1行：结束日期早于开始日期。"]),
    (2027, "2028-01-01", "", ["放假日期第1行：日期须在2026年12月1日至2027年12月31日之间。"]),
    (2027, "2027-01-01", "2027-01-01", ["1月1日既在放假日期中，又在调休上班日期中。",
                                        "调休上班日期1月1日是星期五，本来就是工作日。"]),
    (2027, "2027-01-01", "2027-01-06", ["调休上班日期1月6日是星期三，本来就是工作日。"]),
    (2027, "", "", ["请填写放假日期：国务院公布的安排至少有元旦、春节等假日。"]),
    (2027, "2027-01-01至2027-03-01", "", ["放假日期第1行：一段放假不会超过31天，请检查日期。"]),
    (1800, "1800-01-01", "", ["请填写正确的年份。"]),
    # every problem at once, each with its line
    (2027, "2027-01-01\n2027-13-01\nfoo", "2027-02-13\n2027-02-15",
     ["放假日期第2行：2027-13-01 不是有效日期。",
      "放假日期第3行“foo”看不懂：请写成“2027-01-01”或“2027-02-05至2027-02-11”，后面可空格加说明。",
      "调休上班日期2月15日是星期一，本来就是工作日。"]),
])
def test_a_bad_schedule_is_refused_with_every_problem(year, rest, work, problems):
    with pytest.raises(ScheduleError) as refused:
        parse_schedule(year, rest, work)
    assert refused.value.problems == problems


def test_an_entered_year_is_counted_from_its_schedule_alone_and_is_final():
    rest, work = parse_schedule(2027, SCHEDULE_2027["rest"], SCHEDULE_2027["work"])
    overrides = {**{day: False for day in rest}, **{day: True for day in work}}
    calendar = WorkCalendar(overrides, official_years=[2027])
    # Tue 2027-02-09 + 3 = Fri 02-12, rest; Sat 02-13 is a make-up working day
    assert reply_deadline(datetime(2027, 2, 9, 9), calendar=calendar).last_day == d(2, 13)
    # 劳动节 is not in this invented schedule: 05-03 (Mon) is a working day, and final
    deadline = reply_deadline(datetime(2027, 4, 30, 9), calendar=calendar)
    assert (deadline.last_day, deadline.provisional) == (d(5, 3), False)
    # without the schedule the same case counts 05-01/02 as holidays, provisionally
    assert reply_deadline(datetime(2027, 4, 29, 9)).provisional


def test_which_years_the_library_covers():
    assert is_published(2026) and not is_published(2027)
