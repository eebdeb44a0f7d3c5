"""Who answers for what in a year (第三—五条): the Party group's duties and each unit's. A year's
holders are kept as they were set, so last year's checklists name last year's people; a year
not yet set offers the previous year's holders, else what the organisation says (a unit's 分管领导
and its head)."""
from portal.plugin_api import WORKING_KINDS, Department, User, now

from plugins.accountability.models import Responsibility
from plugins.accountability.regulation import GROUP_DUTIES, UNIT_DUTIES

BRANCH = "party_branch"
PARTY_KINDS = (*WORKING_KINDS, BRANCH)

Key = tuple[str, int | None]  # (duty, department id or None for the Party group)


def units() -> list[Department]:
    """The branches and departments that answer for their own work (第五条), branches first."""
    rows = Department.select().where(Department.active & Department.kind.in_(PARTY_KINDS))
    return sorted(rows, key=lambda d: (d.kind != BRANCH, d.sort_order, d.id))


def keys(unit_list=None) -> list[Key]:
    unit_list = units() if unit_list is None else unit_list
    return [(duty, None) for duty in GROUP_DUTIES] + [
        (duty, d.id) for d in unit_list for duty in UNIT_DUTIES if not (duty == "oversight" and d.kind == BRANCH)]


def stored(year: int) -> dict[Key, int | None]:
    return {(duty, department_id): user_id for duty, department_id, user_id in Responsibility.select(
        Responsibility.duty, Responsibility.department, Responsibility.user).where(Responsibility.year == year).tuples()}


def from_organisation(unit_list) -> dict[Key, int | None]:
    heads = {}
    for user in User.select().where(User.active).order_by(User.id):
        if user.has_role("dept_head") and user.department_id not in heads:
            heads[user.department_id] = user.id
    found = {}
    for d in unit_list:
        found[("oversight", d.id)] = d.leader_in_charge_id
        found[("unit_head", d.id)] = heads.get(d.id)
    return found


def holders(year: int) -> tuple[dict[Key, int | None], bool]:
    """({key: user id}, whether the year was set): the year's, else a proposal to set."""
    rows = stored(year)
    if rows:
        return rows, True
    unit_list = units()
    previous = stored(year - 1)
    proposal = from_organisation(unit_list)
    proposal.update({k: v for k, v in previous.items() if v is not None})
    return {k: proposal.get(k) for k in keys(unit_list)}, False


def holder(year: int, duty: str, department_id: int | None) -> int | None:
    return holders(year)[0].get((duty, department_id))


def save(year: int, chosen: dict[Key, int | None]):
    """Write the year's holders (inside the caller's transaction)."""
    Responsibility.delete().where(Responsibility.year == year).execute()
    Responsibility.insert_many([{"year": year, "duty": duty, "department": dept, "user": user, "updated_at": now()}
                                for (duty, dept), user in chosen.items()]).execute()


def people() -> list[tuple[int, str]]:
    rows = (User.select(User, Department).join(Department, on=(User.department == Department.id))
            .where(User.active).order_by(Department.sort_order, User.id))
    return [(u.id, f"{u.name}（{u.department.name}）") for u in rows]


def names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    return {u.id: u.name for u in User.select(User.id, User.name).where(User.id.in_(ids))} if ids else {}

