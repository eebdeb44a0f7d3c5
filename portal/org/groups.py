"""Working groups (领导小组, 工作小组, 联席会议) as administrators keep them: the rules of a
group's record and of its membership, and the changes, each audited and guarded by the group's
version so that two administrators at work on one group do not overwrite each other unseen.

The regulations name one 组长 and one 办公室主任 per group (制度 二、机构设置; 预案 二、组织保障;
细则 第七条), any number of 副组长 and 成员, and 成员单位 (联席会商 第二条: “联席会议成员由各科室及
二级单位组成”): a department joins a group only as 成员.
"""
import re

from portal import audit
from portal.db import database
from portal.process import bump
from portal.org.models import POSITIONS, Department, User, WorkingGroup, WorkingGroupMember

SINGLE_POSITIONS = ("leader", "office_director")  # one per group
DEPARTMENT_POSITIONS = ("member",)  # what a department may be in a group
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LIMITS = {"name": 80, "basis": 120, "duties": 2000}


class GroupError(Exception):
    """A change refused; ``problems`` says every reason, in Chinese."""

    def __init__(self, *problems: str):
        super().__init__("；".join(problems))
        self.problems = list(problems)


class StaleGroup(GroupError):
    def __init__(self):
        super().__init__("该工作小组刚被他人修改，页面已显示最新内容，请核对后重新操作。")


def group_problems(group: WorkingGroup | None, *, name: str, code: str, basis: str, duties: str) -> list[str]:
    """Every reason the group's fields cannot be saved (empty when they can)."""
    problems = []
    if not name:
        problems.append("请输入小组名称。")
    for label, field, value in (("小组名称", "name", name), ("设立依据", "basis", basis), ("职责", "duties", duties)):
        if len(value) > LIMITS[field]:
            problems.append(f"{label}不超过{LIMITS[field]}个字符。")
    if not CODE.match(code):
        problems.append("代码须以小写字母开头，只含小写字母、数字和下划线，不超过40个字符。")
    others = WorkingGroup.select().where(WorkingGroup.id != (group.id if group else 0))
    if name and others.where(WorkingGroup.name == name).exists():
        problems.append(f"已有名为“{name}”的工作小组。")
    if code and others.where(WorkingGroup.code == code).exists():
        problems.append(f"代码“{code}”已被其他工作小组使用。")
    return problems


def member_problems(group: WorkingGroup, position: str, *, user_id: int | None = None,
                    department_id: int | None = None, member: WorkingGroupMember | None = None) -> list[str]:
    """Why ``position`` cannot be held by the person or department in ``group`` (``member``: the
    row being changed, which does not count against itself)."""
    if position not in POSITIONS:
        return ["请选择职务。"]
    if bool(user_id) == bool(department_id):
        return ["请选择一位人员或一个部门（二者选一）。"]
    problems = []
    others = WorkingGroupMember.select().where(
        (WorkingGroupMember.group == group.id) & (WorkingGroupMember.id != (member.id if member else 0)))
    if user_id:
        person = User.get_or_none((User.id == user_id) & User.active)
        if person is None:
            return ["请选择在职的人员。"]
        if others.where(WorkingGroupMember.user == user_id).exists():
            problems.append(f"{person.name}已在本小组中，一人在一个小组只任一个职务。")
    else:
        unit = Department.get_or_none((Department.id == department_id) & Department.active)
        if unit is None:
            return ["请选择启用的部门。"]
        if position not in DEPARTMENT_POSITIONS:
            problems.append(f"部门只能作为成员单位加入，不能任{POSITIONS[position]}。")
        if others.where(WorkingGroupMember.department == department_id).exists():
            problems.append(f"{unit.name}已是本小组的成员单位。")
    if position in SINGLE_POSITIONS:
        holder = others.where(WorkingGroupMember.position == position).first()
        if holder is not None:
            problems.append(f"本小组已有{POSITIONS[position]}，一个小组只设一名；请先调整现任者的职务。")
    return problems


def positions_for(member: WorkingGroupMember) -> dict[str, str]:
    """The positions ``member`` may be moved to: any for a person, 成员 for a department."""
    return {code: label for code, label in POSITIONS.items() if member.user_id or code in DEPARTMENT_POSITIONS}


def save_group(group: WorkingGroup | None, *, version=None, name: str, code: str, basis: str, duties: str) -> WorkingGroup:
    """Create a group (``group`` None) or change its name, code, basis and duties."""
    problems = group_problems(group, name=name, code=code, basis=basis, duties=duties)
    if problems:
        raise GroupError(*problems)
    fields = {"name": name, "code": code, "basis": basis, "duties": duties}
    with database.atomic():
        if group is None:
            group = WorkingGroup.create(**fields)
            audit.record("group.created", f"新建工作小组 {name}", obj=group)
        else:
            bump(group, version, StaleGroup, **fields)
            audit.record("group.updated", f"修改工作小组 {name}", obj=group)
    return group


def _who(member_user_id, member_department_id) -> str:
    if member_user_id:
        return User.get_by_id(member_user_id).name
    return Department.get_by_id(member_department_id).name


def add_member(group: WorkingGroup, *, version, position: str, user_id=None, department_id=None) -> WorkingGroupMember:
    problems = member_problems(group, position, user_id=user_id, department_id=department_id)
    if problems:
        raise GroupError(*problems)
    with database.atomic():
        bump(group, version, StaleGroup)
        member = WorkingGroupMember.create(group=group, position=position, user=user_id or None,
                                           department=department_id or None)
        audit.record("group.member_added", f"{group.name}：{_who(user_id, department_id)}任{POSITIONS[position]}",
                     obj=group, position=position, user=user_id or None, department=department_id or None)
    return member


def change_position(group: WorkingGroup, member: WorkingGroupMember, *, version, position: str):
    problems = member_problems(group, position, user_id=member.user_id, department_id=member.department_id,
                               member=member)
    if problems:
        raise GroupError(*problems)
    with database.atomic():
        bump(group, version, StaleGroup)
        before = member.position
        WorkingGroupMember.update(position=position).where(WorkingGroupMember.id == member.id).execute()
        audit.record("group.member_changed",
                     f"{group.name}：{_who(member.user_id, member.department_id)}由{POSITIONS.get(before, before)}改任{POSITIONS[position]}",
                     obj=group, member=member.id, before=before, position=position)


def remove_member(group: WorkingGroup, member: WorkingGroupMember, *, version):
    with database.atomic():
        bump(group, version, StaleGroup)
        WorkingGroupMember.delete().where(WorkingGroupMember.id == member.id).execute()
        audit.record("group.member_removed",
                     f"{group.name}：{_who(member.user_id, member.department_id)}不再任{member.position_label}",
                     obj=group, member=member.id, position=member.position)


def delete_group(group: WorkingGroup, *, version):
    with database.atomic():
        bump(group, version, StaleGroup)
        WorkingGroupMember.delete().where(WorkingGroupMember.group == group.id).execute()
        WorkingGroup.delete().where(WorkingGroup.id == group.id).execute()
        audit.record("group.deleted", f"撤销工作小组 {group.name}", obj=group)
