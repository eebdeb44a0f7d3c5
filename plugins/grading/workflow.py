"""Every change the grading plugin makes, each one function the views and tests call.

Each checks the actor's permission, that the actor may see the case and that the case is not
archived; validates its input; then writes in one transaction, with an audit event on the case's
timeline. A refused change raises GradingError (a WorkflowError, so the core's pages show its
message too) and changes nothing.

Escalation (预案三、四): the grade is recomputed at each snapshot and each change of the flags and
only ever rises by the rule; a rise notifies the leaders at once. A leader's grade wins over the
rule until another leader's decision (the rule still tells the leaders when it would grade higher).
The office may move a 一般 case to 重大 handling ("不能消除或还有扩大迹象").
"""
import math
from dataclasses import asdict
from datetime import datetime, timedelta

from peewee import IntegrityError

from plugins.grading.models import (
    SOURCES, STAGES, Assessment, Grade, GradeChange, Review, Snapshot, review_due_query,
)
from plugins.grading.rules import (
    DEFAULT_THRESHOLDS, FLAGS, GENERAL, GRADE_LABELS, GRADES, MAJOR, Thresholds, classify, rank,
)
from portal.plugin_api import (audit, access, emit, notify, users_with_roles, ENDED_STATES, WorkflowError,
                              read_only, database, now, Problems, parse_datetime, whole_number, get_settings,
                              set_setting)


class GradingError(WorkflowError):
    """A change the plugin refuses; the message is for the user."""


# Reading input ------------------------------------------------------------------------------

def _count(value, label: str, limit: int = 1_000_000_000) -> int:
    """Plain ASCII digits, thousands separators allowed, 0 to ``limit``."""
    count = whole_number(str(value if value is not None else "").replace(",", "").replace("，", ""), limit)
    if count is None:
        raise GradingError(f"{label}须为0至{limit}之间的整数。")
    return count


def _number(value, label: str) -> float:
    """A decimal number in ASCII (float() alone also reads "１２", "٣" and "1_000"), 0 to 10^9."""
    raw = str(value if value is not None else "").strip()
    try:
        number = float(raw) if raw.isascii() and "_" not in raw else -1.0
    except ValueError:
        number = -1.0
    if not math.isfinite(number) or not 0 <= number <= 1_000_000_000:
        raise GradingError(f"{label}须为不小于0的数字。")
    return abs(round(number, 2))  # "-0" is 0 (the audit log said 热点指数-0)


