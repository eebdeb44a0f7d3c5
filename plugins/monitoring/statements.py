"""Approved statements (统一口径, 预案 二: 统一对外信息发布口径; 细则 第八条: 第一时间准确发布权威信息):
drafted by a department, approved by a leader, versioned, each version holding from a date until
withdrawn or superseded. A case that hits a statement's topic shows the statement in force, and
whether its reply used it: a reply **uses** a version when at least 80% of the version's
character 3-grams occur in the reply (``USED``; the same 3-grams as the import's duplicate check);
otherwise the case page warns that the reply departs from the statement."""
from datetime import datetime, time

from peewee import JOIN

from portal.plugin_api import (Department, Field, InputError, User, WORKING_KINDS, access, audit, database, now,
                               read)

from plugins.monitoring import dedupe
from plugins.monitoring.models import Hit, Statement, StatementUse, StatementVersion, Topic

USED = 0.8


def topics(_record=None):
    return [("", "（不限主题）"), *((t.id, t.name) for t in Topic.select().where(Topic.active).order_by(Topic.name))]


def departments(_record=None):
    return [(d.id, d.name) for d in Department.select().where(Department.kind.in_(WORKING_KINDS) & Department.active)
            .order_by(Department.sort_order, Department.id)]


TEXT = Field("text", "口径内容", "textarea", 3000, required=True, rows=5)
NEW_FIELDS = (
    Field("title", "口径名称", "text", 60, required=True, placeholder="如：关于冬季供暖用煤价格的答复口径"),
    Field("topic", "监测主题", "choice", choices=topics, default=""),
    Field("department", "起草部门", "choice", required=True, choices=departments),
    TEXT,
)
APPROVE = Field("valid_from", "生效日期", "date", required=True, default=lambda r: now().date())


def draft(actor, form) -> Statement:
    v = read(NEW_FIELDS, form)
    with database.atomic():
        statement = Statement.create(title=v["title"], topic=v["topic"] or None, department=v["department"],
                                     created_by=actor.id)
        StatementVersion.create(statement=statement.id, number=1, text=v["text"], drafted_by=actor.id)
        audit.record("monitoring.statement_drafted", f"起草统一口径：{statement.title}（第1版）", actor=actor, obj=statement)
    return statement


def pending(statement):
    return (StatementVersion.select().where((StatementVersion.statement == statement.id)
                                            & StatementVersion.approved_at.is_null()
                                            & StatementVersion.withdrawn_at.is_null()).first())


def revise(statement, actor, form) -> StatementVersion:
    text = read((TEXT,), form)["text"]
    if pending(statement):
        raise InputError("已有待审定的新版本，请先审定或废止。")
    with database.atomic():
        last = StatementVersion.select().where(StatementVersion.statement == statement.id).order_by(
            StatementVersion.number.desc()).first()
        version = StatementVersion.create(statement=statement.id, number=last.number + 1, text=text, drafted_by=actor.id)
        audit.record("monitoring.statement_drafted", f"起草统一口径：{statement.title}（第{version.number}版）",
                     actor=actor, obj=statement)
    return version


def approve(statement, actor, form) -> StatementVersion:
    version = pending(statement)
    if version is None:
        raise InputError("没有待审定的版本。")
    valid_from = read((APPROVE,), form)["valid_from"]
    with database.atomic():
        at = now()
        # the version it replaces holds until the new one does: a version approved for a later day
        # leaves the current one in force until then
        StatementVersion.update(withdrawn_at=max(at, datetime.combine(valid_from, time.min))).where(
            (StatementVersion.statement == statement.id) & StatementVersion.approved_at.is_null(False)
            & still_holding(at)).execute()
        StatementVersion.update(approved_by=actor.id, approved_at=at, valid_from=valid_from).where(
            StatementVersion.id == version.id).execute()
        audit.record("monitoring.statement_approved", f"审定统一口径：{statement.title}（第{version.number}版，"
                     f"{valid_from:%Y-%m-%d}起）", actor=actor, obj=statement)
    return StatementVersion.get_by_id(version.id)


def withdraw(statement, actor) -> int:
    with database.atomic():
        at = now()
        done = StatementVersion.update(withdrawn_at=at).where(
            (StatementVersion.statement == statement.id) & still_holding(at)).execute()
        if not done:
            raise InputError("该口径没有可废止的版本。")
        audit.record("monitoring.statement_withdrawn", f"废止统一口径：{statement.title}", actor=actor, obj=statement)
    return done


def still_holding(at):
    """Not withdrawn, or withdrawn only from a later moment (replaced by a version approved for a later day)."""
    return StatementVersion.withdrawn_at.is_null() | (StatementVersion.withdrawn_at > at)


