"""Public holidays: those the law fixes in advance, and a year's official schedule as entered.

《全国年节及纪念日放假办法》第二条 (as amended by 国务院令第795号, in force 2025-01-01) fixes
the holidays of every citizen: 元旦 1 day (1月1日); 春节 4 days (农历除夕、正月初一至初三);
清明节 1 day (农历清明当日); 劳动节 2 days (5月1日、2日); 端午节 1 day (农历端午当日);
中秋节 1 day (农历中秋当日); 国庆节 3 days (10月1日至3日). Which weekdays are given as 补假
(第六条) and which weekends are worked instead (调休, 第七条) the State Council announces each
year; until then a year counted from these fixed days alone is provisional (暂定).
"""
import re
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from lunardate import LunarDate

ONE_DAY = timedelta(days=1)


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def qingming(year: int) -> date:
    """The day of the 清明 solar term (the sun at 15° ecliptic longitude), Beijing time."""
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    return next(day for day, name in terms if name == "清明")


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[date, str]:
    """{day: festival} of the rest days 第二条 fixes for ``year``; {} outside 1901-2099."""
    try:
        spring = _lunar(year, 1, 1)
        days = {date(year, 1, 1): "元旦"}
        days.update({spring + i * ONE_DAY: "春节" for i in range(-1, 3)})  # 除夕 is the eve of 正月初一
        days[qingming(year)] = "清明节"
        days.update({date(year, 5, 1): "劳动节", date(year, 5, 2): "劳动节"})
        days[_lunar(year, 5, 5)] = "端午节"
        days[_lunar(year, 8, 15)] = "中秋节"
        days.update({date(year, 10, d): "国庆节" for d in (1, 2, 3)})
    except (ValueError, StopIteration):  # beyond the lunar tables
        return {}
    return days


def spans(days: dict[date, str]) -> list[str]:
    """Consecutive days of one festival as one phrase: ["元旦 1月1日", "春节 2月5日至2月8日", …]."""
    out, run = [], []
    for day in sorted(days):
        if run and (day - run[-1] != ONE_DAY or days[day] != days[run[0]]):
            out.append(_span(days[run[0]], run))
            run = []
        run.append(day)
    if run:
        out.append(_span(days[run[0]], run))
    return out


def _span(name: str, run: list[date]) -> str:
    first, last = run[0], run[-1]
    text = f"{first.month}月{first.day}日" + (f"至{last.month}月{last.day}日" if last != first else "")
    return f"{name} {text}".strip()


# A year's official schedule, pasted by an administrator ------------------------------------

DAY = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
LINE = re.compile(rf"^{DAY}(?:\s*(?:至|~|～|—|－|到)\s*{DAY})?(?:\s+(.*))?$")
MAX_NOTE = 100


class ScheduleError(ValueError):
    """Every problem found in a pasted schedule, each a Chinese sentence."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def _day(label: str, n: int, y: str, m: str, d: str) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise ScheduleError([f"{label}第{n}行：{y}-{m}-{d} 不是有效日期。"]) from None


def _lines(label: str, text: str, year: int, problems: list[str]) -> dict[date, str]:
    days: dict[date, str] = {}
    first, last = date(year - 1, 12, 1), date(year, 12, 31)
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = LINE.match(line)
        if not match:
            problems.append(f"{label}第{n}行“{line[:30]}”看不懂：请写成“2027-01-01”或“2027-02-05至2027-02-11”，"
                            "后面可空格加说明。")
            continue
        g = match.groups()
        try:
            start = _day(label, n, *g[0:3])
            end = _day(label, n, *g[3:6]) if g[3] else start
        except ScheduleError as exc:
            problems.extend(exc.problems)
            continue
        note = (g[6] or "").strip()
        if end < start:
            problems.append(f"{label}第{n}行：结束日期早于开始日期。")
        elif not (first <= start and end <= last):
            problems.append(f"{label}第{n}行：日期须在{year - 1}年12月1日至{year}年12月31日之间。")
        elif (end - start).days > 30:
            problems.append(f"{label}第{n}行：一段放假不会超过31天，请检查日期。")
        elif len(note) > MAX_NOTE:
            problems.append(f"{label}第{n}行：说明不能超过{MAX_NOTE}个字。")
        else:
            day = start
            while day <= end:
                days[day] = note
                day += ONE_DAY
    return days


WEEKDAYS = "一二三四五六日"


def parse_schedule(year: int, rest_text: str, work_text: str) -> tuple[dict[date, str], dict[date, str]]:
    """({rest day: note}, {make-up working day: note}) of ``year``'s official schedule.

    Raises ScheduleError listing every problem: unreadable lines, impossible dates, dates
    outside the year, a day on both lists, a 调休上班 day that is not a weekend.
    """
    problems: list[str] = []
    if not 1901 <= year <= 2099:
        raise ScheduleError(["请填写正确的年份。"])
    rest = _lines("放假日期", rest_text, year, problems)
    work = _lines("调休上班日期", work_text, year, problems)
    for day in sorted(set(rest) & set(work)):
        problems.append(f"{day.month}月{day.day}日既在放假日期中，又在调休上班日期中。")
    for day in sorted(work):
        if day.weekday() < 5:
            problems.append(f"调休上班日期{day.month}月{day.day}日是星期{WEEKDAYS[day.weekday()]}，本来就是工作日。")
    if not rest and not problems:
        problems.append("请填写放假日期：国务院公布的安排至少有元旦、春节等假日。")
    if problems:
        raise ScheduleError(problems)
    return rest, work
