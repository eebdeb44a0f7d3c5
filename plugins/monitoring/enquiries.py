"""Media enquiries (媒体采访/问询, 预案 二: 任何单位和个人不得擅自接受媒体采访): whoever received one records
it (outlet, reporter, contact, what they ask, who received it and when); the response group (the
office) is notified, answers it with an approved statement — the version in force is chosen and
recorded — and closes it."""
from peewee import fn

from portal.plugin_api import (Field, InputError, User, audit, bump, compiled, database, notify, now, read,
                               users_with_roles)

from plugins.monitoring import statements
from plugins.monitoring.models import Enquiry, Statement, StatementVersion


def _not_future(value, _record):
    return "接到时间不能晚于现在。" if value > now() else None


def people(_record=None):
    return [("", "（本人）"), *((u.id, f"{u.name}（{u.department.name}）")
                               for u in User.select().where(User.active).order_by(User.id))]


NEW_FIELDS = (
    Field("outlet", "媒体名称", "text", 60, required=True, placeholder="如：某某日报"),
    Field("reporter", "记者姓名", "text", 30, required=True),
    Field("contact", "联系方式", "text", 60, required=True, placeholder="电话或邮箱"),
    Field("subject", "采访或问询事项", "textarea", 1000, required=True, rows=3),
    Field("received_by", "接待人", "choice", choices=people, default=""),
    Field("received_at", "接到时间", "datetime", required=True, check=_not_future,
          default=lambda r: now().strftime("%Y-%m-%dT%H:%M")),
)


def versions_in_force(_record=None):
    """The approved statements' versions in force today, as choices."""
    found = []
    for s in Statement.select().order_by(Statement.title):
        v = statements.in_force(s)
        if v:
            found.append((v.id, f"{s.title}（第{v.number}版）"))
    return found


ANSWER_FIELDS = (
    Field("statement_version", "采用的统一口径", "choice", required=True, choices=versions_in_force,
          hint="只能选用局领导审定、现行有效的口径版本。"),
    Field("answer_text", "答复情况", "textarea", 2000, required=True, rows=3,
          placeholder="由谁、以何种方式、何时答复了什么。"),
)


def record(actor, form) -> Enquiry:
    v = read(NEW_FIELDS, form)
    with database.atomic():
        row = Enquiry.create(outlet=v["outlet"], reporter=v["reporter"], contact=v["contact"], subject=v["subject"],
                             received_by=v["received_by"] or actor.id, received_at=v["received_at"],
                             recorded_by=actor.id)
        audit.record("monitoring.enquiry_recorded", f"登记媒体问询：{row.outlet} {row.reporter}", actor=actor, obj=row)
        notify(None, users_with_roles(("office",)), "monitoring_enquiry",
               f"媒体问询待统一答复：{row.outlet}（{row.reporter}）：{row.subject[:40]}", actor)
    return row


def answer(row, actor, form, version) -> Enquiry:
    if row.closed_at:
        raise InputError("该问询已办结。")
    v = read(ANSWER_FIELDS, form, record=row)
    used = StatementVersion.get_by_id(v["statement_version"])
    with database.atomic():
        bump(row, version, statement_version=used.id, answer_text=v["answer_text"], answered_by=actor.id,
             answered_at=now())
        audit.record("monitoring.enquiry_answered", f"答复媒体问询（{row.outlet}），采用统一口径“{used.statement.title}”"
                     f"第{used.number}版", actor=actor, obj=row)
    return row


def close(row, actor, version) -> Enquiry:
    if row.closed_at:
        raise InputError("该问询已办结。")
    if not row.answered_at:
        raise InputError("请先以统一口径答复，再办结。")
    with database.atomic():
        bump(row, version, closed_by=actor.id, closed_at=now())
        audit.record("monitoring.enquiry_closed", f"办结媒体问询（{row.outlet}）", actor=actor, obj=row)
    return row


def open_count() -> int:
    statement = compiled("monitoring.open_enquiries",
                         lambda: Enquiry.select(fn.COUNT(Enquiry.id)).where(Enquiry.closed_at.is_null()).tuples())
    return next(iter(statement))[0]
