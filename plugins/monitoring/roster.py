"""The 24-hour duty roster of each sensitive period (细则 第八条2(1): 特殊时期安排专人24小时监控):
shifts with named monitors, handover notes, who is on duty now, the gaps the office must fill."""
from datetime import timedelta

from portal.plugin_api import Field, InputError, User, audit, bump, database, now, read, users_with_roles

from plugins.monitoring.models import Shift

LONGEST_SHIFT = timedelta(hours=24)
DUTY_ROLES = ("monitor", "office")


def gaps(start, end, shifts) -> list[tuple]:
    """The stretches of [start, end) that no shift covers: [(from, to)], in order. ``shifts``:
    anything with ``starts_at`` and ``ends_at``."""
    found, reached = [], start
    for s in sorted(shifts, key=lambda s: s.starts_at):
        if s.starts_at > reached:
            found.append((reached, min(s.starts_at, end)))
        reached = max(reached, s.ends_at)
        if reached >= end:
            break
    if reached < end:
        found.append((reached, end))
    return [(a, b) for a, b in found if a < b]


def period_gaps(period) -> list[tuple]:
    return gaps(period.starts_at, period.ends_at, list(period.shifts))


def on_duty(at) -> list:
    """Who is alerted at ``at``: the monitors of the shifts covering it; the office when none does."""
    people = list(User.select().join(Shift, on=(Shift.monitor == User.id))
                  .where((Shift.starts_at <= at) & (Shift.ends_at > at) & User.active).distinct())
    return people or users_with_roles(("office",))


def current_shifts(at) -> list[Shift]:
    return list(Shift.select(Shift, User.id, User.name).join(User).where((Shift.starts_at <= at) & (Shift.ends_at > at))
                .order_by(Shift.starts_at))


def monitors(_record=None) -> list[tuple]:
    return [(u.id, f"{u.name}（{u.department.name}）") for u in users_with_roles(DUTY_ROLES)]


FIELDS = (
    Field("monitor", "值班人员", "choice", required=True, choices=monitors),
    Field("starts_at", "接班时间", "datetime", required=True),
    Field("ends_at", "交班时间", "datetime", required=True),
)
HANDOVER = Field("handover", "交接班记录", "textarea", 2000, required=True, rows=4,
                 hint="本班监测到的情况、已登记的线索、需下一班继续关注的事项。")


def add_shift(period, actor, form) -> Shift:
    v = read(FIELDS, form, record=period)
    if v["ends_at"] <= v["starts_at"]:
        raise InputError("交班时间须晚于接班时间。")
    if v["ends_at"] - v["starts_at"] > LONGEST_SHIFT:
        raise InputError("一个班次不能超过24小时。")
    if v["starts_at"] < period.starts_at or v["ends_at"] > period.ends_at:
        raise InputError(f"班次须在特殊时期之内（{period.starts_at:%m-%d %H:%M}至{period.ends_at:%m-%d %H:%M}）。")
    with database.atomic():
        shift = Shift.create(period=period.id, **v)
        who = User.get_by_id(v["monitor"])
        audit.record("monitoring.shift_added", f"{period.name}值班：{who.name} {describe(shift)}", actor=actor, obj=shift)
    return shift


def remove_shift(shift, actor, version):
    with database.atomic():
        bump(shift, version)
        Shift.delete().where(Shift.id == shift.id).execute()
        audit.record("monitoring.shift_removed", f"取消值班：{shift.monitor.name} {describe(shift)}",
                     actor=actor, obj=shift)


def may_hand_over(shift, user) -> bool:
    return shift.monitor_id == user.id or user.can("monitoring.manage")


def hand_over(shift, actor, form, version) -> Shift:
    if not may_hand_over(shift, actor):
        raise InputError("只有本班值班人员或办公室可以填写交接班记录。")
    text = read((HANDOVER,), form)["handover"]
    with database.atomic():
        bump(shift, version, handover=text, handover_at=now())
        audit.record("monitoring.handover", f"交接班记录：{shift.monitor.name} {describe(shift)}", actor=actor, obj=shift)
    return shift


def describe(shift) -> str:
    return f"{shift.starts_at:%m-%d %H:%M}至{shift.ends_at:%m-%d %H:%M}"