def holding(day=None):
    """The approved versions in force now, or at the end of ``day``."""
    at = now() if day is None else datetime.combine(day, time.max)
    return (StatementVersion.approved_at.is_null(False) & still_holding(at)
            & (StatementVersion.valid_from <= at.date()))


def in_force(statement, today=None):
    """The approved version holding today (now), or on the day ``today``; None if none does."""
    return (StatementVersion.select().where((StatementVersion.statement == statement.id) & holding(today))
            .order_by(StatementVersion.number.desc()).first())


def used(text: str, version) -> bool:
    mine = dedupe.grams(version.text)
    return bool(mine) and len(mine & dedupe.grams(text)) / len(mine) >= USED


def for_case(case, today=None) -> list[dict]:
    """The statements on the topics the case hit: {statement, version in force, used_version, departs}."""
    topic_ids = [h.topic_id for h in Hit.select(Hit.topic).where(Hit.case == case.id)]
    if not topic_ids:
        return []
    found = []
    for statement in Statement.select().where(Statement.topic.in_(topic_ids)).order_by(Statement.id):
        current = in_force(statement, today)
        approved = list(StatementVersion.select().where((StatementVersion.statement == statement.id)
                                                        & StatementVersion.approved_at.is_null(False))
                        .order_by(StatementVersion.number.desc()))
        used_version = next((v for v in approved if case.reply_text and used(case.reply_text, v)), None)
        chosen = (StatementUse.select(StatementUse, StatementVersion, User).join(StatementVersion)
                  .switch(StatementUse).join(User, JOIN.LEFT_OUTER, on=(StatementUse.chosen_by == User.id))
                  .where((StatementUse.case == case.id) & (StatementVersion.statement == statement.id))
                  .order_by(StatementUse.chosen_at.desc(), StatementUse.id.desc()).first())
        if current or used_version or chosen:
            found.append({"statement": statement, "current": current, "used": used_version, "chosen": chosen,
                          "departs": bool(case.reply_text) and current is not None and used_version is None})
    return found


def search(q: str, limit: int = 20) -> list[tuple[Statement, object]]:
    """Approved statements whose title or an approved version's text holds ``q``, newest first,
    each with its version in force (None: withdrawn, or not yet holding). Drafts are not searched."""
    approved = StatementVersion.select(StatementVersion.statement).where(StatementVersion.approved_at.is_null(False))
    text_hit = approved.where(StatementVersion.text.contains(q))
    rows = (Statement.select(Statement, Department).join(Department)
            .where(Statement.id.in_(approved) & (Statement.title.contains(q) | Statement.id.in_(text_hit)))
            .order_by(Statement.id.desc()).limit(limit))
    return [(row, in_force(row)) for row in rows]


CHOOSE_STATES = ("handling", "awaiting_approval")  # while the reply is drafted


def choices_for(case):
    return [(s["current"].id, f"{s['statement'].title}（第{s['current'].number}版）")
            for s in for_case(case) if s["current"]]


def choose(case, user, form) -> StatementVersion:
    """Record which version in force the reply of ``case`` is to use (插入统一口径), in the audit log too."""
    from plugins.monitoring import handling

    if access.register_only(case) or not handling.may_handle(case, user):
        raise InputError("只有办公室和主办部门可以为回复选用统一口径。")
    if case.state not in CHOOSE_STATES:
        raise InputError("只能在办理、审定回复稿期间选用统一口径。")
    field = Field("statement_version", "统一口径", "choice", required=True, choices=lambda r: choices_for(case))
    version = StatementVersion.get_by_id(read((field,), form)["statement_version"])
    with database.atomic():
        StatementUse.create(case=case.id, statement_version=version.id, chosen_by=user.id)
        audit.record("monitoring.statement_chosen", f"回复选用统一口径：{version.statement.title}（第{version.number}版）",
                     actor=user, obj=case)
    return version


def wording(case) -> str:
    """The text of the versions chosen for ``case`` (the latest choice of each statement), for its reply form."""
    latest = {}
    for use in (StatementUse.select(StatementUse, StatementVersion).join(StatementVersion)
                .where(StatementUse.case == case.id).order_by(StatementUse.id)):
        latest[use.statement_version.statement_id] = use.statement_version.text
    return "\n\n".join(latest.values())


def offered(case=None, today=None) -> list[StatementVersion]:
    """The versions in force today (with their statement and topic): of the statements on the topics
    ``case`` hit, or of every statement. For circulars (hook ``portal_approved_statements``)."""
    query = (StatementVersion.select(StatementVersion, Statement, Topic).join(Statement)
             .join(Topic, JOIN.LEFT_OUTER, on=(Statement.topic == Topic.id))
             .where(holding(today)))
    if case is not None:
        query = query.where(Statement.topic.in_(Hit.select(Hit.topic).where(Hit.case == case.id)))
    return list(query.order_by(Statement.title, StatementVersion.number))
