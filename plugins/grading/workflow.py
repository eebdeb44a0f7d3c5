"""Every change the grading plugin makes, each one function the views and tests call.

Each is a step of ``WORKFLOW`` (the process kit, portal.process): ``WORKFLOW.refusal`` refuses it
with the same Chinese reason the pages give for a missing button (permission, a case the actor may
see, not archived, not 涉密, then the step's guards); its input is validated; it writes in one
transaction, the grade row locked and changed through the kit's versioned write, with an audit
entry on the case's timeline and its event emitted. A refused change raises GradingError (a
WorkflowError, so the core's pages show its message too) and changes nothing.

Escalation (预案三、四): the grade is recomputed at each snapshot and each change of the flags and
only ever rises by the rule; a rise notifies the leaders at once. A leader's grade wins over the
rule until another leader's decision (the rule still tells the leaders when it would grade higher).
The office may move a 一般 case to 重大 handling ("不能消除或还有扩大迹象").
"""
from dataclasses import asdict
from datetime import datetime, timedelta

from peewee import IntegrityError

from plugins.grading.models import (
    SOURCES, STAGES, Assessment, Grade, GradeChange, Review, Snapshot, review_due_query,
)
from plugins.grading.rules import (
    DEFAULT_THRESHOLDS, FLAGS, GENERAL, GRADE_LABELS, GRADES, MAJOR, SENSITIVE_PERIOD, Thresholds, classify, rank,
)
from portal.plugin_api import (audit, access, emit_case_event, users_with_roles, ENDED_STATES, STATES, WorkflowError,
                              read_only, database, now, Problems, get_settings,
                              set_setting, Field, Step, Workflow, bump, lock, notify, quiet, sensitive_period)


class GradingError(WorkflowError):
    """A change the plugin refuses; the message is for the user."""


# The steps -----------------------------------------------------------------------------------

def _not_secret(case, user):
    if access.register_only(case):
        return "涉密事项线下办理，不在本系统记录热度、分级和研判。"


@quiet
def _not_manual(case, user):
    """Escalation is the office's move on the rule's grade; a leader's grade is changed by a leader."""
    row = Grade.of(case)
    if row is not None and row.source == "manual":
        return f"局领导已人工定级为“{row.label}”，如需提级请报局领导重新定级。"


@quiet
def _below_major(case, user):
    row = Grade.of(case)
    if row is not None and rank(row.grade) >= rank(MAJOR):
        return f"该事项已是{row.label}舆情，无需提级。"


@quiet
def _meeting_due(case, user):
    row = Grade.of(case)
    if row is None or not row.is_major:
        return "只有重大、特别重大舆情需提请局领导召开紧急会议。"
    if not row.meeting_due:
        return f"已于{row.meeting_requested_at:%Y-%m-%d %H:%M}提请局领导召开紧急会议。"


@quiet
def _not_eliminated(case, user):
    row = Grade.of(case)
    if row is None:
        return "该事项尚未分级，请先记录热度。"
    if row.eliminated_at:
        return "该舆情已宣布消除。"


def _review_due(case, user):
    state = review_state(case, Grade.of(case))
    return {"none": "只有重大、特别重大舆情需进行后期处置。",
            "waiting": "应对处置尚未结束（事项未回复，舆情也未宣布消除），暂不能进行后期处置。",
            "done": "该事项已有后期处置记录。"}.get(state)


def _observed(value: datetime, case) -> str | None:
    if value > now() + timedelta(minutes=5) or value < case.posted_at:
        return "观测时间须在网民发帖之后，且不晚于当前时间。"
    return None


def _count(name, label, limit=1_000_000_000, **options):
    """A count as sites show it: ASCII digits, thousands separators allowed."""
    return Field(name, label, "whole", limit, required=True, grouped=True, message=f"{label}须为0至{limit}之间的整数。",
                 **options)


def _heat_now(case) -> str:
    """The form's prefill: the latest snapshot's heat index."""
    latest = Snapshot.latest(case)
    return f"{latest.heat_index:g}" if latest else "0"


def _latest(attribute, fallback=""):
    """The form's prefill from the latest snapshot."""
    def default(case):
        latest = Snapshot.latest(case)
        return getattr(latest, attribute) if latest else fallback
    return default


