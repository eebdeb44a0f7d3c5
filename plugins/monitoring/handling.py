"""分类处置 (细则 第八条2(5)–(8)): the handling class of a case drives what is asked for.

- 询问、置疑、诉求: the functional department handles it and, where the answer needs time, gives
  **a holding reply the same day** telling the netizen when the result will come; the promised
  date is tracked like a deadline (the host department and the office are reminded once when it
  passes with no reply).
- 恶意传播、炒作 / 捏造、歪曲、夸大事实、恶意攻击: the facts are published (澄清), and where it goes
  on or is serious, the police are asked to act (商请公安执法部门依法查处): the date, the
  reference and the outcome are recorded.
"""
from portal.plugin_api import (ENDED_STATES, Field, InputError, access, audit, bump, database, notify, now, read,
                               users_with_roles)

from plugins.monitoring.models import HANDLING_CLASSES, Handling

HOLDING_CLASS = "enquiry"


def may_handle(case, user) -> bool:
    """The office, and the people of the case's host department."""
    return user.can("monitoring.manage") or (user.can("monitoring.handle") and access.in_host_department(user, case))


def _check(case, user):
    if access.register_only(case):
        raise InputError("涉密事项线下办理，不在本系统记录分类处置。")
    if not may_handle(case, user):
        raise InputError("只有办公室和主办部门可以记录分类处置。")


CLASS_FIELD = Field("klass", "处置类别", "choice", required=True, choices=list(HANDLING_CLASSES.items()))


def _promised(value, case):
    return "承诺答复日期不能早于今天。" if value < now().date() else None


HOLDING_FIELDS = (
    Field("holding_text", "当日答复内容", "textarea", 1000, required=True, rows=3,
          placeholder="如：您反映的问题已收到，我局正在核实，将于X月X日前答复。"),
    Field("promised_on", "承诺答复日期", "date", required=True, check=_promised),
)
REFERRAL_FIELDS = (
    Field("facts_text", "发布的事实情况", "textarea", 2000, rows=3, hint="澄清说明的内容。"),
    Field("facts_url", "发布链接", "url", 500),
    Field("referred_on", "商请公安日期", "date", hint="未商请公安的留空。"),
    Field("referral_ref", "商请文号或编号", "text", 60),
    Field("referral_outcome", "查处结果", "textarea", 1000, rows=2),
)


def set_class(case, user, form, version) -> Handling:
    _check(case, user)
    klass = read((CLASS_FIELD,), form)["klass"]
    with database.atomic():
        row = Handling.get_or_none(Handling.case == case.id)
        if row is None:
            row = Handling.create(case=case.id, klass=klass, set_by=user.id)
        else:
            bump(row, version, klass=klass, set_by=user.id, set_at=now())
        audit.record("monitoring.handling_class", f"分类处置：{HANDLING_CLASSES[klass]}", actor=user, obj=case)
    return row


def _row(case, kind) -> Handling:
    row = Handling.get_or_none(Handling.case == case.id)
    if row is None:
        raise InputError("请先确定处置类别。")
    if kind == "holding" and row.klass != HOLDING_CLASS:
        raise InputError("当日答复用于询问、置疑、诉求类事项。")
    if kind == "referral" and row.klass == HOLDING_CLASS:
        raise InputError("发布事实、商请公安用于恶意传播炒作和捏造歪曲攻击类事项。")
    return row


def holding_reply(case, user, form, version) -> Handling:
    _check(case, user)
    row = _row(case, "holding")
    v = read(HOLDING_FIELDS, form, record=case)
    with database.atomic():
        bump(row, version, holding_at=now(), promise_reminded_at=None, **v)
        audit.record("monitoring.holding_reply", f"当日答复，承诺{v['promised_on']:%Y-%m-%d}前答复", actor=user, obj=case)
    return row


def referral(case, user, form, version) -> Handling:
    _check(case, user)
    row = _row(case, "referral")
    v = read(REFERRAL_FIELDS, form, record=case)
    if not v["facts_text"] and not v["referred_on"]:
        raise InputError("请填写发布的事实情况，或商请公安的日期。")
    with database.atomic():
        bump(row, version, **v)
        audit.record("monitoring.referral", "记录发布事实" + ("、商请公安" if v["referred_on"] else ""),
                     actor=user, obj=case)
    return row


def same_day(row, case) -> bool:
    return bool(row.holding_at) and row.holding_at.date() == case.registered_at.date()


def promise_overdue(row, case, today) -> bool:
    return bool(row.promised_on) and row.promised_on < today and case.state not in ENDED_STATES


def remind_promises(at) -> int:
    """Once, when a promised date has passed with the case still open: the host department and the office."""
    from portal.plugin_api import Case

    sent = 0
    due = (Handling.select(Handling, Case).join(Case)
           .where((Handling.promised_on < at.date()) & Handling.promise_reminded_at.is_null()
                  & Case.state.not_in(ENDED_STATES)))
    for row in list(due):
        with database.atomic():
            if Handling.update(promise_reminded_at=at).where((Handling.id == row.id)
                                                             & Handling.promise_reminded_at.is_null()).execute():
                case = row.case
                people = users_with_roles(("office",)) + (users_with_roles(("dept_head", "staff", "liaison"),
                                                                           case.host_department_id)
                                                          if case.host_department_id else [])
                notify(case, people, "monitoring_promise",
                       f"舆情事项 {case.number} 当日答复承诺{row.promised_on:%m月%d日}前答复，已逾期，请尽快答复网民。")
                sent += 1
    return sent
