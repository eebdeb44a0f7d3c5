"""The commentator team (网络评论员队伍, 细则 第七条: 组建网络评论员队伍，定期开展相关培训): its
members, their trainings and attendance, and who missed training this year."""
from datetime import date

from portal.plugin_api import Field, InputError, User, audit, database, now, read

from plugins.monitoring.models import Attendance, Commentator, Training


def missed(trainings, attended: set, joined_on: date) -> list:
    """The trainings held since the member joined that they did not attend."""
    return [t for t in trainings if t.held_on >= joined_on and t.id not in attended]


def year_record(year: int, today: date | None = None) -> list[dict]:
    """Each member this year: {member, attended: [Training], missed: [Training]}, those who missed first."""
    today = today or now().date()
    trainings = list(Training.select().where((Training.held_on >= date(year, 1, 1)) & (Training.held_on <= today)
                                             & (Training.held_on <= date(year, 12, 31))).order_by(Training.held_on))
    went = {}
    for a in Attendance.select(Attendance.training, Attendance.commentator).where(
            Attendance.training.in_([t.id for t in trainings])):
        went.setdefault(a.commentator_id, set()).add(a.training_id)
    rows = []
    for m in Commentator.select(Commentator, User).join(User).where(Commentator.active).order_by(User.id):
        mine = went.get(m.id, set())
        rows.append({"member": m, "attended": [t for t in trainings if t.id in mine],
                     "missed": missed(trainings, mine, m.joined_on)})
    return sorted(rows, key=lambda r: (not r["missed"], r["member"].user.id))


def candidates(_record=None):
    members = Commentator.select(Commentator.user)
    return [(u.id, f"{u.name}（{u.department.name}）") for u in User.select().where(User.active & User.id.not_in(members))
            .order_by(User.id)]


def members(_record=None):
    return [(m.id, m.user.name) for m in Commentator.select(Commentator, User).join(User).where(Commentator.active)
            .order_by(User.id)]


MEMBER_FIELDS = (
    Field("user", "成员", "choice", required=True, choices=candidates),
    Field("joined_on", "加入日期", "date", required=True, default=lambda r: now().date()),
)
TRAINING_FIELDS = (
    Field("held_on", "培训日期", "date", required=True, default=lambda r: now().date()),
    Field("topic", "培训主题", "text", 120, required=True, placeholder="如：网络舆情研判与回应技巧"),
    Field("trainer", "授课人", "text", 60, required=True),
    Field("materials", "培训材料", "textarea", 2000, rows=2, hint="材料名称、存放位置或链接。"),
    Field("present", "参加人员", "choices", choices=members, hint="未勾选的成员记为缺席。"),
)


def add_member(actor, form) -> Commentator:
    v = read(MEMBER_FIELDS, form)
    with database.atomic():
        member = Commentator.create(**v)
        audit.record("monitoring.commentator_added", f"网络评论员队伍新增成员：{member.user.name}", actor=actor, obj=member)
    return member


def record_training(actor, form) -> Training:
    v = read(TRAINING_FIELDS, form)
    if v["held_on"] > now().date():
        raise InputError("只能记录已经举办的培训：培训日期不能晚于今天。")
    present = v.pop("present")
    with database.atomic():
        training = Training.create(recorded_by=actor.id, **v)
        if present:
            Attendance.insert_many([{"training": training.id, "commentator": c} for c in present]).execute()
        audit.record("monitoring.training_recorded", f"记录网络评论员培训：{training.topic}（{len(present)}人参加）",
                     actor=actor, obj=training)
    return training


def evidence(user, unit, year: int) -> list:
    """Evidence for the responsibility checklists (hook ``portal_evidence_sources``): the trainings held
    in ``year`` — for a department, those one of its members attended — and, for the Party group, the
    sensitive periods of ``year`` that had a duty roster (特殊时期24小时监控). Linked for monitoring.view."""
    from flask import url_for
    from peewee import fn

    from portal.plugin_api import EvidenceRef

    from plugins.monitoring.models import Period, Shift

    first, last = date(year, 1, 1), date(year, 12, 31)
    trainings = Training.select().where((Training.held_on >= first) & (Training.held_on <= last))
    if unit is not None:
        trainings = trainings.where(Training.id.in_(
            Attendance.select(Attendance.training).join(Commentator).join(User).where(User.department == unit.id)))
    linked = user is not None and user.can("monitoring.view")
    refs = [EvidenceRef("monitoring.training", str(t.id), f"网络评论员培训：{t.topic}（授课：{t.trainer}）", t.held_on,
                        url_for("monitoring.training", training_id=t.id) if linked else None, "网络评论员培训")
            for t in trainings.order_by(Training.held_on)]
    if unit is None:
        rostered = (Period.select(Period, fn.COUNT(Shift.id).alias("shift_count")).join(Shift)
                    .where((Period.starts_at >= first) & (Period.starts_at < date(year + 1, 1, 1)))
                    .group_by(Period).order_by(Period.starts_at))
        refs += [EvidenceRef("monitoring.period", str(p.id), f"特殊时期值班：{p.name}（{p.shift_count}个班次）",
                             p.starts_at.date(), url_for("monitoring.period", period_id=p.id) if linked else None,
                             "特殊时期值班表") for p in rostered]
    return refs