HEAT = Field("heat_index", "热点指数", "number", required=True, default=lambda case: _heat_now(case),
             message="热点指数须为不小于0的数字。")
FIELDS = {
    "record": (_count("clicks", "点击率（人次）", default=_latest("clicks")),
               _count("comments", "跟帖评论（篇）", default=_latest("comments")),
               _count("reposts", "主流网站转发（家）", 100_000, caption="报道转发的主流网站（家）",
                      default=_latest("reposts", 0)),
               HEAT,
               Field("observed_at", "观测时间", "datetime", check=_observed, hint="留空即为当前时间。"),
               Field("note", "说明", "text", 200, placeholder="如：微博原帖、本地论坛")),
    "flags": (Field("flags", "标记", "choices", choices=list(FLAGS.items()), message="请从列表中选择标记。",
                    default=lambda case: sorted(row.flag_set) if (row := Grade.of(case)) else []),),
    "assess": (Field("content", "舆情内容", "textarea", 5000, required=True),
               Field("attention", "关注度", "textarea", 1000, required=True, rows=2,
                     placeholder="如：本地论坛置顶，微博话题阅读量约1万"),
               _count("commenters", "跟帖人数", default=_latest("comments", 0)),
               HEAT,
               Field("stage", "发展阶段", "choice", required=True, choices=list(STAGES.items()),
                     placeholder="— 请选择 —", message="请选择舆情所处的发展阶段。"),
               Field("impact", "可能产生的影响", "textarea", 5000, required=True),
               Field("response", "建议应对措施", "textarea", 5000, required=True),
               Field("request_meeting", "同时提请局领导召开紧急会议", "bool")),
    "escalate": (Field("reason", "提级理由（不能消除或有扩大迹象的情况）", "textarea", 1000, required=True,
                       caption="不能消除或有扩大迹象的情况", rows=4),),
    "eliminate": (Field("note", "消除或趋于平稳的情况", "textarea", 2000, required=True, rows=4,
                        placeholder="如：已发布权威信息，转发量明显回落"),),
    "set_grade": (Field("grade", "分级", "choice", required=True, choices=[(g, GRADE_LABELS[g]) for g in GRADES]),
                  Field("reason", "定级理由", "textarea", 1000, required=True, rows=4)),
    "review": (Field("summary", "总结", "textarea", 5000, required=True, rows=4),
               Field("worked", "成功经验", "textarea", 5000, required=True),
               Field("failed", "暴露的问题", "textarea", 5000, required=True),
               Field("rewards", "责任考核奖惩", "textarea", 5000, rows=2),
               Field("plan_changes", "预案修改完善建议", "textarea", 5000, caption="修改完善预案的建议（可选）", rows=2)),
}


def _step(name, label, permission, *guards, **options):
    """A grading step: taken on a case in any state but archived (``read_only``); unversioned
    (its forms carry no version: the grade row is locked instead)."""
    return Step(name, label, tuple(STATES), permission, guards=(_not_secret, *guards), fields=FIELDS.get(name, ()),
                versioned=False, **options)


def _label_now(case) -> str:
    return Grade.of(case).label


def _assessed(case) -> str:
    """研判's message: whether it asked the leaders to meet (in the same transaction, so no earlier)."""
    row, latest = Grade.of(case), Assessment.select().where(Assessment.case == case.id).order_by(Assessment.id.desc()).first()
    if row and row.meeting_requested_at and latest and row.meeting_requested_at >= latest.at:
        return "研判已保存，已提请局领导召开紧急会议。"
    return "研判已保存。"


