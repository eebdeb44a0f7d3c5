"""Who may read a party's checklist, its items, findings and rectifications: the office, the
leaders and 机关纪委 read every party's (they inspect and hold to account, 第十条); anyone else
reads their own unit's, and what they answer for themselves (an item or rectification they own,
a unit they head or oversee that year)."""
from plugins.accountability import parties


def sees_all(user) -> bool:
    return user.can("accountability.oversee")


def may_read_unit(user, year: int, department_id: int | None, held=None) -> bool:
    """``held``: the year's holders (parties.holders), when the caller has them already."""
    if sees_all(user):
        return True
    if department_id is not None and user.department_id == department_id:
        return True
    held = held if held is not None else parties.holders(year)[0]
    duties = ("secretary", "direct") if department_id is None else ("unit_head", "oversight")
    return any(held.get((duty, department_id)) == user.id for duty in duties)


def may_read(user, record, held=None) -> bool:
    """An item or a rectification (both have ``year``, ``department_id`` and ``owner_id``)."""
    if not user.can("accountability.view"):
        return False
    return record.owner_id == user.id or may_read_unit(user, record.year, record.department_id, held)
