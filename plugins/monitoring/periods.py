"""The calendar of sensitive periods (特殊时期, 细则 第八条2(1); 预案 三): set by the office; the
grading plugin asks it through the hook portal_sensitive_period."""
from datetime import timedelta

from portal.plugin_api import Field, InputError, audit, bump, database, read

from plugins.monitoring.models import PERIOD_KINDS, Period

LONGEST = timedelta(days=92)


FIELDS = (
    Field("name", "时期名称", "text", 60, required=True, placeholder="如：全国两会、国庆节、某矿难周年"),
    Field("kind", "类型", "choice", required=True, choices=list(PERIOD_KINDS.items()), default="meeting"),
    Field("starts_at", "开始时间", "datetime", required=True, hint="北京时间；含该时刻。"),
    Field("ends_at", "结束时间", "datetime", required=True, hint="北京时间；到该时刻结束（不含）。"),
    Field("note", "说明", "text", 200),
)


def check_span(values) -> str | None:
    if values["ends_at"] <= values["starts_at"]:
        return "结束时间须晚于开始时间。"
    if values["ends_at"] - values["starts_at"] > LONGEST:
        return f"一个特殊时期不能超过{LONGEST.days}天；更长的请分段设置。"
    return None


def _read(form, record=None) -> dict:
    """The fields, then the span (a field sees only itself)."""
    values = read(FIELDS, form, record=record)
    if reason := check_span(values):
        raise InputError(reason)
    return values


def add(actor, form) -> Period:
    values = _read(form)
    with database.atomic():
        period = Period.create(created_by=actor.id if actor else None, **values)
        audit.record("monitoring.period_added", f"设置特殊时期：{describe(period)}", actor=actor, obj=period)
    return period


def edit(period, actor, form, version) -> Period:
    values = _read(form, period)
    with database.atomic():
        bump(period, version, **values)
        audit.record("monitoring.period_edited", f"修改特殊时期：{describe(period)}", actor=actor, obj=period)
    return period


def remove(period, actor, version):
    with database.atomic():
        bump(period, version)  # the version check: a period someone changed since is not deleted blind
        Period.delete().where(Period.id == period.id).execute()
        audit.record("monitoring.period_removed", f"删除特殊时期：{describe(period)}", actor=actor, obj=period)


def describe(period) -> str:
    return f"{period.name}（{period.starts_at:%Y-%m-%d %H:%M}至{period.ends_at:%Y-%m-%d %H:%M}）"


def covering(moment):
    """The period covering ``moment`` (the earliest-starting when several overlap), or None."""
    return (Period.select().where((Period.starts_at <= moment) & (Period.ends_at > moment))
            .order_by(Period.starts_at, Period.id).first())


def upcoming(moment, limit=20):
    """Periods not yet over at ``moment``, soonest first."""
    return list(Period.select().where(Period.ends_at > moment).order_by(Period.starts_at).limit(limit))