STEPS = [
    _step("record", "记录热度", "grading.record", button="记录并判定分级",
          done=lambda case: f"热度已记录。当前分级：{_label_now(case)}。",
          run=lambda case, user, version, v: record_snapshot(case, user, **v)),
    _step("flags", "设置舆情标记", "grading.record", button="保存标记",
          done=lambda case: f"标记已保存。当前分级：{_label_now(case)}。" if Grade.of(case) else "标记没有变化。",
          run=lambda case, user, version, v: set_flags(case, user, v["flags"])),
    _step("assess", "舆情研判", "grading.assess", button="保存研判", done=lambda case: _assessed(case),
          run=lambda case, user, version, v: assess(case, user, **v)),
    _step("escalate", "提级处置", "grading.assess", _not_manual, _below_major, button="提级为重大并报告局领导",
          done="已提级，按重大舆情应对处置流程办理，并已报告局领导。",
          run=lambda case, user, version, v: escalate(case, user, **v)),
    _step("meeting", "提请召开紧急会议", "grading.assess", _meeting_due, button="提请局领导召开紧急会议",
          done="已提请局领导召开紧急会议，并已通知局领导。",
          run=lambda case, user, version, v: request_meeting(case, user)),
    _step("eliminate", "宣布舆情消除", "grading.assess", _not_eliminated, button="宣布消除/平稳",
          done="已宣布舆情消除/平稳。", run=lambda case, user, version, v: declare_eliminated(case, user, **v)),
    _step("set_grade", "人工定级", "grading.set_grade", button="确定分级",
          done=lambda case: f"已人工定级为{_label_now(case)}。",
          run=lambda case, user, version, v: set_grade(case, user, **v)),
    _step("review", "后期处置", "grading.review", _review_due, button="保存后期处置",
          done="后期处置（总结评估）已保存。", run=lambda case, user, version, v: record_review(case, user, **v)),
]
WORKFLOW = Workflow.of("grading", STEPS, noun="该事项", sees=lambda case, user: access.can_see(user, case),
                       read_only=read_only, error=GradingError, no_permission="您没有对{noun}进行此项操作的权限。")


def _read(case, actor, name: str, **given) -> dict:
    """Step ``name``'s arguments read through its fields, with why ``actor`` may not take it now
    (``WORKFLOW.refusal``: the words its missing button gives): every problem at once."""
    p = Problems()
    reason = WORKFLOW.refusal(case, actor, name)
    values = p.read(WORKFLOW.read, case, name, given)
    if reason or p.found:
        raise GradingError(reason, *p.found)
    return values


def emit(case, name, actor, **data):
    """A grading event: heard through portal_case_event (as before) and portal_record_event."""
    emit_case_event(case, name, actor, workflow=WORKFLOW, **data)


# Thresholds -------------------------------------------------------------------------------

THRESHOLD_FIELDS = {name: Field(name, f"“{label}”", "whole", 100_000_000, required=True, grouped=True)
                    for name, label in Thresholds.LABELS.items()}


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
    read = {name: p.read(THRESHOLD_FIELDS[name].read, values.get(name), None) for name in Thresholds.names()}
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
    """The case's grade row, created if need be and locked until the transaction ends (the kit's
    ``lock``); ``fresh`` when the case has never been graded."""
    Grade.insert(case=case.id, updated_at=now()).on_conflict_ignore().execute()
    row = Grade.get(Grade.case == case.id)
    lock(row)
    row = Grade.get_by_id(row.id)  # as it is now that it is ours
    fresh = not GradeChange.select().where(GradeChange.case == case.id).exists()
    return row, fresh


def _write(row: Grade, **changes) -> Grade:
    """The versioned write of the locked grade row."""
    return bump(row, row.version, **changes)


def _tell(roles, case, actor, kind: str, message: str):
    """The core's ``notify``: only those who may see the case are told, never the actor."""
    notify(case, users_with_roles(roles), kind, message, actor)


def _change(case, row: Grade, new: str, source: str, reason: str, actor, fresh: bool):
    old = "" if fresh else row.grade
    upgrade = rank(new) > rank(old or None)
    changes = dict(grade=new, source=source, reason=reason, decided_by=actor, decided_at=now())
    if upgrade and row.eliminated_at:  # it flared up again
        changes.update(eliminated_at=None, eliminated_by=None, eliminated_note="")
    _write(row, **changes)
    GradeChange.create(case=case.id, old=old, new=new, upgrade=upgrade, source=source, reason=reason, by=actor)
    old_label = GRADE_LABELS.get(old, "未分级")
    action = "upgraded" if upgrade else ("downgraded" if rank(new) < rank(old or None) else "graded")
    audit.record(f"grading.{action}", f"分级：{old_label} → {GRADE_LABELS[new]}（{SOURCES[source]}：{reason}）",
                 actor=actor, obj=case, old=old, new=new, source=source)
    if upgrade:
        _tell(("leader",), case, actor, "grading_upgraded",
              f"舆情事项 {case.number} 升级为{GRADE_LABELS[new]}舆情（{reason}），请及时研判决策：{case.title}")
    emit(case, "grade_changed", actor, old=old, new=new, source=source, upgrade=upgrade)


