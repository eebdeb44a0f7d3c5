"""The daily patrol (制度一 二: 指定专人每天上网浏览本局官网、微博、微信公众号) and the register of
online positions it covers (细则 第六条(一): 各单位网站、账号及其管理人)."""
from datetime import timedelta

from portal.plugin_api import (WORKING_KINDS, Department, Field, InputError, User, audit, bump, database, now, read,
                               users_with_roles)

from plugins.monitoring.models import POSITION_KINDS, Patrol, PatrolPosition, Position

LOOK_BACK = 30  # days the office's list of missed patrols covers


def missed(days, patrolled) -> list:
    """The days of ``days`` with no patrol record (``patrolled``: the days that have one)."""
    done = set(patrolled)
    return [d for d in days if d not in done]


def missed_days(today=None, back=LOOK_BACK) -> list:
    """The last ``back`` days before today with no patrol (today is not over yet)."""
    today = today or now().date()
    days = [today - timedelta(days=n) for n in range(back, 0, -1)]
    first = Patrol.select(Patrol.day).order_by(Patrol.day).first()
    if first is None:
        return []  # patrols not recorded here yet: nothing to call missed
    days = [d for d in days if d >= first.day]
    return missed(days, [p.day for p in Patrol.select(Patrol.day).where(Patrol.day >= days[0])] if days else [])


def positions(_record=None) -> list[tuple]:
    return [(p.id, f"{p.department.name}·{p.name}（{p.kind_label}）")
            for p in Position.select(Position, Department).join(Department).where(Position.active)
            .order_by(Department.sort_order, Position.id)]


def departments(_record=None):
    return [(d.id, d.name) for d in Department.select().where(Department.kind.in_(WORKING_KINDS) & Department.active)
            .order_by(Department.sort_order, Department.id)]


def people(_record=None):
    return [(u.id, f"{u.name}（{u.department.name}）") for u in User.select().where(User.active).order_by(User.id)]


PATROL_FIELDS = (
    Field("day", "巡查日期", "date", required=True, default=lambda r: now().date()),
    Field("checked", "已浏览的阵地", "choices", required=True, choices=positions, message="请勾选已浏览的阵地。"),
    Field("seen", "巡查情况", "textarea", 2000, required=True, rows=3,
          placeholder="如：官网留言板新增3条留言，均为咨询；微博评论区未见异常。"),
    Field("leads", "登记的线索", "textarea", 1000, rows=2, hint="发现需要受理的，登记为舆情事项后在此注明编号。"),
)
POSITION_FIELDS = (
    Field("department", "所属单位", "choice", required=True, choices=departments),
    Field("kind", "类型", "choice", required=True, choices=list(POSITION_KINDS.items()), default="website"),
    Field("name", "名称", "text", 60, required=True, placeholder="如：市能源局官网"),
    Field("url", "网址", "url", 500),
    Field("manager", "管理人", "choice", choices=lambda r: [("", "（未指定）"), *people()], default=""),
    Field("active", "在用", "bool", default=True),
)


def record_patrol(actor, form) -> Patrol:
    v = read(PATROL_FIELDS, form)
    if v["day"] > now().date():
        raise InputError("巡查日期不能晚于今天。")
    if Patrol.select().where(Patrol.day == v["day"]).exists():
        raise InputError(f"{v['day']:%Y-%m-%d}已有巡查记录。")
    with database.atomic():
        patrol = Patrol.create(day=v["day"], monitor=actor.id, seen=v["seen"], leads=v["leads"])
        PatrolPosition.insert_many([{"patrol": patrol.id, "position": p} for p in v["checked"]]).execute()
        audit.record("monitoring.patrol_recorded", f"记录{v['day']:%Y-%m-%d}日常巡查", actor=actor, obj=patrol)
    return patrol


def save_position(position, actor, form, version=None) -> Position:
    v = read(POSITION_FIELDS, form, record=position)
    v["manager"] = v["manager"] or None
    with database.atomic():
        if position is None:
            position = Position.create(**v)
            action = "monitoring.position_added"
        else:
            bump(position, version, **v)
            action = "monitoring.position_edited"
        audit.record(action, f"网络阵地：{position.name}（{position.kind_label}）", actor=actor, obj=position)
    return position


def designated():
    return users_with_roles(("monitor",))