def _text(value, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise GradingError(f"请填写{label}。")
    if len(value) > limit:
        raise GradingError(f"{label}不能超过{limit}个字。")
    return value


def _check(case, actor, permission: str):
    if not actor.can(permission) or not access.can_see(actor, case):
        raise GradingError("您没有对该事项进行此项操作的权限。")
    if access.register_only(case):
        raise GradingError("涉密事项线下办理，不在本系统记录热度、分级和研判。")
    if reason := read_only(case):
        raise GradingError(reason)


# Thresholds -------------------------------------------------------------------------------

def thresholds() -> Thresholds:
    """The thresholds in force: the settings ``grading.<name>``, else the plan's defaults."""
    values = {}
    stored = get_settings(f"grading.{name}" for name in Thresholds.names())
    for name in Thresholds.names():
        raw = stored[f"grading.{name}"]
        try:
            values[name] = int(raw) if raw is not None else getattr(DEFAULT_THRESHOLDS, name)
        except (TypeError, ValueError):
            values[name] = getattr(DEFAULT_THRESHOLDS, name)
    t = Thresholds(**values)
    return DEFAULT_THRESHOLDS if t.problems() else t


def save_thresholds(actor, values) -> Thresholds:
    if not actor.can("grading.settings"):
        raise GradingError("您没有修改分级标准的权限。")
    p = Problems()
    read = {name: p.read(_count, values.get(name), f"“{Thresholds.LABELS[name]}”", 100_000_000)
            for name in Thresholds.names()}
    p.check(GradingError)
    t = Thresholds(**read)
    for problem in t.problems():  # how the thresholds stand to each other
        p.add(problem)
    p.check(GradingError)
    with database.atomic():
        for name, value in asdict(t).items():
            set_setting(f"grading.{name}", str(value))
        audit.record("grading.settings", "修改舆情分级标准", actor=actor, **asdict(t))
    return t


# The grade -----------------------------------------------------------------------------------

def _lock(case) -> tuple[Grade, bool]:
    """The case's grade row, created if need be and locked (PostgreSQL) until the transaction
    ends; ``fresh`` when the case has never been graded."""
    Grade.insert(case=case.id, updated_at=now()).on_conflict_ignore().execute()
    Grade.update(updated_at=now()).where(Grade.case == case.id).execute()
    row = Grade.get(Grade.case == case.id)
    fresh = not GradeChange.select().where(GradeChange.case == case.id).exists()
    return row, fresh


def _tell(roles, case, actor, kind: str, message: str):
    notify(case, users_with_roles(roles), kind, message, actor)


def _change(case, row: Grade, new: str, source: str, reason: str, actor, fresh: bool):
    old = "" if fresh else row.grade
    upgrade = rank(new) > rank(old or None)
    row.grade, row.source, row.reason, row.decided_by, row.decided_at = new, source, reason, actor, now()
    if upgrade and row.eliminated_at:
        row.eliminated_at, row.eliminated_by, row.eliminated_note = None, None, ""  # it flared up again
    row.save()
    GradeChange.create(case=case.id, old=old, new=new, upgrade=upgrade, source=source, reason=reason, by=actor)
    old_label = GRADE_LABELS.get(old, "未分级")
    action = "upgraded" if upgrade else ("downgraded" if rank(new) < rank(old or None) else "graded")
    audit.record(f"grading.{action}", f"分级：{old_label} → {GRADE_LABELS[new]}（{SOURCES[source]}：{reason}）",
                 actor=actor, obj=case, old=old, new=new, source=source)
    if upgrade:
        _tell(("leader",), case, actor, "grading_upgraded",
              f"舆情事项 {case.number} 升级为{GRADE_LABELS[new]}舆情（{reason}），请及时研判决策：{case.title}")
    emit(case, "grade_changed", actor, old=old, new=new, source=source, upgrade=upgrade)


def _apply_rule(case, row: Grade, fresh: bool, actor):
    latest = Snapshot.latest(case)
    metrics = (latest.clicks, latest.comments, latest.reposts) if latest else (0, 0, 0)
    verdict = classify(*metrics, flags=row.flag_set, thresholds=thresholds())
    before = row.rule_grade
    row.rule_grade, row.rule_reasons = verdict.grade, "；".join(verdict.reasons)
    row.save()
    if row.source == "manual" and not fresh:
        if rank(verdict.grade) > rank(row.grade) and rank(verdict.grade) > rank(before):
            note = f"按最新数据应为{verdict.label}（{row.rule_reasons}），现为局领导人工定级“{row.label}”"
            audit.record("grading.rule_above_manual", note, actor=actor, obj=case, rule=verdict.grade)
            _tell(("leader",), case, actor, "grading_recheck", f"舆情事项 {case.number} {note}，请复核分级。")
    elif fresh or rank(verdict.grade) > rank(row.grade):
        _change(case, row, verdict.grade, "rule", row.rule_reasons or "未达到重大舆情标准", actor, fresh)


def record_snapshot(case, actor, *, clicks, comments, reposts, heat_index,
                    observed_at: datetime | str | None = None, note: str = "") -> Snapshot:
    """Record the post's heat; the rule then runs on the latest snapshot and may raise the grade.
    ``observed_at`` as typed or a datetime; empty is now."""
    _check(case, actor, "grading.record")
    p = Problems()
    numbers = dict(clicks=p.read(_count, clicks, "点击率（人次）"), comments=p.read(_count, comments, "跟帖评论（篇）"),
                   reposts=p.read(_count, reposts, "主流网站转发（家）", 100_000))
    heat = p.read(_number, heat_index, "热点指数")
    if isinstance(observed_at, str) and observed_at.strip():
        observed_at = p.read(parse_datetime, observed_at.strip(), "观测时间")
    else:
        observed_at = observed_at if isinstance(observed_at, datetime) else now()
    if observed_at and (observed_at > now() + timedelta(minutes=5) or observed_at < case.posted_at):
        p.add("观测时间须在网民发帖之后，且不晚于当前时间。")
    note = p.read(_text, note, "说明", 200, required=False)
    p.check(GradingError)
    with database.atomic():
        row, fresh = _lock(case)
        snapshot = Snapshot.create(case=case.id, observed_at=observed_at, heat_index=heat, note=note,
                                   rule_grade=classify(**numbers, flags=row.flag_set, thresholds=thresholds()).grade,
                                   recorded_by=actor, **numbers)
        audit.record("grading.snapshot", f"记录热度：点击率{numbers['clicks']}人次、跟帖评论{numbers['comments']}篇、"
                     f"主流网站转发{numbers['reposts']}家、热点指数{heat:g}", actor=actor, obj=case, **numbers)
        _apply_rule(case, row, fresh, actor)
    return snapshot


def set_flags(case, actor, flags) -> bool:
    """Set the case's flags (rules.FLAGS); False when they were already so."""
    _check(case, actor, "grading.record")
    chosen = set(flags)
    if chosen - set(FLAGS):
        raise GradingError("请从列表中选择标记。")
    current = Grade.of(case)
    if chosen == (current.flag_set if current else frozenset()):
        return False
    with database.atomic():
        row, fresh = _lock(case)
        row.flags = ",".join(f for f in FLAGS if f in chosen)
        row.save()
        labels = "、".join(FLAGS[f] for f in FLAGS if f in chosen) or "无"
        audit.record("grading.flags", f"舆情标记改为：{labels}", actor=actor, obj=case, flags=sorted(chosen))
        _apply_rule(case, row, fresh, actor)
    return True


def set_grade(case, actor, *, grade: str, reason: str) -> Grade:
    """A leader's grade, up or down, with a reason: it wins over the rule."""
    _check(case, actor, "grading.set_grade")
    p = Problems()
    if grade not in GRADES:
        p.add("请选择分级。")
    reason = p.read(_text, reason, "定级理由", 1000)
    p.check(GradingError)
    with database.atomic():
        row, fresh = _lock(case)
        if not fresh and row.source == "manual" and row.grade == grade:
            raise GradingError(f"该事项已由局领导定为{row.label}，分级没有变化。")
        _change(case, row, grade, "manual", reason, actor, fresh)
    return row


def escalate(case, actor, *, reason: str) -> Grade:
    """The office moves a 一般 case that cannot be eliminated or is spreading to 重大 handling."""
    _check(case, actor, "grading.assess")
    reason = _text(reason, "提级理由（不能消除或有扩大迹象的情况）", 1000)
    with database.atomic():
        row, fresh = _lock(case)
        if not fresh and row.source == "manual":
            raise GradingError(f"局领导已人工定级为“{row.label}”，如需提级请报局领导重新定级。")
        if not fresh and rank(row.grade) >= rank(MAJOR):
            raise GradingError(f"该事项已是{row.label}舆情，无需提级。")
        _change(case, row, MAJOR, "escalation", reason, actor, fresh)
    return row


# 研判, the emergency meeting, 消除 -------------------------------------------------------------

def assess(case, actor, *, content, attention, commenters, heat_index, stage, impact, response,
           request_meeting: bool = False) -> Assessment:
    _check(case, actor, "grading.assess")
    p = Problems()
    values = dict(content=p.read(_text, content, "舆情内容", 5000), attention=p.read(_text, attention, "关注度", 1000),
                  commenters=p.read(_count, commenters, "跟帖人数"), heat_index=p.read(_number, heat_index, "热点指数"))
    if stage not in STAGES:
        p.add("请选择舆情所处的发展阶段。")
    values.update(impact=p.read(_text, impact, "可能产生的影响", 5000), response=p.read(_text, response, "建议应对措施", 5000))
    p.check(GradingError)
    with database.atomic():
        row = Grade.of(case)
        grade = row.grade if row else GENERAL
        assessment = Assessment.create(case=case.id, stage=stage, grade=grade, by=actor, **values)
        audit.record("grading.assessed", f"研判：{STAGES[stage]}，{GRADE_LABELS[grade]}舆情；建议：{values['response'][:80]}",
                     actor=actor, obj=case, stage=stage, grade=grade)
        if request_meeting and row is not None and row.meeting_due:
            _request_meeting(case, actor)
    return assessment


def _request_meeting(case, actor):
    row, _ = _lock(case)
    row.meeting_requested_at, row.meeting_grade = now(), row.grade
    row.save()
    audit.record("grading.meeting_requested", f"提请局领导召开紧急会议，对{row.label}舆情进行研判并制定应对方案",
                 actor=actor, obj=case, grade=row.grade)
    _tell(("leader",), case, actor, "grading_meeting",
          f"{row.label}舆情 {case.number} 请局领导召开紧急会议研判并制定应对方案：{case.title}")
    emit(case, "emergency_meeting_requested", actor, grade=row.grade)


def request_meeting(case, actor):
    """预案四（二）: for 重大 and 特别重大, the leaders meet, assess and decide the response."""
    _check(case, actor, "grading.assess")
    row = Grade.of(case)
    if row is None or not row.is_major:
        raise GradingError("只有重大、特别重大舆情需提请局领导召开紧急会议。")
    if not row.meeting_due:
        raise GradingError(f"已于{row.meeting_requested_at:%Y-%m-%d %H:%M}提请局领导召开紧急会议。")
    with database.atomic():
        _request_meeting(case, actor)


def declare_eliminated(case, actor, *, note: str) -> Grade:
    """The office declares the opinion eliminated or calmed (消除/平稳)."""
    _check(case, actor, "grading.assess")
    note = _text(note, "消除或趋于平稳的情况", 2000)
    with database.atomic():
        row = Grade.of(case)
        if row is None:
            raise GradingError("该事项尚未分级，请先记录热度。")
        if row.eliminated_at:
            raise GradingError("该舆情已宣布消除。")
        row.eliminated_at, row.eliminated_by, row.eliminated_note = now(), actor, note
        row.save()
        audit.record("grading.eliminated", f"宣布舆情已消除/趋于平稳：{note}", actor=actor, obj=case)
        if row.is_major and review_state(case, row) == "due":
            remind_review(case, actor)
        emit(case, "opinion_eliminated", actor, grade=row.grade)
    return row


# 后期处置 --------------------------------------------------------------------------------------

def review_state(case, row: Grade | None) -> str:
    """``none`` (not needed), ``waiting`` (the response is not over), ``due`` or ``done``."""
    if row is None or not row.is_major:
        return "none"
    if Review.select().where(Review.case == case.id).exists():
        return "done"
    if case.state in ENDED_STATES or row.eliminated_at:
        return "due"
    return "waiting"


REVIEW_REMINDER_EVERY = timedelta(days=7)


def _tell_review(case, actor):
    _tell(("office",), case, actor, "grading_review",
          f"{GRADE_LABELS[Grade.of(case).grade]}舆情 {case.number} 应对处置已结束，请组织后期处置（总结评估）")


def remind_review(case, actor=None):
    """The review has just fallen due by ``actor``'s step: tell the office now."""
    Grade.update(review_reminded_at=now()).where(Grade.case == case.id).execute()
    _tell_review(case, actor)


def remind_due_reviews(at: datetime) -> int:
    """The scheduled check: remind the office of every 后期处置 that is due and was not reminded
    in the last week (one fell due without a step to announce it when the case was raised to 重大
    after its reply). Each is claimed first, so two ticks at once remind once."""
    stale = Grade.review_reminded_at.is_null() | (Grade.review_reminded_at <= at - REVIEW_REMINDER_EVERY)
    sent = 0
    for case in list(review_due_query().where(stale)):  # read first: see core tick() on SQLite snapshots
        with database.atomic():
            if Grade.update(review_reminded_at=at).where((Grade.case == case.id) & stale).execute():
                _tell_review(case, None)
                sent += 1
    return sent


def record_review(case, actor, *, summary, worked, failed, rewards="", plan_changes="") -> Review:
    _check(case, actor, "grading.review")
    p = Problems()
    values = dict(summary=p.read(_text, summary, "总结", 5000), worked=p.read(_text, worked, "成功经验", 5000),
                  failed=p.read(_text, failed, "暴露的问题", 5000), rewards=p.read(_text, rewards, "责任考核奖惩", 5000, False),
                  plan_changes=p.read(_text, plan_changes, "预案修改完善建议", 5000, False))
    p.check(GradingError)
    state = review_state(case, Grade.of(case))
    if state == "none":
        raise GradingError("只有重大、特别重大舆情需进行后期处置。")
    if state == "waiting":
        raise GradingError("应对处置尚未结束（事项未回复，舆情也未宣布消除），暂不能进行后期处置。")
    if state == "done":
        raise GradingError("该事项已有后期处置记录。")
    try:
        with database.atomic():
            review = Review.create(case=case.id, by=actor, **values)
            audit.record("grading.reviewed", f"后期处置：完成总结评估。{values['summary'][:80]}", actor=actor, obj=case)
    except IntegrityError:
        raise GradingError("该事项已有后期处置记录。") from None
    return review