LATEST = object()  # calendar_period's default: the time of the latest snapshot, read


def calendar_period(case, observed_at=LATEST) -> str | None:
    """The sensitive period of the calendar (hook portal_sensitive_period) in which the case was
    posted, or else its heat was recorded ``observed_at`` (None: no heat recorded); None when
    neither lies in one."""
    if observed_at is LATEST:
        latest = Snapshot.latest(case)
        observed_at = latest.observed_at if latest else None
    for moment in (case.posted_at, observed_at):
        if moment is not None and (name := sensitive_period(moment)):
            return name
    return None


def flags_of(case, row, observed_at=LATEST) -> frozenset:
    """The flags the rule applies: those marked on the case, and 特殊时期 when the calendar says so."""
    flags = row.flag_set if row else frozenset()
    if SENSITIVE_PERIOD not in flags and calendar_period(case, observed_at):
        flags |= {SENSITIVE_PERIOD}
    return flags


def _apply_rule(case, row: Grade, fresh: bool, actor):
    latest = Snapshot.latest(case)
    metrics = (latest.clicks, latest.comments, latest.reposts) if latest else (0, 0, 0)
    flags = flags_of(case, row, latest.observed_at if latest else None)
    verdict = classify(*metrics, flags=flags, thresholds=thresholds())
    before = row.rule_grade
    _write(row, rule_grade=verdict.grade, rule_reasons="；".join(verdict.reasons))
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
    v = _read(case, actor, "record", clicks=clicks, comments=comments, reposts=reposts, heat_index=heat_index,
              observed_at=observed_at, note=note)
    numbers = {name: v[name] for name in ("clicks", "comments", "reposts")}
    heat, observed_at, note = v["heat_index"], v["observed_at"] or now(), v["note"]
    with database.atomic():
        row, fresh = _lock(case)
        snapshot = Snapshot.create(case=case.id, observed_at=observed_at, heat_index=heat, note=note,
                                   rule_grade=classify(**numbers, flags=flags_of(case, row, observed_at),
                                                      thresholds=thresholds()).grade,
                                   recorded_by=actor, **numbers)
        audit.record("grading.snapshot", f"记录热度：点击率{numbers['clicks']}人次、跟帖评论{numbers['comments']}篇、"
                     f"主流网站转发{numbers['reposts']}家、热点指数{heat:g}", actor=actor, obj=case, **numbers)
        _apply_rule(case, row, fresh, actor)
    return snapshot


def set_flags(case, actor, flags) -> bool:
    """Set the case's flags (rules.FLAGS); False when they were already so."""
    chosen = set(_read(case, actor, "flags", flags=list(flags))["flags"])
    current = Grade.of(case)
    if chosen == (current.flag_set if current else frozenset()):
        return False
    with database.atomic():
        row, fresh = _lock(case)
        _write(row, flags=",".join(f for f in FLAGS if f in chosen))
        labels = "、".join(FLAGS[f] for f in FLAGS if f in chosen) or "无"
        audit.record("grading.flags", f"舆情标记改为：{labels}", actor=actor, obj=case, flags=sorted(chosen))
        _apply_rule(case, row, fresh, actor)
    return True


def set_grade(case, actor, *, grade: str, reason: str) -> Grade:
    """A leader's grade, up or down, with a reason: it wins over the rule."""
    v = _read(case, actor, "set_grade", grade=grade, reason=reason)
    grade, reason = v["grade"], v["reason"]
    with database.atomic():
        row, fresh = _lock(case)
        if not fresh and row.source == "manual" and row.grade == grade:
            raise GradingError(f"该事项已由局领导定为{row.label}，分级没有变化。")
        _change(case, row, grade, "manual", reason, actor, fresh)
    return row


def escalate(case, actor, *, reason: str) -> Grade:
    """The office moves a 一般 case that cannot be eliminated or is spreading to 重大 handling."""
    reason = _read(case, actor, "escalate", reason=reason)["reason"]
    with database.atomic():
        row, fresh = _lock(case)
        WORKFLOW.check(case, actor, "escalate")  # again, the row now ours: nobody graded it meanwhile
        _change(case, row, MAJOR, "escalation", reason, actor, fresh)
    return row


# 研判, the emergency meeting, 消除 -------------------------------------------------------------

def assess(case, actor, *, content, attention, commenters, heat_index, stage, impact, response,
           request_meeting: bool = False) -> Assessment:
    values = _read(case, actor, "assess", content=content, attention=attention, commenters=commenters,
                   heat_index=heat_index, stage=stage, impact=impact, response=response, request_meeting=request_meeting)
    stage, request_meeting = values.pop("stage"), values.pop("request_meeting")
    with database.atomic():
        row = Grade.of(case)
        grade = row.grade if row else GENERAL
        assessment = Assessment.create(case=case.id, stage=stage, grade=grade, by=actor, **values)
        audit.record("grading.assessed", f"研判：{STAGES[stage]}，{GRADE_LABELS[grade]}舆情；建议：{values['response'][:80]}",
                     actor=actor, obj=case, stage=stage, grade=grade)
        if request_meeting and WORKFLOW.allowed(case, actor, "meeting"):
            _request_meeting(case, actor)
    return assessment


def _request_meeting(case, actor):
    row, _ = _lock(case)
    _write(row, meeting_requested_at=now(), meeting_grade=row.grade)
    audit.record("grading.meeting_requested", f"提请局领导召开紧急会议，对{row.label}舆情进行研判并制定应对方案",
                 actor=actor, obj=case, grade=row.grade)
    _tell(("leader",), case, actor, "grading_meeting",
          f"{row.label}舆情 {case.number} 请局领导召开紧急会议研判并制定应对方案：{case.title}")
    emit(case, "emergency_meeting_requested", actor, grade=row.grade)


def request_meeting(case, actor):
    """预案四（二）: for 重大 and 特别重大, the leaders meet, assess and decide the response."""
    WORKFLOW.check(case, actor, "meeting")
    with database.atomic():
        _lock(case)
        WORKFLOW.check(case, actor, "meeting")  # once per grade, however many ask at once
        _request_meeting(case, actor)


def declare_eliminated(case, actor, *, note: str) -> Grade:
    """The office declares the opinion eliminated or calmed (消除/平稳)."""
    note = _read(case, actor, "eliminate", note=note)["note"]
    with database.atomic():
        row, _ = _lock(case)
        WORKFLOW.check(case, actor, "eliminate")
        _write(row, eliminated_at=now(), eliminated_by=actor, eliminated_note=note)
        audit.record("grading.eliminated", f"宣布舆情已消除/趋于平稳：{note}", actor=actor, obj=case)
        if row.is_major and review_state(case, row) == "due":
            remind_review(case, actor)
        emit(case, "opinion_eliminated", actor, grade=row.grade)
    return row


# 后期处置 --------------------------------------------------------------------------------------

def review_state(case, row: Grade | None) -> str:
    """``none`` (not needed), ``waiting`` (the response is not over), ``due`` or ``done``. The
    review is read unless ``row`` came with it (Grade.with_people)."""
    if row is None or not row.is_major:
        return "none"
    if "review" in vars(row):
        reviewed = row.review is not None
    else:
        reviewed = Review.select().where(Review.case == case.id).exists()
    if reviewed:
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
    values = _read(case, actor, "review", summary=summary, worked=worked, failed=failed, rewards=rewards,
                   plan_changes=plan_changes)
    try:
        with database.atomic():
            review = Review.create(case=case.id, by=actor, **values)
            audit.record("grading.reviewed", f"后期处置：完成总结评估。{values['summary'][:80]}", actor=actor, obj=case)
    except IntegrityError:
        raise GradingError("该事项已有后期处置记录。") from None
    return review
